/// A run's state sampled over simulated time: what `run --plot` draws.
///
/// `sample(_:)` reads a simulation without changing it, so sampling (and the stepping it needs)
/// leaves the run's results exactly as they are without it.
public struct TimeSeries: Sendable, Hashable {
    /// Simulated seconds of each sample.
    public private(set) var seconds: [Double] = []
    /// Requests arrived by each sample, since the start.
    public private(set) var arrived: [Int64] = []
    /// Requests waiting: in the instances' waiting queues, plus those not yet assigned an instance.
    public private(set) var queued: [Double] = []
    /// KV blocks in use over KV blocks in the cluster, 0...1, at the instant.
    public private(set) var kvUse: [Double] = []
    /// Cumulative SLO attainment at the instant (`Simulation.slo()`: met over decided, since the
    /// start); nil before any request is decided.
    public private(set) var sloAttainment: [Double?] = []

    var lastTime: SimTime = 0

    public init() {}

    /// Appends the state of `sim` at its current instant; an instant already sampled is skipped.
    public mutating func sample(_ sim: Simulation) {
        guard seconds.isEmpty || sim.now > lastTime else { return }
        var waiting = sim.unassigned.count
        var used: Int64 = 0, total: Int64 = 0
        for instance in sim.instances {
            waiting += instance.waiting.count
            used += Int64(instance.kv.usedBlocks)
            total += Int64(instance.kv.totalBlocks)
        }
        append(
            seconds: Time.toSeconds(sim.now), arrived: sim.metrics.arrived, queued: Double(waiting),
            kvUse: total > 0 ? Double(used) / Double(total) : 0, sloAttainment: sim.slo().attainment)
        lastTime = sim.now
    }

    mutating func append(
        seconds t: Double, arrived n: Int64, queued q: Double, kvUse kv: Double, sloAttainment a: Double?
    ) {
        seconds.append(t)
        arrived.append(n)
        queued.append(q)
        kvUse.append(kv)
        sloAttainment.append(a)
    }
}

extension TimeSeries {
    /// Arrivals per second at each sample, over the trailing `windowSeconds` (or since the start,
    /// for the samples before a whole window has passed); the first sample has none (nil).
    public func arrivalsPerSecond(windowSeconds: Double) -> [Double?] {
        var rates: [Double?] = []
        var start = 0
        for i in seconds.indices {
            while start < i - 1 && seconds[i] - seconds[start + 1] >= windowSeconds { start += 1 }
            let span = seconds[i] - seconds[start]
            rates.append(span > 0 ? Double(arrived[i] - arrived[start]) / span : nil)
        }
        return rates
    }

    /// The sampling step for a run with `durationSeconds` of arrivals: about 300 samples over the
    /// arrivals (whole milliseconds, at least one), more while the run drains.
    public static func step(durationSeconds: Double) -> SimTime {
        max(Time.seconds(0.001), Time.seconds((durationSeconds / 300 * 1000).rounded(.up) / 1000))
    }
}
