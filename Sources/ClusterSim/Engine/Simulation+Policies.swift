/// The engine's side of the scheduling policies: what every request carries for them (deadline,
/// predicted output), the bookkeeping global policies read (backlog, high-priority counts), and the
/// periodic work of policies that act on their own (`GlobalPolicyRules.tick`) as `tick` events,
/// whose `PolicyAction`s the engine carries out. No code here names a policy.
///
/// Periodic work runs as one chain of `tick` events per policy: each tick schedules the next one
/// period later, with the chain's generation, so a policy switch starts a new chain and the old one
/// dies at its next tick. A chain stops once arrivals have ended and no request is left, so
/// `runToEnd()` terminates. Migration stage ends are `tick` events too, whose target is the
/// migration's number (non-negative); the policy chain uses target −1.
struct PolicyRuntime: Sendable {
    var tickGeneration: UInt32 = 0
    var nextMigrationNumber: Int32 = 0
    /// Log-space σ of the output-length predictor (`prediction_error`).
    var predictionError: Double = 0.5
    static let policyTick: Int32 = -1
}

extension Simulation {
    /// Sets up workflows and the policy's periodic work; called once at the end of `init`.
    mutating func startPolicyWork() {
        let predictionError = QueueOrder.predictionErrorParameter
        policyRuntime.predictionError =
            (try? scenario.policy.params.number(predictionError)) ?? predictionError.defaultValue
        prepareWorkflows()
        restartPolicyTicks()
    }

    // MARK: - What requests carry

    /// Fills in what policies read of a new request: a predicted output length (noisy, from a
    /// draw keyed by the request's identity so every policy sees the same prediction) and a
    /// deadline, unless it already has one (a workflow call's stage deadline).
    ///
    /// The deadline is its tenant's TTFT objective plus its TPOT objective per further token of
    /// the *predicted* output: a scheduler knows the prompt but not how long the answer will be,
    /// so EDD, MDD and urgency see the same estimate SRPT does (docs/policies.md: `d_j`
    /// from the SLO, `Ô` from a predictor). Lateness is still judged on the true output
    /// (`objectiveDeadline`).
    mutating func annotate(_ r: inout Request, key: UInt64) {
        r.predictedOutput = predictOutput(r.outputTokens, key: key)
        if r.deadline < 0 { r.deadline = sloDeadline(r, outputTokens: r.predictedOutput) }
    }

    /// Arrival plus the tenant's TTFT objective plus its TPOT objective per token after the
    /// first: the latest finish of `outputTokens` tokens that meets both objectives.
    func sloDeadline(_ r: Request, outputTokens: Int32) -> SimTime {
        let slo = scenario.tenants[Int(r.tenant)].slo
        return r.arrival + Time.milliseconds(slo.ttftMs + slo.tpotMs * Double(max(0, outputTokens - 1)))
    }

    /// The deadline a finished request is judged by: a workflow call's stage deadline, else the
    /// SLO deadline of the output it really produced (not the predicted one schedulers read).
    func objectiveDeadline(_ r: Request) -> SimTime {
        r.workflow >= 0 || r.deadline < 0 ? r.deadline : sloDeadline(r, outputTokens: r.outputTokens)
    }

