/// What a fork measures over its horizon: the difference between the cumulative metrics at the
/// fork instant and at the horizon's end.
///
/// Definitions, the same in every fork so forks compare:
/// - TTFT: first tokens produced inside the horizon (whenever their request arrived); TBT: token
///   gaps that end inside it.
/// - SLO attainment: requests completed inside the horizon that met their objectives, over those
///   completed inside it plus the requests still unfinished at its end whose TTFT deadline has
///   passed (counted as the report counts outstanding violations).
/// - Throughput: output tokens sampled inside the horizon per simulated second; preemptions: those
///   that happened inside it.
/// - Per tenant, also the P99 TTFT with the waiting counted: the first tokens inside the horizon
///   plus, for each request still without one at its end, the wait so far (a lower bound of its
///   TTFT). A policy that leaves a queue behind cannot look fast by not serving it in the horizon.
struct HorizonBaseline: Sendable {
    var start: SimTime
    var ttft: Histogram
    var tbt: Histogram
    var tenantTTFT: [Histogram]
    var tenantSLO: [SLOAccount]
    var tenantArrived: [Int64]
    var outputTokens: Int64
    var preemptions: Int64

    init(_ sim: Simulation) {
        start = sim.now
        let m = sim.metrics
        ttft = m.ttft
        tbt = m.tbt
        tenantTTFT = m.tenants.map(\.ttft)
        tenantSLO = m.tenants.indices.map { sim.slo(tenant: $0) }
        tenantArrived = m.tenants.map(\.arrived)
        outputTokens = m.outputTokens
        preemptions = sim.totalPreemptions
    }

    /// The figures of `sim` since this baseline was taken.
    func measure(_ sim: Simulation) -> HorizonFigures {
        let m = sim.metrics
        // The waits so far of the requests still without a first token, per tenant.
        var waiting = m.tenants.indices.map { m.tenants[$0].ttft.since(tenantTTFT[$0]) }
        for (id, r) in sim.requests.slots.enumerated() where sim.requests.isLive(Int32(id)) && r.firstToken < 0 {
            if waiting.indices.contains(Int(r.tenant)) { waiting[Int(r.tenant)].record(sim.now - r.arrival) }
        }
        var tenants: [HorizonFigures.Tenant] = []
        var total = SLOAccount()
        for t in m.tenants.indices {
            let now = sim.slo(tenant: t)
            var a = SLOAccount()
            a.completed = now.completed - tenantSLO[t].completed
            a.met = now.met - tenantSLO[t].met
            a.outstandingViolations = now.outstandingViolations
            total.add(a)
            tenants.append(
                HorizonFigures.Tenant(
                    arrived: m.tenants[t].arrived - tenantArrived[t], sloAttainment: a.attainment,
                    ttftP99Milliseconds: Double(m.tenants[t].ttft.since(tenantTTFT[t]).quantile(0.99)) / 1000,
                    ttftP99WithWaitingMilliseconds: Double(waiting[t].quantile(0.99)) / 1000))
        }
        let seconds = max(Time.toSeconds(sim.now - start), 1e-9)
        return HorizonFigures(
            ttftP99Milliseconds: Double(m.ttft.since(ttft).quantile(0.99)) / 1000,
            tbtP99Milliseconds: Double(m.tbt.since(tbt).quantile(0.99)) / 1000,
            sloAttainment: total.attainment,
            outputTokensPerSecond: Double(m.outputTokens - outputTokens) / seconds,
            preemptions: sim.totalPreemptions - preemptions, tenants: tenants)
    }
}

/// The figures of one fork over its horizon (`HorizonBaseline` defines them).
public struct HorizonFigures: Sendable, Hashable {
    /// One tenant's share of the figures.
    public struct Tenant: Sendable, Hashable {
        public var arrived: Int64
        public var sloAttainment: Double?
        public var ttftP99Milliseconds: Double
        /// P99 of the first tokens inside the horizon and of the waits of the requests still
        /// without one at its end (see `HorizonBaseline`).
        public var ttftP99WithWaitingMilliseconds: Double
    }

    public var ttftP99Milliseconds: Double
    public var tbtP99Milliseconds: Double
    /// nil when nothing completed or was violated inside the horizon.
    public var sloAttainment: Double?
    public var outputTokensPerSecond: Double
    public var preemptions: Int64
    public var tenants: [Tenant]
}

extension Simulation {
    /// Preemptions so far over every instance.
    public var totalPreemptions: Int64 { instances.reduce(Int64(0)) { $0 + $1.preemptions } }

    /// A copy of the cluster as it stands, switched to `global` and `local` (nil: keep the one in
    /// force, state and all) by the path a live policy switch takes; the copy runs on on its own.
    /// Arrivals are part of the copied value, so every fork sees the same future arrivals.
    public func fork(global: GlobalPolicy? = nil, local: LocalPolicy? = nil) -> Simulation {
        var copy = self
        if let global { copy.switchGlobalPolicy(to: global) }
        if let local { copy.switchLocalPolicy(to: local) }
        return copy
    }

    /// Runs a fork from now to `now + horizon`, measuring it (`HorizonBaseline`): `slices` equal
    /// steps, after each of which `step` gets the slice's index and P99 TTFT (ms, first tokens in
    /// that slice) and says whether to go on; nil when it was told to stop.
    mutating func runHorizon(
        _ horizon: SimTime, slices: Int = 1, step: (Int, Double) -> Bool = { _, _ in true }
    ) -> HorizonFigures? {
        let baseline = HorizonBaseline(self)
        let end = now + horizon
        var sliceTTFT = metrics.ttft
        for k in 1...max(1, slices) {
            run(until: baseline.start + horizon * Int64(k) / Int64(max(1, slices)))
            let p99 = Double(metrics.ttft.since(sliceTTFT).quantile(0.99)) / 1000
            sliceTTFT = metrics.ttft
            if !step(k - 1, p99) { return nil }
        }
        run(until: end)
        return baseline.measure(self)
    }
}
