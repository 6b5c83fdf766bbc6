/// Cache-aware routing: each request goes to the instance where the prefill it would still need,
/// weighed against the work already there, costs least.
///
/// Follows NVIDIA Dynamo's KV router (`docs/router`, `--router-mode kv`): for each worker,
/// cost = `kv_overlap_score_weight` x prefill blocks (the request's blocks not already cached
/// there) + active blocks (the KV its requests hold), and the lowest cost wins (temperature 0,
/// Dynamo's default: no sampling). Blocks held in the instance's CPU tier count as cached with
/// weight `cpu_hit_weight`, as llm-d's precise prefix-cache scorer does when its KV-block index
/// (fed by vLLM's KV events, which name the medium of each block) scores a pod's longest run of
/// leading blocks with a weight per tier, GPU above CPU. The run is read from the engine's own
/// prefix cache (`PrefixCache`) and CPU-tier index (`KVTiers`), so the router sees exactly what
/// the instances hold, as a KV-event-fed index does.
///
/// Active blocks are the blocks in use (`KVCache.usedBlocks`) plus the prompt blocks still to
/// compute of requests waiting there (`Instance.waitingTokens`), so a burst does not pile on one
/// instance before its KV is allocated. Ties go to fewer outstanding requests, then the lower id.
///
/// Simplified: Dynamo tracks its own view of active sequences and may lag the engines; here the
/// router reads them at the instant of dispatch. A run is read for at most `matchLimit` blocks.
public struct CacheAware: GlobalPolicyRules {
    public static let overlapWeightParameter = PolicyParameter.number(
        "overlap_weight", default: 1, in: 0...1000,
        help: "weight of the prefill blocks left to compute against active blocks (0: load only)")
    public static let cpuHitWeightParameter = PolicyParameter.number(
        "cpu_hit_weight", default: 0.8, in: 0...1,
        help: "how much a block in an instance's CPU tier counts as cached there (1: as a GPU block)")
    public static let declaration = PolicyDeclaration(
        id: "cache-aware", scope: .global,
        summary: "least overlap_weight x uncached prefill blocks + active blocks, prefix blocks in GPU or CPU tier",
        source: "NVIDIA Dynamo KV router cost; llm-d precise prefix-cache scorer (tier weights)",
        parameters: [overlapWeightParameter, cpuHitWeightParameter])

    public var overlapWeight: Double
    public var cpuHitWeight: Double

    public init(params: PolicyParams = PolicyParams()) throws {
        overlapWeight = try params.number(CacheAware.overlapWeightParameter)
        cpuHitWeight = try params.number(CacheAware.cpuHitWeightParameter)
    }

    /// Leading blocks read per instance when measuring a cached run (32k tokens).
    static let matchLimit: Int32 = 2048

    /// Scores every accepting instance (each holds its own prefix blocks, so there is no load
    /// order to index); `index` is not used.
    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        let blocks = Double(KVCache.blocksFor(tokens: r.promptTokens))
        let limit = min(hasher.shareableBlocks(r), CacheAware.matchLimit)
        var best: Int32? = nil
        var bestCost = Double.infinity
        var bestLoad = Int.max
        for i in instances.indices where instances.accepts(i, model: model) {
            let active =
                Double(instances[i].kv.usedBlocks) + Double(instances[i].waitingTokens) / Double(KVCache.blockTokens)
            // No run can make this instance cheaper than the best so far: skip reading it.
            let floor = overlapWeight * max(0, blocks - Double(limit)) + active
            if floor > bestCost { continue }
            let cached = run(r, limit: limit, on: instances[i].kv, hasher: hasher)
            let cost = overlapWeight * max(0, blocks - cached) + active
            let load = instances[i].outstanding
            if cost < bestCost || (cost == bestCost && load < bestLoad) {
                best = Int32(i)
                bestCost = cost
                bestLoad = load
            }
        }
        return best
    }

    /// The weighted length of `r`'s run of leading blocks that `inst` holds: GPU blocks first, then
    /// blocks in its CPU tier, each of those counting `cpuHitWeight`.
    func run(_ r: Request, limit: Int32, on kv: KVCache, hasher: PrefixHasher) -> Double {
        let gpu = hasher.leadingRun(of: r, limit: limit) { kv.prefix.lookup($0) != nil }
        guard let cpu = kv.tiers?.cpu.blocks, cpuHitWeight > 0 else { return Double(gpu) }
        let lower = hasher.leadingRun(of: r, from: gpu, limit: limit) { cpu.contains($0) }
        return Double(gpu) + cpuHitWeight * Double(lower)
    }
}
