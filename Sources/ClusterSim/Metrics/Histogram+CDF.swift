extension Histogram {
    /// The cumulative distribution at the histogram's resolution: for each non-empty bucket in
    /// order, its highest value (µs; the exact maximum for the last) and the share of samples at
    /// or below it.
    ///
    /// Buckets are exact below 128 µs and 1/64 of their power of two wide above (within 1.6%), so
    /// the curve is the true empirical CDF sampled at those bucket edges. Empty when there are no
    /// samples.
    public var cdf: [(value: Int64, fraction: Double)] {
        guard count > 0 else { return [] }
        var points: [(value: Int64, fraction: Double)] = []
        var seen: Int64 = 0
        for b in counts.indices where counts[b] > 0 {
            seen += counts[b]
            let (low, width) = Histogram.range(b)
            points.append((Swift.min(max, low + width - 1), Double(seen) / Double(count)))
        }
        return points
    }
}
