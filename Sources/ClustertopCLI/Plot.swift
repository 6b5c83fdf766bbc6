import ArgumentParser
import ClusterSim
import Foundation

/// `--plot FILE.svg`: where a command writes its chart.
struct PlotOption: ParsableArguments {
    @Option(help: ArgumentHelp("Also write a chart of the results to this SVG file.", valueName: "file.svg"))
    var plot: String?

    /// The chart's file, opened now (before any run) so that a bad path fails at once; nil without --plot.
    func open() throws -> OutputFile? {
        guard let plot else { return nil }
        do {
            return try OutputFile(path: plot)
        } catch {
            throw CommandError("--plot: \(error)")
        }
    }

    /// Writes `chart` to `file` and closes it.
    static func write(_ chart: SVGChart, to file: OutputFile) throws {
        try file.write(chart.render())
        try file.close()
    }
}

/// The charts the commands draw, built from their results.
enum Plots {
    /// `compare --plot`: the TTFT, TBT and E2E distributions of each run as CDFs on log axes, from
    /// the runs' whole-run histograms (`Histogram.cdf`: one point per non-empty bucket, within 1.6%).
    static func latencyCDFs(scenario: Scenario, runs: [(label: String, metrics: Metrics)]) -> SVGChart {
        func panel(_ title: String, _ label: String, _ divisor: Double, _ histogram: (Metrics) -> Histogram)
            -> SVGChart.Panel
        {
            SVGChart.Panel(
                title: title, x: .init(label, scale: .log), y: .init("share of samples ≤ x", domain: 0...1),
                series: runs.map { run in
                    .init(
                        name: run.label,
                        points: histogram(run.metrics).cdf.map { .init(Double($0.value) / divisor, $0.fraction) })
                })
        }
        return SVGChart(
            title: "Latency distributions (CDF)", subtitle: subtitle(scenario),
            panels: [
                panel("Time to first token", "TTFT (ms)", 1000, \.ttft),
                panel("Time between tokens", "TBT (ms)", 1000, \.tbt),
                panel("End-to-end latency", "E2E (s)", 1_000_000, \.e2e),
            ])
    }

    /// `run --plot`: arrivals, queue, KV use and SLO attainment over simulated time until the last
    /// completion (or the end of arrivals), four panels on one time axis. Arrivals per second are
    /// counted over a trailing window of 1/30 of the arrivals' duration.
    static func timeSeries(scenario: Scenario, report: Report, label: String, series: TimeSeries) -> SVGChart {
        let end = max(scenario.durationSeconds, report.simulatedSeconds)
        let time = SVGChart.Axis("simulated time (s)", domain: 0...end)
        let window = scenario.durationSeconds / 30
        func panel(_ title: String, _ y: SVGChart.Axis, _ values: [Double?]) -> SVGChart.Panel {
            let points = zip(series.seconds, values).compactMap { t, v in
                t <= end ? v.map { SVGChart.Point(t, $0) } : nil
            }
            return SVGChart.Panel(title: title, x: time, y: y, series: [.init(name: label, points: points)])
        }
        return SVGChart(
            title: "Run over time", subtitle: subtitle(scenario),
            panels: [
                panel(
                    "Arrivals (over a trailing \(compact(window)) s)", .init("arrivals/s"),
                    series.arrivalsPerSecond(windowSeconds: window)),
                panel("Queued requests (waiting + unassigned)", .init("requests"), series.queued),
                panel(
                    "Cluster KV cache use", .init("KV blocks used (%)", bounds: 0...100), series.kvUse.map { $0 * 100 }),
                panel(
                    "SLO attainment, cumulative since the start", .init("attainment (%)", bounds: 0...100),
                    series.sloAttainment.map { $0.map { $0 * 100 } }),
            ], sharedXAxis: true)
    }

    /// Latency percentiles (P50 TTFT, P99 TTFT, P99 TBT) against offered load, one panel each on
    /// log-log axes, one line per candidate through its runs in order of load: the panels
    /// `capacity --plot` draws, for any set of runs at several loads (a sweep's).
    static func latencyAgainstLoad(_ candidates: [(label: String, runs: [(rate: Double, report: Report)])])
        -> [SVGChart.Panel]
    {
        let load = SVGChart.Axis("offered load (req/s)", scale: .log)
        func panel(_ title: String, _ label: String, _ value: (Report) -> Double) -> SVGChart.Panel {
            SVGChart.Panel(
                title: title, x: load, y: .init(label, scale: .log),
                series: candidates.map { c in
                    .init(
                        name: c.label,
                        points: c.runs.sorted { $0.rate < $1.rate }.map { .init($0.rate, value($0.report)) },
                        style: .lineMarkers)
                })
        }
        return [
            panel("P50 TTFT against load", "P50 TTFT (ms)") { $0.ttft.p50 },
            panel("P99 TTFT against load", "P99 TTFT (ms)") { $0.ttft.p99 },
            panel("P99 TBT against load", "P99 TBT (ms)") { $0.tbt.p99 },
        ]
    }

    /// `capacity --plot`: latency percentiles against the offered load for each candidate (the
    /// runs its search made), and each policy combination's GPUs against its goodput at capacity.
    static func capacity(_ frontier: CapacityFrontier, scenario: Scenario) -> SVGChart {
        let latency = latencyAgainstLoad(
            frontier.candidates.map { c in (c.label, c.probes.map { ($0.rate, $0.report) }) })
        var pairs: [String] = []
        var byPair: [String: [SVGChart.Point]] = [:]
        for c in frontier.candidates {
            let pair = "\(c.global) / \(c.local)"
            guard let probe = c.atCapacity else { continue }
            if byPair[pair] == nil { pairs.append(pair) }
            byPair[pair, default: []].append(.init(probe.report.goodputRequestsPerSecond, Double(c.gpus)))
        }
        let cost = SVGChart.Panel(
            title: "Cost against goodput at the highest sustainable rate", x: .init("goodput (req/s within SLO)"),
            y: .init("GPUs"),
            series: pairs.map { .init(name: $0, points: byPair[$0]!.sorted { $0.x < $1.x }, style: .lineMarkers) })
        return SVGChart(
            title: "Capacity: SLO attainment target \(Report.number(frontier.target * 100, 1))%",
            subtitle: subtitle(scenario),
            panels: latency + [cost])
    }

    static func subtitle(_ scenario: Scenario) -> String {
        "scenario \(scenario.name), seed \(scenario.seed), \(compact(scenario.durationSeconds)) s of arrivals"
    }
}
