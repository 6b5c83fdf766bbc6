import DequeModule

/// The whole simulated cluster: a value. Copy it and the copy runs on independently, which is how
/// "what if I switched policy now" is answered.
///
/// A discrete-event simulator in the style of SimPy's `Environment` and vidur: one owner of
/// virtual time, events ordered by (time, kind rank, insertion order) as `EventKind` writes down,
/// one event per instance iteration rather than per token, one pending arrival per stream.
/// Everything random comes from streams split from the scenario seed, so a scenario, a seed and a
/// list of commands at given instants give the same run bit for bit.
///
/// It keeps the event loop and the controls and composes values with one concern each: the
/// instances and their lifecycle (`InstancePool`), the requests (`RequestTable`), what is measured
/// (`MetricsRecorder`). Every new request enters through `arrive` (Simulation+Arrivals.swift) and
/// joins an instance through `land`, whether dispatched or migrated.
public struct Simulation: Sendable {
    /// Internal actions at an instant: user and scenario commands, and the follow-ups they schedule.
    enum Control: Sendable {
        case command(Command)
        case spikeEnd(factor: Double)
        case activate(instance: Int32)
    }

    public let scenario: Scenario
    public private(set) var now: SimTime = 0
    /// Arrivals stop at this instant.
    public private(set) var arrivalEnd: SimTime
    var queue = EventQueue()
    /// The instances, in id order (kept by `pool`).
    public internal(set) var instances: [Instance] {
        _read { yield pool.instances }
        _modify { yield &pool.instances }
    }
    var pool = InstancePool()
    /// The instances' loads in the orders dispatch asks for (`LoadIndex`), touched wherever a load changes.
    var loadIndex = LoadIndex()
    public internal(set) var requests = RequestTable()
    public internal(set) var streams: [ArrivalStream] = []
    public internal(set) var globalPolicy: GlobalPolicy
    public private(set) var localPolicy: LocalPolicy
    /// The policies the scenario or the last switch named: what reports and the dashboard show.
    /// They differ from the policies' own ids under `auto`, which puts other policies in force
    /// (`PolicyRegistry.policies`).
    public private(set) var globalPolicyID: GlobalPolicyID
    public private(set) var localPolicyID: LocalPolicyID
    /// Everything measured so far (kept by `recorder`).
    public internal(set) var metrics: Metrics {
        _read { yield recorder.metrics }
        _modify { yield &recorder.metrics }
    }
    var recorder: MetricsRecorder
    public private(set) var log = Deque<LogEntry>()
    /// Requests that no instance can take at the moment (every candidate failed or is starting).
    public private(set) var unassigned = Deque<Int32>()
    /// Current arrival-rate multiplier (product of active spikes).
    public private(set) var rateMultiplier: Double = 1
    var activeSpikes: [Double] = []
    var controls: [Control] = []
    var nextSerial: Int64 = 0
    var finishedScratch: [Int32] = []
    /// Migrations in flight, and the most recent finished ones (newest last).
    public internal(set) var activeMigrations: [MigrationInfo] = []
    public internal(set) var recentMigrations = Deque<MigrationInfo>()
    /// Disaggregated prefill/decode: roles' bookkeeping, ports, waiting hand-offs, figures.
    public internal(set) var transfers = TransferBook()
    /// Commands applied from outside so far (not the scenario's own events), with the instant and
    /// the number of events handled when each was applied: what a recording stores.
    public private(set) var commandLog: [(time: SimTime, events: Int64, command: Command)] = []
    /// Agentic workflows in flight, what the policies measure beyond `metrics`, and the engine
    /// state of their periodic work (Simulation+Policies.swift, +Migration, +Workflows).
    public internal(set) var workflows = WorkflowBook()
    public internal(set) var policyMetrics = PolicyMetrics()
    var policyRuntime = PolicyRuntime()
    /// The shared KV pool below the instances' CPU tiers (`kv_remote`), if any (Simulation+KVTiers.swift).
    public internal(set) var kvPool: KVTier?
    /// When set, every completed request's TTFT and E2E, in completion order (`AccuracyReplay`
    /// compares them with measured ones); nil keeps nothing per request.
    public var completionLog: [CompletionRecord]? {
        _read { yield recorder.completionLog }
        _modify { yield &recorder.completionLog }
    }
    /// When set, the first requests' lifecycles and the iterations around them, for Perfetto
    /// (`TimelineRecorder`); nil records nothing.
    public var timeline: TimelineRecorder?
    /// Per instance, in id order: the counters and histograms vLLM exports per engine.
    public var engineMetrics: [EngineMetrics] { recorder.engines }

