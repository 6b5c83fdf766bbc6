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

    /// The winner without scoring every instance: the least active accepting instance (`LoadIndex`,
    /// key `.active`), and for a request with a shareable prefix only the instances that can still
    /// beat the best found so far. Same choice as the plain scan, ties included.
    ///
    /// A request without a shareable run (or with `overlap_weight` 0, or while no instance holds
    /// any prefix block) costs the same prefill on every instance, so the least active wins, ties
    /// to fewer outstanding then the lower id: exactly the index's order, in O(log n). Otherwise
    /// an instance costs at least its floor, its active blocks plus the prefill left after the
    /// longest possible run, which grows with its active blocks: the walk goes down the index's
    /// tree less loaded subtrees first and skips every subtree whose least loaded instance's
    /// floor is above the best cost found. The instances read are then about those less loaded
    /// than the best holder of the prefix; when loads are close together and few instances hold
    /// the prefix, that can still be many of them.
    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        let tree = index.tree(.active(model: model), instances: instances, requests: requests)
        guard let least = tree.winner else { return nil }
        let limit = min(hasher.shareableBlocks(r), CacheAware.matchLimit)
        if limit == 0 || overlapWeight == 0
            || index.winner(.holdsPrefixBlocks, instances: instances, requests: requests) == nil
        {
            return least
        }
        let blocks = Double(KVCache.blocksFor(tokens: r.promptTokens))
        // An instance's floor (its cost with the longest run) from its key, as `consider` computes
        // it (the key is its active blocks x 16, exactly).
        let base = overlapWeight * max(0, blocks - Double(limit))
        var best = Best()
        tree.forEachSmallestFirst(
            while: { base + $0 / Double(KVCache.blockTokens) <= best.cost },
            do: { consider($0, r, blocks: blocks, limit: limit, instances: instances, hasher: hasher, best: &best) })
        return best.instance
    }

    /// Scores every accepting instance: what `dispatch` answers with the index (what the index is
    /// checked against).
    func dispatch(_ r: Request, model: String?, instances: [Instance], hasher: PrefixHasher) -> Int32? {
        let blocks = Double(KVCache.blocksFor(tokens: r.promptTokens))
        let limit = min(hasher.shareableBlocks(r), CacheAware.matchLimit)
        var best = Best()
        for i in instances.indices where instances.accepts(i, model: model) {
            consider(i, r, blocks: blocks, limit: limit, instances: instances, hasher: hasher, best: &best)
        }
        return best.instance
    }

    /// The cheapest instance so far: lowest cost, then fewer outstanding, then the lower id.
    struct Best {
        var instance: Int32? = nil
        var cost = Double.infinity
        var load = Int.max
    }

    /// Scores instance `i` for `r` (of `blocks` prompt blocks, runs read up to `limit`) and keeps
    /// it in `best` if it beats it.
    @inline(__always)
    func consider(
        _ i: Int, _ r: Request, blocks: Double, limit: Int32, instances: [Instance], hasher: PrefixHasher,
        best: inout Best
    ) {
        let active = active(instances, i)
        // No run can make this instance cheaper than the best so far: skip reading it.
        let floor = overlapWeight * max(0, blocks - Double(limit)) + active
        if floor > best.cost { return }
        let cached = run(r, limit: limit, on: instances[i].kv, hasher: hasher)
        let cost = overlapWeight * max(0, blocks - cached) + active
        let load = instances[i].outstanding
        if cost < best.cost
            || (cost == best.cost && (load < best.load || (load == best.load && Int32(i) < best.instance!)))
        {
            best = Best(instance: Int32(i), cost: cost, load: load)
        }
    }

    /// Instance `i`'s active blocks: blocks in use plus the prompt blocks its waiting requests
    /// still need (fractional).
    @inline(__always)
    func active(_ instances: [Instance], _ i: Int) -> Double {
        Double(instances[i].kv.usedBlocks) + Double(instances[i].waitingTokens) / Double(KVCache.blockTokens)
    }

    /// `active` in sixteenths of a block (blocks in use x 16 + waiting tokens), an integer and so
    /// exact: it orders instances as `active` does, which is exact too (a multiple of 1/16 far
    /// below 2^48), and as every cost of one request does (the same prefill plus `active`).
    static func activeSixteenths(_ instances: [Instance], _ i: Int) -> Double {
        Double(Int64(instances[i].kv.usedBlocks) * Int64(KVCache.blockTokens) + instances[i].waitingTokens)
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
