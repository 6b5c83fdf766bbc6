/// Invariants of a simulation state, after swift-collections' `Heap+Invariants.swift`: tests check
/// them after every event.
extension Simulation {
    /// Every broken invariant, described; empty when the state is sound.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var seen = [Int32: String]()
        func place(_ id: Int32, _ where_: String) {
            if let other = seen[id] { problems.append("request slot \(id) is in \(other) and in \(where_)") }
            seen[id] = where_
        }
        for inst in instances {
            let kv = inst.kv
            if kv.usedBlocks > kv.totalBlocks { problems.append("instance \(inst.id): \(kv.usedBlocks) blocks used of \(kv.totalBlocks)") }
            if kv.usedBlocks < 0 { problems.append("instance \(inst.id): negative blocks used") }
            var held: Int32 = 0
            for id in inst.running {
                place(id, "instance \(inst.id) running")
                let r = requests[id]
                held += r.blocks
                if r.phase != .running { problems.append("request slot \(id) in running has phase \(r.phase)") }
                if r.blocks < KVCache.blocksFor(tokens: r.computedTokens) {
                    problems.append("request slot \(id) holds \(r.blocks) blocks for \(r.computedTokens) computed tokens")
                }
            }
            for id in inst.waiting {
                place(id, "instance \(inst.id) waiting")
                held += requests[id].blocks
                if requests[id].phase != .waiting { problems.append("request slot \(id) in waiting has phase \(requests[id].phase)") }
            }
            if held + kv.reservedBlocks != kv.usedBlocks && inst.status != .failed {
                problems.append("instance \(inst.id): requests hold \(held) blocks, reserved \(kv.reservedBlocks), but \(kv.usedBlocks) are used")
            }
            for entry in inst.batch where !inst.running.contains(entry.request) {
                problems.append("instance \(inst.id): batch holds slot \(entry.request), which is not running")
            }
        }
        for id in unassigned { place(id, "unassigned") }
        if seen.count != requests.liveCount {
            problems.append("\(requests.liveCount) live requests but \(seen.count) are queued somewhere")
        }
        let accounted = metrics.completed + metrics.rejected + Int64(requests.liveCount)
        if accounted != metrics.arrived {
            problems.append("\(metrics.arrived) arrived but \(accounted) are completed, rejected or in flight")
        }
        return problems
    }
}
