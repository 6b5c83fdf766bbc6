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
    public func replay(global: GlobalPolicyID? = nil, local: LocalPolicyID? = nil) throws -> ReplayOutcome {
        var scenario = try self.scenario()
        let comparing = global != nil || local != nil
        if let global { scenario.policy.global = global }
        if let local { scenario.policy.local = local }
        let version = header.clustertopVersion
        let versionNote =
            version == ClusterSimVersion.string
            ? "" : " (recorded with clustertop \(version), this is \(ClusterSimVersion.string))"
        // A changed trace is a divergence (exit status 1), named with the first figure it changed.
        var traceChange: String?
        if !comparing, let changed = changedTraces(scenario).first {
            traceChange =
                "trace \(changed.file) changed since the recording (digest \(changed.recorded) recorded, \(changed.now) now)"
        }
        let cause = traceChange.map { "; \($0)" } ?? versionNote
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
                    let problem =
                        "at checkpoint \(checkpoints) (t=\(Report.number(Time.toSeconds(cp.time), 1)) s): \(name) is \(recorded) in the recording, \(found) in the replay\(cause)"
                    return ReplayOutcome(report: Report(sim), divergence: problem, summary: "", simulation: sim)
                }
            }
        }
        if let endTime { sim.run(until: endTime) } else { sim.runToEnd() }
        let report = Report(sim)
        var summary = "replayed \(commands) commands"
        if let final = finalReport, !comparing {
            if let difference = Recording.firstDifference(recorded: final.json, replayed: report.jsonText) {
                return ReplayOutcome(
                    report: report, divergence: "in the final report: \(difference)\(cause)", summary: "",
                    simulation: sim)
            }
            summary += ", \(checkpoints) checkpoints and the final report match the recording"
        } else if comparing {
            summary += " under \(scenario.policy.global) / \(scenario.policy.local) (no checks: other policies)"
        } else {
            summary += ", \(checkpoints) checkpoints match; the recording has no final report"
            if let line = truncatedAtLine { summary += " (cut at line \(line))" }
            summary += ", so the replay stopped at its last instant"
        }
        if let endTime { summary += " (t=\(Report.number(Time.toSeconds(endTime), 1)) s)" }
        return ReplayOutcome(
            report: report, divergence: traceChange, summary: traceChange == nil ? summary : "", simulation: sim)
    }

    /// The instant a replay stops at: the recording's last (its report's, else its last complete
    /// line's), or nil when the recorded run drained; the replay then runs until it drains too.
    public var endTime: SimTime? {
        if let final = finalReport { return final.complete ? nil : final.time }
        return entries.reduce(0) { latest, entry in
            switch entry {
            case .command(let t, _, _): max(latest, t)
            case .checkpoint(let cp): max(latest, cp.time)
            }
        }
    }

    /// The first line where two report texts differ, ignoring wall-clock fields.
    static func firstDifference(recorded: String, replayed: String) -> String? {
        let a = recorded.split(separator: "\n").filter { !$0.contains("\"wall") }
        let b = replayed.split(separator: "\n").filter { !$0.contains("\"wall") }
        for (x, y) in zip(a, b) where x != y {
            return
                "recorded \(x.trimmingCharacters(in: .whitespaces)), replayed \(y.trimmingCharacters(in: .whitespaces))"
        }
        return a.count == b.count ? nil : "the reports have different fields"
    }
}