    /// Log entries kept (the dashboard's full-screen log scrolls through them).
    public static let logCapacity = 1000
    /// Requests in flight beyond which arrivals are rejected (`Limits.maxRequestsInFlight`; tests lower it).
    var maxRequestsInFlight = ScenarioParser.Limits.maxRequestsInFlight
    /// Seconds an added instance needs before it serves (model load and warm-up).
    public static let startupSeconds = 20.0

    /// Builds the cluster of `scenario`; `durationSeconds` overrides the scenario's duration.
    public init(scenario: Scenario, durationSeconds: Double? = nil) throws {
        self.scenario = scenario
        let params = scenario.policy.params
        (globalPolicy, localPolicy) = try PolicyRegistry.policies(
            global: scenario.policy.global, local: scenario.policy.local, params: params)
        (globalPolicyID, localPolicyID) = (scenario.policy.global, scenario.policy.local)
        recorder = MetricsRecorder(tenants: scenario.tenants)
        arrivalEnd = Time.seconds(durationSeconds ?? scenario.durationSeconds)
        for group in scenario.cluster {
            for _ in 0..<group.count {
                _ = try addInstance(
                    gpu: group.gpuSpec, model: group.modelSpec, tensorParallel: group.tensorParallel, status: .active,
                    engine: group.engine)
            }
        }
        setUpDisaggregation()
        kvPool = Simulation.makeKVPool(scenario)
        for (index, spec) in scenario.workload.enumerated() {
            guard let tenant = scenario.tenants.firstIndex(where: { $0.name == spec.tenant }) else {
                throw SimulationError.unknownTenant(spec.tenant)
            }
            var stream = ArrivalStream(
                tenant: Int16(tenant), model: spec.model, process: spec.arrival, input: spec.input, output: spec.output,
                sharedPrefix: spec.sharedPrefix, seed: scenario.seed, index: index)
            stream.pendingBase = stream.drawGap()
            stream.windowStart = Time.seconds(spec.startSeconds)
            stream.windowEnd = spec.endSeconds.map(Time.seconds) ?? .max
            streams.append(stream)
            scheduleArrival(Int32(index))
        }
        for event in scenario.events {
            controls.append(.command(event.command))
            queue.push(at: Time.seconds(event.atSeconds), .control, target: Int32(controls.count - 1))
        }
        startPolicyWork()
    }

    // MARK: - Running

    /// True when nothing is left to happen.
    public var isFinished: Bool { queue.isEmpty }

    /// The instant of the next event, if any.
    public var nextEventTime: SimTime? { queue.nextTime }

    /// Requests that arrived and have not completed or been rejected.
    public var inFlight: Int { requests.liveCount }

    /// Handles the next event; false when there is none.
    @discardableResult
    public mutating func step() -> Bool {
        guard let event = queue.pop() else { return false }
        now = event.time
        eventsHandled += 1
        switch event.kind {
        case .control: handleControl(Int(event.target))
        case .iterationEnd: endIteration(event.target)
        case .arrival: handleArrival(event.target, generation: event.generation)
        case .tick: handleTick(event.target, generation: event.generation)
        case .schedule: startIteration(event.target)
        }
        // At thousands of instances an instance's state is out of the CPU's caches between its
        // iterations. The iterations that end soon load in stages, each reading what the one
        // before loaded, the deeper in the event heap (the later due) the earlier the stage: the
        // instance's first line, then the rest of it and the queues it points to, then the
        // requests in its batch (stage 4 - depth, the last at depth 1 and at the next event).
        // Each stage is taken once per iteration (`InstancePool.prefetchStage`).
        for depth in (1...3).reversed() {
            queue.forEach(atDepth: depth) {
                if $0.kind == .iterationEnd { prefetchIterationEnd($0.target, through: UInt8(4 - depth)) }
            }
        }
        if let next = queue.next, next.kind == .iterationEnd { prefetchIterationEnd(next.target, through: 3) }
        return true
    }

