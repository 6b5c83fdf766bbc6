import ClusterSim

/// What the dashboard shows at one instant: a Sendable value built on the simulation thread and
/// handed to the UI thread, which never touches the simulation itself (as https://github.com/ClementTsang/bottom).
public struct DashboardSnapshot: Sendable, Equatable {
    public var scenario: String
    /// Simulated clock.
    public var now: SimTime
    /// The scenario's `duration_s` (watch mode keeps arrivals going past it).
    public var scenarioDurationSeconds: Double
    public var clock: RunClock
    public var globalPolicy: String
    public var localPolicy: String
    /// Policy ids to cycle through, in order.
    public var globalPolicies: [GlobalPolicyID]
    public var localPolicies: [LocalPolicyID]
    /// Current spike multiplier of every arrival rate (1 when no spike is on).
    public var rateMultiplier: Double
    /// Nominal arrival rate now: the scenario's stream rates times `rateMultiplier`, requests/s.
    public var nominalArrivalRate: Double
    public var recent: RecentRates
    public var totals: Totals
    public var instances: [InstanceRow]
    public var activeMigrations: [MigrationInfo]
    public var recentMigrations: [MigrationInfo]
    public var tenants: [TenantRow]
    public var history: History
    /// The event log, oldest first (the simulator's and the runner's entries merged by time).
    public var log: [LogLine]
    /// The instance whose details are open, if any.
    public var detail: InstanceDetail?
    public var recording: RecordingState
    /// Sequence number of the last command the runner has applied (see `SimulationRunner.send`).
    public var appliedSequence: UInt64
    /// The session replays a recording.
    public var isReplay: Bool
    /// Nothing is left to run: the scenario drained, or the replay reached the recording's end.
    public var finished: Bool
    /// A replay's length: the recording's last instant (nil: live, or not known until it drains).
    public var replayLength: SimTime?
    /// How decode instances are chosen, when the cluster serves disaggregated (nil: it does not).
    public var decodeChoice: DecodeChoice? = nil
    /// The what-if comparison the panel shows, while it is open.
    public var whatIf: WhatIfStatus? = nil

    public init(
        scenario: String, now: SimTime = 0, scenarioDurationSeconds: Double = 0, clock: RunClock = RunClock(),
        globalPolicy: String = "", localPolicy: String = "", globalPolicies: [GlobalPolicyID] = [],
        localPolicies: [LocalPolicyID] = [],
        rateMultiplier: Double = 1, nominalArrivalRate: Double = 0, recent: RecentRates = RecentRates(),
        totals: Totals = Totals(), instances: [InstanceRow] = [], activeMigrations: [MigrationInfo] = [],
        recentMigrations: [MigrationInfo] = [], tenants: [TenantRow] = [], history: History = History(),
        log: [LogLine] = [], detail: InstanceDetail? = nil, recording: RecordingState = .off,
        appliedSequence: UInt64 = 0,
        isReplay: Bool = false, finished: Bool = false, replayLength: SimTime? = nil
    ) {
        self.scenario = scenario
        self.now = now
        self.scenarioDurationSeconds = scenarioDurationSeconds
        self.clock = clock
        self.globalPolicy = globalPolicy
        self.localPolicy = localPolicy
        self.globalPolicies = globalPolicies
        self.localPolicies = localPolicies
        self.rateMultiplier = rateMultiplier
        self.nominalArrivalRate = nominalArrivalRate
        self.recent = recent
        self.totals = totals
        self.instances = instances
        self.activeMigrations = activeMigrations
        self.recentMigrations = recentMigrations
        self.tenants = tenants
        self.history = history
        self.log = log
        self.detail = detail
        self.recording = recording
        self.appliedSequence = appliedSequence
        self.isReplay = isReplay
        self.finished = finished
        self.replayLength = replayLength
    }
}

/// How simulated time is running against wall time.
public struct RunClock: Sendable, Equatable {
    public var paused: Bool
    /// Requested speed: simulated seconds per wall second; `.infinity` is "as fast as possible".
    public var speed: Double
    /// Measured simulated seconds per wall second over the last second of running.
    public var achievedSpeed: Double
    /// The simulator could not keep up with `speed` lately.
    public var lagging: Bool

    public init(paused: Bool = false, speed: Double = 1, achievedSpeed: Double = 0, lagging: Bool = false) {
        self.paused = paused
        self.speed = speed
        self.achievedSpeed = achievedSpeed
        self.lagging = lagging
    }

    /// Speed steps that `+` and `-` move through.
    public static let speedSteps: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, .infinity]
}

