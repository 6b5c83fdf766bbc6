/// Live migration of a decoding request between two instances, Llumnix-style multi-stage pre-copy.
///
/// After Llumnix (Sun et al., OSDI'24, https://arxiv.org/abs/2406.03243) and the `migration_coordinator.py`
/// of https://github.com/AlibabaPAI/llumnix:
/// * before each stage the destination reserves the blocks about to be sent (counted as used and
///   as `reservedBlocks`); if they do not fit, the migration aborts;
/// * stage 1 copies every full block computed so far while the request keeps decoding on the
///   source; each later stage copies the blocks filled during the previous one;
/// * once at most `migration_last_stage_blocks` blocks are left, the last stage stops the request
///   (the source no longer schedules it: downtime), copies the rest including the partial block,
///   and commits: the source frees its blocks, the reserved blocks become the request's, and the
///   request joins the destination's running queue (in arrival order) and decodes on;
/// * it aborts when a pre-copy stage beyond `migration_max_stages` would be needed, when the
///   request finishes or is preempted on the source, or when either instance fails or the
///   destination stops taking requests; reserved blocks are then freed and the request, if still
///   on the source, carries on there.
/// A stage lasts `setup + blocks × 16 × KV bytes per token per rank / link bandwidth` (ranks send
/// their shards in parallel): the scenario's `link` (100 Gb/s, 25 ms setup by default, `LinkSpec`), or the
/// GPUs' interconnect between two instances of one GPU type in one 8-GPU node.
///
/// Simplified: the final stop waits for the end of the source's iteration that holds the request
/// (it keeps decoding meanwhile); the copy does not slow either instance's iterations (Llumnix
/// measured ≤ 1%); one migration at a time per instance (Llumnix's default concurrency).
extension Simulation {
    static let recentMigrationCapacity = 50

    /// Starts migrating decoding request `id` from `source` to `destination`; a `handoff` is a
    /// disaggregated KV transfer (`Simulation+Transfers.swift`).
    mutating func startMigration(
        _ id: Int32, from source: Int32, to destination: Int32, lastStageBlocks: Int32, maxStages: Int32,
        handoff: Bool = false, prefillEnd: SimTime = -1
    ) {
        let r = requests[id]
        var m = MigrationInfo(
            request: r.serial, source: source, destination: destination, blocksTotal: r.blocks, started: now)
        m.number = policyRuntime.nextMigrationNumber
        policyRuntime.nextMigrationNumber &+= 1
        m.slot = id
        m.preemptionsAtStart = r.preemptions
        m.lastStageMax = lastStageBlocks
        m.maxStages = maxStages
        m.handoff = handoff
        m.prefillEnd = prefillEnd
        requests[id].migration = .copying
        activeMigrations.append(m)
        beginMigrationStage(activeMigrations.count - 1)
    }

    /// Starts the next stage of migration `k`: a pre-copy of the full blocks not yet sent, or the
    /// final stop-and-copy.
    mutating func beginMigrationStage(_ k: Int) {
        var m = activeMigrations[k]
        let r = requests[m.slot]
        let pending = r.computedTokens / KVCache.blockTokens - m.blocksCopied
        let last = pending <= m.lastStageMax
        if !last && m.stage >= m.maxStages {
            abortMigration(k, reason: "needs more than \(m.maxStages) stages")
            return
        }
        // The stop comes between two iterations of the source (Llumnix's llumlet acts between
        // steps): while the request is in the iteration running there, it keeps decoding.
        let source = instances[Int(m.source)]
        if last && source.busy && source.batch.contains(where: { $0.request == m.slot }) {
            queue.push(at: source.iterationEnd, .tick, target: m.number)
            return
        }
        let blocks = last ? r.blocks - m.blocksCopied : pending
        let destination = Int(m.destination)
        guard blocks <= instances[destination].kv.freeBlocks else {
            abortMigration(k, reason: "destination full")
            return
        }
        loadIndex.touch(Int32(destination))
        instances[destination].kv.allocate(blocks)
        instances[destination].kv.reservedBlocks += blocks
        noteKV(change: blocks)
        m.reserved += blocks
        m.inStage = blocks
        m.blocksTotal = r.blocks
        if last {
            m.lastStage = true
            m.stoppedAt = now
            requests[m.slot].migration = .stopped
        }
        activeMigrations[k] = m
        let end = m.handoff ? reserveTransferPorts(m, blocks: blocks) : now + migrationStageTime(m, blocks: blocks)
        queue.push(at: end, .tick, target: m.number)
    }

    /// Time to send `blocks` blocks of migration `m`'s request.
    func migrationStageTime(_ m: MigrationInfo, blocks: Int32) -> SimTime {
        let source = instances[Int(m.source)]
        let bytes =
            Double(blocks) * Double(KVCache.blockTokens) * source.model.kvBytesPerToken / Double(source.tensorParallel)
        return CostModel.transferTime(
            bytes: bytes, bandwidth: migrationBandwidth(m.source, m.destination),
            setup: scenario.link.setupMilliseconds / 1000)
    }

    /// Bytes per second between two instances: the GPU interconnect inside one 8-GPU node of one
    /// GPU type (instances fill nodes in id order), else the scenario's link.
    func migrationBandwidth(_ a: Int32, _ b: Int32) -> Double {
        let x = instances[Int(a)], y = instances[Int(b)]
        guard x.gpu.id == y.gpu.id, node(of: a) == node(of: b) else { return scenario.link.bytesPerSecond }
        return min(x.gpu.interconnectBandwidth, y.gpu.interconnectBandwidth)
    }

