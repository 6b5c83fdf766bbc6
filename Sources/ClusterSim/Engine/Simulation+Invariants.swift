/// Invariants of a simulation state, after swift-collections' `Heap+Invariants.swift`: tests check
/// them after every event.
extension Simulation {
    /// Every broken invariant, described; empty when the state is sound.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        // Where each request was seen: 2 × instance (+1 when waiting), or -1 for unassigned; named
        // only when a request turns up twice, so the check stays cheap enough to run every event.
        // Kept in an array by slot (a dictionary is many times slower in debug builds).
        let nowhere = Int64.min
        var seen = [Int64](repeating: nowhere, count: requests.slots.count)
        var seenCount = 0
        var seenIDs: [Int32] = []
        func name(_ place: Int64) -> String {
            place < 0 ? "unassigned" : "instance \(place / 2) \(place % 2 == 0 ? "running" : "waiting")"
        }
        func place(_ id: Int32, _ where_: Int64) {
            let other = seen[Int(id)]
            if other != nowhere {
                problems.append("request slot \(id) is in \(name(other)) and in \(name(where_))")
            } else {
                seenCount += 1
                seenIDs.append(id)
            }
            seen[Int(id)] = where_
        }
        for inst in instances {
            let kv = inst.kv
            if kv.usedBlocks > kv.totalBlocks {
                problems.append("instance \(inst.id): \(kv.usedBlocks) blocks used of \(kv.totalBlocks)")
            }
            if kv.usedBlocks < 0 { problems.append("instance \(inst.id): negative blocks used") }
            var held: Int32 = 0
            var shared: Int64 = 0
            for id in inst.running {
                place(id, 2 * Int64(inst.id))
                let r = requests[id]
                held += r.blocks - r.prefixBlocks
                shared += Int64(r.prefixBlocks)
                if r.prefixBlocks > r.blocks || r.prefixBlocks < 0 {
                    problems.append("request slot \(id) has \(r.prefixBlocks) prefix blocks of \(r.blocks)")
                }
                if r.migration != .none && !activeMigrations.contains(where: { $0.slot == id && $0.source == inst.id })
                    && !transfers.pending.contains(where: { $0.slot == id && $0.source == inst.id })
                {
                    problems.append("request slot \(id) is migrating with no migration from instance \(inst.id)")
                }
                if r.phase != .running { problems.append("request slot \(id) in running has phase \(r.phase)") }
                if r.blocks < KVCache.blocksFor(tokens: r.computedTokens) {
                    problems.append(
                        "request slot \(id) holds \(r.blocks) blocks for \(r.computedTokens) computed tokens")
                }
            }
            for id in inst.waiting {
                place(id, 2 * Int64(inst.id) + 1)
                held += requests[id].blocks
                if requests[id].prefixBlocks != 0 { problems.append("waiting request slot \(id) holds prefix blocks") }
                if requests[id].migration != .none { problems.append("waiting request slot \(id) is migrating") }
                if requests[id].phase != .waiting {
                    problems.append("request slot \(id) in waiting has phase \(requests[id].phase)")
                }
            }
            if held + kv.prefix.referenced + kv.reservedBlocks != kv.usedBlocks && inst.status != .failed {
                problems.append(
                    "instance \(inst.id): requests hold \(held) blocks and \(kv.prefix.referenced) shared prefix blocks, reserved \(kv.reservedBlocks), but \(kv.usedBlocks) are used"
                )
            }
            // Prefix caching: references match the requests' shared blocks; evictable entries are
            // the cached free blocks; nothing overflows.
            if shared != kv.prefix.references {
                problems.append(
                    "instance \(inst.id): requests hold \(shared) prefix references, the cache counts \(kv.prefix.references)"
                )
            }
            if kv.cachedBlocks != kv.prefix.evictable {
                problems.append(
                    "instance \(inst.id): \(kv.cachedBlocks) cached blocks but \(kv.prefix.evictable) evictable entries"
                )
            }
            if kv.usedBlocks + kv.cachedBlocks > kv.totalBlocks {
                problems.append(
                    "instance \(inst.id): \(kv.usedBlocks) used and \(kv.cachedBlocks) cached blocks exceed \(kv.totalBlocks)"
                )
            }
            problems += kv.prefix.violations().map { "instance \(inst.id): \($0)" }
            // Migrations: reserved blocks are exactly those of the migrations coming in.
            let incoming = activeMigrations.filter { $0.destination == inst.id }.reduce(Int32(0)) { $0 + $1.reserved }
            if incoming != kv.reservedBlocks && inst.status != .failed {
                problems.append(
                    "instance \(inst.id): \(kv.reservedBlocks) blocks reserved but incoming migrations hold \(incoming)"
                )
            }
            for entry in inst.batch where !inst.running.contains(entry.request) {
                problems.append("instance \(inst.id): batch holds slot \(entry.request), which is not running")
            }
        }
        for id in unassigned { place(id, -1) }
        for m in activeMigrations {
            let r = requests[m.slot]
            if r.serial == m.request && r.migration == .stopped && !m.lastStage {
                problems.append("request slot \(m.slot) stopped before its migration's last stage")
            }
            // Live migrations go one at a time per instance; KV hand-offs queue at the instances' ports.
            if !m.handoff
                && activeMigrations.filter({ !$0.handoff && ($0.source == m.source || $0.destination == m.source) })
                    .count > 1
            {
                problems.append("instance \(m.source) takes part in more than one migration")
            }
        }
        // Disaggregation: a request waits for a decode instance only while stopped on a prefill one.
        for p in transfers.pending where requests[p.slot].serial == p.serial {
            if requests[p.slot].migration == .stopped && instances[Int(p.source)].role != .prefill
                && instances[Int(p.source)].switchingTo == nil
            {
                problems.append(
                    "request slot \(p.slot) waits for a decode instance on non-prefill instance \(p.source)")
            }
        }
        for (i, n) in transfers.incoming.enumerated()
        where n != Int32(activeMigrations.filter { $0.handoff && Int($0.destination) == i }.count) {
            problems.append("instance \(i): \(n) hand-offs counted incoming")
        }
        // Workflows: each live workflow's outstanding calls are live requests.
        var callsOut = [Int32](repeating: 0, count: workflows.table.slots.count)
        for id in seenIDs where requests[id].workflow >= 0 { callsOut[Int(requests[id].workflow)] += 1 }
        for w in workflows.table.slots.indices where workflows.table.isLive(Int32(w)) {
            let out = workflows.table[Int32(w)].outstanding
            if callsOut[w] != out {
                problems.append("workflow \(w) has \(out) calls outstanding but \(callsOut[w]) live requests")
            }
        }
        if seenCount != requests.liveCount {
            problems.append("\(requests.liveCount) live requests but \(seenCount) are queued somewhere")
        }
        let accounted = metrics.completed + metrics.rejected + Int64(requests.liveCount)
        if accounted != metrics.arrived {
            problems.append("\(metrics.arrived) arrived but \(accounted) are completed, rejected or in flight")
        }
        // Dispatch's load index: every load that changed was touched.
        problems += loadIndex.staleKeys(instances: instances, requests: requests)
        return problems
    }
}
