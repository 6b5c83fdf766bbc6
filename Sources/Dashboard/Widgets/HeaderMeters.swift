import ClusterSim

/// The header's third row: htop-style bar meters of the cluster's KV cache, its queue and its
/// preemptions, each with its figures printed beside the bar (`KV [|||||     ] 42%`).
///
/// - KV: blocks used over the blocks of the instances that serve.
/// - queue: requests waiting over the requests in flight (waiting, running and unassigned), so
///   a full bar means nearly every request in the cluster is queued rather than served.
/// - preempt: preemptions per second over the recent window, against completions per second (a
///   full bar: as many preemptions as completions); the run's total beside it.
public enum HeaderMeters {
    /// One meter: its label, the bar's fraction 0...1 (NaN: no bar), the figures and their style.
    struct Meter {
        var label: String
        var fraction: Double
        var figures: String
        var style: CellStyle
    }

    static func meters(_ s: DashboardSnapshot) -> [Meter] {
        let t = s.totals
        let kv = t.kvUtilization
        let kvRole: StyleRole = !kv.isFinite ? .dim : kv >= 0.95 ? .critical : kv >= 0.8 ? .warn : .ok
        let queued = t.waiting + t.unassigned
        let queueShare = t.inFlight > 0 ? Double(queued) / Double(t.inFlight) : 0
        let rate = s.recent.preemptionsPerSecond
        let perCompletion = rate > 0 ? rate / max(s.recent.completionsPerSecond, rate) : 0
        return [
            Meter(
                label: "KV", fraction: kv, figures: Format.percent(kv, decimals: 0),
                style: CellStyle(kvRole)),
            Meter(
                label: "queue", fraction: queueShare,
                figures: Format.count(Int64(queued)) + " of " + Format.count(Int64(t.inFlight)),
                style: CellStyle(.queue)),
            Meter(
                label: "preempt", fraction: perCompletion,
                figures: Format.fixed(rate, 1) + "/s (" + Format.count(t.preemptions) + ")",
                style: CellStyle(rate > 0 ? .warn : .ok)),
        ]
    }

    public static func draw(_ s: DashboardSnapshot, in row: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard !row.isEmpty else { return }
        let all = meters(s)
        let inner = Rect(x: row.x + 1, y: row.y, width: row.width - 2, height: 1)
        let each = (inner.width - 2 * (all.count - 1)) / all.count
        for (i, m) in all.enumerated() {
            let x = inner.x + i * (each + 2)
            draw(m, in: Rect(x: x, y: row.y, width: each, height: 1), into: &buffer)
        }
    }

    /// `label [|||||    ] figures`: the bar takes what the label and the figures leave.
    static func draw(_ m: Meter, in rect: Rect, into buffer: inout ScreenBuffer) {
        let figures = " " + m.figures
        let barWidth = rect.width - Format.width(m.label) - 3 - Format.width(figures)
        var x = rect.x
        x += buffer.put(m.label + " ", x: x, y: rect.y, CellStyle(.dim), clip: rect)
        if barWidth >= 3 {
            x += buffer.put("[", x: x, y: rect.y, CellStyle(.border), clip: rect)
            let f = m.fraction.isFinite ? max(0, min(1, m.fraction)) : 0
            // A share that is not zero shows at least one mark.
            let marks = f > 0 ? max(1, Int((f * Double(barWidth)).rounded())) : 0
            for i in 0..<barWidth {
                let mark: Unicode.Scalar = i < marks ? "|" : " "
                buffer.put(mark, x: x + i, y: rect.y, i < marks ? m.style : .normal, clip: rect)
            }
            x += barWidth
            x += buffer.put("]", x: x, y: rect.y, CellStyle(.border), clip: rect)
        }
        buffer.put(figures, x: x, y: rect.y, CellStyle(.normal, [.bold]), clip: rect)
    }
}
