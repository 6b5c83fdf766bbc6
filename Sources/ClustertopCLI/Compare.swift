import ArgumentParser
import ClusterSim
import Foundation

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every combination of policies on identical arrivals and compare them side by side.",
        discussion: """
            Runs SCENARIO once per (global, local) pair from --global and --local (comma-separated \
            ids; either may be left out to keep the scenario's own), each to the end, on the same \
            seeded arrivals, and prints one column per run with the best value of each row marked \
            with *. Runs go in parallel; progress goes to standard error when it is a terminal. \
            The output is identical for identical inputs.

            Examples:
              clustertop compare Scenarios/llumnix-migration.yaml --global infaas,llumnix
              clustertop compare Scenarios/strict-tbt.yaml --local vllm-v0,sarathi --format json
              clustertop compare default --global round-robin,least-outstanding --local vllm-v0,sarathi+mdd
              clustertop compare default --local vllm-v0,sarathi --plot latency-cdf.svg
            """)

    @OptionGroup var options: ScenarioOptions<PolicyLists>

    @OptionGroup var arrivals: DurationOption

    @Option(help: "A policy parameter and its values to sweep as well: NAME=V1,V2 (e.g. prefix_caching=0,1).")
    var param: String?

    @Option(help: "Output format: table, json or csv.")
    var format: ReportFormat = .table

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @OptionGroup var plotOption: PlotOption

    func run() throws {
        var scenario = try options.load()
        let globalIDs = options.policies.globalIDs(scenario)
        let localIDs = options.policies.localIDs(scenario)
        try arrivals.apply(to: &scenario)
        let sweep = try parseSweep(param)
        var pairs: [(GlobalPolicyID, LocalPolicyID, Double?)] = []
        for g in globalIDs {
            for l in localIDs {
                for v in sweep.map({ $0.values.map(Optional.some) }) ?? [nil] { pairs.append((g, l, v)) }
            }
        }
        var sims: [Simulation] = []
        for (g, l, v) in pairs {
            var s = scenario
            s.policy.global = g
            s.policy.local = l
            if let sweep, let v { s.policy.params.values[sweep.name] = v }
            do {
                _ = try GlobalPolicy(id: g, params: s.policy.params)
                _ = try LocalPolicy(id: l, params: s.policy.params)
                sims.append(try Simulation(scenario: s))
            } catch let e as PolicyParamError {
                throw CommandError("--param: \(e.key): \(e.message)")
            } catch {
                throw CommandError("\(scenario.source) with \(g) / \(l): \(error)")
            }
        }
        let plotFile = try plotOption.open()
        let results = Results(count: sims.count, showProgress: !quiet && Console.isTerminal(2))
        let frozen = sims,
            labels = pairs.map { "\($0.0) / \($0.1)" + ($0.2.map { " / \(sweep!.name)=\(compact($0))" } ?? "") }
        DispatchQueue.concurrentPerform(iterations: frozen.count) { i in
            var sim = frozen[i]
            sim.runToEnd()
            results.set(i, Report(sim), label: labels[i], metrics: plotFile == nil ? nil : sim.metrics)
        }
        results.finish()
        let runs = pairs.indices.map { i in
            PolicyComparison.Run(
                global: pairs[i].0.rawValue, local: pairs[i].1.rawValue, report: results.reports[i]!,
                parameter: pairs[i].2.map { "\(sweep!.name)=\(compact($0))" })
        }
        let comparison = PolicyComparison(scenario: scenario.name, seed: scenario.seed, runs: runs)
        let text: String
        switch format {
        case .table: text = comparison.tableText
        case .json: text = comparison.json.rendered() + "\n"
        case .csv: text = comparison.csvText
        }
        try Console.out(text)
        if let plotFile {
            let curves = labels.indices.map { (label: labels[$0], metrics: results.metrics[$0]!) }
            try PlotOption.write(Plots.latencyCDFs(scenario: scenario, runs: curves), to: plotFile)
        }
    }

    /// `NAME=V1,V2`: a known parameter and its values.
    func parseSweep(_ text: String?) throws -> (name: String, values: [Double])? {
        guard let text else { return nil }
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw CommandError("--param: expected NAME=V1,V2, got \"\(text)\"") }
        let name = parts[0]
        try checkParameterName(name)
        let values = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = values.compactMap { Double($0) }
        guard !values.isEmpty, numbers.count == values.count else {
            throw CommandError("--param: expected numbers after \(name)=, got \"\(parts[1])\"")
        }
        return (name, numbers)
    }
}

/// Reports filled in by parallel runs, with a progress line.
final class Results: @unchecked Sendable {
    let lock = NSLock()
    var reports: [Report?]
    /// The runs' metrics, kept for a chart (`--plot`).
    var metrics: [Metrics?]
    var done = 0
    let showProgress: Bool

    init(count: Int, showProgress: Bool) {
        reports = Array(repeating: nil, count: count)
        metrics = Array(repeating: nil, count: count)
        self.showProgress = showProgress
    }

    func set(_ i: Int, _ report: Report, label: String, metrics: Metrics? = nil) {
        lock.lock()
        defer { lock.unlock() }
        reports[i] = report
        self.metrics[i] = metrics
        done += 1
        if showProgress {
            Console.err("\r\u{1B}[Kfinished \(done) of \(reports.count): \(label)")
        }
    }

    func finish() {
        if showProgress { Console.err("\r\u{1B}[K") }
    }
}
