import Foundation

/// The one fixed-decimals number formatter, shared by reports, the command line and the dashboard.
public enum TextFormat {
    /// Powers of ten up to the most decimals the fast path handles.
    private static let powersOfTen: [UInt64] = [
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
    ]

    /// `v` with `decimals` digits after the point, exactly as printf's `%.<decimals>f` writes it
    /// (the exact binary value rounded half to even), except that a value that rounds to zero has
    /// no minus sign unless `signedZero`.
    ///
    /// Reports are compared byte for byte across versions, so this must agree with printf; it does
    /// so without Foundation for |v| × 10^decimals below 2^63 and up to 9 decimals (a dashboard frame
    /// formats hundreds of numbers), and calls `String(format:)` for the rest (huge values, NaN,
    /// infinities).
    public static func fixed(_ v: Double, _ decimals: Int, signedZero: Bool = false) -> String {
        let decimals = max(0, decimals)
        guard decimals < powersOfTen.count, v.isFinite, abs(v) * Double(powersOfTen[decimals]) < 0x1p62 else {
            return printf(v, decimals, signedZero: signedZero)
        }
        let digits = scaledAndRounded(abs(v), decimals)
        var out = v.sign == .minus && (digits != 0 || signedZero) ? "-" : ""
        guard decimals > 0 else { return out + String(digits) }
        let scale = powersOfTen[decimals]
        out += String(digits / scale)
        out += "."
        let fraction = String(digits % scale)
        for _ in fraction.count..<decimals { out += "0" }
        return out + fraction
    }

    /// printf's `%.<decimals>f`, with the minus sign of a zero result dropped unless `signedZero`.
    static func printf(_ v: Double, _ decimals: Int, signedZero: Bool) -> String {
        let s = String(format: "%.\(decimals)f", v)
        if !signedZero && s == "-" + String(format: "%.\(decimals)f", 0.0) { return String(s.dropFirst()) }
        return s
    }

    /// round(v × 10^decimals) for a finite `v` ≥ 0 whose result is below 2^63, computed on the exact
    /// binary value (significand × 2^exponent) with ties to even, as printf rounds.
    private static func scaledAndRounded(_ v: Double, _ decimals: Int) -> UInt64 {
        guard v != 0 else { return 0 }
        // v = significand × 2^shift, with a whole significand below 2^53.
        let significand = v.significandBitPattern | (v.exponentBitPattern == 0 ? 0 : 1 << 52)
        let shift = Int(v.exponentBitPattern == 0 ? 1 : v.exponentBitPattern) - 1075
        let scale = powersOfTen[decimals]
        if shift >= 0 { return (significand * scale) << UInt64(shift) }  // below 2^63, checked by the caller
        // significand × scale fits in 53 + 30 bits: (high, low) as two words, then shifted right by -shift.
        let (high, low) = significand.multipliedFullWidth(by: scale)
        let right = -shift
        if right >= 128 { return 0 }  // below 2^83 / 2^128: less than a half
        let quotient: UInt64
        let remainderAboveHalf: Bool
        let remainderIsHalf: Bool
        if right < 64 {
            quotient = (low >> UInt64(right)) | (right == 0 ? 0 : high << UInt64(64 - right))
            let remainder = low & ((1 << UInt64(right)) - 1)
            let half: UInt64 = 1 << UInt64(right - 1)
            remainderAboveHalf = remainder > half
            remainderIsHalf = remainder == half
        } else if right == 64 {
            quotient = high
            remainderAboveHalf = low > 1 << 63
            remainderIsHalf = low == 1 << 63
        } else {
            quotient = high >> UInt64(right - 64)
            let remainderHigh = high & ((1 << UInt64(right - 64)) - 1)
            let halfHigh: UInt64 = 1 << UInt64(right - 65)
            remainderAboveHalf = remainderHigh > halfHigh || (remainderHigh == halfHigh && low > 0)
            remainderIsHalf = remainderHigh == halfHigh && low == 0
        }
        return remainderAboveHalf || (remainderIsHalf && quotient & 1 == 1) ? quotient + 1 : quotient
    }
}

/// `12`, `0.5`: a number as a person would write it (in messages and on the command line), the
/// shortest form that reads back as the same value; `TextFormat.fixed` is for columns and reports.
public func compact(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
}

extension String {
    /// Display width of this text: one column per unicode scalar (the dashboard keeps to
    /// single-width glyphs).
    public var columns: Int { unicodeScalars.count }

    /// This text fitted to `width` columns (counted in unicode scalars): padded with spaces on the
    /// right, or on the left when `alignRight` (numbers in a column), unless `pad` is false.
    ///
    /// Longer text is left whole when `ellipsis` is nil; otherwise it is cut to `width` columns and
    /// ends with `ellipsis` (dropped when even it does not fit; "" cuts without a mark), so a cut value
    /// never passes for a whole one.
    public func fitted(to width: Int, alignRight: Bool = false, ellipsis: String? = nil, pad: Bool = true) -> String {
        var text = self
        let n = unicodeScalars.count
        if let ellipsis, n > width {
            let mark = ellipsis.unicodeScalars.count <= width ? ellipsis : ""
            let keep = Swift.max(0, width - mark.unicodeScalars.count)
            text = String(String.UnicodeScalarView(unicodeScalars.prefix(keep))) + mark
        }
        let missing = width - text.unicodeScalars.count
        guard pad, missing > 0 else { return text }
        let fill = String(repeating: " ", count: missing)
        return alignRight ? fill + text : text + fill
    }
}