/// Rates over the recent window (`History.windowSeconds` of simulated time).
public struct RecentRates: Sendable, Equatable {
    public var arrivalsPerSecond: Double
    public var completionsPerSecond: Double
    public var tokensPerSecond: Double
    /// Preemptions (KV evictions of running requests) per second.
    public var preemptionsPerSecond: Double
    /// SLO attainment of the requests completed in the window (nil: none completed).
    public var attainment: Double?

    public init(
        arrivalsPerSecond: Double = 0, completionsPerSecond: Double = 0, tokensPerSecond: Double = 0,
        preemptionsPerSecond: Double = 0, attainment: Double? = nil
    ) {
        self.arrivalsPerSecond = arrivalsPerSecond
        self.completionsPerSecond = completionsPerSecond
        self.tokensPerSecond = tokensPerSecond
        self.preemptionsPerSecond = preemptionsPerSecond
        self.attainment = attainment
    }
}

/// Cumulative counts since the start of the run.
public struct Totals: Sendable, Equatable {
    public var arrived: Int64
    public var completed: Int64
    public var rejected: Int64
    public var inFlight: Int
    /// Requests in waiting queues, over every instance.
    public var waiting: Int
    /// Requests no instance can take at the moment.
    public var unassigned: Int
    /// SLO attainment, violations counted as they happen (`SLOAccount`); nil: nothing decided yet.
    public var attainment: Double?
    public var preemptions: Int64
    /// Committed live migrations.
    public var migrations: Int64
    /// KV blocks used and in total over the instances that serve.
    public var kvUsed: Int64
    public var kvTotal: Int64

    public init(
        arrived: Int64 = 0, completed: Int64 = 0, rejected: Int64 = 0, inFlight: Int = 0, waiting: Int = 0,
        unassigned: Int = 0,
        attainment: Double? = nil, preemptions: Int64 = 0, migrations: Int64 = 0, kvUsed: Int64 = 0, kvTotal: Int64 = 0
    ) {
        self.arrived = arrived
        self.completed = completed
        self.rejected = rejected
        self.inFlight = inFlight
        self.waiting = waiting
        self.unassigned = unassigned
        self.attainment = attainment
        self.preemptions = preemptions
        self.migrations = migrations
        self.kvUsed = kvUsed
        self.kvTotal = kvTotal
    }

    /// Cluster KV occupancy 0...1 (NaN when no instance serves).
    public var kvUtilization: Double { kvTotal > 0 ? Double(kvUsed) / Double(kvTotal) : .nan }
}

/// One instance as its table row shows it.
public struct InstanceRow: Sendable, Equatable {
    public var id: Int
    public var gpu: String
    public var model: String
    public var tensorParallel: Int
    public var status: InstanceStatus
    public var waiting: Int
    public var running: Int
    public var kvTotal: Int32
    public var kvUsed: Int32
    public var kvReserved: Int32
    public var kvCached: Int32
    /// Output tokens per second over the recent window.
    public var tokensPerSecond: Double
    /// Seconds until a starting instance serves.
    public var readyInSeconds: Double
    /// KV occupancy 0...1 at each of the recent simulated seconds, oldest first.
    public var kvTrend: [Double] = []
    public var preemptions: Int64
    /// Destinations of migrations leaving this instance, and sources of those arriving.
    public var migratingTo: [Int32]
    public var migratingFrom: [Int32]
    /// Its pool (disaggregated serving), the pool it moves to once drained, and the instances
    /// its prefilled requests' KV caches are being sent to, or received from.
    public var role = InstanceRole.mixed
    public var switchingTo: InstanceRole? = nil
    public var sendingKVTo: [Int32] = []
    public var receivingKVFrom: [Int32] = []

    public init(
        id: Int, gpu: String, model: String, tensorParallel: Int = 1, status: InstanceStatus = .active,
        waiting: Int = 0,
        running: Int = 0, kvTotal: Int32 = 0, kvUsed: Int32 = 0, kvReserved: Int32 = 0, kvCached: Int32 = 0,
        tokensPerSecond: Double = 0, readyInSeconds: Double = 0, preemptions: Int64 = 0, migratingTo: [Int32] = [],
        migratingFrom: [Int32] = []
    ) {
        self.id = id
        self.gpu = gpu
        self.model = model
        self.tensorParallel = tensorParallel
        self.status = status
        self.waiting = waiting
        self.running = running
        self.kvTotal = kvTotal
        self.kvUsed = kvUsed
        self.kvReserved = kvReserved
        self.kvCached = kvCached
        self.tokensPerSecond = tokensPerSecond
        self.readyInSeconds = readyInSeconds
        self.preemptions = preemptions
        self.migratingTo = migratingTo
        self.migratingFrom = migratingFrom
    }

    /// KV occupancy 0...1.
    public var kvUtilization: Double { kvTotal > 0 ? Double(kvUsed) / Double(kvTotal) : 0 }
    /// The CPU KV tier under the GPU's, when the instance has one.
    public var cpuTier: CPUTierRow? = nil
}

