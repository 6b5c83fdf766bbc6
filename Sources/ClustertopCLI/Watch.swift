import ArgumentParser
import ClusterSim
import Dashboard
import Foundation

/// A speed on the command line: a factor from 0.1 to 1000, or "max".
struct SpeedArgument: ExpressibleByArgument {
    var value: Double

    init(_ value: Double) { self.value = value }

    init?(argument: String) {
        if ["max", "inf", "fastest"].contains(argument.lowercased()) {
            value = .infinity
            return
        }
        guard let v = Double(argument.hasSuffix("x") ? String(argument.dropLast()) : argument), v >= 0.1, v <= 1000
        else { return nil }
        value = v
    }

    var defaultValueDescription: String { value.isFinite ? Report.number(value, -1) : "max" }
}

/// How the dashboard runs and looks; shared by `watch` and `replay`.
struct DashboardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Simulated seconds per wall second, 0.1 to 1000, or \"max\" (as fast as possible); default 1, the settings file's, or a replay's recorded speed.",
            valueName: "speed"))
    var speed: SpeedArgument?

    @Option(help: "Frames per second at most (1 to 60).")
    var fps: Int = 20

    @Flag(help: "Start paused.")
    var paused = false

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII characters only (also when the locale is not UTF-8).")
    var ascii = false

    @Option(
        help: ArgumentHelp(
            "The settings file to read at start and save from the setup screen (F2).", valueName: "FILE"))
    var config: String = DashboardOptions.defaultConfig

    /// Shown as --config's default; stands for `DashboardConfig.path` (else ~/.config/...).
    static let defaultConfig = "$XDG_CONFIG_HOME/clustertop/config.yaml"

    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (no clicks or wheel in the table).")
    var noMouse = false

    func validate() throws {
        guard (1...60).contains(fps) else { throw ValidationError("--fps: expected 1 to 60, got \(fps)") }
    }
}

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a scenario live in the terminal dashboard (the default command).",
        discussion: """
            Runs the scenario with simulated time following wall time times --speed, and shows the \
            cluster: per-instance queues and KV cache, migrations, SLO attainment per tenant with \
            sparklines, and the event log. Keys switch policies (g, l), fire load spikes (s), fail, \
            add or drain instances (f, a, d), pause (space), change speed (+, -), record (r), open \
            the event log full screen (e); ? lists them all.

            The live cluster keeps receiving load after the scenario's duration_s (its timed events \
            still happen when due); --scenario-duration stops arrivals there instead, as `run` does.

            Needs a terminal; for a headless run use `clustertop run`. --dump-frame prints one frame \
            as text without a terminal.

            The instance table sorts with < and > (or F6, or a click on a column head; I inverts), \
            filters with / (words such as h100, model:llama, role:decode, state:drain, !gpu:a100; Esc clears) and \
            groups by GPU type or model with t. F2 opens the setup screen, which saves speed, colours, \
            mouse, columns, sort and grouping to $XDG_CONFIG_HOME/clustertop/config.yaml (else \
            ~/.config/clustertop/config.yaml); that file is read at start, and command-line options \
            override it. A file that does not parse stops the start with its line and column.

            --metrics-addr serves the live cluster to Prometheus at http://HOST:PORT/metrics, per \
            instance under vLLM's metric names, so a Grafana dashboard built for vLLM shows it \
            (docs/metrics.md, docs/grafana/clustertop-vllm.json).

            Examples:
              clustertop                                  the default scenario, live
              clustertop watch Scenarios/spike-recovery.yaml --speed 10 --record session.jsonl
              clustertop watch default --dump-frame 130 --size 120x40
              clustertop watch large-64 --config ./team-settings.yaml
              clustertop watch default --metrics-addr 127.0.0.1:9400
            """)

    @OptionGroup var options: ScenarioOptions<PolicyChoice>

    @Option(help: ArgumentHelp("Record the session to FILE (JSON Lines), for `clustertop replay`.", valueName: "FILE"))
    var record: String?

    @OptionGroup var display: DashboardOptions

    @OptionGroup var metrics: MetricsOption

    @Flag(help: "Stop arrivals at the scenario's duration_s instead of running on.")
    var scenarioDuration = false

    @Option(
        help: ArgumentHelp(
            "Print the frame at SECONDS of simulated time as text and exit (no terminal needed).", valueName: "SECONDS")
    )
    var dumpFrame: Double?

    @Option(help: ArgumentHelp("Size of the --dump-frame frame.", valueName: "WxH"))
    var size: String = "120x40"

    func validate() throws {
        if let dumpFrame, !(0...ScenarioParser.Limits.maxSimulatedSeconds).contains(dumpFrame) {
            throw ValidationError(
                "--dump-frame: expected seconds from 0 to \(Report.number(ScenarioParser.Limits.maxSimulatedSeconds, 0)), got \(dumpFrame)"
            )
        }
    }

    func run() throws {
        var scenario = try options.load()
        // A live session's arrivals never end while watched; written into the scenario (not only the
        // simulation), so a recording replays it.
        if !scenarioDuration { scenario.durationSeconds = ScenarioParser.Limits.liveDurationSeconds }
        let simulation: Simulation
        do {
            simulation = try Simulation(scenario: scenario)
        } catch {
            throw CommandError("\(scenario.source): \(error)")
        }
        var driver = SimulationDriver(simulation: simulation)
        driver.scenarioBaseDirectory = scenarioBaseDirectory(scenario)
        let settings = try DashboardSettings(options: display)

        if let dumpFrame {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 10, parts[1] >= 3, parts[0] <= 1000, parts[1] <= 500 else {
                throw CommandError("--size: expected WxH such as 120x40, got \"\(size)\"")
            }
            driver.advance(to: Time.seconds(dumpFrame))
            let glyphs: Glyphs = display.ascii ? .ascii : .unicode
            var state = UIState()
            settings.apply(to: &state)
            let frame = DashboardApp.frame(driver, width: parts[0], height: parts[1], glyphs: glyphs, state: state)
            try Console.out(frame.text + "\n")
            return
        }
        try requireTerminal(suggestion: "clustertop run \(options.scenario ?? "default")")
        let server = try metrics.startServer()
        if let record {
            do {
                try driver.startRecording(path: record, speed: display.speed?.value ?? 1)
            } catch {
                throw CommandError("--record: \(error)")
            }
        }
        var observer: (@Sendable (Simulation, Bool) -> Void)?
        if let server { observer = { sim, standingStill in server.publish(sim, force: standingStill) } }
        try runDashboard(driver, options: display, settings: settings, observer: observer)
    }
}

