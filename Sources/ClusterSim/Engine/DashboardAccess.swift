/// Read-only accessors the live dashboard needs for its windowed metrics (sparklines of the recent
/// past), kept apart from the engine so the simulator's own files stay untouched.
extension Histogram {
    /// Samples recorded since `earlier`, an earlier copy of this histogram.
    public func count(since earlier: Histogram) -> Int64 { count - earlier.count }

    /// The value at quantile `q` (0...1) of the samples recorded since `earlier` (an earlier copy
    /// of this histogram), by the same rule as `quantile(_:)`: the middle of the bucket holding the
    /// rank-⌈q·n⌉ sample. Nil when nothing was recorded in between.
    public func quantile(_ q: Double, since earlier: Histogram) -> Int64? {
        let n = count - earlier.count
        guard n > 0 else { return nil }
        let rank = Swift.max(1, Int64((q * Double(n)).rounded(.up)))
        var seen: Int64 = 0
        let sameShape = earlier.counts.count == counts.count
        for b in counts.indices {
            let c = counts[b] - (sameShape ? earlier.counts[b] : 0)
            guard c > 0 else { continue }
            seen += c
            if seen >= rank {
                let (low, width) = Histogram.range(b)
                return Swift.min(max, low + (width - 1) / 2)
            }
        }
        return max
    }
}
