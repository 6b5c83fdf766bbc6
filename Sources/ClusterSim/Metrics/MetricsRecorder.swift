/// What the engine tells the metrics, as plain values: arrivals, token times, completions and
/// rejections judged against the tenants' SLOs, TTFT deadlines, and the cluster's KV block counts
/// behind the KV integrals. Owns `Metrics` and the optional per-request completion log.
///
/// The engine calls it at the instant something happens (`now`); the request table is passed in
/// only to settle TTFT deadlines, which ask whether a watched request is still the same live one.
struct MetricsRecorder: Sendable {
    var metrics: Metrics
    /// When set, every completed request's TTFT and E2E, in completion order.
    var completionLog: [CompletionRecord]? = nil
    /// KV blocks used and in service over the cluster (instances starting, failed or retired hold none).
    private(set) var usedBlocks: Int64 = 0
    private(set) var totalBlocks: Int64 = 0
    /// Per tenant: its TPOT objective in µs, as a `Double` (`tpot_ms` × 1000).
    let tpotLimits: [Double]
    /// Per instance, in id order: what vLLM's Prometheus logger counts per engine.
    private(set) var engines: [EngineMetrics] = []

    init(tenants: [TenantSpec]) {
        metrics = Metrics(tenants: tenants)
        tpotLimits = tenants.map { $0.slo.tpotMs * 1000 }
    }

    // MARK: - Requests

    /// Request `id` of `tenant` (arrival serial `serial`) arrived now: counted, and its TTFT
    /// deadline watched from now on.
    mutating func arrived(_ id: Int32, serial: Int64, tenant: Int16, now: SimTime, requests: RequestTable) {
        let t = Int(tenant)
        metrics.arrived += 1
        metrics.tenants[t].arrived += 1
        settleTTFTDeadlines(t, now: now, requests: requests)
        metrics.deadlines.pending[t].append(.init(id: id, serial: serial, deadline: now + metrics.deadlines.limits[t]))
    }

    /// An instance joined the cluster: its engine metrics start from zero.
    mutating func addEngine() { engines.append(EngineMetrics()) }

    /// A request of `tenant` with `promptTokens` got its first token on `instance`, `ttft` µs after
    /// arrival, having first been scheduled `queueing` µs after arrival.
    @inline(__always)
    mutating func firstToken(ttft: SimTime, queueing: SimTime, tenant: Int16, promptTokens: Int32, instance: Int) {
        metrics.ttft.record(ttft)
        metrics.tenants[Int(tenant)].ttft.record(ttft)
        metrics.queue.record(queueing)
        engines[instance].timeToFirstToken.record(ttft)
        engines[instance].queueTime.record(queueing)
        engines[instance].promptTokens += Int64(promptTokens)
    }

    /// Hints that `nextTokens` will be called soon for `instance`, in two steps an event or more
    /// apart: its engine's metrics, then (once they are in) the histogram they point to.
    @inline(__always)
    func prefetchEngine(_ instance: Int) {
        engines.prefetch(instance, bytes: MemoryLayout<EngineMetrics>.stride)
    }
    @inline(__always)
    func prefetchTokenGaps(_ instance: Int) {
        engines.prefetchStorage(ofElement: instance, at: Self.interTokenCounts, bytes: 192)
    }
    private static let interTokenCounts: Int = {
        let histogram = MemoryLayout<EngineMetrics>.offset(of: \.interTokenLatency)!
        return histogram + MemoryLayout<BucketHistogram>.offset(of: \.counts)!
    }()

    /// Requests on `instance` got `gaps.count` later tokens, each `gaps.gap` µs after its previous one.
    @inline(__always)
    mutating func nextTokens(_ gaps: TokenGaps, instance: Int) {
        guard gaps.count > 0 else { return }
        metrics.tbt.record(gaps.gap, times: gaps.count)
        engines[instance].interTokenLatency.record(gaps.gap, times: gaps.count)
    }

    /// An iteration sampled `count` output tokens.
    @inline(__always)
    mutating func sampled(_ count: Int64) {
        metrics.outputTokens += count
    }

