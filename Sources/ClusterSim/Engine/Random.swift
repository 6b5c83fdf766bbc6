/// A seeded random stream (xoshiro256**), one per consumer, split from the scenario seed.
///
/// There is no global generator: every stream is derived from `(seed, label, index)` with SplitMix64,
/// so adding a stream never shifts the numbers another stream draws, and a copied simulation draws
/// the same numbers as its original.
public struct RandomStream: RandomNumberGenerator, Sendable, Hashable {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64, label: String, index: Int = 0) {
        var x = seed ^ 0x9E37_79B9_7F4A_7C15
        for byte in label.utf8 { x = RandomStream.splitmix(&x) ^ UInt64(byte) }
        x ^= UInt64(bitPattern: Int64(index)) &* 0xBF58_476D_1CE4_E5B9
        s0 = RandomStream.splitmix(&x)
        s1 = RandomStream.splitmix(&x)
        s2 = RandomStream.splitmix(&x)
        s3 = RandomStream.splitmix(&x)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    static func splitmix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1], safe for logarithms.
    public mutating func uniformOpen() -> Double { (Double(next() >> 11) + 1) * 0x1.0p-53 }

    /// Standard normal (Box-Muller; one draw per call keeps the stream's position simple to reason about).
    public mutating func normal() -> Double {
        let u1 = uniformOpen(), u2 = uniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// Exponential with mean 1.
    public mutating func exponential() -> Double { -_log(uniformOpen()) }

    /// Gamma(shape, 1) by Marsaglia and Tsang (2000), with the shape < 1 boost.
    public mutating func gamma(shape: Double) -> Double {
        if shape < 1 {
            let boost = _pow(uniformOpen(), 1 / shape)
            return gamma(shape: shape + 1) * boost
        }
        let d = shape - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniformOpen()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if _log(u) < 0.5 * x * x + d * (1 - v + _log(v)) { return d * v }
        }
    }
}

#if canImport(Glibc)
    import Glibc
    func _log(_ x: Double) -> Double { Glibc.log(x) }
    func _cos(_ x: Double) -> Double { Glibc.cos(x) }
    func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
    import Darwin
    func _log(_ x: Double) -> Double { Darwin.log(x) }
    func _cos(_ x: Double) -> Double { Darwin.cos(x) }
    func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
    func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
