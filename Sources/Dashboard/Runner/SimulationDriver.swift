import ClusterSim
import DequeModule

/// The simulation as the dashboard drives it, on one thread, with no wall clock: advance to an
/// instant, apply a command, build a snapshot. `SimulationRunner` wraps it in a paced thread;
/// tests and `--dump-frame` use it directly, so every screen can be reproduced exactly.
///
/// It holds a `Session`, the one place commands and time go through, so a recording (started on
/// the command line or with the `r` key) sees exactly what happened; checkpoints are written at
/// their instants on the way. In a replay it applies the recording's commands at their exact
/// points (after the same number of events), and ignores commands from the keys.
public struct SimulationDriver: Sendable {
    /// A recorded command to apply: its instant and the events handled before it.
    public struct ScheduledCommand: Sendable {
        public var time: SimTime
        public var events: Int64
        public var command: Command

        public init(time: SimTime, events: Int64, command: Command) {
            self.time = time
            self.events = events
            self.command = command
        }
    }

    public internal(set) var session: Session
    public internal(set) var window: MetricsWindow
    /// The runner's own log (pause, speed, steps, replay), merged with the simulator's on screen.
    public internal(set) var controlLog = Deque<LogLine>()
    /// Commands of a recording being replayed, in order; empty when live.
    public internal(set) var replay = Deque<ScheduledCommand>()
    /// A replay applies commands at their exact event counts (false: by time, as when replaying
    /// under other policies, where recorded policy switches are skipped).
    public private(set) var replayExact = true
    public private(set) var isReplay = false
    /// Where a replay ends: the recording's last instant (nil: when the simulation drains).
    public private(set) var endTime: SimTime?
    /// How long the recording is (its last instant, or where its run drained), for the header.
    public private(set) var replayLength: SimTime?
    /// The instants of the recording's commands, in order (for seeking to the previous or next).
    public private(set) var commandTimes: [SimTime] = []
    /// Copies of the replay's state kept on the way, to seek back from (see `seek(to:)`).
    var keyframes: [Keyframe] = []
    var keyframeInterval: SimTime = Time.seconds(10)
    /// The end was already written to the log (cleared when a command makes more work).
    var finishNoted = false
    /// Where recordings started with the `r` key go, and what trace paths are relative to.
    public var recordingDirectory = "."
    public var scenarioBaseDirectory = "."
    let nominalRate: Double

    public static let controlLogCapacity = 100
    /// Lines of the merged event log a snapshot carries (all the full-screen log can scroll to).
    public static let snapshotLogLines = Simulation.logCapacity

    public init(simulation: Simulation) {
        self.init(session: Session(simulation))
    }

    public init(session: Session) {
        self.session = session
        self.window = MetricsWindow(session.sim)
        nominalRate = session.sim.scenario.workload.reduce(0) { $0 + $1.arrival.rate }
    }

    /// A driver that replays `commands` (a recording's) on `simulation`; `exact` applies each after
    /// the recorded number of events, otherwise at its instant. The replay stops at `end` (the
    /// recording's last instant; nil: when the simulation drains).
    /// `length` is the recording's length for the header (default `end`); `keyframeSeconds` how
    /// often a copy of the state is kept to seek back from (the recording's checkpoint interval).
    public init(
        replaying commands: [ScheduledCommand], on simulation: Simulation, exact: Bool, end: SimTime? = nil,
        length: SimTime? = nil, keyframeSeconds: Double = 10
    ) {
        self.init(simulation: simulation)
        replay = Deque(commands)
        replayExact = exact
        isReplay = true
        endTime = end
        replayLength = length ?? end
        commandTimes = commands.map(\.time)
        keyframeInterval = max(Time.seconds(1), Time.seconds(keyframeSeconds))
        keyframes = [keyframe]
    }

    public var simulation: Simulation { session.sim }
    public var now: SimTime { session.sim.now }

    /// True when there is nothing left to run: a replay reached its end, or the simulation drained
    /// (a live session can start again when a command brings new work, e.g. an added instance).
    public var isFinished: Bool {
        if let endTime, session.sim.now >= endTime { return true }
        return replay.isEmpty && session.sim.isFinished
    }

