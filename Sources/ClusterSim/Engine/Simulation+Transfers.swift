/// Disaggregated prefill/decode: a prompt runs on a prefill instance, its KV cache is sent to a
/// decode instance, which generates the rest (DistServe, OSDI'24; Splitwise, ISCA'24; the
/// pattern of vLLM's disaggregated prefill and NVIDIA Dynamo).
///
/// * Dispatch: the global policy picks the prefill instance among those that take prompts
///   (`prefill` and `mixed` roles); `decode` instances never get new prompts.
/// * Hand-off: when an iteration on a `prefill` instance computes a request's prompt and samples
///   its first token, the request stops there (it keeps its blocks) and the decode instance is
///   chosen by `TransferBook.decodeChoice` among the decode-capable instances with room for its
///   blocks. The KV cache moves as a one-stage migration (`Simulation+Migration.swift`): the
///   destination reserves the blocks when the transfer starts (the pull model of vLLM's
///   NixlConnector and of Splitwise), the bytes take `setup + blocks × block bytes per rank /
///   bandwidth` (the scenario's `link`, or NVLink between two instances of one node), and the
///   request then joins the decode instance's running batch and decodes there.
/// * No room: when no decode-capable instance has room, the request waits, stopped on its
///   prefill instance and holding its blocks there, until a decode instance frees enough
///   (oldest first). With no decode-capable instance of its model at all, it decodes in place.
/// * Contention: each instance has one KV transfer port. Transfers that share a port queue one
///   after another (first come, first served), each at the pair's full bandwidth; a transfer
///   starts when both its ports are free. (Fair sharing of bandwidth would finish the last of
///   several transfers at the same time and the first ones later; queueing gives the same mean
///   throughput with exact per-transfer end times.) Live migrations keep their own timing.
/// * First token: it reaches the client with the decode instance, after the transfer, as in
///   vLLM's disaggregated-prefill proxy (the prefill request has max_tokens 1; the client
///   streams from the decode instance): TTFT = queue + prefill + transfer, and the report splits
///   it into those three. DistServe counts TTFT at the prefill's end; subtract the transfer
///   part to compare. TBT counts from the first token, so it is the decode instance's.
/// * Role switch (`Command.setRole`): the instance takes no new work of either kind, finishes
///   its prompts and hand-offs (or its decodes), then takes its new role.
///
/// Simplified: one port per instance whatever its GPU count; the transfer does not slow either
/// instance's iterations; a request preempted on its prefill instance while it waits loses its
/// KV there and is prefilled again.
extension Simulation {
    /// Sets each instance's role from its scenario group and the decode choice from the scenario.
    mutating func setUpDisaggregation() {
        transfers.decodeChoice = scenario.policy.decodeChoice
        var next = 0
        for group in scenario.cluster {
            for i in next..<(next + group.count) { setRole(Int32(i), group.role) }
            next += group.count
        }
        transfers.growTo(instances.count)
    }

    /// Instance `i` serves as `role` from now on.
    mutating func setRole(_ i: Int32, _ role: InstanceRole) {
        let index = Int(i)
        instances[index].role = role
        instances[index].switchingTo = nil
        instances[index].takesPrompts = role.takesPrompts
        instances[index].takesDecodes = role.takesDecodes
        if role != .mixed { transfers.used = true }
    }

    // MARK: - Hand-offs

    /// Requests of iteration `i` that sampled a token on a prefill instance and have more to
    /// generate (`TransferBook.prefilled`): each goes to a decode instance, waits for room, or,
    /// with no decode pool for its model, has its token counted and decodes where it is.
    mutating func handOffPrefilled(from i: Int32) {
        let ids = transfers.prefilled
        transfers.prefilled.removeAll(keepingCapacity: true)
        for id in ids {
            requests[id].migration = .stopped
            if let destination = chooseDecodeInstance(for: id, from: i) {
                transfers.growTo(instances.count)
                transfers.incoming[Int(destination)] += 1
                startMigration(
                    id, from: i, to: destination, lastStageBlocks: .max, maxStages: 1, handoff: true, prefillEnd: now)
            } else if hasDecodePool(for: i) {
                transfers.waited += 1
                transfers.pending.append(
                    PendingHandoff(
                        slot: id, serial: requests[id].serial, source: i, preemptions: requests[id].preemptions,
                        since: now))
            } else {
                requests[id].migration = .none
                emitToken(id, at: now, on: Int(i))
            }
        }
    }

