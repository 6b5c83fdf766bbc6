/// INFaaS++, Llumnix's baseline: load-aware dispatch to the freest instance and load-based
/// autoscaling, without migration.
///
/// As described in the Llumnix paper's evaluation (https://arxiv.org/abs/2406.03243): the same freeness
/// metric as Llumnix (`Freeness`, priority headroom included) and the same autoscaling rule
/// (`Autoscaling`, off unless `max_instances` is set); requests stay where they were dispatched.
public struct Infaas: GlobalPolicyRules {
    public static let declaration = PolicyDeclaration(
        id: "infaas", scope: .global,
        summary: "each request to the freest instance (Llumnix's freeness), load-based autoscaling, no migration",
        source: "INFaaS++, the baseline of Llumnix (Sun et al., OSDI'24)",
        parameters: Freeness.parameters + Autoscaling.parameters)

    public var load: Freeness
    public var scaling: Autoscaling

    public init(params: PolicyParams = PolicyParams()) throws {
        load = try Freeness(params: params)
        scaling = try Autoscaling(params: params)
    }

    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        load.freestInstance(for: r, model: model, instances: instances, requests: requests, index: &index)
    }

    var tickPeriod: SimTime? { scaling.enabled ? scaling.interval : nil }

    mutating func start(at now: SimTime) { scaling.start(at: now) }

    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster) {
        scaling.tick(&cluster, load: load)
    }
}