    /// Hints what the end of instance `i`'s iteration in flight will read, up to prefetch stage
    /// `stage` (1: its first line; 2: the rest of its hot fields, its queues' storage and its
    /// engine metrics; 3: its batch's requests and token histogram), skipping the stages it had.
    @inline(__always)
    mutating func prefetchIterationEnd(_ i: Int32, through stage: UInt8) {
        guard pool.prefetchStage.indices.contains(Int(i)) else { return }
        let had = pool.prefetchStage[Int(i)]
        guard had < stage else { return }
        pool.prefetchStage[Int(i)] = stage
        if stage == 1 { pool.prefetch(i, bytes: 64) }
        if had < 2 && stage >= 2 {
            pool.prefetch(i, bytes: 256)
            pool.prefetchQueues(i)
            recorder.prefetchEngine(Int(i))
        }
        if stage == 3 {
            pool.prefetchRequests(ofBatch: i, requests)
            recorder.prefetchTokenGaps(Int(i))
        }
    }

    /// Events handled since the start: with the clock, the exact point a command took effect at.
    public private(set) var eventsHandled: Int64 = 0

    /// Handles events until `count` have been handled, then sets the clock to `time`: brings a
    /// replay to the exact point a recorded command or checkpoint was taken.
    public mutating func replay(toEvent count: Int64, clock time: SimTime) {
        while eventsHandled < count, step() {}
        if time > now, (queue.nextTime ?? .max) >= time { now = time }
    }

    /// Handles every event up to and including `time`, then sets the clock to `time`.
    public mutating func run(until time: SimTime) {
        while let next = queue.nextTime, next <= time { step() }
        if time > now { now = time }
    }

    /// Runs until nothing is left: arrivals have stopped and every request has drained.
    public mutating func runToEnd() {
        while step() {}
    }

    /// Applies `command` at the current instant (after the events already handled at it).
    public mutating func apply(_ command: Command) {
        commandLog.append((now, eventsHandled, command))
        controls.append(.command(command))
        queue.push(at: now, .control, target: Int32(controls.count - 1))
    }

    // MARK: - Instances

    /// Adds an instance (`InstancePool.make`); one added active counts in the cluster's capacity.
    mutating func addInstance(
        gpu: GPUSpec, model: ModelSpec, tensorParallel: Int, status: InstanceStatus, engine: EngineSettings? = nil
    ) throws -> Int32 {
        let instance = try InstancePool.make(
            id: Int32(instances.count), gpu: gpu, model: model, tensorParallel: tensorParallel, status: status,
            engine: engine, scenario: scenario)
        let (id, serving) = pool.add(instance)
        recorder.addEngine()
        if serving > 0 { noteCapacity(change: serving) }
        return id
    }

    /// Asks instance `i` to form a batch at the current instant, once every event of the instant is in.
    mutating func kick(_ i: Int32) {
        loadIndex.touch(i)
        if instances[Int(i)].kickPending || instances[Int(i)].busy { return }
        instances[Int(i)].kickPending = true
        queue.push(at: now, .schedule, target: i)
    }

