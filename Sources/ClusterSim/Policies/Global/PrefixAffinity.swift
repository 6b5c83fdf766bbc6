/// Prefix-affinity routing: requests that share a prefix go to the instance that holds it.
///
/// BatchLLM's grouping idea mapped online (Zheng et al., https://arxiv.org/abs/2412.03594,
/// "global prefix sharing"): requests sharing a prefix are scheduled where its KV cache
/// is, so it is reused instead of recomputed and held once. A request goes to the instance whose
/// prefix cache holds the longest run of its leading blocks (ties: fewer requests); when none holds
/// any (no prefix caching, or the prefix is new), to the prefix's home instance, chosen by
/// rendezvous hashing of its first block, so later requests of the group follow it. An instance is
/// a candidate only while it has at most `affinity_slack` (8) more requests than the least loaded
/// one; a request without a shareable prefix goes to the least loaded (least-outstanding).
///
/// Simplified: BatchLLM builds a prefix tree over a whole offline batch and schedules each group
/// together with its shared KV pinned; online we only route, and the instance's own prefix cache
/// (vllm-v1) keeps the shared blocks under LRU.
public struct PrefixAffinity: GlobalPolicyRules {
    public static let slackParameter = PolicyParameter.integer(
        "affinity_slack", default: 8, in: 0...1_000_000,
        help: "extra requests a prefix's instance may have over the least loaded")
    public static let declaration = PolicyDeclaration(
        id: "prefix-affinity", scope: .global,
        summary:
            "requests sharing a prefix go to the instance holding it (else the prefix's home), within a load slack",
        source: "BatchLLM (Zheng et al., arXiv 2412.03594) prefix grouping, online",
        parameters: [slackParameter])

    public var slack: Int

    public init(params: PolicyParams = PolicyParams()) throws {
        slack = try params.integer(PrefixAffinity.slackParameter)
    }

    /// Leading blocks considered when measuring a cached run.
    static let runLimit: Int32 = 256

    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        let least = index.winner(.outstanding(model: model), instances: instances, requests: requests)
        return dispatch(r, model: model, instances: instances, hasher: hasher, least: least)
    }

    /// `dispatch` with the least loaded instance found by a plain scan (what the index is checked against).
    func dispatch(_ r: Request, model: String?, instances: [Instance], hasher: PrefixHasher) -> Int32? {
        var least: Int32? = nil
        var leastLoad = Int.max
        for i in instances.indices where instances.accepts(i, model: model) && instances[i].outstanding < leastLoad {
            least = Int32(i)
            leastLoad = instances[i].outstanding
        }
        return dispatch(r, model: model, instances: instances, hasher: hasher, least: least)
    }

    /// The choice once the least loaded accepting instance `least` is known: a request sharing a
    /// prefix looks at every instance within the slack (cached run, rendezvous home).
    func dispatch(_ r: Request, model: String?, instances: [Instance], hasher: PrefixHasher, least: Int32?) -> Int32? {
        guard let least, let first = hasher.hash(r, block: 0) else { return least }
        let leastLoad = instances[Int(least)].outstanding
        let limit = min(hasher.shareableBlocks(r), PrefixAffinity.runLimit)
        var best: Int32? = nil
        var bestRun: Int32 = 0
        var home: Int32 = least
        var homeScore: UInt64 = 0
        for i in instances.indices
        where instances.accepts(i, model: model) && instances[i].outstanding <= leastLoad + slack {
            let inst = instances[i]
            let run = hasher.leadingRun(of: r, limit: limit) { inst.kv.prefix.lookup($0) != nil }
            if run > bestRun || (run == bestRun && run > 0 && inst.outstanding < instances[Int(best!)].outstanding) {
                best = Int32(i)
                bestRun = run
            }
            let score = mixHash(first, UInt64(i))
            if score >= homeScore {
                home = Int32(i)
                homeScore = score
            }
        }
        return best ?? home
    }
}
