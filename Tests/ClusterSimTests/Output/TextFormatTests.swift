import ClusterSim
import Foundation
import Testing

struct TextFormatTests {
    /// printf's `%.<decimals>f` with the minus sign of a zero result dropped, the reference.
    func reference(_ v: Double, _ decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        return s == "-" + String(format: "%.\(decimals)f", 0.0) ? String(s.dropFirst()) : s
    }

    @Test func fixedMatchesPrintfOnChosenValues() {
        let values: [Double] = [
            0, -0.0, 0.125, 1.005, 2.5, 3.5, -2.5, 0.5, 1.5, 0.0625, 1.0005, 0.045, 2.675, 1e-300, 5e-324,
            -0.04, 0.04999999, 9.9995, 99.995, 123_456.789_5, 4_503_599_627_370_495.5, 9.007_199_254_740_993e15,
            1e15, 1e18, 1e19, 1e30, 1.7976931348623157e308, -1e22, .pi, -.pi, 0.1, 0.2, 0.3,
            .infinity, -.infinity, .nan,
        ]
        for v in values {
            for decimals in 0...4 {
                #expect(TextFormat.fixed(v, decimals) == reference(v, decimals), "\(v) \(decimals)")
                #expect(TextFormat.fixed(v, decimals, signedZero: true) == String(format: "%.\(decimals)f", v))
            }
        }
    }

    @Test func fixedMatchesPrintfOnSeededRandomValues() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // splitmix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for i in 0..<200_000 {
            let bits = next()
            let v: Double
            switch i % 4 {
            case 0: v = Double(bitPattern: bits)  // any double, any magnitude
            case 1: v = Double(Int64(bitPattern: bits) >> 40) / 1000  // exact thousandths: many ties
            case 2: v = Double(Int64(bitPattern: bits) >> 44) / 16  // binary halves and quarters
            default: v = (Double(bits >> 11) / 0x1p53 - 0.5) * pow(10, Double(Int(bits & 15)) - 4)
            }
            let decimals = Int(bits % 5)
            #expect(TextFormat.fixed(v, decimals) == reference(v, decimals), "\(v) \(decimals)")
        }
    }

    @Test func fittedPadsCutsAndCountsScalars() {
        #expect("ab".fitted(to: 4) == "ab  ")
        #expect("ab".fitted(to: 4, alignRight: true) == "  ab")
        #expect("abcdef".fitted(to: 4) == "abcdef")
        #expect("abcdef".fitted(to: 4, ellipsis: "…") == "abc…")
        #expect("abcdef".fitted(to: 4, ellipsis: "") == "abcd")
        #expect("abcdef".fitted(to: 0, ellipsis: "…", pad: false) == "")
        #expect("ab".fitted(to: 4, ellipsis: "…", pad: false) == "ab")
        #expect("e\u{301}".fitted(to: 3) == "e\u{301} ")  // "e" + combining accent: two columns
    }
}
