import Foundation

/// What a replay found: the report, and the first difference from the recording, if any.
public struct ReplayOutcome: Sendable {
    public var report: Report
    /// Where the replay left the recording ("at checkpoint 3 (t=30.0 s): completed is …").
    public var divergence: String?
    public var summary: String
    /// The simulation as the replay left it.
    public var simulation: Simulation
}

extension Recording {
    /// Replays the recording headless. With no policy override it checks every checkpoint and
    /// the final report and stops at the first difference; with `global` or `local` it replays the
    /// same arrivals and commands (less recorded policy switches) under those policies, unchecked.
    public func replay(global: String? = nil, local: String? = nil) throws -> ReplayOutcome {
        var scenario = try self.scenario()
        let comparing = global != nil || local != nil
        if let global { scenario.policy.global = global }
        if let local { scenario.policy.local = local }
        let version = header.clustertopVersion
        let versionNote = version == ClusterSimVersion.string ? "" : " (recorded with clustertop \(version), this is \(ClusterSimVersion.string))"
        if !comparing, let changed = changedTraces(scenario).first {
            throw RecordingError(message: "trace \(changed.file) changed since the recording (digest \(changed.recorded) recorded, \(changed.now) now)")
        }
        var sim = try Simulation(scenario: scenario)
        var checkpoints = 0, commands = 0
        for entry in entries {
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
                    let found = now[name].map(String.init) ?? "missing"
                    let problem = "at checkpoint \(checkpoints) (t=\(Report.number(Time.toSeconds(cp.time), 1)) s): \(name) is \(recorded) in the recording, \(found) in the replay\(versionNote)"
                    return ReplayOutcome(report: Report(sim), divergence: problem, summary: "", simulation: sim)
                }
            }
        }
        var summary = "replayed \(commands) commands"
        if let final = finalReport, !comparing {
            if final.complete { sim.runToEnd() } else { sim.run(until: final.time) }
            let report = Report(sim)
            if let difference = Recording.firstDifference(recorded: final.json, replayed: report.jsonText) {
                return ReplayOutcome(report: report, divergence: "in the final report: \(difference)\(versionNote)", summary: "", simulation: sim)
            }
            summary += ", \(checkpoints) checkpoints and the final report match the recording"
            return ReplayOutcome(report: report, divergence: nil, summary: summary, simulation: sim)
        }
        sim.runToEnd()
        if comparing {
            summary += " under \(scenario.policy.global) / \(scenario.policy.local) (no checks: other policies)"
        } else {
            summary += ", \(checkpoints) checkpoints match; the recording has no final report"
            if let line = truncatedAtLine { summary += " (cut at line \(line))" }
            summary += ", so the replay ran on to the end"
        }
        return ReplayOutcome(report: Report(sim), divergence: nil, summary: summary, simulation: sim)
    }

    /// The first line where two report texts differ, ignoring wall-clock fields.
    static func firstDifference(recorded: String, replayed: String) -> String? {
        let a = recorded.split(separator: "\n").filter { !$0.contains("\"wall") }
        let b = replayed.split(separator: "\n").filter { !$0.contains("\"wall") }
        for (x, y) in zip(a, b) where x != y {
            return "recorded \(x.trimmingCharacters(in: .whitespaces)), replayed \(y.trimmingCharacters(in: .whitespaces))"
        }
        return a.count == b.count ? nil : "the reports have different fields"
    }
}