/// Throws a clear message when standard input or output is not a terminal (the dashboard
/// draws on one and reads its keys from one).
func requireTerminal(suggestion: String) throws {
    for (fd, name) in [(Int32(1), "output"), (0, "input")] where !Console.isTerminal(fd) {
        throw CommandError(
            """
            standard \(name) is not a terminal, and the dashboard needs one.
            For a headless run use `\(suggestion)` (a table, or --format json or csv); \
            `clustertop watch --dump-frame SECONDS` prints one dashboard frame as text.
            """)
    }
}

/// Opens the dashboard on `driver` and runs it until the user quits; the terminal is restored on
/// every way out (see `NcursesBackend`). Left on a signal, it exits with 128 + its number (130
/// for Ctrl-C, 143 for SIGTERM, 129 for a hang-up), as a shell reports a command a signal killed.
func runDashboard(
    _ driver: SimulationDriver, options: DashboardOptions, settings: DashboardSettings,
    observer: (@Sendable (Simulation, Bool) -> Void)? = nil
) throws {
    let config = settings.config
    let noColor = config.colors == .off
    let speed = config.speed
    let paused = options.paused
    let fps = Double(options.fps)
    let ascii = options.ascii
    let scenario = driver.simulation.scenario
    let outcome: Result<(farewell: [String], signal: Int32?), TerminalError> = MainActor.assumeIsolated {
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(
                options: .init(
                    forceASCII: ascii, noColor: noColor, basicColors: config.colors == .basic, mouse: config.mouse))
        } catch let error as TerminalError {
            return .failure(error)
        } catch {
            return .failure(.cannotOpen("\(error)"))
        }
        let runner = SimulationRunner(
            driver: driver, speed: speed, paused: paused, framesPerSecond: fps, observer: observer)
        var state = UIState(
            paused: paused, speed: speed, globalPolicy: scenario.policy.global.rawValue,
            localPolicy: scenario.policy.local.rawValue, globalPolicies: GlobalPolicyID.all,
            localPolicies: LocalPolicyID.all)
        settings.apply(to: &state)
        let app = DashboardApp(
            runner: runner, backend: backend, glyphs: backend.glyphs, state: state, framesPerSecond: fps)
        let farewell = app.run()
        backend.close()
        return .success((farewell, backend.exitSignal))
    }
    switch outcome {
    case .success(let ending):
        try Console.out(ending.farewell.map { $0 + "\n" }.joined())
        if let signal = ending.signal { throw ExitCode(128 + signal) }
    case .failure(let error):
        throw CommandError(error.description)
    }
}

/// Opens a recording in the dashboard: the recorded commands are applied at their exact points
/// (after the same number of events); with `global` or `local` the same arrivals and user actions
/// run under other policies (recorded policy switches skipped, commands applied by time).
func watchRecording(_ recording: Recording, global: GlobalPolicyID?, local: LocalPolicyID?, options: DashboardOptions)
    throws
{
    try requireTerminal(suggestion: "clustertop replay FILE --headless")
    var settings = try DashboardSettings(options: options)
    var scenario: Scenario
    do {
        scenario = try recording.scenario()
    } catch {
        throw CommandError("the recording's scenario: \(error.description)")
    }
    let exact = global == nil && local == nil
    if let global { scenario.policy.global = global }
    if let local { scenario.policy.local = local }
    if exact, let changed = recording.changedTraces(scenario).first {
        throw CommandError(
            "trace \(changed.file) changed since the recording (digest \(changed.recorded) recorded, \(changed.now) now)"
        )
    }
    let simulation: Simulation
    do {
        simulation = try Simulation(scenario: scenario)
    } catch {
        throw CommandError("\(scenario.source): \(error)")
    }
    var commands: [SimulationDriver.ScheduledCommand] = []
    for entry in recording.entries {
        if case .command(let time, let events, let command) = entry {
            commands.append(.init(time: time, events: events, command: command))
        }
    }
    let end = recording.endTime
    var driver = SimulationDriver(
        replaying: commands, on: simulation, exact: exact, end: end, length: end ?? recording.finalReport?.time,
        keyframeSeconds: recording.header.checkpointSeconds)
    let speed = recording.header.speed ?? 1
    driver.note(
        "replaying a recording: \(commands.count) commands, at its recorded speed \(Format.speed(speed))",
        kind: .recording)
    // The recorded speed goes before the settings file's; --speed before both.
    if options.speed == nil { settings.config.speed = speed }
    try runDashboard(driver, options: options, settings: settings)
}
