/// A cumulative histogram over fixed bucket bounds, as a Prometheus client keeps one: counts per
/// bucket (the last one past every bound, Prometheus's `+Inf`), a count and a sum.
///
/// Values are simulated microseconds; bounds are given in seconds, as vLLM declares them, and
/// kept in microseconds so recording compares integers.
public struct BucketHistogram: Sendable, Hashable {
    /// Upper bounds in µs, increasing.
    public let bounds: [SimTime]
    /// Non-cumulative counts: `counts[k]` holds values in (bounds[k-1], bounds[k]]; the last, the rest.
    public private(set) var counts: [Int64]
    public private(set) var sum: SimTime = 0

    public init(boundsSeconds: [Double]) {
        bounds = boundsSeconds.map { Time.seconds($0) }
        counts = [Int64](repeating: 0, count: bounds.count + 1)
    }

    /// Values recorded.
    public var count: Int64 { counts.reduce(0, +) }

    /// Records `n` values of `v` µs.
    @inline(__always)
    public mutating func record(_ v: SimTime, times n: Int64 = 1) {
        var k = 0
        while k < bounds.count && v > bounds[k] { k += 1 }
        counts[k] += n
        sum += v * n
    }
}

/// One instance's counters and histograms as vLLM's Prometheus logger keeps them per engine
/// (vllm/v1/metrics/loggers.py): tokens, completions and the latency histograms with vLLM's
/// own bucket bounds. Fixed size: nothing grows with the number of requests.
public struct EngineMetrics: Sendable, Hashable {
    /// vLLM's `vllm:time_to_first_token_seconds` buckets.
    public static let ttftBounds: [Double] = [
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
        160.0, 640.0, 2560.0,
    ]
    /// vLLM's `vllm:inter_token_latency_seconds` (formerly time_per_output_token) buckets.
    public static let interTokenBounds: [Double] = [
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
    ]
    /// vLLM's request latency buckets (`vllm:e2e_request_latency_seconds` and the other request times).
    public static let requestLatencyBounds: [Double] = [
        0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0,
        1920.0, 7680.0,
    ]

    /// Prompt tokens of the requests whose prefill finished here (counted at their first token, as vLLM v1).
    public var promptTokens: Int64 = 0
    /// Requests that completed here.
    public var completed: Int64 = 0
    public var timeToFirstToken = EngineMetrics.emptyTTFT
    public var interTokenLatency = EngineMetrics.emptyInterToken
    public var e2eLatency = EngineMetrics.emptyRequestLatency
    /// Time from arrival to first scheduled, recorded with the first token.
    public var queueTime = EngineMetrics.emptyRequestLatency

    // Every engine's histograms start as copies of these, so they share one array of bounds per
    // kind (an array's copy shares its storage): at thousands of engines the bounds stay in cache.
    private static let emptyTTFT = BucketHistogram(boundsSeconds: ttftBounds)
    private static let emptyInterToken = BucketHistogram(boundsSeconds: interTokenBounds)
    private static let emptyRequestLatency = BucketHistogram(boundsSeconds: requestLatencyBounds)

    public init() {}
}