    mutating func startIteration(_ i: Int32) {
        let index = Int(i)
        loadIndex.touch(i)
        instances[index].kickPending = false
        let status = instances[index].status
        guard status == .active || status == .draining, !instances[index].busy else { return }
        let usedBefore = instances[index].kv.usedBlocks
        let preemptionsBefore = instances[index].preemptions
        var shape = localPolicy.formBatch(
            &pool.instances[index], &requests, now: now, hasher: PrefixHasher(streams: streams, pool: kvPool))
        // What never changes of the instance is read from the pool's table, not its cold lines.
        let fixed = pool.fixed[index]
        if fixed.speculates { proposeDrafts(on: index, shape: &shape) }
        noteKV(change: instances[index].kv.usedBlocks - usedBefore)
        if timeline != nil && instances[index].preemptions != preemptionsBefore { timelinePreemptions(on: i) }
        let copySeconds = fixed.tiered ? settleTiers(index) : 0
        guard !instances[index].batch.isEmpty else { return }
        var duration = pool.iterationDuration(index, shape)
        if fixed.speculates, let speculation = instances[index].speculation {
            duration += Time.seconds(speculation.proposerSeconds(shape))
        }
        if copySeconds > 0 { duration += max(1, SimTime((copySeconds * 1e6).rounded())) }
        instances[index].busy = true
        instances[index].iterationStart = now
        instances[index].iterationEnd = now + duration
        instances[index].lastShape = shape
        pool.prefetchStage[index] = 0
        queue.push(at: now + duration, .iterationEnd, target: i)
    }

    mutating func endIteration(_ i: Int32) {
        let index = Int(i)
        guard instances[index].status != .failed, instances[index].busy else { return }
        loadIndex.touch(i)
        if timeline != nil { timelineIteration(i) }
        let usedBefore = instances[index].kv.usedBlocks
        var finished = finishedScratch
        finished.removeAll(keepingCapacity: true)
        var tokens: Int64 = 0
        var gaps = TokenGaps()
        let prefillRole = instances[index].role == .prefill
        // The batch is taken out of the instance while it is read (no copy, no reference counting
        // per entry) and handed back emptied, its storage kept. Its requests are scattered over the
        // table: their slots start loading a few entries ahead.
        var batch: [BatchEntry] = []
        swap(&batch, &pool.instances[index].batch)
        let ahead = RequestTable.prefetchDistance
        for k in 0..<min(ahead, batch.count) { requests.prefetch(batch[k].request) }
        for k in batch.indices {
            if k + ahead < batch.count { requests.prefetch(batch[k + ahead].request) }
            let entry = batch[k]
            let id = entry.request
            requests[id].computedTokens += entry.tokens
            // Fields read one by one: a copy of the whole request would load its cold cache line too.
            guard requests[id].computedTokens == requests[id].heldTokens else { continue }
            // The iteration sampled one output token for this request, and kept the draft tokens
            // the target accepted (speculative decoding), whose KV it computed.
            let accepted = entry.drafts > 0 ? acceptedDrafts(entry, on: index) : 0
            requests[id].generatedTokens += 1 + accepted
            requests[id].computedTokens += accepted
            tokens += 1 + Int64(accepted)
            let generated = requests[id].generatedTokens
            if prefillRole && generated - accepted < requests[id].outputTokens {
                // Its KV cache goes to a decode instance, and the token with it (Simulation+Transfers).
                transfers.prefilled.append(id)
                continue
            }
            emitToken(id, at: now, on: index, gaps: &gaps)
            if generated >= requests[id].outputTokens {
                pool.instances[index].releaseBlocks(of: id, &requests)
                finished.append(id)
            }
        }
        recorder.nextTokens(gaps, instance: index)
        recorder.sampled(tokens)
        instances[index].tokensGenerated += tokens
        instances[index].iterations += 1
        instances[index].busyTime += now - instances[index].iterationStart
        batch.removeAll(keepingCapacity: true)
        swap(&batch, &pool.instances[index].batch)
        instances[index].busy = false
        if !finished.isEmpty {
            pool.instances[index].running.removeAll {
                requests[$0].blocks == 0 && requests[$0].generatedTokens >= requests[$0].outputTokens
            }
            for id in finished { complete(id) }
        }
        finishedScratch = finished
        noteKV(change: instances[index].kv.usedBlocks - usedBefore)
        if !transfers.prefilled.isEmpty { handOffPrefilled(from: i) }
        if !transfers.pending.isEmpty && !finished.isEmpty { retryPendingHandoffs() }
        if instances[index].status == .draining && instances[index].outstanding == 0 {
            retire(i)
        } else {
            kick(i)
        }
        if instances[index].switchingTo != nil { finishRoleSwitchIfDrained(i) }
    }

