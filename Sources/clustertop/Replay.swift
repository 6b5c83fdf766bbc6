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
            names the figure, with exit status 1. A recording cut short (the session was killed) \
            replays up to its last complete line, then runs to the end.

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

    @Option(name: .customLong("global"), help: "Replay under this global policy instead (no checks).")
    var globalPolicy: String?

    @Option(name: .customLong("local"), help: "Replay under this local policy instead (no checks).")
    var localPolicy: String?

    @Option(help: "Output format of the headless report: table, json or csv.")
    var format: ReportFormat = .table

    func run() throws {
        checkPolicy(globalPolicy, among: GlobalPolicy.ids, option: "--global")
        checkPolicy(localPolicy, among: LocalPolicy.ids, option: "--local")
        let recording = loadRecording(file)
        let started = Date()
        var outcome = replayHeadless(recording, global: globalPolicy, local: localPolicy)
        outcome.report.addWallTime(Date().timeIntervalSince(started))
        printReport(outcome.report, format: format)
        if let problem = outcome.divergence {
            FileHandle.standardError.write(Data("replay diverged: \(problem)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardError.write(Data("\(outcome.summary)\n".utf8))
    }
}

/// Reads a recording or exits with status 2.
func loadRecording(_ path: String) -> Recording {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read the recording \(path)") }
    do {
        return try Recording.read(data, file: path)
    } catch {
        fail(error.description)
    }
}

struct ReplayOutcome {
    var report: Report
    var divergence: String?
    var summary: String
}

/// Replays `recording` without a terminal. With no policy override, checks each checkpoint and the
/// final report and stops at the first difference.
func replayHeadless(_ recording: Recording, global: String?, local: String?) -> ReplayOutcome {
    var scenario: Scenario
    do {
        scenario = try recording.scenario()
    } catch {
        fail("the recording's scenario: \(error.description)")
    }
    let comparing = global != nil || local != nil
    if let global { scenario.policy.global = global }
    if let local { scenario.policy.local = local }
    let version = recording.header.clustertopVersion
    let versionNote = version == ClusterSimVersion.string ? "" : " (recorded with clustertop \(version), this is \(ClusterSimVersion.string))"
    if !comparing, let changed = recording.changedTraces(scenario).first {
        fail("trace \(changed.file) changed since the recording (digest \(changed.recorded) recorded, \(changed.now) now)")
    }
    var sim: Simulation
    do {
        sim = try Simulation(scenario: scenario)
    } catch {
        fail("\(scenario.source): \(error)")
    }
    var checkpoints = 0, commands = 0
    for entry in recording.entries {
        switch entry {
        case .command(let t, let events, let command):
            if comparing {
                sim.run(until: t)
                if case .setGlobalPolicy = command { continue }
                if case .setLocalPolicy = command { continue }
            } else {
                sim.replay(toEvent: events, clock: t)
            }
            sim.apply(command)
            commands += 1
        case .checkpoint(let cp):
            guard !comparing else { continue }
            sim.replay(toEvent: cp.events, clock: cp.time)
            checkpoints += 1
            let now = Dictionary(uniqueKeysWithValues: Recording.figures(sim).map { ($0.name, $0.value) })
            for (name, recorded) in cp.figures where now[name] != recorded {
                let problem = "at checkpoint \(checkpoints) (t=\(Report.number(Time.toSeconds(cp.time), 1)) s): \(name) is \(recorded) in the recording, \(now[name].map(String.init) ?? "missing") in the replay\(versionNote)"
                return ReplayOutcome(report: Report(sim), divergence: problem, summary: "")
            }
        }
    }
    var summary = "replayed \(commands) commands"
    if let final = recording.finalReport, !comparing {
        if final.complete { sim.runToEnd() } else { sim.run(until: final.time) }
        let report = Report(sim)
        if let difference = firstDifference(recorded: final.json, replayed: report.jsonText) {
            return ReplayOutcome(report: report, divergence: "in the final report: \(difference)\(versionNote)", summary: "")
        }
        summary += ", \(checkpoints) checkpoints and the final report match the recording"
        return ReplayOutcome(report: report, divergence: nil, summary: summary)
    }
    sim.runToEnd()
    if comparing {
        summary += " under \(scenario.policy.global) / \(scenario.policy.local) (no checks: other policies)"
    } else {
        summary += ", \(checkpoints) checkpoints match; the recording has no final report"
        if let line = recording.truncatedAtLine { summary += " (cut at line \(line))" }
        summary += ", so the replay ran on to the end"
    }
    return ReplayOutcome(report: Report(sim), divergence: nil, summary: summary)
}

/// The first line where two report texts differ, ignoring wall-clock fields.
func firstDifference(recorded: String, replayed: String) -> String? {
    let a = recorded.split(separator: "\n").filter { !$0.contains("\"wall") }
    let b = replayed.split(separator: "\n").filter { !$0.contains("\"wall") }
    for (x, y) in zip(a, b) where x != y {
        return "recorded \(x.trimmingCharacters(in: .whitespaces)), replayed \(y.trimmingCharacters(in: .whitespaces))"
    }
    return a.count == b.count ? nil : "the reports have different fields"
}

func printReport(_ report: Report, format: ReportFormat) {
    let text: String
    switch format {
    case .table: text = report.tableText
    case .json: text = report.jsonText
    case .csv: text = report.csvText
    }
    FileHandle.standardOutput.write(Data(text.utf8))
}
