/// The printed forms of a what-if comparison (`clustertop whatif`): an 80-column table with the
/// best candidate marked `*` and the one in force marked `=`, JSON, and CSV (one row per candidate).
public struct WhatIfReport: Sendable {
    public var scenario: String
    public var seed: UInt64
    public var atSeconds: Double
    public var horizonSeconds: Double
    public var results: [WhatIf.Result]

    public init(scenario: String, seed: UInt64, atSeconds: Double, horizonSeconds: Double, results: [WhatIf.Result]) {
        self.scenario = scenario
        self.seed = seed
        self.atSeconds = atSeconds
        self.horizonSeconds = horizonSeconds
        self.results = results
    }

    /// The columns of the CSV and the keys of each JSON candidate, with their values.
    static func fields(_ r: WhatIf.Result) -> [(String, JSONValue)] {
        let f = r.figures
        return [
            ("global", .string(r.candidate.global.rawValue)),
            ("local", .string(r.candidate.local.rawValue)),
            ("current", .bool(r.isCurrent)),
            ("best", .bool(r.isBest)),
            ("slo_attainment", .number(f.sloAttainment ?? .nan, decimals: 4)),
            ("ttft_p99_ms", .number(f.ttftP99Milliseconds, decimals: 3)),
            ("tbt_p99_ms", .number(f.tbtP99Milliseconds, decimals: 3)),
            ("output_tokens_per_s", .number(f.outputTokensPerSecond, decimals: 1)),
            ("preemptions", .integer(f.preemptions)),
            ("ttft_p99_series_ms", .string(r.series.map { Report.number($0, 1) }.joined(separator: " "))),
        ]
    }

    public var json: JSONValue {
        .object([
            ("scenario", .string(scenario)),
            ("seed", .integer(Int64(bitPattern: seed))),
            ("at_s", .number(atSeconds, decimals: 3)),
            ("horizon_s", .number(horizonSeconds, decimals: 3)),
            ("best_rule", .string("highest SLO attainment, then lowest P99 TTFT, then highest throughput")),
            ("candidates", .array(results.map { .object(WhatIfReport.fields($0)) })),
        ])
    }

    public var csvText: String {
        let header =
            ["scenario", "seed", "at_s", "horizon_s"] + (results.first.map { WhatIfReport.fields($0).map(\.0) } ?? [])
        let rows = results.map { r in
            [scenario, String(Int64(bitPattern: seed)), Report.number(atSeconds), Report.number(horizonSeconds)]
                + WhatIfReport.fields(r).map { JSONValue.object([("v", $0.1)]).flattened()[0].1 }
        }
        return Report.csv(header: header, rows: rows)
    }

    public var tableText: String {
        func cell(_ text: String, _ width: Int) -> String { text.fitted(to: width, alignRight: true) }
        var lines = [
            "what-if \(scenario.escapingControlCharacters()) at \(Report.number(atSeconds, 1)) s, next \(Report.number(horizonSeconds, 1)) s (seed \(Int64(bitPattern: seed)))",
            "",
            "  " + "candidate".fitted(to: 33, alignRight: false)
                + ["SLO %", "TTFT p99", "TBT p99", "tok/s", "preempt"].map { cell($0, 9) }.joined(),
        ]
        for r in results {
            let f = r.figures
            let mark = (r.isBest ? "*" : " ") + (r.isCurrent ? "=" : " ")
            let name = r.candidate.label.escapingControlCharacters().fitted(to: 33, alignRight: false, ellipsis: "…")
            let cells = [
                f.sloAttainment.map { Report.number($0 * 100, 1) } ?? "–", Report.number(f.ttftP99Milliseconds, 0),
                Report.number(f.tbtP99Milliseconds, 1), Report.number(f.outputTokensPerSecond, 0),
                String(f.preemptions),
            ]
            lines.append(mark + name + cells.map { cell($0, 9) }.joined())
        }
        lines.append("")
        lines.append("* best (highest SLO attainment, then lowest P99 TTFT)   = in force at the fork")
        lines.append("latencies in ms over the horizon only; tok/s: output tokens per simulated s")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Recording {
    /// The recorded session rebuilt up to `time`: the scenario, then every recorded command at the
    /// exact point it took effect, up to and including `time` (what the dashboard showed then).
    public func simulation(at time: SimTime) throws -> Simulation {
        var sim = try Simulation(scenario: try scenario())
        for case .command(let t, let events, let command) in entries where t <= time {
            sim.replay(toEvent: events, clock: t)
            sim.apply(command)
        }
        sim.run(until: time)
        return sim
    }
}
