extension SweepResult {
    /// A figure the summary table shows: its report field, its heading, and which way is better.
    struct SummaryColumn {
        var path: String
        var heading: String
        var decimals: Int
        var scale: Double
        var higherIsBetter: Bool
    }

    static let summaryColumns = [
        SummaryColumn(path: "ttft_ms.p99", heading: "TTFT p99", decimals: 1, scale: 1, higherIsBetter: false),
        SummaryColumn(path: "slo.attainment", heading: "SLO %", decimals: 1, scale: 100, higherIsBetter: true),
        SummaryColumn(
            path: "throughput.output_tokens_per_s", heading: "out tok/s", decimals: 0, scale: 1, higherIsBetter: true),
    ]

    /// The summary printed at the end of a sweep, `columns` wide: one line per point with its
    /// settings, P99 TTFT, SLO attainment and output throughput, the best of each marked with `*`;
    /// a failed point shows its message.
    public func summaryTable(columns: Int = 80) -> String {
        let ok = rows.filter(\.ok).count
        var lines = [
            "\(rows.count) points, \(ok) ran, \(rows.count - ok) failed"
                + (ok > 0 ? "; TTFT p99 in ms, * marks the best" : "")
        ]
        if let first = rows.first, case .object(let members) = first.json["settings"] {
            let same = members.map(\.key).filter { !varyingAxes.contains($0) }
            if !same.isEmpty && rows.count > 1 {
                lines.append(
                    "every point: " + same.map { "\($0)=\(first.setting($0) ?? "base")" }.joined(separator: " "))
            }
        }
        let numberWidth = max(1, String(rows.map(\.point).max() ?? 0).count)
        let cellWidth = 11
        let metricsWidth = cellWidth * Self.summaryColumns.count
        let keyWidth = max(10, columns - numberWidth - 2 - metricsWidth)
        // One column per varying axis when they fit, else the settings as one text.
        let varying = varyingAxes
        let widths = varying.map { axis in max(axis.count, rows.map { ($0.setting(axis) ?? "base").count }.max() ?? 0) }
        let perAxis = !varying.isEmpty && widths.reduce(0) { $0 + $1 + 2 } <= keyWidth
        func settingsText(_ row: SweepRow?) -> String {
            guard perAxis else {
                guard let row else { return "settings".fitted(to: keyWidth) }
                let text =
                    varying.isEmpty
                    ? row.key : varying.map { "\($0)=\(row.setting($0) ?? "base")" }.joined(separator: " ")
                return text.escapingControlCharacters().fitted(to: keyWidth, ellipsis: "…")
            }
            var text = ""
            for (axis, width) in zip(varying, widths) {
                text +=
                    (row.map { $0.setting(axis) ?? "base" } ?? axis).escapingControlCharacters().fitted(to: width)
                    + "  "
            }
            return text.fitted(to: keyWidth)
        }
        var header = "#".fitted(to: numberWidth, alignRight: true) + "  " + settingsText(nil)
        for column in Self.summaryColumns { header += (column.heading + " ").fitted(to: cellWidth, alignRight: true) }
        lines.append(header)
        var best: [Double?] = []
        for column in Self.summaryColumns {
            let values = rows.compactMap { $0.number(column.path) }
            best.append(column.higherIsBetter ? values.max() : values.min())
        }
        for row in rows {
            var line = String(row.point).fitted(to: numberWidth, alignRight: true) + "  " + settingsText(row)
            if row.ok {
                for (c, column) in Self.summaryColumns.enumerated() {
                    let value = row.number(column.path)
                    let text = value.map { Report.number($0 * column.scale, column.decimals) } ?? "–"
                    let mark = value != nil && value == best[c] ? "*" : " "
                    line += (text + mark).fitted(to: cellWidth, alignRight: true)
                }
            } else {
                // The message takes the room the settings leave.
                line = String(line.reversed().drop { $0 == " " }.reversed()) + "  "
                line += ("failed: " + row.error).escapingControlCharacters().fitted(
                    to: max(10, columns - line.count), ellipsis: "…", pad: false)
            }
            lines.append(line)
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n") + "\n"
    }

    /// The axes whose value differs between rows, in column order: what tells the rows apart
    /// (an axis with one value is in every row's key, but not worth a table's width).
    var varyingAxes: [String] {
        guard case .object(let members) = rows.first?.json["settings"] else { return [] }
        return members.map(\.key).filter { axis in Set(rows.map { $0.setting(axis) ?? "" }).count > 1 }
    }
}