    /// The decode instance for request `id` prefilled on `source`, by the decode choice in force,
    /// among active decode-capable instances of its model with room for its blocks; nil if none.
    func chooseDecodeInstance(for id: Int32, from source: Int32) -> Int32? {
        let r = requests[id]
        let model = instances[Int(source)].model.id
        let need = KVCache.blocksFor(tokens: r.promptTokens + r.outputTokens)
        var best: Int32? = nil
        var bestScore = Double.infinity
        for i in instances.indices where i != Int(source) {
            guard instances[i].status == .active, instances[i].takesDecodes, instances[i].model.id == model,
                instances[i].kv.freeBlocks >= r.blocks, need <= instances[i].kv.totalBlocks * 99 / 100
            else { continue }
            let incoming = i < transfers.incoming.count ? transfers.incoming[i] : 0
            let score: Double
            switch transfers.decodeChoice {
            case .leastLoaded:
                score = Double(instances[i].outstanding + Int(incoming))
            case .transferAware:
                let arrival = transferEnd(from: source, to: Int32(i), blocks: r.blocks)
                var shape = instances[i].busy ? instances[i].lastShape : BatchShape()
                shape.addDecode(context: Int(r.heldTokens))
                score = Double(arrival - now) + Double(pool.iterationDuration(i, shape))
            }
            if score < bestScore {
                best = Int32(i)
                bestScore = score
            }
        }
        return best
    }

    /// Some live instance could decode requests prefilled on `source` once it has room.
    func hasDecodePool(for source: Int32) -> Bool {
        let model = instances[Int(source)].model.id
        return instances.indices.contains {
            $0 != Int(source) && instances[$0].model.id == model && instances[$0].role.takesDecodes
                && (instances[$0].status == .active || instances[$0].status == .starting)
        }
    }

    /// When a transfer of `blocks` blocks from `source` to `destination` would end if it started
    /// now: behind the transfers already holding either port.
    func transferEnd(from source: Int32, to destination: Int32, blocks: Int32) -> SimTime {
        let start = max(now, portFreeAt(source), portFreeAt(destination))
        let m = MigrationInfo(request: 0, source: source, destination: destination, blocksTotal: blocks, started: now)
        return start + migrationStageTime(m, blocks: blocks)
    }

    func portFreeAt(_ i: Int32) -> SimTime {
        Int(i) < transfers.portFreeAt.count ? transfers.portFreeAt[Int(i)] : 0
    }

    /// Books both ports of hand-off `m` for its `blocks` blocks; returns when the bytes have arrived.
    mutating func reserveTransferPorts(_ m: MigrationInfo, blocks: Int32) -> SimTime {
        transfers.growTo(instances.count)
        let end = transferEnd(from: m.source, to: m.destination, blocks: blocks)
        let start = max(now, portFreeAt(m.source), portFreeAt(m.destination))
        transfers.portWait.record(start - now)
        transfers.portFreeAt[Int(m.source)] = end
        transfers.portFreeAt[Int(m.destination)] = end
        let source = instances[Int(m.source)]
        transfers.bytes += Double(blocks) * Double(KVCache.blockTokens) * source.model.kvBytesPerToken
        return end
    }

    /// Hand-off `m` committed: its request is on the decode instance, and the token sampled at
    /// the end of its prefill reaches the client now.
    mutating func handoffLanded(_ m: MigrationInfo) {
        let id = m.slot
        let r = requests[id]
        transfers.committed += 1
        if r.firstToken < 0 && m.prefillEnd >= 0 && r.firstScheduled >= 0 {
            transfers.queue.record(r.firstScheduled - r.arrival)
            transfers.prefill.record(m.prefillEnd - r.firstScheduled)
            transfers.transfer.record(now - m.prefillEnd)
        }
        emitToken(id, at: now, on: Int(m.source))
    }

