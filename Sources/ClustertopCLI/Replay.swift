import ArgumentParser
import ClusterSim
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a recording, in the dashboard or headless.",
        discussion: """
            A recording (made with --record on run or watch) holds the scenario's text, the seed, \
            digests of its trace files, every command with the instant it took effect, checkpoints \
            every 10 simulated seconds, and the final report.

            --headless replays it without a terminal and checks it: every checkpoint and the final \
            report must match the recording (apart from wall_s). A replay that diverges (a changed \
            trace file, another clustertop version) stops at the first differing checkpoint and \
            names the figure, with exit status 1. A replay ends at the recording's last instant (a \
            run that drained: when the replay drains too); a recording cut short (the session was \
            killed) replays up to its last complete line and stops there.

            In the dashboard a replay shows a REPLAY badge and its position (t=123.4 s / 600.0 s), \
            starts at the speed it was recorded at (--speed overrides; 1x for recordings without \
            one) and stops paused at its end. Keys: { and } seek 10 s back and forward, [ and ] go \
            to the previous and next recorded command, b steps back 0.1 s, T goes to a typed time; \
            keys that would change the cluster (policies, spikes, fail, add, drain) do nothing.

            --global and --local replay the same arrivals and user actions under other policies, \
            for comparison (recorded policy switches are skipped; nothing is checked).

            Examples:
              clustertop run default --record session.jsonl
              clustertop replay session.jsonl --headless
              clustertop replay session.jsonl --headless --local sarathi --format json
            """)

    @Argument(help: "The recording file.")
    var file: String

    @Flag(help: "Replay without the dashboard and check the result against the recording.")
    var headless = false

    @Option(
        name: .customLong("global"), help: "Replay under this global policy instead (no checks).",
        transform: optionID("--global"))
    var globalPolicy: GlobalPolicyID?

    @Option(
        name: .customLong("local"), help: "Replay under this local policy instead (no checks).",
        transform: optionID("--local"))
    var localPolicy: LocalPolicyID?

    @Option(help: "Output format of the headless report: table, json or csv.")
    var format: ReportFormat = .table

    @OptionGroup(title: "Dashboard") var display: DashboardOptions

    func run() throws {
        let recording = try loadRecording(file)
        if !headless {
            try watchRecording(recording, global: globalPolicy, local: localPolicy, options: display)
            return
        }
        let started = Date()
        var outcome: ReplayOutcome
        do {
            outcome = try recording.replay(global: globalPolicy, local: localPolicy)
        } catch {
            throw CommandError("\(file): \(error)")
        }
        outcome.report.addWallTime(Date().timeIntervalSince(started))
        try printReport(outcome.report, format: format)
        if let problem = outcome.divergence {
            Console.note("replay diverged: \(problem)")
            throw ExitCode(1)
        }
        Console.note(outcome.summary)
    }
}

/// Reads a recording; bad input throws a `CommandError`.
func loadRecording(_ path: String) throws -> Recording {
    do {
        return try Recording.load(path: path)
    } catch {
        throw CommandError(error.description)
    }
}

func printReport(_ report: Report, format: ReportFormat) throws(OutputError) {
    let text: String
    switch format {
    case .table: text = report.tableText
    case .json: text = report.jsonText
    case .csv: text = report.csvText
    }
    try Console.out(text)
}