    /// Records a finished request and frees its slot.
    mutating func complete(_ id: Int32) {
        if timeline != nil { timelineLeaves(id, rejected: false) }
        recorder.completed(id, requests[id], now: now, requests: requests)
        noteCompletion(id)
        requests.remove(id)
    }

    /// Keeps the cluster's KV integrals and peak in step with a change of `change` used blocks.
    mutating func noteKV(change: Int32) { recorder.noteKV(change: change, now: now) }

    /// Accounts a change of the cluster's total blocks (an instance joins or leaves).
    mutating func noteCapacity(change: Int64) { recorder.noteCapacity(change: change, now: now) }

    // MARK: - Dispatch

    /// Sends request `id` (new, or orphaned by a failure) to an instance chosen by the global policy.
    mutating func dispatch(_ id: Int32) {
        // An overloaded cluster sheds load rather than queueing without bound (docs/scenarios.md).
        if requests.liveCount > maxRequestsInFlight {
            reject(id)
            return
        }
        let model = streams[Int(requests[id].stream)].model
        guard
            let chosen = globalPolicy.dispatch(
                requests[id], model: model, instances: instances, requests: requests,
                hasher: PrefixHasher(streams: streams), index: &loadIndex)
        else {
            requests[id].phase = .unassigned
            requests[id].instance = -1
            unassigned.append(id)
            return
        }
        let r = requests[id]
        // A prompt as long as the model's context is refused (vLLM's max_model_len check); the
        // output is cut to the context that is left, as a max_tokens limit would. (Fields read in
        // place: a copy of the whole instance here costs a dozen reference counts per arrival.)
        let context = instances[Int(chosen)].maxContext
        let output = min(r.outputTokens, context - r.promptTokens)
        let totalBlocks = instances[Int(chosen)].kv.totalBlocks
        if r.promptTokens >= context || KVCache.blocksFor(tokens: r.promptTokens + output) > totalBlocks * 99 / 100 {
            reject(id)
            return
        }
        requests[id].outputTokens = output
        land(id, on: chosen, .waiting)
    }

    /// Where a request joins an instance: its waiting queue (dispatched there, to be admitted), or
    /// its running batch with its KV already in place (a committed migration).
    enum Placement {
        case waiting
        case running
    }

    /// Request `id` lands on instance `i`, the one place a request joins an instance (dispatch and
    /// migration commit): it is queued there, its work and priority count in the instance's
    /// bookkeeping, and the instance is asked to form a batch.
    ///
    /// A dispatched request's work is estimated on `i`; a migrated one brings its estimate along.
    /// vLLM v0 keeps `running` in arrival order (its FCFS policy sorts it): a migrated request takes
    /// its place by arrival there, so it is not the first preemption victim for having moved.
    mutating func land(_ id: Int32, on i: Int32, _ placement: Placement) {
        let index = Int(i)
        loadIndex.touch(i)
        requests[id].instance = i
        switch placement {
        case .waiting:
            requests[id].phase = .waiting
            instances[index].waiting.append(id)
            instances[index].waitingTokens += Int64(requests[id].pendingTokens)
            noteDispatched(id, on: i)
            if timeline != nil { timelineQueued(id, on: i) }
        case .running:
            requests[id].admittedAt = now
            let arrival = requests[id].arrival
            let place =
                instances[index].running.firstIndex { requests[$0].arrival > arrival } ?? instances[index].running.count
            instances[index].running.insert(id, at: place)
            instances[index].backlog += Double(requests[id].workEstimate)
            if requests[id].priority == .high { instances[index].highPriority += 1 }
        }
        kick(i)
    }

    mutating func reject(_ id: Int32) {
        if timeline != nil { timelineLeaves(id, rejected: true) }
        recorder.rejected(requests[id], now: now, requests: requests)
        noteRejection(id)
        requests.remove(id)
    }