    /// Request `r` (in slot `id`) completed now: latencies recorded and judged against its
    /// tenant's SLO. Called before its slot is freed.
    mutating func completed(_ id: Int32, _ r: Request, now: SimTime, requests: RequestTable) {
        if completionLog != nil {
            completionLog!.append(
                CompletionRecord(serial: r.serial, ttft: r.firstToken - r.arrival, e2e: now - r.arrival))
        }
        let tenant = Int(r.tenant)
        let e2e = now - r.arrival
        let ttft = r.firstToken - r.arrival
        metrics.e2e.record(e2e)
        if r.instance >= 0 && Int(r.instance) < engines.count {
            engines[Int(r.instance)].e2eLatency.record(e2e)
            engines[Int(r.instance)].completed += 1
        }
        var tpotMet = true
        if r.outputTokens > 1 {
            let tpot = (e2e - ttft) / Int64(r.outputTokens - 1)
            metrics.tpot.record(tpot)
            tpotMet = Double(tpot) <= tpotLimits[tenant]
        }
        let ttftMet = settleLeaving(r, now: now, requests: requests)
        metrics.completed += 1
        metrics.lastCompletion = now
        metrics.tenants[tenant].completed += 1
        if ttftMet && tpotMet { metrics.tenants[tenant].sloMet += 1 }
        if !ttftMet { metrics.tenants[tenant].ttftViolations += 1 }
        if !tpotMet { metrics.tenants[tenant].tpotViolations += 1 }
    }

    /// Request `r` was rejected now (called before its slot is freed).
    mutating func rejected(_ r: Request, now: SimTime, requests: RequestTable) {
        _ = settleLeaving(r, now: now, requests: requests)
        metrics.rejected += 1
        metrics.tenants[Int(r.tenant)].rejected += 1
    }

    /// A live migration committed.
    mutating func migrated() { metrics.migrations += 1 }

    // MARK: - KV blocks

    /// Keeps the cluster's KV integrals and peak in step with a change of `change` used blocks now.
    @inline(__always)
    mutating func noteKV(change: Int32, now: SimTime) {
        guard change != 0 else { return }
        metrics.accumulateKV(now: now, used: usedBlocks, total: totalBlocks)
        usedBlocks += Int64(change)
        metrics.observeKVPeak(used: usedBlocks, total: totalBlocks)
    }

    /// Accounts a change of the cluster's total blocks now (an instance joins or leaves service).
    mutating func noteCapacity(change: Int64, now: SimTime) {
        metrics.accumulateKV(now: now, used: usedBlocks, total: totalBlocks)
        totalBlocks += change
    }

    // MARK: - TTFT deadlines

    /// A TTFT of `ttft` µs meets tenant `tenant`'s objective.
    func ttftMet(_ ttft: SimTime, tenant: Int) -> Bool { ttft <= metrics.deadlines.limits[tenant] }

    /// A request that is still live and whose TTFT deadline passed without a timely first token.
    static func isOutstandingViolation(_ e: TTFTDeadlines.Entry, _ requests: RequestTable) -> Bool {
        guard requests.isLive(e.id) else { return false }
        let r = requests[e.id]
        return r.serial == e.serial && (r.firstToken < 0 || r.firstToken > e.deadline)
    }

    /// Counts the tenant's requests whose deadline is past and that have no timely first token.
    mutating func settleTTFTDeadlines(_ tenant: Int, now: SimTime, requests: RequestTable) {
        while let first = metrics.deadlines.pending[tenant].first, first.deadline < now {
            metrics.deadlines.pending[tenant].removeFirst()
            if Self.isOutstandingViolation(first, requests) { metrics.deadlines.violated[tenant] += 1 }
        }
    }

    /// Request `r` is about to leave (complete or be rejected): settles its tenant's deadlines and
    /// takes it out of the outstanding violations if it was one. True when its TTFT was met.
    mutating func settleLeaving(_ r: Request, now: SimTime, requests: RequestTable) -> Bool {
        let tenant = Int(r.tenant)
        settleTTFTDeadlines(tenant, now: now, requests: requests)
        let lastMoment = r.firstToken >= 0 ? r.firstToken : now
        let met = ttftMet(lastMoment - r.arrival, tenant: tenant)
        if !met { metrics.deadlines.violated[tenant] -= 1 }
        return met
    }

    /// SLO attainment of tenant `tenant` (or of every tenant, when nil) at instant `now`.
    func slo(tenant: Int?, now: SimTime, requests: RequestTable) -> SLOAccount {
        guard let tenant else {
            var total = SLOAccount()
            for t in metrics.tenants.indices { total.add(slo(tenant: t, now: now, requests: requests)) }
            return total
        }
        let stats = metrics.tenants[tenant]
        var outstanding = metrics.deadlines.violated[tenant]
        for e in metrics.deadlines.pending[tenant] {
            guard e.deadline < now else { break }
            if Self.isOutstandingViolation(e, requests) { outstanding += 1 }
        }
        var account = SLOAccount()
        account.completed = stats.completed
        account.met = stats.sloMet
        account.outstandingViolations = outstanding
        account.ttftViolations = stats.ttftViolations + outstanding
        account.tpotViolations = stats.tpotViolations
        return account
    }
}

/// Later tokens with the same gap since each one's previous token, counted so the gap is
/// recorded once for them all: in a batch most share one, the time since its previous iteration.
struct TokenGaps {
    var gap: SimTime = -1
    var count: Int64 = 0
}