/// An instance's CPU KV tier (`KVTiers`): blocks held for prefixes and for swapped-out requests.
public struct CPUTierRow: Sendable, Equatable {
    public var total: Int32
    public var prefixBlocks: Int32
    public var swapBlocks: Int32
    /// Prefix blocks read back to serve hits, and blocks written on eviction, since the start.
    public var loadedBlocks: Int64
    public var offloadedBlocks: Int64
    public var swapOuts: Int64

    public init(
        total: Int32, prefixBlocks: Int32 = 0, swapBlocks: Int32 = 0, loadedBlocks: Int64 = 0,
        offloadedBlocks: Int64 = 0, swapOuts: Int64 = 0
    ) {
        self.total = total
        self.prefixBlocks = prefixBlocks
        self.swapBlocks = swapBlocks
        self.loadedBlocks = loadedBlocks
        self.offloadedBlocks = offloadedBlocks
        self.swapOuts = swapOuts
    }

    /// The tier of `tiers`.
    public init(_ tiers: KVTiers) {
        self.init(
            total: tiers.cpu.capacityBlocks, prefixBlocks: tiers.cpu.blocks.count, swapBlocks: tiers.cpu.swapBlocks,
            loadedBlocks: tiers.cpu.loadedBlocks, offloadedBlocks: tiers.cpu.offloadedBlocks, swapOuts: tiers.swapOuts)
    }

    /// Occupancy 0...1.
    public var utilization: Double { total > 0 ? Double(prefixBlocks + swapBlocks) / Double(total) : 0 }
}

/// One tenant's SLO accounting.
public struct TenantRow: Sendable, Equatable {
    public var name: String
    public var ttftSLOMilliseconds: Double
    public var tpotSLOMilliseconds: Double
    public var arrived: Int64
    public var completed: Int64
    public var rejected: Int64
    public var sloMet: Int64
    /// TTFT misses, the outstanding ones included.
    public var ttftViolations: Int64
    public var tpotViolations: Int64
    /// Requests not completed whose TTFT deadline has passed.
    public var outstandingViolations: Int64
    /// SLO violations per simulated second over the recent window, counted as they happen.
    public var recentMissesPerSecond: Double
    /// Attainment over the recent window (nil: nothing completed in it).
    public var recentAttainment: Double?

    public init(
        name: String, ttftSLOMilliseconds: Double = 0, tpotSLOMilliseconds: Double = 0, arrived: Int64 = 0,
        completed: Int64 = 0,
        rejected: Int64 = 0, sloMet: Int64 = 0, ttftViolations: Int64 = 0, tpotViolations: Int64 = 0,
        outstandingViolations: Int64 = 0, recentMissesPerSecond: Double = 0, recentAttainment: Double? = nil
    ) {
        self.name = name
        self.ttftSLOMilliseconds = ttftSLOMilliseconds
        self.tpotSLOMilliseconds = tpotSLOMilliseconds
        self.arrived = arrived
        self.completed = completed
        self.rejected = rejected
        self.sloMet = sloMet
        self.ttftViolations = ttftViolations
        self.tpotViolations = tpotViolations
        self.outstandingViolations = outstandingViolations
        self.recentMissesPerSecond = recentMissesPerSecond
        self.recentAttainment = recentAttainment
    }

    public var missed: Int64 { completed - sloMet + outstandingViolations }
    /// met / (completed + outstanding violations), as `SLOAccount`; nil: nothing decided yet.
    public var attainment: Double? {
        let decided = completed + outstandingViolations
        return decided > 0 ? Double(sloMet) / Double(decided) : nil
    }
}

/// Series over the recent past, one point per `pointSeconds` of simulated time, oldest first;
/// each point summarizes the `windowSeconds` before it. NaN marks a point with no data.
public struct History: Sendable, Equatable {
    public var pointSeconds: Double
    public var windowSeconds: Double
    public var attainment: [Double]
    public var p99TTFTMilliseconds: [Double]
    public var p99TBTMilliseconds: [Double]

    public init(
        pointSeconds: Double = 1, windowSeconds: Double = 5, attainment: [Double] = [],
        p99TTFTMilliseconds: [Double] = [],
        p99TBTMilliseconds: [Double] = []
    ) {
        self.pointSeconds = pointSeconds
        self.windowSeconds = windowSeconds
        self.attainment = attainment
        self.p99TTFTMilliseconds = p99TTFTMilliseconds
        self.p99TBTMilliseconds = p99TBTMilliseconds
    }
}

