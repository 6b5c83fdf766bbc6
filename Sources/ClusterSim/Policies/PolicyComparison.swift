/// Side-by-side reports of policy combinations run on identical arrivals (`clustertop compare`).
///
/// Identical arrivals come from the seeded streams: the same scenario and seed give every run the
/// same arrival times, lengths, prefixes and predictions whatever the policies do (workflows draw
/// their calls from a stream of their own per workflow, so completion order does not change them).
public struct PolicyComparison: Sendable {
    /// One compared metric: a report field (`ReportField.key`) and how `compare` shows it.
    public struct Metric: Sendable {
        public enum Better: String, Sendable { case lower, higher, none }
        public var label: String
        public var path: String
        public var better: Better
        public var decimals: Int
        public var unit: ReportField.Comparison.Unit
    }

    public struct Run: Sendable {
        public var global: String
        public var local: String
        public var report: Report
        /// The swept parameter's setting (`name=value`), if any.
        public var parameter: String?
        public var label: String { "\(global) / \(local)" + (parameter.map { " / \($0)" } ?? "") }

        public init(global: String, local: String, report: Report, parameter: String? = nil) {
            self.global = global
            self.local = local
            self.report = report
            self.parameter = parameter
        }
    }

    public var scenario: String
    public var seed: UInt64
    public var runs: [Run]

    public init(scenario: String, seed: UInt64, runs: [Run]) {
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
    }

    /// The rows of the table, in order: the report fields marked for comparison (workflow rows
    /// only when the runs have workflows).
    public static let metrics: [Metric] = Report.fields.compactMap { f in
        f.comparison.map {
            Metric(label: $0.label, path: f.key, better: $0.better, decimals: $0.decimals, unit: $0.unit)
        }
    }

    /// Metrics present in the reports.
    public var presentMetrics: [Metric] {
        let jsons = runs.map(\.report.json)
        return PolicyComparison.metrics.filter { m in jsons.contains { $0.value(at: m.path) != nil } }
    }

    /// A metric's value in display units (percent for rates, seconds for workflow latency).
    public static func displayValue(_ m: Metric, _ report: Report) -> Double? {
        report.double(m.path).map(m.unit.display)
    }

    /// Indices of the runs with the best value of `m` (none when all are equal or it has no direction).
    public func best(_ m: Metric) -> [Int] {
        guard m.better != .none else { return [] }
        let values = runs.map { PolicyComparison.displayValue(m, $0.report) }
        let present = values.compactMap { $0 }
        guard present.count > 1, let top = (m.better == .lower ? present.min() : present.max()) else { return [] }
        if present.allSatisfy({ Report.number($0, m.decimals) == Report.number(top, m.decimals) }) { return [] }
        return values.indices.filter {
            values[$0].map { Report.number($0, m.decimals) == Report.number(top, m.decimals) } ?? false
        }
    }

    /// Column letters A, B, …, AA, … for run `i`.
    public static func column(_ i: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return i < 26 ? String(letters[i]) : String(letters[i / 26 - 1]) + String(letters[i % 26])
    }

    /// An 80-column table: a legend of the runs, then blocks of at most four runs side by side;
    /// the best value of each row is marked with `*`.
    public var tableText: String {
        var lines = [
            "compare \(scenario.escapingControlCharacters())  seed \(seed)  (same arrivals in every run; * = best)", "",
        ]
        for (i, run) in runs.enumerated() { lines.append("  \(PolicyComparison.column(i))  \(run.label)") }
        let metrics = presentMetrics
        let labelWidth = 20, cellWidth = 14, perBlock = 4
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            s.fitted(to: w, alignRight: !left)
        }
        var start = 0
        while start < runs.count {
            let block = start..<min(start + perBlock, runs.count)
            lines.append("")
            lines.append(
                pad("", labelWidth, left: true)
                    + block.map { pad(PolicyComparison.column($0) + " ", cellWidth) }.joined())
            for m in metrics {
                let winners = best(m)
                var row = pad(m.label, labelWidth, left: true)
                for i in block {
                    let text =
                        PolicyComparison.displayValue(m, runs[i].report).map { Report.number($0, m.decimals) } ?? "-"
                    row += pad(text + (winners.contains(i) ? "*" : " "), cellWidth)
                }
                lines.append(row)
            }
            start += perBlock
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The runs' full reports, and per metric its values and the best runs.
    public var json: JSONValue {
        let metrics = presentMetrics
        let rows: [JSONValue] = metrics.map { m in
            .object([
                ("metric", .string(m.path)), ("better", .string(m.better.rawValue)),
                (
                    "values",
                    .array(runs.map { r in r.report.double(m.path).map { .number($0, decimals: 4) } ?? .string("") })
                ),
                ("best", .array(best(m).map { .string(runs[$0].label) })),
            ])
        }
        return .object([
            ("scenario", .string(scenario)), ("seed", .integer(Int64(bitPattern: seed))),
            (
                "runs",
                .array(
                    runs.map { run in
                        .object(
                            [("global", .string(run.global)), ("local", .string(run.local))]
                                + (run.parameter.map { [("parameter", JSONValue.string($0))] } ?? []) + [
                                    ("report", run.report.json)
                                ])
                    })
            ),
            ("rows", .array(rows)),
        ])
    }

    /// One row per metric, one column per run (by label), `*` after the best values.
    public var csvText: String {
        let metrics = presentMetrics
        let rows = metrics.map { m -> [String] in
            let winners = best(m)
            return [m.path, m.better.rawValue]
                + runs.indices.map { i in
                    (runs[i].report.double(m.path).map { Report.number($0, 4) } ?? "")
                        + (winners.contains(i) ? "*" : "")
                }
        }
        return Report.csv(header: ["metric", "better"] + runs.map(\.label), rows: rows)
    }
}
