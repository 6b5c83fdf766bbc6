import ArgumentParser
import ClusterSim
import Foundation

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario headless and print its metrics.",
        discussion: """
            Simulates the scenario to the end (arrivals stop at duration_s, then everything in \
            flight drains) as fast as the machine allows, and prints the report. The JSON and CSV \
            outputs are identical for identical inputs except the wall_s field. Progress goes to \
            standard error when it is a terminal.

            SCENARIO is a YAML file, a file name in ./Scenarios without .yaml, or "default" (the \
            built-in default scenario, also used when SCENARIO is left out).

            --plot FILE.svg also draws the run over simulated time: arrivals per second, queued \
            requests, KV cache use and cumulative SLO attainment (docs/capacity.md); the report \
            is the same with or without it.
            """)

    @OptionGroup var options: ScenarioOptions<PolicyChoice>

    @OptionGroup var arrivals: DurationOption

    @Option(help: "Output format: table, json or csv.")
    var format: ReportFormat = .table

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    @Option(help: "Record the session to this file (JSON Lines), for `clustertop replay`.")
    var record: String?

    @OptionGroup var plotOption: PlotOption

    func run() throws {
        var scenario = try options.load()
        try arrivals.apply(to: &scenario)
        var session: Session
        do {
            session = Session(try Simulation(scenario: scenario))
        } catch {
            throw CommandError("\(scenario.source): \(error)")
        }
        if let record {
            do {
                try session.startRecording(path: record, baseDirectory: scenarioBaseDirectory(scenario))
            } catch {
                throw CommandError("--record: \(error)")
            }
        }
        let plotFile = try plotOption.open()
        var series = TimeSeries()
        let started = Date()
        let progress = Progress(enabled: !quiet && Console.isTerminal(2), total: scenario.durationSeconds)
        if plotFile != nil { series.sample(session.sim) }
        let step = plotFile == nil ? Time.seconds(10) : TimeSeries.step(durationSeconds: scenario.durationSeconds)
        session.runToEnd(step: step) {
            progress.update($0)
            if plotFile != nil { series.sample($0) }
        }
        progress.finish()
        let report = Report(session.sim, wallSeconds: Date().timeIntervalSince(started))
        try printReport(report, format: format)
        if let plotFile {
            let label = "\(report.policy.global) / \(report.policy.local)"
            try PlotOption.write(
                Plots.timeSeries(scenario: scenario, report: report, label: label, series: series), to: plotFile)
        }
        if let failure = session.recordingFailure { throw failure }
    }
}

/// A progress line on standard error, redrawn at most five times a second.
final class Progress {
    let enabled: Bool
    let total: Double
    var lastDraw = Date.distantPast

    init(enabled: Bool, total: Double) {
        self.enabled = enabled
        self.total = total
    }

    func update(_ sim: Simulation) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let t = Time.toSeconds(sim.now)
        let phase = t < total ? "\(Int(t * 100 / total))%" : "draining"
        let line =
            "\rsimulated \(Report.number(t, 1)) s of \(Report.number(total, 0)) s (\(phase)), \(sim.metrics.arrived) arrived, \(sim.metrics.completed) completed, \(sim.inFlight) in flight   "
        Console.err(line)
    }

    func finish() {
        guard enabled else { return }
        Console.err("\r\u{1B}[K")
    }
}
