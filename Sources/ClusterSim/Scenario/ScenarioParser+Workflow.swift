extension ScenarioParser {
    /// A workflow stream: `workflow: text2sql`, its arrival process (user queries), and its
    /// deadline as `slo_scale` (times the standard workflow's expected latency on the cluster,
    /// default 5) or `deadline_s`. Every model it may run on must hold the longest call.
    static func workflowStream(
        _ v: YAMLValue, tenants: [TenantSpec], cluster: [InstanceGroup], models: [ModelSpec] = []
    ) throws -> StreamSpec {
        let m = try v.mapping(allowed: [
            "tenant", "model", "workflow", "arrival", "slo_scale", "deadline_s", "acceptance_rate",
        ])
        let tenant = try m.required("tenant").string(oneOf: tenants.map(\.name))
        var model: String? = nil
        if let mv = m["model"] {
            model = try mv.string(oneOf: Array(Set(cluster.map(\.model))).sorted())
        }
        let kindValue = try m.required("workflow")
        let kind = try kindValue.choice(WorkflowKind.self)
        let needed = WorkflowSpec.maxCallTokens
        for group in cluster where model == nil || group.model == model {
            let spec = group.modelSpec
            let context = group.engine.maxModelLen ?? spec.maxContext
            if context < needed {
                throw kindValue.error(
                    "\(kind.rawValue) calls need up to \(needed) tokens of context, but \(group.model) has \(context); name a model with a longer context (model: …) or serve one"
                )
            }
        }
        var spec = WorkflowSpec(kind: kind)
        if let scale = m["slo_scale"] {
            spec.sloScale = try scale.number("a positive SLO scale", in: 0...1000, openLow: true)
        }
        if let d = m["deadline_s"] {
            if m["slo_scale"] != nil { throw d.error("give slo_scale or deadline_s, not both") }
            spec.deadlineSeconds = try d.number(
                "a positive number of seconds", in: 0...Limits.maxDurationSeconds, openLow: true)
        }
        let arrival = try arrivalProcess(try m.required("arrival"))
        var stream = StreamSpec(
            tenant: tenant, model: model, arrival: arrival, input: .fixed(value: 1), output: .fixed(value: 1))
        stream.workflow = spec
        stream.acceptanceRate = try acceptanceRate(m["acceptance_rate"])
        return stream
    }
}
