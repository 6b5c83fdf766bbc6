/// Llumnix's load metric: virtual usage and freeness of an instance (https://arxiv.org/abs/2406.03243).
///
/// Every request on an instance has a virtual usage in KV blocks, and the freeness
/// `F = (M − ΣV) / B` is how many more decode steps the batch could run before memory runs out
/// (larger = freer). Forms from the OSDI'24 artifact (`instance_info.py`), with
/// `avail = free blocks − watermark`:
/// * dispatch: `F = (avail − Σ prompt blocks of all waiting) / (running + waiting)`;
/// * migration and scaling: `F = (avail − blocks of the head-of-line waiting request) /
///   (running + 1 if any waiting)`, so an instance whose queue head does not fit looks loaded and
///   is drained by migration (de-fragmentation); an empty instance is infinitely free;
/// * priority headroom: an instance hosting a high-priority request counts `M − headroom` blocks
///   as used, so it behaves as if only `priority_headroom_tokens` (1,600) tokens of room were left:
///   normal requests avoid it and are migrated away, high-priority ones gather there (for them the
///   instances without one are penalised);
/// * an instance being drained carries a fake request of infinite usage: freeness −∞, so no request
///   is dispatched to it and migration empties it.
///
/// Simplified: the artifact reports load every few iterations; here the metric is always current.
public struct Freeness: Sendable, Hashable {
    /// Share of blocks kept free (vLLM v0's watermark).
    public var watermark: Double
    public var headroomTokens: Int

    public static let parameters: [PolicyParameter] = [
        .integer(
            "priority_headroom_tokens", default: 1600, in: 0...1_048_576,
            help: "room an instance hosting high-priority requests keeps")
    ]

    public init(params: PolicyParams) throws {
        watermark = 0.01
        headroomTokens = try params.integer(Freeness.parameters[0])
    }

    // The metrics read fields of `instances[i]` in place: passing an `Instance` by value would
    // copy it (a dozen reference counts) for every instance at every dispatch.

    func penalty(_ instances: [Instance], _ i: Int) -> Double {
        Double(max(0, instances[i].kv.totalBlocks - KVCache.blocksFor(tokens: Int32(clamping: headroomTokens))))
    }

    func available(_ instances: [Instance], _ i: Int) -> Double {
        Double(instances[i].kv.freeBlocks) - watermark * Double(instances[i].kv.totalBlocks)
    }

    /// Blocks request `id` still needs for the tokens it holds.
    static func demand(_ id: Int32, _ requests: RequestTable) -> Double {
        let r = requests[id]
        return Double(max(0, KVCache.blocksFor(tokens: r.heldTokens) - r.blocks))
    }

    /// The dispatch metric of instance `i` as request `r` sees it.
    func dispatchFreeness(_ instances: [Instance], _ i: Int, for r: Request, _ requests: RequestTable) -> Double {
        dispatchFreeness(instances, i, high: r.priority == .high, requests)
    }

    /// The dispatch metric of instance `i` as a request of high priority (or not) sees it.
    func dispatchFreeness(_ instances: [Instance], _ i: Int, high: Bool, _ requests: RequestTable) -> Double {
        let count = instances[i].running.count + instances[i].waiting.count
        var avail = available(instances, i)
        // High-priority requests gather where high-priority requests are; normal ones avoid them.
        if (instances[i].highPriority > 0) != high { avail -= penalty(instances, i) }
        if count == 0 { return 1e18 + avail }
        for id in instances[i].waiting { avail -= Freeness.demand(id, requests) }
        return avail / Double(count)
    }

    /// The migration (and scaling) metric of instance `i`.
    func migrationFreeness(_ instances: [Instance], _ i: Int, _ requests: RequestTable) -> Double {
        if instances[i].status == .draining { return -.infinity }
        let queued = instances[i].waiting.isEmpty ? 0 : 1
        let count = instances[i].running.count + queued
        if count == 0 { return .infinity }
        var avail = available(instances, i)
        if instances[i].highPriority > 0 { avail -= penalty(instances, i) }
        if let head = instances[i].waiting.first { avail -= Freeness.demand(head, requests) }
        return avail / Double(count)
    }

    /// The accepting instance with the largest dispatch freeness (ties: the lowest id), from the index.
    func freestInstance(
        for r: Request, model: String?, instances: [Instance], requests: RequestTable, index: inout LoadIndex
    ) -> Int32? {
        index.winner(
            .freeness(model: model, high: r.priority == .high, load: self), instances: instances, requests: requests)
    }

    /// `freestInstance` by a plain scan (what the index is checked against).
    func freestInstance(for r: Request, model: String?, instances: [Instance], requests: RequestTable) -> Int32? {
        var best: Int32? = nil
        var bestF = -Double.infinity
        for i in instances.indices where instances.accepts(i, model: model) {
            let f = dispatchFreeness(instances, i, for: r, requests)
            if best == nil || f > bestF {
                best = Int32(i)
                bestF = f
            }
        }
        return best
    }
}