    public var recording: RecordingState {
        if let r = session.recorder { return .on(path: r.path) }
        return isReplay ? .unavailable("replaying") : .off
    }

    /// Applies `command` at the current instant and handles it at once, so the next snapshot shows
    /// it. In a replay the recording drives the cluster, and the command is refused with a note.
    public mutating func apply(_ command: Command) {
        if isReplay {
            note("not applied in a replay: \(command.summary)", kind: .info)
            return
        }
        session.apply(command)
        session.advance(to: session.sim.now)
    }

    /// Adds a line to the runner's log at the current instant.
    public mutating func note(_ text: String, kind: LogLine.Kind = .control) {
        if controlLog.count >= SimulationDriver.controlLogCapacity { controlLog.removeFirst() }
        controlLog.append(LogLine(time: session.sim.now, text: text, kind: kind))
    }

    /// Starts recording to `path` (the recording replays from the start of the session, at `speed`).
    public mutating func startRecording(path: String, speed: Double? = nil) throws {
        guard !isReplay else { throw RecordingError(message: "a replay is not recorded again") }
        try session.startRecording(path: path, baseDirectory: scenarioBaseDirectory, speed: speed)
    }

    /// Stops recording; the file ends with the report at this instant. Returns its path.
    @discardableResult
    public mutating func stopRecording() -> String? {
        let path = session.recorder?.path
        session.stopRecording()
        return path
    }

    /// Runs the simulation to `target` (or to its end, if sooner: time stops when nothing is left
    /// to run), taking the window's samples at every simulated second, writing recording
    /// checkpoints and applying replayed commands on the way. `shouldStop` is asked every few
    /// hundred steps (events or samples); when it says yes the run stops early. Returns true when
    /// `target` or the end was reached.
    @discardableResult
    public mutating func advance(to target: SimTime, shouldStop: () -> Bool = { false }) -> Bool {
        let target = min(target, endTime ?? .max)
        var handled = 0
        while true {
            if isFinished {
                noteFinish()
                return true
            }
            finishNoted = false
            let next = replay.first
            var stopAt = min(target, window.nextSampleTime)
            if isReplay { stopAt = min(stopAt, nextKeyframeTime) }
            if let checkpoint = session.recorder?.checkpointDue { stopAt = min(stopAt, checkpoint) }
            if let next { stopAt = min(stopAt, next.time) }
            while let t = session.sim.nextEventTime, t <= stopAt {
                if let next, replayExact, session.sim.eventsHandled >= next.events { break }
                session.sim.step()
                handled += 1
                if handled & 255 == 0 && shouldStop() { return false }
            }
            if let next, next.time <= stopAt,
                !replayExact || session.sim.eventsHandled >= next.events
                    || session.sim.nextEventTime.map({ $0 > next.time }) ?? true
            {
                replay.removeFirst()
                if replayExact {
                    session.sim.replay(toEvent: next.events, clock: next.time)
                } else {
                    session.sim.run(until: next.time)
                }
                let skip: Bool
                switch next.command {
                case .setGlobalPolicy, .setLocalPolicy: skip = !replayExact
                default: skip = false
                }
                if !skip {
                    session.apply(next.command)
                    session.advance(to: session.sim.now)
                }
                if replay.isEmpty { note("replay: no more recorded commands", kind: .recording) }
                continue
            }
            session.advance(to: stopAt)
            if stopAt == window.nextSampleTime { window.sample(session.sim) }
            if isReplay && stopAt == nextKeyframeTime { keep() }
            if stopAt >= target {
                if isFinished { noteFinish() }
                return true
            }
            // Samples count as work too: an idle stretch between far-apart events must not hold
            // the caller past its deadline.
            handled += 1
            if handled & 255 == 0 && shouldStop() { return false }
        }
    }

    /// Says once in the log that the scenario or the replay has finished.
    mutating func noteFinish() {
        guard !finishNoted else { return }
        finishNoted = true
        if isReplay {
            note("end of recording: paused here ({ [ b or T seek back, q quits)", kind: .recording)
        } else {
            note("scenario finished: nothing left to run", kind: .info)
        }
    }