    // MARK: - Prefixes

    /// vLLM's identity of full block `k` of request `id`'s prompt (a hash that also covers every
    /// earlier block, as vLLM v1's `kv_cache_utils.py`), or nil when the block is not shareable: past
    /// the shared prefix, or not full.
    public func blockHash(of id: Int32, block k: Int32) -> UInt64? {
        Simulation.blockHash(requests[id], block: k, streams: streams)
    }

    /// `blockHash(of:block:)` for request `r` of one of `streams` (what a policy can call).
    static func blockHash(_ r: Request, block k: Int32, streams: [ArrivalStream]) -> UInt64? {
        guard r.prefix.kind != .none, (k + 1) * KVCache.blockTokens <= r.prefix.tokens else { return nil }
        switch r.prefix.kind {
        case .group:
            // Group g's system prompt: the same for every stream naming the same group, salted
            // by the stream so two streams' groups differ.
            return mixHash(mixHash(UInt64(r.stream) &+ 0x5EED, UInt64(r.prefix.source)), UInt64(k))
        case .trace:
            return streams[Int(r.stream)].traceBlockHash(record: r.prefix.source, block: k)
        case .none:
            return nil
        }
    }

    // MARK: - Controls

    mutating func handleControl(_ index: Int) {
        // Lifecycle changes touch any instance; they are rare.
        loadIndex.touchAll()
        switch controls[index] {
        case .command(let command):
            execute(command)
        case .spikeEnd(let factor):
            if let k = activeSpikes.firstIndex(of: factor) { activeSpikes.remove(at: k) }
            setRateMultiplier(activeSpikes.reduce(1, *))
            note(.spikeEnded(factor: factor))
        case .activate(let i):
            guard let serving = pool.activate(i) else { return }
            noteCapacity(change: serving)
            note(.instanceReady(Int(i)))
            redispatchUnassigned()
            retryPendingHandoffs()
        }
    }

    mutating func execute(_ command: Command) {
        loadIndex.touchAll()
        if let (key, message) = command.problem(hardware: scenario.hardware) {
            note(.commandIgnored(command, reason: .outOfBounds(key: key, message: message)))
            return
        }
        switch command {
        case .spike(let factor, let duration):
            activeSpikes.append(factor)
            setRateMultiplier(activeSpikes.reduce(1, *))
            controls.append(.spikeEnd(factor: factor))
            queue.push(at: now + Time.seconds(duration), .control, target: Int32(controls.count - 1))
            note(.spikeStarted(factor: factor, durationSeconds: duration))
        case .setGlobalPolicy(let id):
            do {
                try switchPolicies(global: id, local: localPolicyID, renewing: .global)
                note(.globalPolicySwitched(id))
            } catch {
                note(.commandIgnored(command, reason: .unknownPolicy))
            }
        case .setLocalPolicy(let id):
            do {
                try switchPolicies(global: globalPolicyID, local: id, renewing: .local)
                note(.localPolicySwitched(id))
            } catch {
                note(.commandIgnored(command, reason: .unknownPolicy))
            }
        case .fail(let i):
            guard pool.isLive(i) else {
                note(.commandIgnored(command, reason: .instanceNotLive))
                return
            }
            failInstance(Int32(i))
            note(.instanceFailed(i))
        case .add(let gpu, let model, let tp):
            let live = pool.liveCount
            guard live < ScenarioParser.Limits.maxInstances else {
                note(.commandIgnored(command, reason: .instanceLimit(live: live)))
                return
            }
            // The command was checked against the scenario's hardware on its way in (`Command.problem`).
            guard let g = scenario.gpuSpec(gpu), let m = scenario.modelSpec(model),
                let i = try? addInstance(gpu: g, model: m, tensorParallel: tp, status: .starting)
            else {
                note(.commandIgnored(command, reason: .cannotAdd))
                return
            }
            instances[Int(i)].readyAt = now + Time.seconds(Simulation.startupSeconds)
            controls.append(.activate(instance: i))
            queue.push(at: instances[Int(i)].readyAt, .control, target: Int32(controls.count - 1))
            note(.instanceStarting(Int(i), gpu: gpu, model: model, tensorParallel: tp))
        case .drain(let i):
            guard pool.isActive(i) else {
                note(.commandIgnored(command, reason: .instanceNotActive))
                return
            }
            let idle = pool.drain(Int32(i))
            note(.instanceDraining(i))
            if idle { retire(Int32(i)) }
        case .setRole(let i, let role):
            guard pool.isActive(i) else {
                note(.commandIgnored(command, reason: .instanceNotActive))
                return
            }
            beginRoleSwitch(Int32(i), to: role)
        case .setDecodeChoice(let choice):
            transfers.decodeChoice = choice
            note(.decodeChoiceSwitched(choice))
        case .note(let text):
            note(.noted(text))
        }
    }

