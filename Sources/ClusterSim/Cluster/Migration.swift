/// A live migration of one request's KV cache between two instances, as the dashboard shows it.
///
/// Llumnix-style multi-stage pre-copy (research/policies.md §4.4); the global policies that
/// migrate fill `Simulation.activeMigrations` and `recentMigrations`.
public struct MigrationInfo: Sendable, Hashable {
    public enum Outcome: UInt8, Sendable { case inFlight, committed, aborted }
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
