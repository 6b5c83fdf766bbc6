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

            --metrics-addr serves the cluster to Prometheus while it runs, per instance under \
            vLLM's metric names (docs/metrics.md); --speed X then paces the run at X simulated \
            seconds per wall second so scrapes see the series evolve. After the report it keeps \
            serving the final values until interrupted (Ctrl-C).

            --timeline writes the run as a Chrome trace (JSON) that Perfetto (ui.perfetto.dev) and \
            chrome://tracing open: a track per instance with its iterations, and the lifecycle of \
            the first --timeline-requests requests, with arrows where a request moves between \
            instances.

            Examples:
              clustertop run Scenarios/spike-recovery.yaml --format json
              clustertop run default --local sarathi --param max_num_seqs=64 --param token_budget=1024
              clustertop run default --metrics-addr 127.0.0.1:9400 --speed 10
              clustertop run default --timeline run.json --timeline-requests 200
              clustertop run default --plot run.svg
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

    @OptionGroup var metrics: MetricsOption

    @Option(
        help: ArgumentHelp(
            "With --metrics-addr: simulated seconds per wall second, 0.1 to 1000 (default: as fast as possible).",
            valueName: "X"))
    var speed: SpeedArgument?

    @Option(
        help: ArgumentHelp(
            "Write the run's timeline to FILE (Chrome trace JSON, for Perfetto or chrome://tracing).",
            valueName: "FILE.json"))
    var timeline: String?

    @Option(
        help: ArgumentHelp(
            "Requests the timeline traces: the first N by arrival (1 to 100000); iterations are kept while any is in the cluster.",
            valueName: "N"))
    var timelineRequests = 200

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
        if speed != nil && metrics.metricsAddr == nil {
            throw CommandError("--speed: paces a run only with --metrics-addr (a headless run goes as fast as it can)")
        }
        guard (1...100_000).contains(timelineRequests) else {
            throw CommandError("--timeline-requests: expected 1 to 100000, got \(timelineRequests)")
        }
        var timelineFile: OutputFile?
        if let timeline {
            do {
                timelineFile = try OutputFile(path: timeline)
            } catch {
                throw CommandError("--timeline: \(error)")
            }
            session.sim.timeline = TimelineRecorder(limit: timelineRequests)
        }
        let server = try metrics.startServer()
        var series = TimeSeries()
        let started = Date()
        let progress = Progress(enabled: !quiet && Console.isTerminal(2), total: scenario.durationSeconds)
        func observe(_ sim: Simulation) {
            progress.update(sim)
            server?.publish(sim)
            if plotFile != nil { series.sample(sim) }
        }
        if plotFile != nil { series.sample(session.sim) }
        if server != nil, let speed, speed.value.isFinite { pace(&session, speed: speed.value, update: observe) }
        let step = plotFile == nil ? Time.seconds(10) : TimeSeries.step(durationSeconds: scenario.durationSeconds)
        session.runToEnd(step: step, progress: observe)
        progress.finish()
        server?.publish(session.sim, force: true)
        if let timelineFile, let recorded = session.sim.timeline {
            do {
                try timelineFile.write(recorded.json())
            } catch {
                throw CommandError("--timeline: \(error)")
            }
        }
        let report = Report(session.sim, wallSeconds: Date().timeIntervalSince(started))
        try printReport(report, format: format)
        if let plotFile {
            let label = "\(report.policy.global) / \(report.policy.local)"
            try PlotOption.write(
                Plots.timeSeries(scenario: scenario, report: report, label: label, series: series), to: plotFile)
        }
        if let failure = session.recordingFailure { throw failure }
        if let server {
            Console.note("run finished; serving its final values at \(server.url) until interrupted (Ctrl-C)")
            while true { pause() }
        }
    }

    /// Runs `session` with simulated time following wall time times `speed`, calling `update`
    /// about ten times a wall second, until nothing is left to happen.
    func pace(_ session: inout Session, speed: Double, update: (Simulation) -> Void) {
        let start = DispatchTime.now().uptimeNanoseconds
        while !session.sim.isFinished {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            session.advance(to: Time.seconds(elapsed * speed))
            update(session.sim)
            usleep(100_000)
        }
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
