import ArgumentParser
import ClusterSim
import Foundation

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Fork a session at an instant and compare policies over the next seconds.",
        discussion: """
            Rebuilds SOURCE up to --at (a recording: the scenario and every recorded command up to \
            that instant; a scenario: its run up to that instant), then forks the cluster, state and \
            queues and all, once per candidate policy pair and runs every fork ahead --horizon \
            simulated seconds on the same future arrivals. The candidates are the pair in force at \
            --at, then every pair of --global × --local (a list left out keeps the policy in force); \
            with neither given, every other global policy and every batching mechanics.

            Figures cover the horizon only: P99 TTFT of first tokens inside it, P99 TBT of token \
            gaps ending inside it, SLO attainment of requests completed inside it plus those \
            unfinished at its end past their TTFT deadline, output tokens per simulated second, and \
            preemptions. The best candidate (*) has the highest SLO attainment, then the lowest P99 \
            TTFT; = marks the pair in force. Forks run in parallel; the output is identical for \
            identical inputs.

            Examples:
              clustertop run default --duration 120 --record session.jsonl
              clustertop whatif session.jsonl --at 60 --global llumnix,infaas --local sarathi
              clustertop whatif Scenarios/regime-changes.yaml --at 300 --horizon 30 --format json
            """)

    @Argument(help: "A recording (.jsonl, from --record), a scenario file, a name in ./Scenarios, or \"default\".")
    var source: String

    @Option(help: "Simulated second at which to fork.")
    var at: Double

    @Option(help: "Simulated seconds each fork runs ahead.")
    var horizon: Double = WhatIf.defaultHorizonSeconds

    @OptionGroup var policies: PolicyLists

    @Option(help: "Seed for every random stream (a scenario only; a recording keeps its own).")
    var seed: UInt64?

    @Option(help: "Output format: table, json or csv.")
    var format: ReportFormat = .table

    static let maxHorizonSeconds = 3600.0

    func run() throws {
        guard at >= 0, at <= ScenarioParser.Limits.maxDurationSeconds else {
            throw CommandError(
                "--at: expected seconds from 0 to \(Int(ScenarioParser.Limits.maxDurationSeconds)), got \(compact(at))")
        }
        guard horizon > 0, horizon <= WhatIfCommand.maxHorizonSeconds else {
            throw CommandError(
                "--horizon: expected seconds above 0 and up to \(Int(WhatIfCommand.maxHorizonSeconds)), got \(compact(horizon))"
            )
        }
        let base = try rebuild()
        let current = WhatIf.defaultCandidates(for: base)[0]
        var candidates = [current]
        if policies.globals != nil || policies.locals != nil {
            let globals = policies.globals ?? [current.global]
            let locals = policies.locals ?? [current.local]
            for c in WhatIf.candidates(global: globals, local: locals) where !candidates.contains(c) {
                candidates.append(c)
            }
        } else {
            candidates = WhatIf.defaultCandidates(for: base)
        }
        let whatIf = WhatIf(base: base, candidates: candidates, horizonSeconds: horizon, slices: 12)
        let run = WhatIfRun(whatIf)
        guard let results = run.wait() else {
            throw CommandError(run.error ?? "the forks were cancelled")
        }
        let report = WhatIfReport(
            scenario: base.scenario.name, seed: base.scenario.seed, atSeconds: at, horizonSeconds: horizon,
            results: results)
        switch format {
        case .table: try Console.out(report.tableText)
        case .json: try Console.out(report.json.rendered() + "\n")
        case .csv: try Console.out(report.csvText)
        }
    }

    /// The cluster at --at, from a recording or a scenario.
    func rebuild() throws -> Simulation {
        let time = Time.seconds(at)
        if source.hasSuffix(".jsonl") {
            let recording = try loadRecording(source)
            do {
                return try recording.simulation(at: time)
            } catch {
                throw CommandError("\(source): \(error)")
            }
        }
        var scenario = try loadScenario(source)
        if let seed { scenario.seed = seed }
        do {
            var sim = try Simulation(scenario: scenario)
            sim.run(until: time)
            return sim
        } catch {
            throw CommandError("\(scenario.source): \(error)")
        }
    }
}
