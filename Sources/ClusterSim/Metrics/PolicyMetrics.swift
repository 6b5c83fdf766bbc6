/// What the deadline, migration and workflow policies add to the run's measurements: deadlines met and missed, live
/// migrations, and agentic workflows. Streamed in bounded memory like `Metrics`.
public struct PolicyMetrics: Sendable {
    /// Completed requests with a deadline, those that finished after it, and Σ max(0, finish −
    /// deadline) in µs: total tardiness, the quantity MDD (Baker & Bertrand 1982) targets.
    public var deadlined: Int64 = 0
    public var late: Int64 = 0
    public var tardiness: Int64 = 0

    /// Migrations aborted, and the downtime (final stop-and-copy) of committed ones.
    public var migrationsAborted: Int64 = 0
    public var migrationDowntime = Histogram()

    /// Workflows that arrived, completed (all their calls done), failed (a call was rejected),
    /// and completed by their deadline; end-to-end latency of completed ones.
    public var workflowsArrived: Int64 = 0
    public var workflowsCompleted: Int64 = 0
    public var workflowsFailed: Int64 = 0
    public var workflowsMet: Int64 = 0
    public var workflowE2E = Histogram()

    public init() {}

    /// Fraction of finished workflows (completed or failed) that completed by their deadline (1 when none).
    public var workflowAttainment: Double {
        let finished = workflowsCompleted + workflowsFailed
        return finished > 0 ? Double(workflowsMet) / Double(finished) : 1
    }
}
