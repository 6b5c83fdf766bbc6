import ClusterSim
import DequeModule

/// Metrics of the recent past, from successive samples of the simulator's cumulative counters:
/// one sample per simulated second, each series point summarizing the `windowPoints` seconds
/// before it (SLO attainment, P99 TTFT and TBT of what completed or was emitted in that window).
/// A window's attainment is met / (met + violations) of the requests decided in it: met ones
/// when they complete, violations when they happen (`SLOAccount`), so an outage shows at once.
///
/// The simulator keeps only cumulative histograms; a window's quantile is the quantile of the
/// difference of two copies of a histogram (`Histogram.quantile(_:since:)`).
public struct MetricsWindow: Sendable {
    public static let pointInterval: SimTime = 1_000_000
    public static let windowPoints = 5
    /// Points kept per series (the widest sparkline the screen can show).
    public static let capacity = 240

    struct Sample: Sendable {
        var time: SimTime
        var arrived: Int64
        var completed: Int64
        var sloMet: Int64
        var violations: Int64
        var outputTokens: Int64
        var ttft: Histogram
        var tbt: Histogram
        var tenantCompleted: [Int64]
        var tenantMet: [Int64]
        var tenantViolations: [Int64]
        var instanceTokens: [Int64]
        var preemptions: Int64
    }

    var samples = Deque<Sample>()
    public private(set) var attainment = Deque<Double>()
    public private(set) var p99TTFT = Deque<Double>()
    public private(set) var p99TBT = Deque<Double>()
    /// The simulated instant of the next sample.
    public private(set) var nextSampleTime: SimTime
    /// Each instance's KV occupancy at the last `trendPoints` samples (one array per sample).
    var instanceKV = Deque<[Float]>()
    /// Points of the per-instance trends (the instance table's trend column at its widest).
    public static let trendPoints = 40
    /// Clusters larger than this carry no per-instance trends in their snapshots (their cost
    /// grows with the cluster, and a table shows a few dozen rows anyway).
    public static let trendInstanceLimit = 512

    public init(_ sim: Simulation) {
        let interval = MetricsWindow.pointInterval
        nextSampleTime = (sim.now / interval + 1) * interval
        samples.append(MetricsWindow.sample(sim))
    }

    static func sample(_ sim: Simulation) -> Sample {
        let m = sim.metrics
        let tenantViolations = m.tenants.indices.map { sim.slo(tenant: $0).violations }
        return Sample(
            time: sim.now, arrived: m.arrived, completed: m.completed, sloMet: m.sloMet,
            violations: tenantViolations.reduce(0, +), outputTokens: m.outputTokens, ttft: m.ttft, tbt: m.tbt,
            tenantCompleted: m.tenants.map(\.completed), tenantMet: m.tenants.map(\.sloMet),
            tenantViolations: tenantViolations,
            instanceTokens: sim.instances.map(\.tokensGenerated),
            preemptions: sim.instances.reduce(0) { $0 + $1.preemptions })
    }

    /// Takes the sample due at `sim.now` (the caller runs the simulation to `nextSampleTime` first).
    public mutating func sample(_ sim: Simulation) {
        let newest = MetricsWindow.sample(sim)
        samples.append(newest)
        while samples.count > MetricsWindow.windowPoints + 1 { samples.removeFirst() }
        let oldest = samples[0]
        MetricsWindow.push(
            &attainment,
            MetricsWindow.attainment(
                met: newest.sloMet - oldest.sloMet, violations: newest.violations - oldest.violations) ?? .nan)
        MetricsWindow.push(&p99TTFT, newest.ttft.quantile(0.99, since: oldest.ttft).map { Double($0) / 1000 } ?? .nan)
        MetricsWindow.push(&p99TBT, newest.tbt.quantile(0.99, since: oldest.tbt).map { Double($0) / 1000 } ?? .nan)
        nextSampleTime = sim.now + MetricsWindow.pointInterval
        if sim.instances.count <= MetricsWindow.trendInstanceLimit {
            if instanceKV.count >= MetricsWindow.trendPoints { instanceKV.removeFirst() }
            instanceKV.append(
                sim.instances.map { $0.kv.totalBlocks > 0 ? Float($0.kv.usedBlocks) / Float($0.kv.totalBlocks) : .nan })
        }
    }

    /// Instance `i`'s KV occupancy 0...1 at the recent samples, oldest first (NaN: it did not exist
    /// or had no KV cache); empty past `trendInstanceLimit` instances.
    public func kvTrend(instance i: Int) -> [Double] {
        instanceKV.map { i < $0.count ? Double($0[i]) : .nan }
    }

    /// met / (met + violations); nil when the window decided nothing.
    static func attainment(met: Int64, violations: Int64) -> Double? {
        met + violations > 0 ? Double(met) / Double(met + violations) : nil
    }

    static func push(_ series: inout Deque<Double>, _ value: Double) {
        if series.count >= capacity { series.removeFirst() }
        series.append(value)
    }

    /// Simulated seconds the window spans now (less than `windowPoints` early in a run).
    var spanSeconds: Double {
        guard let first = samples.first, let last = samples.last else { return 0 }
        return Time.toSeconds(last.time - first.time)
    }

    /// Cluster rates over the window.
    public var rates: RecentRates {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return RecentRates() }
        let dt = spanSeconds
        let done = last.completed - first.completed
        return RecentRates(
            arrivalsPerSecond: Double(last.arrived - first.arrived) / dt,
            completionsPerSecond: Double(done) / dt,
            tokensPerSecond: Double(last.outputTokens - first.outputTokens) / dt,
            preemptionsPerSecond: Double(last.preemptions - first.preemptions) / dt,
            attainment: MetricsWindow.attainment(
                met: last.sloMet - first.sloMet, violations: last.violations - first.violations))
    }

    /// Output tokens per second of instance `i` over the window.
    public func tokensPerSecond(instance i: Int) -> Double {
        guard let first = samples.first, let last = samples.last, last.time > first.time, i < last.instanceTokens.count
        else { return 0 }
        let before = i < first.instanceTokens.count ? first.instanceTokens[i] : 0
        return Double(last.instanceTokens[i] - before) / spanSeconds
    }

    /// Tenant `t`'s violations per second and attainment over the window.
    public func tenantRecent(_ t: Int) -> (missesPerSecond: Double, attainment: Double?) {
        guard let first = samples.first, let last = samples.last, last.time > first.time, t < last.tenantCompleted.count
        else {
            return (0, nil)
        }
        let met = last.tenantMet[t] - first.tenantMet[t]
        let violations = last.tenantViolations[t] - first.tenantViolations[t]
        return (Double(violations) / spanSeconds, MetricsWindow.attainment(met: met, violations: violations))
    }

    /// The series as a snapshot carries them (at most `points` each, newest last).
    public func history(points: Int = MetricsWindow.capacity) -> History {
        History(
            pointSeconds: Time.toSeconds(MetricsWindow.pointInterval),
            windowSeconds: Time.toSeconds(MetricsWindow.pointInterval) * Double(MetricsWindow.windowPoints),
            attainment: Array(attainment.suffix(points)), p99TTFTMilliseconds: Array(p99TTFT.suffix(points)),
            p99TBTMilliseconds: Array(p99TBT.suffix(points)))
    }
}
