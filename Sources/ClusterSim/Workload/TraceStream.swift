/// A trace-driven stream: which trace, and how to slice and scale it.
///
/// Order of the transforms: requests that share a timestamp are spread evenly over the gap to the
/// next timestamp (at most `spreadSeconds`; Mooncake's conversation trace is quantised to about
/// 3 s), then the slice `[startSeconds, endSeconds)` of trace time is kept, then times are
/// multiplied by `timeScale` (2 = twice as slow), and each request is repeated `rateScale` times
/// on average (2.5 = twice, plus a third time with probability 0.5; 0.5 = kept with probability
/// 0.5), which changes the rate without changing the time span.
public struct TraceStreamSpec: Sendable, Hashable {
    public var format: Trace.Format
    /// The path as the scenario wrote it, and as resolved against the scenario's folder.
    public var file: String
    public var resolvedPath: String
    public var timeScale: Double = 1
    public var rateScale: Double = 1
    public var startSeconds: Double = 0
    public var endSeconds: Double? = nil
    public var spreadSeconds: Double = 0
    public var trace: Trace

    public init(format: Trace.Format, file: String, resolvedPath: String, trace: Trace) {
        self.format = format
        self.file = file
        self.resolvedPath = resolvedPath
        self.trace = trace
        spreadSeconds = format == .mooncake ? 3 : 0
    }

    /// Mean arrival rate of the transformed trace, requests per second.
    public var meanRate: Double {
        let start = Time.seconds(startSeconds), end = endSeconds.map(Time.seconds) ?? .max
        let kept = trace.arrivals.filter { $0 >= start && $0 < end }
        guard let first = kept.first, let last = kept.last, last > first else { return Double(kept.count) * rateScale }
        return Double(kept.count) * rateScale / (Time.toSeconds(last - first) * timeScale)
    }
}

/// The arrival instants of a trace stream after every transform, with the record of each.
struct TraceSchedule: Sendable {
    let trace: Trace
    var times: [Int64] = []
    var records: [Int32] = []

    init(_ spec: TraceStreamSpec, random: inout RandomStream) {
        trace = spec.trace
        let raw = spec.trace.arrivals
        let spread = Time.seconds(spec.spreadSeconds)
        let start = Time.seconds(spec.startSeconds)
        let end = spec.endSeconds.map(Time.seconds) ?? .max
        var i = 0
        while i < raw.count {
            var j = i
            while j < raw.count && raw[j] == raw[i] { j += 1 }
            let width = j < raw.count ? min(spread, raw[j] - raw[i]) : spread
            for k in i..<j {
                let t = raw[k] + width * Int64(k - i) / Int64(j - i)
                guard t >= start && t < end else { continue }
                let scaled = Int64((Double(t - start) * spec.timeScale).rounded())
                let whole = Int(spec.rateScale.rounded(.down))
                let copies = whole + (random.uniform() < spec.rateScale - Double(whole) ? 1 : 0)
                for _ in 0..<copies {
                    times.append(scaled)
                    records.append(Int32(k))
                }
            }
            i = j
        }
    }
}
