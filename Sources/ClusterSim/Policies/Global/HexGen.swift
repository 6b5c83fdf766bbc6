/// HexGen-Text2SQL's workload-balanced dispatcher for heterogeneous GPUs.
///
/// Peng et al., "HEXGEN-TEXT2SQL: Optimizing LLM Inference Request Scheduling for Agentic
/// Text-to-SQL Workflow" (arXiv 2505.05286), following its released simulator
/// (`WorkloadBalancePolicy.assign_requests` in `simulator/core/policies/routing/workload_balance.py` of
/// https://github.com/Relaxed-System-Lab/Hexgen-Flow). For each call, every instance i that serves the model gets
/// `score_i = α · T_ref / T_i − (1 − α) · W_i / W_ref`, and the call goes to the argmax; `T_i` is
/// the call's expected latency on instance i, `W_i` the instance's backlog, `ref` the reference
/// instance; when `W_ref = 0` the call goes to `ref`. α (`hexgen_alpha`, 0.2; the paper tunes it
/// over {0, 0.1, …, 0.5} by simulation) trades the fastest GPU against the shortest backlog.
/// Its per-stage deadlines are given to every workflow call when the stage is released
/// (`Simulation+Workflows.swift`), and its local urgency queue is the `urgency` local policy.
///
/// Modelled as the research brief recommends: `W_i` is the estimated work of the requests on the
/// instance and decreases when they complete (the released code only ever adds to it); the
/// per-GPU-type 0.5 weight of the released code is left out (weight 1).
/// Simplified: `T_i` comes from the cost model (prefill of the call's prompt and its predicted
/// output at batch 1), not from a profiled table; `ref` is the fastest instance for the call (the
/// released code takes the first A100 engine, the fastest type in its clusters).
public struct HexGen: GlobalPolicyRules {
    public static let alphaParameter = PolicyParameter.number(
        "hexgen_alpha", default: 0.2, in: 0...1,
        help: "weight of GPU speed against backlog (0: balance only, 1: fastest only)")
    public static let declaration = PolicyDeclaration(
        id: "hexgen", scope: .global,
        summary:
            "workload-balanced dispatch for heterogeneous GPUs: alpha x relative speed - (1 - alpha) x relative backlog",
        source: "HexGen-Text2SQL (Peng et al., arXiv 2505.05286), Hexgen-Flow WorkloadBalancePolicy",
        parameters: [alphaParameter])

    public var alpha: Double

    public init(params: PolicyParams = PolicyParams()) throws {
        alpha = try params.number(HexGen.alphaParameter)
    }

    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        index.refresh(instances: instances, requests: requests)
        // Instances with one cost model have one T_i: per cost class, the reference candidate is
        // its lowest accepting instance and the best score is at its smallest backlog.
        var classes: [(tree: ArgMinTree, t: Double)] = []
        var ref: Int32 = -1
        var tRef = Double.infinity
        for c in index.costClasses.indices {
            let tree = index.tree(.backlog(model: model, costClass: c), instances: instances, requests: requests)
            guard let first = tree.firstPosition(where: { $0 < .infinity }) else { continue }
            let t = instances[Int(first)].estimatedSeconds(prompt: r.promptTokens, output: r.predictedOutput)
            classes.append((tree, t))
            if t < tRef || (t == tRef && first < ref) {
                ref = first
                tRef = t
            }
        }
        guard ref >= 0 else { return nil }
        let wRef = instances[Int(ref)].backlog
        if wRef <= 0 { return ref }
        var best = ref
        var bestScore = -Double.infinity
        for (tree, t) in classes {
            func score(_ backlog: Double) -> Double { alpha * tRef / t - (1 - alpha) * backlog / wRef }
            guard let least = tree.winner else { continue }
            let top = score(tree.keys[Int(least)])
            // The score falls as the backlog grows, so the instances reaching `top` are those
            // with the smallest backlogs: the first of them in id order is the scan's choice.
            guard let first = tree.firstPosition(where: { $0 < .infinity && score($0) >= top }) else { continue }
            if top > bestScore || (top == bestScore && first < best) {
                best = first
                bestScore = top
            }
        }
        return best
    }

    /// The plain scan `dispatch` answers with the index (what the index is checked against).
    func dispatch(_ r: Request, model: String?, instances: [Instance]) -> Int32? {
        var ref = -1
        var tRef = Double.infinity
        for i in instances.indices where instances.accepts(i, model: model) {
            let t = instances[i].estimatedSeconds(prompt: r.promptTokens, output: r.predictedOutput)
            if t < tRef {
                ref = i
                tRef = t
            }
        }
        guard ref >= 0 else { return nil }
        let wRef = instances[ref].backlog
        if wRef <= 0 { return Int32(ref) }
        var best = ref
        var bestScore = -Double.infinity
        for i in instances.indices where instances.accepts(i, model: model) {
            let t = instances[i].estimatedSeconds(prompt: r.promptTokens, output: r.predictedOutput)
            let score = alpha * tRef / t - (1 - alpha) * instances[i].backlog / wRef
            if score > bestScore {
                best = i
                bestScore = score
            }
        }
        return Int32(best)
    }
}

extension Instance {
    /// Seconds a request of `prompt` tokens and `output` output tokens takes alone on this
    /// instance: its prefill, then one decode step per output token at its mid-output context.
    public func estimatedSeconds(prompt: Int32, output: Int32) -> Double {
        var prefill = BatchShape()
        prefill.addPrefill(tokens: Int(prompt), cached: 0)
        var decode = BatchShape()
        decode.addDecode(context: Int(prompt) + Int(output) / 2)
        return cost.seconds(prefill) + Double(max(0, output - 1)) * cost.seconds(decode)
    }
}