/// One line of the event log.
public struct LogLine: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case info, spike, policy, failure, scaling, migration, control, recording
    }

    public var time: SimTime
    public var text: String
    public var kind: Kind

    public init(time: SimTime, text: String, kind: Kind) {
        self.time = time
        self.text = text
        self.kind = kind
    }

    /// The line for a simulator log entry: its wording, and the kind its event is.
    public init(_ entry: LogEntry) {
        self.init(time: entry.time, text: entry.text, kind: Kind(entry.event))
    }
}

extension LogLine.Kind {
    /// The kind of a simulator event; an ignored command has the kind of what it tried to do.
    public init(_ event: SimulationEvent) {
        switch event {
        case .spikeStarted, .spikeEnded: self = .spike
        case .globalPolicySwitched, .localPolicySwitched, .decodeChoiceSwitched: self = .policy
        case .instanceFailed: self = .failure
        case .instanceStarting, .instanceReady, .instanceDraining, .instanceRetired, .scaleOut, .scaleIn,
            .roleSwitching, .roleSwitched:
            self = .scaling
        case .recordingStarted, .recordingStopped, .recordingFailed: self = .recording
        case .noted: self = .policy
        case .commandIgnored(let command, _):
            switch command {
            case .spike: self = .spike
            case .setGlobalPolicy, .setLocalPolicy, .setDecodeChoice: self = .policy
            case .fail: self = .failure
            case .add, .drain, .setRole: self = .scaling
            case .note: self = .info
            }
        }
    }
}

/// Whether the session is being recorded.
public enum RecordingState: Sendable, Equatable {
    case off
    case on(path: String)
    /// Recording cannot be used in this build or session; the reason says why.
    case unavailable(String)
}

/// The inside of one instance: its queue and running requests with their KV blocks.
public struct InstanceDetail: Sendable, Equatable {
    public struct RequestLine: Sendable, Equatable {
        public var serial: Int64
        public var tenant: String
        public var promptTokens: Int32
        public var outputTokens: Int32
        public var generatedTokens: Int32
        public var computedTokens: Int32
        public var blocks: Int32
        public var ageSeconds: Double
        public var preemptions: Int32

        public init(
            serial: Int64, tenant: String, promptTokens: Int32, outputTokens: Int32, generatedTokens: Int32 = 0,
            computedTokens: Int32 = 0, blocks: Int32 = 0, ageSeconds: Double = 0, preemptions: Int32 = 0
        ) {
            self.serial = serial
            self.tenant = tenant
            self.promptTokens = promptTokens
            self.outputTokens = outputTokens
            self.generatedTokens = generatedTokens
            self.computedTokens = computedTokens
            self.blocks = blocks
            self.ageSeconds = ageSeconds
            self.preemptions = preemptions
        }
    }

    public var row: InstanceRow
    public var gpuName: String
    public var iterations: Int64
    public var tokensGenerated: Int64
    /// Share of simulated time the instance spent running iterations.
    public var busyShare: Double
    /// The batch of the iteration in flight (requests, tokens).
    public var batchRequests: Int
    public var batchTokens: Int
    /// The first waiting and running requests (at most `InstanceDetail.listLimit` each).
    public var waiting: [RequestLine]
    public var running: [RequestLine]
    /// Speculative decoding on this instance, nil when it has none.
    public var speculative: Speculative? = nil

    /// An instance's speculative decoding: its proposer, its draft tokens per request per
    /// iteration, and vLLM's counters so far (Speculative.swift).
    public struct Speculative: Sendable, Equatable {
        public var method: String
        public var tokens: Int
        public var draftTokens: Int64
        public var acceptedTokens: Int64
        /// Accepted over proposed draft tokens, and 1 + accepted per draft round; nil before any.
        public var acceptanceRate: Double?
        public var meanAcceptanceLength: Double?

        public init(
            method: String, tokens: Int, draftTokens: Int64 = 0, acceptedTokens: Int64 = 0,
            acceptanceRate: Double? = nil, meanAcceptanceLength: Double? = nil
        ) {
            self.method = method
            self.tokens = tokens
            self.draftTokens = draftTokens
            self.acceptedTokens = acceptedTokens
            self.acceptanceRate = acceptanceRate
            self.meanAcceptanceLength = meanAcceptanceLength
        }
    }

    public static let listLimit = 64

    public init(
        row: InstanceRow, gpuName: String = "", iterations: Int64 = 0, tokensGenerated: Int64 = 0,
        busyShare: Double = 0,
        batchRequests: Int = 0, batchTokens: Int = 0, waiting: [RequestLine] = [], running: [RequestLine] = []
    ) {
        self.row = row
        self.gpuName = gpuName
        self.iterations = iterations
        self.tokensGenerated = tokensGenerated
        self.busyShare = busyShare
        self.batchRequests = batchRequests
        self.batchTokens = batchTokens
        self.waiting = waiting
        self.running = running
    }
}
