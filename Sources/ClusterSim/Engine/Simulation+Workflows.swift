/// Agentic workflows in the engine: a workflow stream's arrival starts a workflow, whose steps of
/// LLM calls are released one after the other (`Workflow.swift`; docs/policies.md, hexgen).
///
/// A step's calls are requests like any other (dispatched by the global policy, batched by the
/// local one, counted in the request metrics under the stream's tenant), each with HexGen's stage
/// deadline (https://arxiv.org/abs/2505.05286): when a step is released at time t, the time left
/// to the workflow's deadline is
/// split over the remaining steps in proportion to their expected latency,
/// `D_s = t + (D − t) · T̄(s) / (T̄(s) + Σ T̄(later steps))`. The step after is released when all of a
/// step's calls have completed; the workflow completes with its last call.
///
/// Simplified: the remaining steps are the workflow's own (the simulator knows how many revisions
/// it will make; HexGen assumes a standard template); a rejected call (a prompt longer than the
/// model's context) fails its workflow, which releases nothing more.
extension Simulation {
    /// Expected stage latencies of each workflow stream on the cluster as built.
    mutating func prepareWorkflows() {
        guard scenario.workload.contains(where: { $0.workflow != nil }) else { return }
        workflows.stageSeconds = scenario.workload.indices.map { s -> [Double] in
            guard scenario.workload[s].workflow != nil else { return [] }
            let model = scenario.workload[s].model
            // One instance per distinct type (GPU, model, tp) that serves the stream.
            var types: [Instance] = []
            for inst in instances where inst.accepts(model: model) {
                if !types.contains(where: {
                    $0.gpu.id == inst.gpu.id && $0.model.id == inst.model.id && $0.tensorParallel == inst.tensorParallel
                }) {
                    types.append(inst)
                }
            }
            return Text2SQLStage.allCases.map { stage in
                guard !types.isEmpty else { return 1 }
                let prompt = (stage.prompt.lowerBound + stage.prompt.upperBound) / 2
                let output = (stage.output.lowerBound + stage.output.upperBound) / 2
                return types.reduce(0.0) { $0 + $1.estimatedSeconds(prompt: prompt, output: output) }
                    / Double(types.count)
            }
        }
    }

    /// A workflow stream's arrival: a new workflow releases its first step (`handleArrival` then
    /// schedules the stream's next arrival).
    mutating func startWorkflow(stream s: Int32) {
        let si = Int(s)
        guard let spec = scenario.workload[si].workflow else { return }
        let serial = workflows.nextSerial
        workflows.nextSerial += 1
        var random = RandomStream(seed: scenario.seed, label: "workflow", index: Int(serial))
        let plan = Text2SQLPlan(revisions: Int32(random.next() % 10), evaluations: 4 + Int32(random.next() % 3))
        let budget = spec.deadlineSeconds ?? spec.sloScale * workflows.baseSeconds(stream: si)
        let workflow = Workflow(
            serial: serial, stream: Int16(s), tenant: streams[si].tenant, arrival: now,
            deadline: now + Time.seconds(budget),
            plan: plan, random: random)
        let w = workflows.table.insert(workflow)
        policyMetrics.workflowsArrived += 1
        releaseStep(w, 0)
    }

    /// Releases the calls of step `k` of workflow `w`.
    mutating func releaseStep(_ w: Int32, _ k: Int32) {
        let workflow = workflows.table[w]
        let s = Int(workflow.stream)
        let (stage, calls) = workflow.plan.step(k)
        let mine = workflows.stageSeconds[s][Int(stage.rawValue)]
        let later = workflows.remainingSeconds(stream: s, plan: workflow.plan, from: k + 1)
        let share = mine + later > 0 ? mine / (mine + later) : 1
        let stageDeadline = now + SimTime((Double(workflow.deadline - now) * share).rounded())
        workflows.table[w].step = k
        workflows.table[w].outstanding = calls
        for _ in 0..<calls {
            let prompt = Simulation.draw(stage.prompt, &workflows.table[w].random)
            let output = Simulation.draw(stage.output, &workflows.table[w].random)
            var request = newRequest(stream: Int32(workflow.stream), prompt: prompt, output: output)
            request.workflow = w
            request.stage = stage.rawValue
            request.deadline = stageDeadline
            let call = workflows.table[w].calls
            workflows.table[w].calls += 1
            arrive(request, key: mixHash(UInt64(bitPattern: workflow.serial) ^ 0xF10F, UInt64(call)))
        }
    }

    static func draw(_ range: ClosedRange<Int32>, _ random: inout RandomStream) -> Int32 {
        range.lowerBound + Int32(random.next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// A call of workflow `w` completed (`ok`) or was rejected.
    mutating func workflowCallFinished(_ w: Int32, ok: Bool) {
        guard workflows.table.isLive(w) else { return }
        if !ok { workflows.table[w].failed = true }
        workflows.table[w].outstanding -= 1
        guard workflows.table[w].outstanding == 0 else { return }
        let workflow = workflows.table[w]
        if workflow.failed {
            policyMetrics.workflowsFailed += 1
            workflows.table.remove(w)
        } else if workflow.step + 1 < workflow.plan.stepCount {
            releaseStep(w, workflow.step + 1)
        } else {
            policyMetrics.workflowsCompleted += 1
            policyMetrics.workflowE2E.record(now - workflow.arrival)
            if now <= workflow.deadline { policyMetrics.workflowsMet += 1 }
            workflows.table.remove(w)
        }
    }
}
