/// How requests of a stream arrive in time.
public enum ArrivalProcess: Sendable, Hashable {
    /// Exponential gaps at `rate` requests per second.
    case poisson(rate: Double)
    /// Gamma-distributed gaps with mean 1/rate and coefficient of variation `cv` (cv > 1: bursty,
    /// as in Llumnix's experiments).
    case gamma(rate: Double, cv: Double)
    /// The arrivals and token counts of a trace file (the stream's length distributions are unused).
    case trace(TraceStreamSpec)

    /// Mean requests per second.
    public var rate: Double {
        switch self {
        case .poisson(let r): r
        case .gamma(let r, _): r
        case .trace(let t): t.meanRate
        }
    }
}

/// One stream of requests: a tenant's arrival process and length distributions.
///
/// Arrivals are generated lazily, one pending arrival per stream. Load spikes change the rate by a
/// time change: the stream draws each gap in "base time" (at its nominal rate) and base time runs
/// `multiplier` times faster than simulated time. When the multiplier changes, the remaining base
/// time of the pending gap is carried over, so a spike starting or ending mid-gap is exact for
/// Poisson arrivals and keeps the shape of Gamma ones.
public struct ArrivalStream: Sendable {
    public let tenant: Int16
    public let model: String?
    public let process: ArrivalProcess
    public let input: LengthSampler
    public let output: LengthSampler
    public let sharedPrefix: SharedPrefixSpec?
    let groupSampler: LengthSampler?
    var gapRandom: RandomStream
    var lengthRandom: RandomStream
    /// For trace streams: arrival instants (µs, after slicing and scaling) and the trace record of
    /// each, drawn one ahead: the pending arrival's instant and record.
    var traceSchedule: TraceSchedule?
    var traceTime: Int64 = 0
    var traceRecord: Int32 = 0
    /// Base time (µs at nominal rate) left until the pending arrival, as of `anchor`.
    var pendingBase: Double = 0
    var anchor: SimTime = 0
    /// Increments whenever the pending arrival is rescheduled; older events are ignored.
    var generation: UInt32 = 0
    public private(set) var arrived: Int64 = 0
    /// The stream sends requests from `windowStart` and before `windowEnd` (`start_s`, `end_s`).
    var windowStart: SimTime = 0
    var windowEnd: SimTime = .max

    public init(
        tenant: Int16, model: String?, process: ArrivalProcess, input: LengthDistribution, output: LengthDistribution,
        sharedPrefix: SharedPrefixSpec? = nil, seed: UInt64, index: Int
    ) {
        self.tenant = tenant
        self.model = model
        self.process = process
        self.input = LengthSampler(input)
        self.output = LengthSampler(output)
        self.sharedPrefix = sharedPrefix
        if let p = sharedPrefix {
            groupSampler = LengthSampler(p.skew > 0 ? .zipf(s: p.skew, max: p.groups) : .uniform(min: 1, max: p.groups))
        } else {
            groupSampler = nil
        }
        gapRandom = RandomStream(seed: seed, label: "arrivals", index: index)
        lengthRandom = RandomStream(seed: seed, label: "lengths", index: index)
        if case .trace(let spec) = process {
            traceSchedule = TraceSchedule(spec, random: RandomStream(seed: seed, label: "trace-rate", index: index))
        } else {
            traceSchedule = nil
        }
    }

    /// Draws the next gap in base microseconds.
    mutating func drawGap() -> Double {
        if traceSchedule != nil {
            guard let (time, record) = traceSchedule!.next() else { return .infinity }
            let previous = traceTime
            traceTime = time
            traceRecord = record
            return Double(time - previous)
        }
        switch process {
        case .poisson(let rate):
            return gapRandom.exponential() / rate * 1e6
        case .gamma(let rate, let cv):
            let shape = 1 / (cv * cv)
            return gapRandom.gamma(shape: shape) / shape / rate * 1e6
        case .trace:
            return .infinity
        }
    }

    /// Simulated time of the pending arrival under `multiplier`.
    func pendingTime(multiplier: Double) -> SimTime {
        let wait = (pendingBase / multiplier).rounded(.up)
        return wait < 1e17 ? anchor + SimTime(wait) : .max
    }

    /// Carries the pending gap over a change of rate multiplier at `now`.
    mutating func rebase(now: SimTime, oldMultiplier: Double) {
        pendingBase = Swift.max(0, pendingBase - Double(now - anchor) * oldMultiplier)
        anchor = now
        generation &+= 1
    }

    /// Draws the lengths and the shared prefix of the next request.
    mutating func drawRequest() -> (prompt: Int32, output: Int32, prefix: PrefixRef) {
        if let schedule = traceSchedule {
            let record = traceRecord
            arrived += 1
            let trace = schedule.trace
            let prompt = max(1, trace.inputs[Int(record)]), output = max(1, trace.outputs[Int(record)])
            guard trace.hasPrefixes else {
                guard let shared = sharedPrefix, let groups = groupSampler else { return (prompt, output, .none) }
                let group = groups.sample(&lengthRandom) - 1
                return (
                    prompt, output, PrefixRef(kind: .group, source: group, tokens: min(prompt, Int32(shared.tokens)))
                )
            }
            let covered = Int32(trace.prefixBlocks(Int(record)).count) * Trace.mooncakeBlockTokens
            return (prompt, output, PrefixRef(kind: .trace, source: record, tokens: min(prompt, covered)))
        }
        var p = input.sample(&lengthRandom)
        let o = output.sample(&lengthRandom)
        arrived += 1
        guard let shared = sharedPrefix, let groups = groupSampler else { return (p, o, .none) }
        let group = groups.sample(&lengthRandom) - 1
        // The shared system prompt comes on top of the drawn user prompt.
        p += Int32(shared.tokens)
        return (p, o, PrefixRef(kind: .group, source: group, tokens: Int32(shared.tokens)))
    }
}

extension ArrivalStream {
    /// The hash of full 16-token block `k` of trace record `record`: Mooncake's 512-token block
    /// id (which already stands for its whole prefix) with the block's position inside it.
    func traceBlockHash(record: Int32, block k: Int32) -> UInt64? {
        guard let trace = traceSchedule?.trace else { return nil }
        let blocks = trace.prefixBlocks(Int(record))
        let outer = Int(k * KVCache.blockTokens / Trace.mooncakeBlockTokens)
        guard outer < blocks.count else { return nil }
        return mixHash(mixHash(0x7EACE, UInt64(blocks[blocks.startIndex + outer])), UInt64(k))
    }
}
