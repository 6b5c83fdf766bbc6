import DequeModule

/// SLO attainment as it stands at an instant, for one tenant or the whole cluster.
///
/// A request violates its SLO the moment it is known to: when its TTFT deadline (arrival + the
/// tenant's `ttft_ms`) passes without a first token, or when it completes with its TPOT over
/// `tpot_ms`. Attainment is met / (completed + outstanding violations), where outstanding
/// violations are requests not yet completed whose TTFT deadline has passed; such a request counts
/// once, and moves from outstanding to completed when it completes. With nothing completed and
/// nothing violated there is no attainment (nil), not 100%.
public struct SLOAccount: Sendable, Hashable {
    public var completed: Int64 = 0
    /// Completed requests that met both their TTFT and TPOT objectives.
    public var met: Int64 = 0
    /// Requests not completed (waiting, running or unassigned) whose TTFT deadline has passed.
    public var outstandingViolations: Int64 = 0
    /// TTFT misses: completed late ones and the outstanding ones.
    public var ttftViolations: Int64 = 0
    /// Completed requests over their TPOT objective.
    public var tpotViolations: Int64 = 0

    public init() {}

    /// Requests known to have missed their SLO.
    public var violations: Int64 { completed - met + outstandingViolations }

    /// met / (completed + outstanding violations); nil when both are 0.
    public var attainment: Double? {
        let decided = completed + outstandingViolations
        return decided > 0 ? Double(met) / Double(decided) : nil
    }

    mutating func add(_ other: SLOAccount) {
        completed += other.completed
        met += other.met
        outstandingViolations += other.outstandingViolations
        ttftViolations += other.ttftViolations
        tpotViolations += other.tpotViolations
    }
}

/// Requests awaiting their TTFT deadline, per tenant, in deadline order: what turns a request
/// that never got its first token into a violation at the instant its deadline passes.
///
/// A tenant's deadline is arrival + a fixed limit and arrivals come in time order, so appending at
/// arrival keeps each queue sorted without a heap. Entries are settled (popped) lazily, once their
/// deadline is past, at the tenant's next arrival, completion or rejection; what is past but not
/// yet settled is counted when read (`MetricsRecorder.slo(tenant:now:requests:)`), so every reading is exact.
struct TTFTDeadlines: Sendable {
    struct Entry: Sendable {
        var id: Int32
        var serial: Int64
        var deadline: SimTime
    }

    /// Per tenant: the last instant of TTFT that still meets the SLO, µs after arrival.
    let limits: [SimTime]
    var pending: [Deque<Entry>]
    /// Per tenant: settled outstanding violations.
    var violated: [Int64]

    init(tenants: [TenantSpec]) {
        // ttft ≤ limit exactly when Double(ttft) ≤ ttft_ms × 1000, for integer ttft.
        limits = tenants.map { SimTime(min(($0.slo.ttftMs * 1000).rounded(.down), Double(Int64.max / 4))) }
        pending = [Deque<Entry>](repeating: [], count: tenants.count)
        violated = [Int64](repeating: 0, count: tenants.count)
    }
}

extension Simulation {
    /// SLO attainment of tenant `tenant` (or of every tenant, when nil) at the current instant.
    public func slo(tenant: Int? = nil) -> SLOAccount {
        recorder.slo(tenant: tenant, now: now, requests: requests)
    }
}
