import ClusterSim

/// Screen-specific number shapes (compact counts, durations, speeds) built on ClusterSim's
/// `TextFormat.fixed`, which needs no Foundation on the screen's numbers (a frame formats hundreds of
/// numbers and must build in well under 2 ms), and forwards to its `fitted(to:)` for columns.
public enum Format {
    /// `v` with `decimals` digits after the point (0...3), as `TextFormat.fixed` writes it (printf's
    /// rounding, no minus sign on zero); "-" for NaN and "big" past what a column can hold.
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "-" : (v > 0 ? "inf" : "-inf") }
        let decimals = max(0, min(3, decimals))
        guard abs(v) * [1.0, 10.0, 100.0, 1000.0][decimals] < 9e17 else { return v < 0 ? "-big" : "big" }
        return TextFormat.fixed(v, decimals)
    }

    /// A short count: 999, 1.2k, 12k, 1.2M, 12M, 1.2G.
    public static func compact(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        let a = abs(v)
        if a < 999.5 { return fixed(v, a < 9.95 && a != a.rounded() ? 1 : 0) }
        if a < 9_950 { return fixed(v / 1e3, 1) + "k" }
        if a < 999_500 { return fixed(v / 1e3, 0) + "k" }
        if a < 9_950_000 { return fixed(v / 1e6, 1) + "M" }
        if a < 999_500_000 { return fixed(v / 1e6, 0) + "M" }
        return fixed(v / 1e9, 1) + "G"
    }

    /// A whole-number count: 999, 1.2k, 12k, 1.2M.
    public static func count(_ v: Int64) -> String {
        v < 1000 ? String(v) : compact(Double(v))
    }

    /// A share as a percentage with one decimal: "97.3%".
    public static func percent(_ share: Double, decimals: Int = 1) -> String {
        share.isFinite ? fixed(share * 100, decimals) + "%" : "-"
    }

    /// Milliseconds as "850ms", "12ms", "1.2s", "14s", "3.1m".
    public static func duration(milliseconds ms: Double) -> String {
        guard ms.isFinite else { return "-" }
        if ms < 9.95 { return fixed(ms, 1) + "ms" }
        if ms < 999.5 { return fixed(ms, 0) + "ms" }
        if ms < 9_950 { return fixed(ms / 1000, 1) + "s" }
        if ms < 99_500 { return fixed(ms / 1000, 0) + "s" }
        return fixed(ms / 60_000, 1) + "m"
    }

    /// A speed factor: "0.1x", "0.25x", "1x", "1000x", "max".
    public static func speed(_ s: Double) -> String {
        if !s.isFinite { return "max" }
        if s >= 10 || s == s.rounded() { return fixed(s, 0) + "x" }
        if (s * 10).rounded() == s * 10 { return fixed(s, 1) + "x" }
        return fixed(s, 2) + "x"
    }

    /// `text` padded with spaces on the right to exactly `width` columns; too long, it is cut and
    /// ends with `ellipsis` (the glyph table's, so a cut value never passes for a whole one).
    public static func padRight(_ text: String, _ width: Int, ellipsis: String) -> String {
        text.fitted(to: width, ellipsis: ellipsis)
    }

    /// `text` padded with spaces on the left to exactly `width` columns; too long, it is cut and
    /// ends with `ellipsis`.
    public static func padLeft(_ text: String, _ width: Int, ellipsis: String) -> String {
        text.fitted(to: width, alignRight: true, ellipsis: ellipsis)
    }

    /// `text` as it is when it fits `width` columns, otherwise cut to end with `ellipsis`.
    public static func fit(_ text: String, _ width: Int, ellipsis: String) -> String {
        text.fitted(to: width, ellipsis: ellipsis, pad: false)
    }

    /// Display width of `text` (one column per scalar: the dashboard keeps to single-width glyphs).
    public static func width(_ text: String) -> Int { text.columns }
}
