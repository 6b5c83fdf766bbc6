/// Per-tenant request and SLO counts of completed requests (`Simulation.slo(tenant:)` adds the
/// requests past their TTFT deadline that have not completed, and gives the attainment).
public struct TenantStats: Sendable, Hashable {
    public var arrived: Int64 = 0
    public var completed: Int64 = 0
    public var rejected: Int64 = 0
    /// Completed requests that met both their TTFT and TPOT objectives.
    public var sloMet: Int64 = 0
    public var ttftViolations: Int64 = 0
    public var tpotViolations: Int64 = 0
    public var ttft = Histogram()
}

/// Everything the run measures, streamed in bounded memory: no per-request sample is kept.
///
/// Definitions as in docs/policies.md and vLLM's benchmarks: TTFT = first token − arrival; TBT = every gap between
/// two consecutive tokens of a request; TPOT = (E2E − TTFT)/(output − 1); queueing delay = first
/// scheduled − arrival; SLO met when TTFT ≤ the tenant's `ttft_ms` and TPOT ≤ its `tpot_ms`; SLO
/// attainment counts violations as they happen (`SLOAccount`).
public struct Metrics: Sendable {
    public var ttft = Histogram()
    public var tbt = Histogram()
    public var tpot = Histogram()
    public var e2e = Histogram()
    public var queue = Histogram()
    public var tenants: [TenantStats]

    public var arrived: Int64 = 0
    public var completed: Int64 = 0
    public var rejected: Int64 = 0
    public var outputTokens: Int64 = 0
    public var migrations: Int64 = 0
    public var lastCompletion: SimTime = 0

    /// ∫ used blocks dt and ∫ total blocks dt over the cluster, in block·µs.
    public var kvUsedIntegral: Double = 0
    public var kvCapacityIntegral: Double = 0
    public var kvPeakUtilization: Double = 0
    var kvLastUpdate: SimTime = 0

    /// Requests awaiting their TTFT deadline (`SLOAccount`).
    var deadlines: TTFTDeadlines

    public init(tenants specs: [TenantSpec]) {
        tenants = [TenantStats](repeating: TenantStats(), count: specs.count)
        deadlines = TTFTDeadlines(tenants: specs)
    }

    /// Advances the KV integrals to `now` with the cluster's block counts since the last update.
    mutating func accumulateKV(now: SimTime, used: Int64, total: Int64) {
        let dt = Double(now - kvLastUpdate)
        if dt > 0 {
            kvUsedIntegral += Double(used) * dt
            kvCapacityIntegral += Double(total) * dt
            kvLastUpdate = now
        }
    }

    mutating func observeKVPeak(used: Int64, total: Int64) {
        if total > 0 {
            let u = Double(used) / Double(total)
            if u > kvPeakUtilization { kvPeakUtilization = u }
        }
    }

    public var kvMeanUtilization: Double { kvCapacityIntegral > 0 ? kvUsedIntegral / kvCapacityIntegral : 0 }
    public var sloMet: Int64 { tenants.reduce(0) { $0 + $1.sloMet } }
}
