/// A distribution of token counts (prompt or output lengths), always within 1...cap.
public enum LengthDistribution: Sendable, Hashable {
    /// Always `value`.
    case fixed(value: Int)
    /// Uniform over min...max.
    case uniform(min: Int, max: Int)
    /// Log-normal with arithmetic mean `mean` and log-space standard deviation `sigma`, capped at `max`.
    case lognormal(mean: Double, sigma: Double, max: Int)
    /// Zipf over 1...max: P(k) ∝ k^(−s).
    case zipf(s: Double, max: Int)

    /// Largest value the distribution can produce.
    public var upperBound: Int {
        switch self {
        case .fixed(let v): v
        case .uniform(_, let hi): hi
        case .lognormal(_, _, let hi): hi
        case .zipf(_, let hi): hi
        }
    }
}

/// A sampler for one `LengthDistribution`, owning its precomputed tables (Zipf's CDF).
public struct LengthSampler: Sendable {
    public let distribution: LengthDistribution
    let mu: Double
    let zipfCDF: [Double]

    public init(_ d: LengthDistribution) {
        distribution = d
        switch d {
        case .lognormal(let mean, let sigma, _):
            mu = _log(mean) - sigma * sigma / 2
            zipfCDF = []
        case .zipf(let s, let hi):
            mu = 0
            zipfCDF = ZipfTable.cdf(s: s, max: hi)
        default:
            mu = 0
            zipfCDF = []
        }
    }

    public func sample(_ rng: inout RandomStream) -> Int32 {
        switch distribution {
        case .fixed(let v):
            return Int32(v)
        case .uniform(let lo, let hi):
            return Int32(lo + Int(rng.next() % UInt64(hi - lo + 1)))
        case .lognormal(_, let sigma, let hi):
            let x = _exp(mu + sigma * rng.normal())
            return Int32(Swift.max(1, Swift.min(Double(hi), x.rounded())))
        case .zipf:
            let u = rng.uniform()
            var lo = 0, hi = zipfCDF.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if zipfCDF[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return Int32(lo + 1)
        }
    }
}

enum ZipfTable {
    static func cdf(s: Double, max: Int) -> [Double] {
        var weights = (1...max).map { _pow(Double($0), -s) }
        let total = weights.reduce(0, +)
        var running = 0.0
        for i in weights.indices {
            running += weights[i] / total
            weights[i] = running
        }
        weights[weights.count - 1] = 1
        return weights
    }
}
