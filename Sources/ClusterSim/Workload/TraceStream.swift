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

/// The arrival instants of a trace stream after every transform, with the record of each,
/// generated one at a time: memory stays that of the trace however large `rateScale` is and
/// however little of the trace the run reaches.
struct TraceSchedule: Sendable {
    let trace: Trace
    let spread: Int64, start: Int64, end: Int64
    let timeScale: Double, rateScale: Double
    var random: RandomStream
    /// The group of records sharing a timestamp (`groupStart..<groupEnd`), the record being
    /// repeated, and how many of its copies are still to come.
    var groupStart = 0, groupEnd = 0, record = 0, copiesLeft = 0
    var scaled: Int64 = 0

    init(_ spec: TraceStreamSpec, random: RandomStream) {
        trace = spec.trace
        spread = Time.seconds(spec.spreadSeconds)
        start = Time.seconds(spec.startSeconds)
        end = spec.endSeconds.map(Time.seconds) ?? .max
        timeScale = spec.timeScale
        rateScale = spec.rateScale
        self.random = random
    }

    /// The next arrival (µs from the stream's start) and its record, or nil after the last.
    mutating func next() -> (time: Int64, record: Int32)? {
        let raw = trace.arrivals
        while copiesLeft == 0 {
            if record + 1 < groupEnd {
                record += 1
            } else {
                guard groupEnd < raw.count else { return nil }
                groupStart = groupEnd
                groupEnd = groupStart
                while groupEnd < raw.count && raw[groupEnd] == raw[groupStart] { groupEnd += 1 }
                record = groupStart
            }
            let count = Int64(groupEnd - groupStart)
            let width = groupEnd < raw.count ? min(spread, raw[groupEnd] - raw[groupStart]) : spread
            let t = raw[record] + width * Int64(record - groupStart) / count
            guard t >= start && t < end else { continue }
            scaled = Int64((Double(t - start) * timeScale).rounded())
            let whole = Int(rateScale.rounded(.down))
            copiesLeft = whole + (random.uniform() < rateScale - Double(whole) ? 1 : 0)
        }
        copiesLeft -= 1
        return (scaled, Int32(record))
    }
}