    /// The snapshot of the current instant. `detail` names the instance whose details are open.
    public func snapshot(clock: RunClock, detail: Int? = nil, appliedSequence: UInt64 = 0) -> DashboardSnapshot {
        let sim = session.sim
        var rows: [InstanceRow] = []
        rows.reserveCapacity(sim.instances.count)
        var waiting = 0
        for (i, inst) in sim.instances.enumerated() {
            waiting += inst.waiting.count
            rows.append(
                InstanceRow(
                    id: Int(inst.id), gpu: inst.gpu.id, model: inst.model.id, tensorParallel: inst.tensorParallel,
                    status: inst.status, waiting: inst.waiting.count, running: inst.running.count,
                    kvTotal: inst.kv.totalBlocks, kvUsed: inst.kv.usedBlocks, kvReserved: inst.kv.reservedBlocks,
                    kvCached: inst.kv.cachedBlocks, tokensPerSecond: window.tokensPerSecond(instance: i),
                    readyInSeconds: inst.status == .starting ? Time.toSeconds(max(0, inst.readyAt - sim.now)) : 0,
                    preemptions: inst.preemptions))
            rows[i].kvTrend = window.kvTrend(instance: i)
            rows[i].role = inst.role
            rows[i].switchingTo = inst.switchingTo
            if let tiers = inst.kv.tiers { rows[i].cpuTier = CPUTierRow(tiers) }
        }
        for m in sim.activeMigrations
        where rows.indices.contains(Int(m.source)) && rows.indices.contains(Int(m.destination)) {
            if m.handoff {
                rows[Int(m.source)].sendingKVTo.append(m.destination)
                rows[Int(m.destination)].receivingKVFrom.append(m.source)
            } else {
                rows[Int(m.source)].migratingTo.append(m.destination)
                rows[Int(m.destination)].migratingFrom.append(m.source)
            }
        }
        var tenants: [TenantRow] = []
        for (t, spec) in sim.scenario.tenants.enumerated() {
            let stats = sim.metrics.tenants[t]
            let account = sim.slo(tenant: t)
            let recent = window.tenantRecent(t)
            tenants.append(
                TenantRow(
                    name: spec.name, ttftSLOMilliseconds: spec.slo.ttftMs, tpotSLOMilliseconds: spec.slo.tpotMs,
                    arrived: stats.arrived, completed: stats.completed, rejected: stats.rejected, sloMet: stats.sloMet,
                    ttftViolations: account.ttftViolations, tpotViolations: stats.tpotViolations,
                    outstandingViolations: account.outstandingViolations, recentMissesPerSecond: recent.missesPerSecond,
                    recentAttainment: recent.attainment))
        }
        let m = sim.metrics
        let serving = rows.filter { $0.status == .active || $0.status == .draining }
        var snapshot = DashboardSnapshot(
            scenario: sim.scenario.name, now: sim.now, scenarioDurationSeconds: sim.scenario.durationSeconds,
            clock: clock,
            globalPolicy: sim.globalPolicyName, localPolicy: sim.localPolicyName, globalPolicies: GlobalPolicyID.all,
            localPolicies: LocalPolicyID.all, rateMultiplier: sim.rateMultiplier,
            nominalArrivalRate: nominalRate * sim.rateMultiplier,
            recent: window.rates,
            totals: Totals(
                arrived: m.arrived, completed: m.completed, rejected: m.rejected, inFlight: sim.inFlight,
                waiting: waiting,
                unassigned: sim.unassigned.count, attainment: sim.slo().attainment,
                preemptions: rows.reduce(0) { $0 + $1.preemptions }, migrations: m.migrations,
                kvUsed: serving.reduce(0) { $0 + Int64($1.kvUsed) },
                kvTotal: serving.reduce(0) { $0 + Int64($1.kvTotal) }),
            instances: rows, activeMigrations: sim.activeMigrations,
            recentMigrations: Array(sim.recentMigrations.suffix(16)),
            tenants: tenants, history: window.history(), log: mergedLog(),
            detail: detail.flatMap { instanceDetail($0) },
            recording: recording, appliedSequence: appliedSequence, isReplay: isReplay, finished: isFinished,
            replayLength: replayLength)
        snapshot.decodeChoice = sim.transfers.used ? sim.transfers.decodeChoice : nil
        return snapshot
    }

