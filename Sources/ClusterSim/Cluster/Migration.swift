/// Where a request is in a live migration.
public enum MigrationPhase: UInt8, Sendable {
    /// Not migrating.
    case none
    /// Its KV blocks are being copied while it keeps decoding on the source (pre-copy stages).
    case copying
    /// Stopped for the final stop-and-copy: the source schedules it no more ("downtime").
    case stopped
}

/// A live migration of one request's KV cache between two instances, as the dashboard shows it.
///
/// Llumnix-style multi-stage pre-copy (https://arxiv.org/abs/2406.03243): `Simulation+Migration.swift`
/// runs it; the global policies that migrate (`llumnix`) start it. `Simulation.activeMigrations`
/// holds the migrations in flight and `recentMigrations` the last finished ones.
public struct MigrationInfo: Sendable, Hashable {
    public enum Outcome: UInt8, Sendable { case inFlight, committed, aborted }
    /// The request's serial (its arrival index).
    public var request: Int64
    public var source: Int32
    public var destination: Int32
    /// Blocks copied so far, and the blocks the request holds.
    public var blocksCopied: Int32
    public var blocksTotal: Int32
    /// Pre-copy stage (1, 2, …); the last stage stops the request ("downtime").
    public var stage: Int32
    public var lastStage: Bool
    public var started: SimTime
    public var ended: SimTime
    /// Time the request could not decode (the final stop-and-copy), µs.
    public var downtime: SimTime
    public var outcome: Outcome
    /// Why it was aborted (empty otherwise).
    public var abortReason: String = ""
    /// A prefilled request's KV cache on its way to a decode instance (disaggregated serving,
    /// `Simulation+Transfers.swift`): one stop-and-copy stage that waits for the instances'
    /// transfer ports, rather than a live migration.
    public var handoff = false

    // Engine state (not shown): the event number of its stage ends, the request's slot, the blocks
    // reserved on the destination so far, blocks being copied in the current stage, when the
    // request was stopped, and its preemption count at the start (a preemption aborts).
    var number: Int32 = 0
    var slot: Int32 = -1
    var reserved: Int32 = 0
    var inStage: Int32 = 0
    var stoppedAt: SimTime = -1
    var preemptionsAtStart: Int32 = 0
    // The policy's limits at the start (a policy switch does not change a migration in flight).
    var lastStageMax: Int32 = 4
    var maxStages: Int32 = 3
    // A hand-off's prefill end (when its first token was computed).
    var prefillEnd: SimTime = -1

    public init(request: Int64, source: Int32, destination: Int32, blocksTotal: Int32, started: SimTime) {
        self.request = request
        self.source = source
        self.destination = destination
        self.blocksCopied = 0
        self.blocksTotal = blocksTotal
        self.stage = 1
        self.lastStage = false
        self.started = started
        self.ended = -1
        self.downtime = 0
        self.outcome = .inFlight
    }
}