    /// Puts the pair `global`, `local` in force (a command, a what-if fork): the global policy is
    /// rebuilt when its id changes or the local one turns `auto` or back (an `AutoGlobal` learns
    /// the local policy), the local one when its id changes, and the side a command names
    /// (`renewing`) in any case, as a switch starts a policy afresh. Throws `PolicyParamError`
    /// when the pair cannot be built with the scenario's parameters, and changes nothing then.
    mutating func switchPolicies(
        global: GlobalPolicyID, local: LocalPolicyID, renewing renewed: PolicyDeclaration.Scope? = nil
    ) throws {
        let built = try PolicyRegistry.policies(global: global, local: local, params: scenario.policy.params)
        if global != globalPolicyID || local.isAuto != localPolicyID.isAuto || renewed == .global {
            switchGlobalPolicy(to: built.global)
        }
        if local != localPolicyID || renewed == .local { switchLocalPolicy(to: built.local) }
        (globalPolicyID, localPolicyID) = (global, local)
    }

    /// Puts global policy `p` in force now: its periodic work starts afresh (a live switch, and
    /// what-if forks).
    mutating func switchGlobalPolicy(to p: GlobalPolicy) {
        globalPolicy = p
        restartPolicyTicks()
    }

    /// Puts local policy `p` in force now: every instance forms its next batch under it.
    mutating func switchLocalPolicy(to p: LocalPolicy) {
        localPolicy = p
        for i in instances.indices {
            instances[i].mayHavePartialPrefills = true
            kick(Int32(i))
        }
    }

    /// Changes the arrival-rate multiplier now, carrying every stream's pending gap over.
    mutating func setRateMultiplier(_ m: Double) {
        let old = rateMultiplier
        rateMultiplier = m
        for s in streams.indices {
            streams[s].rebase(now: now, oldMultiplier: old)
            scheduleArrival(Int32(s))
        }
    }

    /// The instance stops (`InstancePool.fail`): its requests are dispatched again.
    mutating func failInstance(_ i: Int32) {
        noteFailure(i)
        let (orphans, used, serving) = pool.fail(i, requests: &requests)
        noteKV(change: -used)
        if serving > 0 { noteCapacity(change: -serving) }
        for id in orphans { dispatch(id) }
    }

    /// A drained instance leaves the cluster's capacity.
    mutating func retire(_ i: Int32) {
        loadIndex.touch(i)
        noteCapacity(change: -pool.retire(i))
        note(.instanceRetired(Int(i)))
    }

    mutating func redispatchUnassigned() {
        let pending = unassigned
        unassigned.removeAll()
        for id in pending { dispatch(id) }
    }

    mutating func note(_ event: SimulationEvent) {
        if log.count >= Simulation.logCapacity { log.removeFirst() }
        log.append(LogEntry(time: now, event: event))
    }
}

public enum SimulationError: Error, Sendable, CustomStringConvertible {
    case unknownTenant(String)
    case doesNotFit(model: String, gpu: String, tp: Int)

    public var description: String {
        switch self {
        case .unknownTenant(let name): "unknown tenant \"\(name)\""
        case .doesNotFit(let model, let gpu, let tp): "\(model) does not fit on \(gpu) at tp \(tp)"
        }
    }
}