    /// The simulator's log and the runner's, merged by time (the simulator's first at equal times:
    /// a runner entry describes what happened after the events of its instant).
    func mergedLog() -> [LogLine] {
        let limit = SimulationDriver.snapshotLogLines
        let sim = session.sim.log.suffix(limit)
        let own = controlLog.suffix(limit)
        var out: [LogLine] = []
        out.reserveCapacity(min(limit, sim.count + own.count))
        var i = sim.startIndex, j = own.startIndex
        while i < sim.endIndex || j < own.endIndex {
            if j == own.endIndex || (i < sim.endIndex && sim[i].time <= own[j].time) {
                out.append(LogLine(sim[i]))
                i += 1
            } else {
                out.append(own[j])
                j += 1
            }
        }
        return Array(out.suffix(limit))
    }

    func instanceDetail(_ index: Int) -> InstanceDetail? {
        let sim = session.sim
        guard sim.instances.indices.contains(index) else { return nil }
        let inst = sim.instances[index]
        let tenants = sim.scenario.tenants
        func line(_ id: Int32) -> InstanceDetail.RequestLine {
            let r = sim.requests[id]
            return InstanceDetail.RequestLine(
                serial: r.serial, tenant: tenants.indices.contains(Int(r.tenant)) ? tenants[Int(r.tenant)].name : "?",
                promptTokens: r.promptTokens, outputTokens: r.outputTokens, generatedTokens: r.generatedTokens,
                computedTokens: r.computedTokens, blocks: r.blocks, ageSeconds: Time.toSeconds(sim.now - r.arrival),
                preemptions: r.preemptions)
        }
        let limit = InstanceDetail.listLimit
        var row = snapshotRow(index)
        row.tokensPerSecond = window.tokensPerSecond(instance: index)
        var detail = InstanceDetail(
            row: row, gpuName: inst.gpu.name, iterations: inst.iterations, tokensGenerated: inst.tokensGenerated,
            busyShare: sim.now > 0 ? min(1, Double(inst.busyTime) / Double(sim.now)) : 0,
            batchRequests: inst.batch.count, batchTokens: inst.batch.reduce(0) { $0 + Int($1.tokens + $1.drafts) },
            waiting: inst.waiting.prefix(limit).map(line), running: inst.running.prefix(limit).map(line))
        if let s = inst.speculation {
            detail.speculative = InstanceDetail.Speculative(
                method: s.config.method.rawValue, tokens: s.config.tokens, draftTokens: s.draftTokens,
                acceptedTokens: s.acceptedTokens, acceptanceRate: s.acceptanceRate,
                meanAcceptanceLength: s.meanAcceptanceLength)
        }
        return detail
    }

    func snapshotRow(_ index: Int) -> InstanceRow {
        let inst = session.sim.instances[index]
        var row = InstanceRow(
            id: Int(inst.id), gpu: inst.gpu.id, model: inst.model.id, tensorParallel: inst.tensorParallel,
            status: inst.status,
            waiting: inst.waiting.count, running: inst.running.count, kvTotal: inst.kv.totalBlocks,
            kvUsed: inst.kv.usedBlocks,
            kvReserved: inst.kv.reservedBlocks, kvCached: inst.kv.cachedBlocks, preemptions: inst.preemptions)
        row.role = inst.role
        row.switchingTo = inst.switchingTo
        if let tiers = inst.kv.tiers { row.cpuTier = CPUTierRow(tiers) }
        for m in session.sim.activeMigrations where m.handoff {
            if Int(m.source) == index { row.sendingKVTo.append(m.destination) }
            if Int(m.destination) == index { row.receivingKVFrom.append(m.source) }
        }
        for m in session.sim.activeMigrations where !m.handoff {
            if Int(m.source) == index { row.migratingTo.append(m.destination) }
            if Int(m.destination) == index { row.migratingFrom.append(m.source) }
        }
        return row
    }
}