    /// `output` times a log-normal error of σ = `prediction_error` (median-unbiased), at least 1.
    func predictOutput(_ output: Int32, key: UInt64) -> Int32 {
        let sigma = policyRuntime.predictionError
        guard sigma > 0 else { return output }
        let a = mixHash(scenario.seed ^ 0x0BAD_5EED, key)
        let u1 = (Double(a >> 11) + 1) * 0x1.0p-53
        let u2 = Double(mixHash(a, 0x2) >> 11) * 0x1.0p-53
        let z = (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
        let predicted = (Double(output) * _exp(sigma * z)).rounded()
        return Int32(max(1, min(predicted, 4_194_304)))
    }

    /// The identity key of the next request of stream `s` (its arrival count in the stream).
    func requestKey(stream s: Int) -> UInt64 {
        mixHash(UInt64(s) &+ 1, UInt64(streams[s].arrived))
    }

    // MARK: - Bookkeeping

    /// Request `id` was just queued on instance `i`.
    mutating func noteDispatched(_ id: Int32, on i: Int32) {
        let r = requests[id]
        let estimate = instances[Int(i)].estimatedSeconds(prompt: r.promptTokens, output: r.predictedOutput)
        requests[id].workEstimate = Float(estimate)
        instances[Int(i)].backlog += estimate
        guard r.priority == .high else { return }
        instances[Int(i)].highPriority += 1
        if globalPolicy.queuesHighPriorityFirst {
            var waiting = instances[Int(i)].waiting
            instances[Int(i)].waiting.removeAll()
            _ = waiting.popLast()
            let position = waiting.firstIndex { requests[$0].priority != .high } ?? waiting.count
            waiting.insert(id, at: position)
            instances[Int(i)].waiting = waiting
        }
    }

    /// Request `id` leaves instance `i` (completed, or migrated away).
    mutating func noteLeft(_ id: Int32, from i: Int32) {
        let r = requests[id]
        instances[Int(i)].backlog = max(0, instances[Int(i)].backlog - Double(r.workEstimate))
        if r.priority == .high { instances[Int(i)].highPriority -= 1 }
    }

    /// Request `id` completed (called before its slot is freed).
    mutating func noteCompletion(_ id: Int32) {
        let r = requests[id]
        if r.instance >= 0 { noteLeft(id, from: r.instance) }
        let deadline = objectiveDeadline(r)
        if deadline >= 0 {
            policyMetrics.deadlined += 1
            if now > deadline {
                policyMetrics.late += 1
                policyMetrics.tardiness += now - deadline
            }
        }
        if r.workflow >= 0 { workflowCallFinished(r.workflow, ok: true) }
    }

    /// Request `id` was rejected (called before its slot is freed).
    mutating func noteRejection(_ id: Int32) {
        let r = requests[id]
        if r.workflow >= 0 { workflowCallFinished(r.workflow, ok: false) }
    }

    /// Instance `i` is about to fail: its migrations abort and its bookkeeping empties.
    mutating func noteFailure(_ i: Int32) {
        abortMigrations(involving: i)
        dropHandoffs(from: i)
        instances[Int(i)].backlog = 0
        instances[Int(i)].highPriority = 0
        // Its KV cache is lost, shared prefix blocks included.
        for id in instances[Int(i)].running {
            requests[id].prefixBlocks = 0
            requests[id].prefixEntry = -1
            requests[id].prefixSealed = false
        }
    }

    // MARK: - Periodic work

    /// Starts the current global policy's chain of ticks (ending any older chain).
    mutating func restartPolicyTicks() {
        policyRuntime.tickGeneration &+= 1
        loadIndex.reset()
        globalPolicy.start(at: now)
        guard let period = globalPolicy.tickPeriod else { return }
        queue.push(at: now + period, .tick, target: PolicyRuntime.policyTick, generation: policyRuntime.tickGeneration)
    }

    mutating func handleTick(_ target: Int32, generation: UInt32) {
        if target >= 0 {
            migrationStageEnded(target)
            return
        }
        guard generation == policyRuntime.tickGeneration, let period = globalPolicy.tickPeriod else { return }
        // Nothing left to act on: let the run end.
        if now >= arrivalEnd && requests.liveCount == 0 && unassigned.isEmpty { return }
        // The policy acts on `self` through `perform`; it is taken out while it does (an action
        // must not change `globalPolicy`, which the copy would overwrite).
        var policy = globalPolicy
        policy.tick(&self)
        globalPolicy = policy
        queue.push(at: now + period, .tick, target: PolicyRuntime.policyTick, generation: generation)
    }
}

// MARK: - Policy actions

extension Simulation {
    /// The global policy named in force ("auto" under the global `auto`), for reports and views.
    public var globalPolicyName: String { globalPolicyID.rawValue }

    /// The local policy in force by its canonical id (`mdd` for `vllm-v1+mdd`), or "auto" under
    /// the local `auto`, whatever it has chosen.
    public var localPolicyName: String { localPolicyID.isAuto ? localPolicyID.rawValue : localPolicy.id }
}

extension Simulation: PolicyContext {
    var addableInstanceBlocks: Int32? {
        guard let group = scenario.cluster.first else { return nil }
        return KVCache.capacity(gpu: group.gpuSpec, model: group.modelSpec, tensorParallel: group.tensorParallel) ?? 1
    }

    var tenantTTFTObjectives: [Double] { scenario.tenants.map(\.slo.ttftMs) }

    /// Forks that run each candidate as a fixed policy (the fork's own policy is replaced, so an
    /// `auto` policy asking never recurses), one after another, deterministically.
    mutating func forecast(_ candidates: [(GlobalPolicy, LocalPolicy?)], horizon: SimTime) -> [HorizonFigures] {
        candidates.map { global, local in
            var f = fork(global: global, local: local)
            return f.runHorizon(horizon)!
        }
    }

    /// Carries out what a global policy's periodic work asked for.
    mutating func perform(_ action: PolicyAction) {
        switch action {
        case .migrate(let id, let source, let destination, let lastStageBlocks, let maxStages):
            // Between instances that decode (disaggregated serving: not into a prefill instance).
            guard instances[Int(destination)].takesDecodes, instances[Int(source)].role != .prefill else { return }
            startMigration(id, from: source, to: destination, lastStageBlocks: lastStageBlocks, maxStages: maxStages)
        case .scaleOut(let count, let freeness, let threshold):
            guard let group = scenario.cluster.first else { return }
            note(.scaleOut(freeness: freeness, threshold: threshold, count: count))
            for _ in 0..<count {
                execute(.add(gpu: group.gpu, model: group.model, tensorParallel: group.tensorParallel))
            }
        case .scaleIn(let victim, let freeness, let threshold):
            note(.scaleIn(freeness: freeness, threshold: threshold, instance: victim))
            execute(.drain(instance: victim))
        case .setLocalPolicy(let policy):
            guard policy != localPolicy else { return }
            switchLocalPolicy(to: policy)
            if let id = LocalPolicyID(policy.id) { note(.localPolicySwitched(id)) }
        }
    }
}
