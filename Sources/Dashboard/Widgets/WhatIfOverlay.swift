import ClusterSim

/// The what-if panel: the cluster forked once per candidate policy pair and run ahead, side by
/// side: each candidate's projected SLO attainment, P99 TTFT and TBT, throughput and preemptions
/// over the horizon, the best marked `*` (`WhatIf.ranks`), the pair in force marked `=`, each
/// fork's progress, and a sparkline of its P99 TTFT over the horizon (one scale for all).
public enum WhatIfOverlay {
    public static let id = PanelID("whatIf")
    /// Over the bottom band when it is tall enough, else over the table too.
    static let panel = Panel(id, .overlay(.whatIf, .bottom(minimumHeight: 12))) { c, buffer in
        draw(c.snapshot.whatIf, c.state, in: c.rect, glyphs: c.glyphs, into: &buffer)
    }

    /// Columns of the figures, right-aligned: header and width.
    static let columns: [(String, Int)] = [
        ("SLO", 7), ("TTFT p99", 9), ("TBT p99", 8), ("tok/s", 7), ("preempt", 8), ("done", 5),
    ]

    public static func draw(
        _ status: WhatIfStatus?, _ state: UIState, in area: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard let status else {
            Draw.box(area, title: "What-if (Esc closes)", glyphs: glyphs, into: &buffer)
            buffer.put("forking the cluster...", x: area.x + 2, y: area.y + 1, CellStyle(.dim))
            return
        }
        let state0 = status.done ? "done" : Format.percent(status.progress, decimals: 0)
        let title =
            "What-if from \(Time.clock(status.forkedAt)), next \(Format.fixed(status.horizonSeconds, 0)) s "
            + "\(glyphs.horizontal) \(status.rows.count) forks on \(status.workers) thread\(status.workers == 1 ? "" : "s") "
            + "\(glyphs.horizontal) \(state0)"
        Draw.box(area, title: title, glyphs: glyphs, into: &buffer)
        let inner = area.inset(1)
        guard inner.height >= 3, inner.width >= 20 else { return }
        // The names first (up to the longest), then a sparkline in what is left, if it is worth it.
        let figures = columns.reduce(0) { $0 + $1.1 }
        let longest = min(40, max(26, status.rows.map { Format.width($0.candidate.label) }.max() ?? 0))
        let left = inner.width - 3 - figures - longest - 1
        let spark = left >= 6 ? min(20, left) : 0
        let nameWidth = max(8, inner.width - 3 - figures - (spark > 0 ? spark + 1 : 0))
        let dim = CellStyle(.dim)

        // Header row.
        var x = inner.x + 3
        x += buffer.put(
            Format.padRight("candidate (global / local)", nameWidth, ellipsis: glyphs.ellipsis), x: x, y: inner.y, dim,
            clip: inner)
        for (name, width) in columns {
            x += buffer.put(Format.padLeft(name, width, ellipsis: glyphs.ellipsis), x: x, y: inner.y, dim, clip: inner)
        }
        if spark > 0 { buffer.put(" TTFT over time", x: x, y: inner.y, dim, clip: inner) }

        // Candidate rows, scrolled to keep the selection visible; the last row says what keys do.
        let listRows = max(1, inner.height - 2)
        let selection = max(0, min(state.whatIfSelection, status.rows.count - 1))
        let first = max(0, min(selection - listRows + 1, status.rows.count - listRows))
        let high = status.rows.compactMap { $0.result?.series.max() }.max() ?? 0
        for k in 0..<listRows {
            let i = first + max(0, k)
            guard status.rows.indices.contains(i) else { break }
            let row = status.rows[i]
            let y = inner.y + 1 + k
            let selected = i == selection
            let r = row.result
            let mark =
                (selected ? String(glyphs.focusMarker) : " ") + (r?.isBest == true ? "*" : " ")
                + (row.candidate == status.current ? "=" : " ")
            let base: CellStyle = selected ? CellStyle(.focus) : (r?.isBest == true ? CellStyle(.ok) : .normal)
            var x = inner.x
            x += buffer.put(mark, x: x, y: y, base, clip: inner)
            x += buffer.put(
                Format.padRight(row.candidate.label, nameWidth, ellipsis: glyphs.ellipsis), x: x, y: y, base,
                clip: inner)
            let cells: [String]
            if let f = r?.figures {
                cells = [
                    f.sloAttainment.map { Format.percent($0, decimals: 1) } ?? "-",
                    Format.duration(milliseconds: f.ttftP99Milliseconds),
                    Format.duration(milliseconds: f.tbtP99Milliseconds), Format.compact(f.outputTokensPerSecond),
                    Format.count(f.preemptions), "100%",
                ]
            } else {
                cells = ["", "", "", "", "", Format.percent(row.progress, decimals: 0)]
            }
            for (cell, (_, width)) in zip(cells, columns) {
                x += buffer.put(Format.padLeft(cell, width, ellipsis: glyphs.ellipsis), x: x, y: y, base, clip: inner)
            }
            if spark > 0, let series = r?.series {
                Draw.sparkline(
                    series, low: 0, high: high, x: x + 1, y: y, width: min(spark, series.count), glyphs: glyphs,
                    style: { _ in CellStyle(.spark) }, into: &buffer)
            }
        }
        let keys =
            status.error.map { "stopped: \($0)" }
            ?? "\(glyphs.arrowUp)\(glyphs.arrowDown) choose  \(glyphs.enterKey) switch to it  [ ] horizon  w fork again  Esc close"
        buffer.put(
            Format.fit(keys, inner.width - 1, ellipsis: glyphs.ellipsis), x: inner.x + 1, y: inner.maxY - 1,
            status.error == nil ? dim : CellStyle(.warn), clip: inner)
    }
}
