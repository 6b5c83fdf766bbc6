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

    /// One run at one offered load, as the latency-against-load panels read it.
    struct LoadPoint {
        var rate: Double
        var ttftP50: Double
        var ttftP99: Double
        var tbtP99: Double

        init(rate: Double, report: Report) {
            self.init(rate: rate, ttftP50: report.ttft.p50, ttftP99: report.ttft.p99, tbtP99: report.tbt.p99)
        }

        init(rate: Double, ttftP50: Double, ttftP99: Double, tbtP99: Double) {
            self.rate = rate
            self.ttftP50 = ttftP50
            self.ttftP99 = ttftP99
            self.tbtP99 = tbtP99
        }
    }

    /// Latency percentiles (P50 TTFT, P99 TTFT, P99 TBT) against offered load, one panel each on
    /// log-log axes, one line per candidate through its runs in order of load: the panels
    /// `capacity --plot` and `sweep --plot` draw.
    static func latencyAgainstLoad(_ candidates: [(label: String, runs: [LoadPoint])]) -> [SVGChart.Panel] {
        let load = SVGChart.Axis("offered load (req/s)", scale: .log)
        func panel(_ title: String, _ label: String, _ value: (LoadPoint) -> Double) -> SVGChart.Panel {
            SVGChart.Panel(
                title: title, x: load, y: .init(label, scale: .log),
                series: candidates.map { c in
                    .init(
                        name: c.label,
                        points: c.runs.sorted { $0.rate < $1.rate }.map { .init($0.rate, value($0)) },
                        style: .lineMarkers)
                })
        }
        return [
            panel("P50 TTFT against load", "P50 TTFT (ms)") { $0.ttftP50 },
            panel("P99 TTFT against load", "P99 TTFT (ms)") { $0.ttftP99 },
            panel("P99 TBT against load", "P99 TBT (ms)") { $0.tbtP99 },
        ]
    }

    /// `sweep --plot`: latency against offered load, one line per candidate (the points that share
    /// every setting but the load axes `rate_scale` and `workload[i].rate`, and the seed; axes with one
    /// value are left out of the labels), and each
    /// point's GPUs against its goodput, with the frontier of points no other beats on both (more
    /// goodput for no more GPUs). Offered load is a point's arrivals over its arrival window;
    /// failed points are left out.
    static func sweep(_ result: SweepResult, spec: SweepSpec) -> SVGChart {
        let scenarios = Dictionary(spec.points.map { ($0.index, $0.scenario) }, uniquingKeysWith: { a, _ in a })
        let isLoad: (SweepAxis) -> Bool = { axis in
            let name = axis.description
            return name == "rate_scale" || name == "seed" || (name.hasPrefix("workload[") && name.hasSuffix(".rate"))
        }
        // Axes that tell candidates apart: not the load, and not one value for every point.
        let shown = spec.axes.filter { axis in
            !isLoad(axis) && Set(result.rows.map { $0.setting(axis.description) ?? "" }).count > 1
        }
        var labels: [String] = []
        var runs: [String: [LoadPoint]] = [:]
        var cost: [String: [SVGChart.Point]] = [:]
        var all: [SVGChart.Point] = []
        for row in result.rows where row.ok {
            guard let scenario = scenarios[row.point], let arrived = row.number("requests.arrived"),
                let p50 = row.number("ttft_ms.p50"), let p99 = row.number("ttft_ms.p99"),
                let tbt = row.number("tbt_ms.p99"), let goodput = row.number("goodput_rps")
            else { continue }
            let label = shown.map { "\($0)=\(row.setting($0.description) ?? "-")" }.joined(separator: " ")
            let name = label.isEmpty ? spec.scenarioName : label
            if runs[name] == nil { labels.append(name) }
            runs[name, default: []].append(
                LoadPoint(rate: arrived / scenario.durationSeconds, ttftP50: p50, ttftP99: p99, tbtP99: tbt))
            let gpus = scenario.cluster.reduce(0) { $0 + $1.count * $1.tensorParallel }
            let point = SVGChart.Point(goodput, Double(gpus))
            cost[name, default: []].append(point)
            all.append(point)
        }
        let frontier = all.filter { p in !all.contains { $0.x >= p.x && $0.y <= p.y && ($0.x > p.x || $0.y < p.y) } }
        let costPanel = SVGChart.Panel(
            title: "Cost against goodput (frontier: no point has more goodput for no more GPUs)",
            x: .init("goodput (req/s within SLO)"), y: .init("GPUs"),
            series: labels.map { .init(name: $0, points: cost[$0]!.sorted { $0.x < $1.x }, style: .markers) }
                + [
                    .init(
                        name: "frontier", points: frontier.sorted { ($0.x, $0.y) < ($1.x, $1.y) }, style: .lineMarkers)
                ])
        return SVGChart(
            title: "Sweep: \(spec.points.count) points of \((spec.file as NSString).lastPathComponent)",
            subtitle: "base scenario \(spec.scenarioName)",
            panels: latencyAgainstLoad(labels.map { ($0, runs[$0]!) }) + [costPanel])
    }

    /// `capacity --plot`: latency percentiles against the offered load for each candidate (the
    /// runs its search made), and each policy combination's GPUs against its goodput at capacity.
    static func capacity(_ frontier: CapacityFrontier, scenario: Scenario) -> SVGChart {
        let latency = latencyAgainstLoad(
            frontier.candidates.map { c in (c.label, c.probes.map { LoadPoint(rate: $0.rate, report: $0.report) }) })
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
