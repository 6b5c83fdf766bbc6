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
        /// One report per seed of the comparison, in its order.
        public var reports: [Report]
        /// The swept parameter's setting (`name=value`), if any.
        public var parameter: String?
        public var label: String { "\(global) / \(local)" + (parameter.map { " / \($0)" } ?? "") }
        /// The report of the first (or only) seed.
        public var report: Report { reports[0] }

        public init(global: String, local: String, report: Report, parameter: String? = nil) {
            self.init(global: global, local: local, reports: [report], parameter: parameter)
        }

        public init(global: String, local: String, reports: [Report], parameter: String? = nil) {
            precondition(!reports.isEmpty, "a run has a report per seed")
            self.global = global
            self.local = local
            self.reports = reports
            self.parameter = parameter
        }
    }

    public var scenario: String
    /// The seeds every run was run on; with more than one, each figure is the mean over them.
    public var seeds: [UInt64]
    public var runs: [Run]

    public init(scenario: String, seed: UInt64, runs: [Run]) {
        self.init(scenario: scenario, seeds: [seed], runs: runs)
    }

    public init(scenario: String, seeds: [UInt64], runs: [Run]) {
        precondition(runs.allSatisfy { $0.reports.count == seeds.count }, "a run has a report per seed")
        self.scenario = scenario
        self.seeds = seeds
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
        let jsons = runs.flatMap { $0.reports.map(\.json) }
        return PolicyComparison.metrics.filter { m in jsons.contains { $0.value(at: m.path) != nil } }
    }

    /// Run `i`'s figure for `m`: its value, or with several seeds the mean over the seeds whose
    /// reports have it (nil when none has).
    public func value(_ m: Metric, _ i: Int) -> Double? {
        let values = runs[i].reports.compactMap { $0.double(m.path) }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Run `i`'s figure for `m` in display units (percent for rates, seconds for workflow latency).
    public func displayValue(_ m: Metric, _ i: Int) -> Double? { value(m, i).map(m.unit.display) }

    /// "seed 7", or with several "seeds 21-40,45": runs of consecutive seeds written as ranges.
    var seedText: String {
        guard seeds.count > 1 else { return "seed \(seeds[0])" }
        var parts: [String] = []
        var start = 0
        while start < seeds.count {
            var end = start
            while end + 1 < seeds.count, seeds[end] < .max, seeds[end + 1] == seeds[end] + 1 { end += 1 }
            parts.append(end > start ? "\(seeds[start])-\(seeds[end])" : "\(seeds[start])")
            start = end + 1
        }
        return "seeds " + parts.joined(separator: ",")
    }

    /// Indices of the runs with the best value of `m` (none when all are equal or it has no direction).
    public func best(_ m: Metric) -> [Int] {
        guard m.better != .none else { return [] }
        let values = runs.indices.map { displayValue(m, $0) }
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
        let what =
            seeds.count > 1
            ? "(means over the \(seeds.count) seeds; * = best)"
            : "(same arrivals in every run; * = best)"
        var lines = ["compare \(scenario.escapingControlCharacters())  \(seedText)  \(what)", ""]
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
                    let text = displayValue(m, i).map { Report.number($0, m.decimals) } ?? "-"
                    row += pad(text + (winners.contains(i) ? "*" : " "), cellWidth)
                }
                lines.append(row)
            }
            start += perBlock
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The runs' full reports, and per metric its values and the best runs. With several seeds,
    /// `seeds` lists them, each run holds its `reports` (one per seed), a row's `values` are the
    /// means and its `per_seed` the values seed by seed, per run.
    public var json: JSONValue {
        let several = seeds.count > 1
        func number(_ v: Double?) -> JSONValue { v.map { .number($0, decimals: 4) } ?? .string("") }
        let rows: [JSONValue] = presentMetrics.map { m in
            .object(
                [
                    ("metric", .string(m.path)), ("better", .string(m.better.rawValue)),
                    ("values", .array(runs.indices.map { number(value(m, $0)) })),
                    ("best", .array(best(m).map { .string(runs[$0].label) })),
                ]
                    + (several
                        ? [("per_seed", .array(runs.map { r in .array(r.reports.map { number($0.double(m.path)) }) }))]
                        : []))
        }
        let seedField: (String, JSONValue) =
            several
            ? ("seeds", .array(seeds.map { .integer(Int64(bitPattern: $0)) }))
            : ("seed", .integer(Int64(bitPattern: seeds[0])))
        return .object([
            ("scenario", .string(scenario)), seedField,
            (
                "runs",
                .array(
                    runs.map { run in
                        .object(
                            [("global", .string(run.global)), ("local", .string(run.local))]
                                + (run.parameter.map { [("parameter", JSONValue.string($0))] } ?? [])
                                + [several ? ("reports", .array(run.reports.map(\.json))) : ("report", run.report.json)]
                        )
                    })
            ),
            ("rows", .array(rows)),
        ])
    }

    /// One row per metric, one column per run (by label), `*` after the best values (means over
    /// the seeds when there are several).
    public var csvText: String {
        let metrics = presentMetrics
        let rows = metrics.map { m -> [String] in
            let winners = best(m)
            return [m.path, m.better.rawValue]
                + runs.indices.map { i in
                    (value(m, i).map { Report.number($0, 4) } ?? "")
                        + (winners.contains(i) ? "*" : "")
                }
        }
        return Report.csv(header: ["metric", "better"] + runs.map(\.label), rows: rows)
    }
}