    func node(of i: Int32) -> Int {
        let gpu = instances[Int(i)].gpu.id
        var before = 0
        for j in 0..<Int(i) where instances[j].gpu.id == gpu { before += instances[j].tensorParallel }
        return before / 8
    }

    /// Why migration `m` cannot go on, or nil.
    func migrationBroken(_ m: MigrationInfo) -> String? {
        let r = requests[m.slot]
        // A finished request's slot keeps its old contents until reused: ask the source's queue.
        if r.serial != m.request || r.instance != m.source || !instances[Int(m.source)].running.contains(m.slot) {
            return "request finished"
        }
        if r.preemptions != m.preemptionsAtStart || r.migration == .none { return "request preempted" }
        let sourceStatus = instances[Int(m.source)].status
        if sourceStatus != .active && sourceStatus != .draining { return "source gone" }
        if instances[Int(m.destination)].status != .active { return "destination not taking requests" }
        return nil
    }

    /// A stage of migration number `number` ended.
    mutating func migrationStageEnded(_ number: Int32) {
        guard let k = activeMigrations.firstIndex(where: { $0.number == number }) else { return }
        let m = activeMigrations[k]
        if let reason = migrationBroken(m) {
            abortMigration(k, reason: reason)
            return
        }
        if m.lastStage {
            commitMigration(k)
        } else {
            // A stage's copy is done (or the stop waited for the source's iteration to end).
            if m.inStage > 0 {
                activeMigrations[k].blocksCopied += m.inStage
                activeMigrations[k].inStage = 0
                activeMigrations[k].stage += 1
            }
            beginMigrationStage(k)
        }
    }

    /// The request moves: the source frees its blocks, the destination's reserved blocks become its.
    mutating func commitMigration(_ k: Int) {
        var m = activeMigrations[k]
        let id = m.slot
        let source = Int(m.source), destination = Int(m.destination)
        let blocks = requests[id].blocks
        m.blocksCopied += m.inStage
        // The reserved blocks become the request's; it cannot have grown while stopped.
        loadIndex.touch(Int32(destination))
        loadIndex.touch(Int32(source))
        instances[destination].kv.reservedBlocks -= m.reserved
        if blocks != m.reserved {
            let extra = blocks - m.reserved
            if extra > 0 {
                instances[destination].kv.allocate(extra)
            } else {
                instances[destination].kv.release(-extra)
            }
            noteKV(change: extra)
        }
        m.reserved = 0
        let before = instances[source].kv.usedBlocks
        noteLeft(id, from: Int32(source))
        pool.instances[source].releaseBlocks(of: id, &requests)
        noteKV(change: instances[source].kv.usedBlocks - before)
        if let position = instances[source].running.firstIndex(of: id) {
            instances[source].running.remove(at: position)
        }
        requests[id].blocks = blocks
        requests[id].migration = .none
        land(id, on: Int32(destination), .running)
        if m.handoff { handoffLanded(m) } else { recorder.migrated() }
        activeMigrations[k] = m
        finishMigration(k, .committed, reason: "")
        if instances[source].status == .draining && instances[source].outstanding == 0 && !instances[source].busy {
            retire(Int32(source))
        } else {
            kick(Int32(source))
        }
        if m.handoff { finishRoleSwitchIfDrained(Int32(source)) }
    }

    /// Gives back the destination's reserved blocks; the request, if still on the source, goes on there.
    mutating func abortMigration(_ k: Int, reason: String) {
        let m = activeMigrations[k]
        let destination = Int(m.destination)
        if m.reserved > 0 {
            loadIndex.touch(Int32(destination))
            instances[destination].kv.reservedBlocks -= m.reserved
            instances[destination].kv.release(m.reserved)
            noteKV(change: -m.reserved)
            activeMigrations[k].reserved = 0
        }
        if requests[m.slot].serial == m.request, requests[m.slot].migration != .none {
            requests[m.slot].migration = .none
            if requests[m.slot].instance >= 0 { kick(requests[m.slot].instance) }
        }
        if m.handoff { transfers.aborted += 1 } else { policyMetrics.migrationsAborted += 1 }
        finishMigration(k, .aborted, reason: reason)
    }

    /// Aborts every migration from or to instance `i`.
    mutating func abortMigrations(involving i: Int32) {
        while let k = activeMigrations.firstIndex(where: { $0.source == i || $0.destination == i }) {
            abortMigration(k, reason: "instance \(i) failed")
        }
    }

    mutating func finishMigration(_ k: Int, _ outcome: MigrationInfo.Outcome, reason: String) {
        var m = activeMigrations.remove(at: k)
        m.outcome = outcome
        m.ended = now
        if timeline != nil {
            timelineMigration(
                serial: m.request, from: m.source, to: m.destination, started: m.started,
                outcome: outcome == .committed ? "committed" : "aborted")
        }
        m.abortReason = reason
        if m.stoppedAt >= 0 { m.downtime = now - m.stoppedAt }
        if m.handoff {
            transfers.incoming[Int(m.destination)] -= 1
            finishRoleSwitchIfDrained(m.destination)
        } else if outcome == .committed {
            policyMetrics.migrationDowntime.record(m.downtime)
        }
        if recentMigrations.count >= Simulation.recentMigrationCapacity { recentMigrations.removeFirst() }
        recentMigrations.append(m)
    }
}
