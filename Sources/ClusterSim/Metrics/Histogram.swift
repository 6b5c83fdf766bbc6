/// A streaming histogram of non-negative integer samples (microseconds) in fixed memory.
///
/// Log-linear buckets in the style of HdrHistogram: values below 128 are exact; above, each power
/// of two is split into 64 sub-buckets, so a reported quantile is within 1/64 (1.6%) of a true
/// sample, and we report the middle of its bucket (error at most 0.8%). Count, sum, min and max are
/// exact. 58 powers × 64 sub-buckets cover every Int64.
public struct Histogram: Sendable, Hashable {
    static let subBits = 6
    static let subCount = 1 << subBits
    static let bucketCount = (64 - subBits) * subCount + 2 * subCount

    var counts: [Int64]
    public private(set) var count: Int64 = 0
    public private(set) var sum: Double = 0
    public private(set) var min: Int64 = .max
    public private(set) var max: Int64 = .min

    public init() { counts = [Int64](repeating: 0, count: Histogram.bucketCount) }

    @inline(__always)
    static func bucket(_ v: Int64) -> Int {
        let u = UInt64(Swift.max(0, v))
        if u < UInt64(2 * subCount) { return Int(u) }
        let top = 63 - u.leadingZeroBitCount  // ≥ subBits + 1
        let shift = top - subBits
        let sub = Int((u >> UInt64(shift)) & UInt64(subCount - 1))
        return (shift + 1) * subCount + sub
    }

    /// Lowest value in bucket `b`, and its width.
    static func range(_ b: Int) -> (low: Int64, width: Int64) {
        if b < 2 * subCount { return (Int64(b), 1) }
        let shift = b / subCount - 1
        let sub = b % subCount
        return ((Int64(subCount + sub)) << Int64(shift), Int64(1) << Int64(shift))
    }

    // Called for every token: inlined into the engine's iteration loop (a call here cost ~8%).
    @inline(__always)
    public mutating func record(_ v: Int64, times n: Int64 = 1) {
        counts[Histogram.bucket(v)] += n
        count += n
        sum += Double(v) * Double(n)
        if v < min { min = v }
        if v > max { max = v }
    }

    public mutating func merge(_ other: Histogram) {
        guard other.count > 0 else { return }
        for i in counts.indices { counts[i] += other.counts[i] }
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The samples recorded since `earlier`, an older copy of this histogram: bucket counts and
    /// sum exactly; min and max are the bounds of the lowest and highest bucket left.
    public func since(_ earlier: Histogram) -> Histogram {
        var d = Histogram()
        guard count > earlier.count else { return d }
        for i in counts.indices {
            let c = counts[i] - earlier.counts[i]
            guard c > 0 else { continue }
            d.counts[i] = c
            let (low, width) = Histogram.range(i)
            if d.min == .max { d.min = low }
            d.max = low + width - 1
        }
        d.count = count - earlier.count
        d.sum = sum - earlier.sum
        return d
    }

    public var mean: Double { count > 0 ? sum / Double(count) : 0 }

    /// The value at quantile `q` (0...1): the middle of the bucket holding the rank-⌈q·n⌉ sample,
    /// clamped to the exact min and max.
    public func quantile(_ q: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, Int64((q * Double(count)).rounded(.up)))
        var seen: Int64 = 0
        for b in counts.indices where counts[b] > 0 {
            seen += counts[b]
            if seen >= rank {
                let (low, width) = Histogram.range(b)
                return Swift.min(max, Swift.max(min, low + (width - 1) / 2))
            }
        }
        return max
    }
}

/// Mean, percentiles and maximum of a histogram, in milliseconds.
public struct LatencySummary: Sendable, Hashable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
    public var count: Int64

    public init(_ h: Histogram) {
        count = h.count
        mean = h.mean / 1000
        p50 = Double(h.quantile(0.50)) / 1000
        p90 = Double(h.quantile(0.90)) / 1000
        p99 = Double(h.quantile(0.99)) / 1000
        max = h.count > 0 ? Double(h.max) / 1000 : 0
    }
}