    /// The token request `id` sampled last reaches the client at `time`: its first (TTFT) or a
    /// later one (a gap). The per-instance engine metrics count it on `instance`, the one that
    /// sampled it (for a hand-off's first token, the prefill instance, as a prefill engine
    /// reports its prompt tokens and first tokens).
    mutating func emitToken(_ id: Int32, at time: SimTime, on instance: Int) {
        var gaps = TokenGaps()
        emitToken(id, at: time, on: instance, gaps: &gaps)
        recorder.nextTokens(gaps, instance: instance)
    }

    /// `emitToken` for the tokens of one iteration on `instance`: a later token's gap joins
    /// `gaps`, which the caller records when the iteration's tokens are all in.
    @inline(__always)
    mutating func emitToken(_ id: Int32, at time: SimTime, on instance: Int, gaps: inout TokenGaps) {
        // Fields read one by one: a copy of the whole request would load its cold cache line too.
        if requests[id].firstToken < 0 {
            let r = requests[id]
            requests[id].firstToken = time
            recorder.firstToken(
                ttft: time - r.arrival, queueing: r.firstScheduled - r.arrival, tenant: r.tenant,
                promptTokens: r.promptTokens, instance: instance)
        } else {
            let gap = time - requests[id].lastToken
            if gap != gaps.gap {
                recorder.nextTokens(gaps, instance: instance)
                gaps = TokenGaps(gap: gap)
            }
            gaps.count += 1
        }
        requests[id].lastToken = time
    }

    /// Starts the waiting hand-offs that now find room, oldest first; a hand-off whose request
    /// is no longer stopped where it was (preempted, its instance failed) is dropped, and one
    /// whose model has no decode pool left resumes where it is.
    mutating func retryPendingHandoffs() {
        guard !transfers.pending.isEmpty else { return }
        var waiting = transfers.pending
        transfers.pending.removeAll()
        while let p = waiting.popFirst() {
            let r = requests[p.slot]
            let status = instances[Int(p.source)].status
            guard requests.isLive(p.slot), r.serial == p.serial, r.instance == p.source,
                r.preemptions == p.preemptions, r.migration == .stopped, status == .active || status == .draining
            else { continue }
            if let destination = chooseDecodeInstance(for: p.slot, from: p.source) {
                transfers.growTo(instances.count)
                transfers.incoming[Int(destination)] += 1
                startMigration(
                    p.slot, from: p.source, to: destination, lastStageBlocks: .max, maxStages: 1, handoff: true,
                    prefillEnd: p.since)
            } else if hasDecodePool(for: p.source) {
                transfers.pending.append(p)
            } else {
                requests[p.slot].migration = .none
                emitToken(p.slot, at: now, on: Int(p.source))
                kick(p.source)
            }
        }
    }

    /// Instance `i` failed: hand-offs waiting on it are dropped (their requests are dispatched again).
    mutating func dropHandoffs(from i: Int32) {
        guard !transfers.pending.isEmpty else { return }
        for p in transfers.pending where p.source == i && requests[p.slot].serial == p.serial {
            requests[p.slot].migration = .none
        }
        transfers.pending.removeAll { $0.source == i }
    }

    // MARK: - Role switch

    /// `Command.setRole`: active instance `i` stops taking work and switches once drained.
    mutating func beginRoleSwitch(_ i: Int32, to role: InstanceRole) {
        let index = Int(i)
        instances[index].switchingTo = role
        instances[index].takesPrompts = false
        instances[index].takesDecodes = false
        if role != .mixed { transfers.used = true }
        note(.roleSwitching(index, role: role))
        finishRoleSwitchIfDrained(i)
    }

    /// Instance `i`, switching role, takes its new one once it holds nothing and nothing is on
    /// its way to it; requests that waited for it are dispatched or handed off.
    mutating func finishRoleSwitchIfDrained(_ i: Int32) {
        let index = Int(i)
        guard let role = instances[index].switchingTo, instances[index].status == .active,
            instances[index].outstanding == 0, !instances[index].busy, instances[index].kv.reservedBlocks == 0,
            index >= transfers.incoming.count || transfers.incoming[index] == 0
        else { return }
        setRole(i, role)
        note(.roleSwitched(index, role: role))
        redispatchUnassigned()
        retryPendingHandoffs()
    }
}
