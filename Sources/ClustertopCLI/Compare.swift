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

            --seeds runs every pair on each seed listed instead, and each figure is the mean over \
            the seeds (the JSON keeps every seed's report). One seed's ranking can be luck: a \
            loaded cluster carries small differences forward, so a 10 s detour through another \
            router earlier in the run can move a policy's P99 TTFT by 16% (docs/policies.md, auto).

            Examples:
              clustertop compare Scenarios/llumnix-migration.yaml --global infaas,llumnix
              clustertop compare Scenarios/strict-tbt.yaml --local vllm-v0,sarathi --format json
              clustertop compare default --global round-robin,least-outstanding --local vllm-v0,sarathi+mdd
              clustertop compare default --local vllm-v0,sarathi --plot latency-cdf.svg
              clustertop compare regime-changes --global hexgen,auto --seeds 21-40
            """)

    @OptionGroup var options: ScenarioOptions<PolicyLists>

    @OptionGroup var arrivals: DurationOption

    @Option(
        help: "Seeds to run every pair on, instead of one: ranges and lists such as 21-40 or 1,2,7; figures are means.")
    var seeds: String?

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
        if seeds != nil, options.seed != nil { throw CommandError("--seeds: give either --seed or --seeds") }
        let seedList = try seeds.map(Compare.parseSeeds) ?? [scenario.seed]
        if seedList.count > 1, plotOption.plot != nil {
            throw CommandError("--plot: draws one seed's runs; give --seed instead of --seeds")
        }
        var pairs: [(GlobalPolicyID, LocalPolicyID, Double?)] = []
        for g in globalIDs {
            for l in localIDs {
                for v in sweep.map({ $0.values.map(Optional.some) }) ?? [nil] { pairs.append((g, l, v)) }
            }
        }
        // One simulation per pair, checked here; the other seeds' are built as they run, so a
        // thousand seeds never hold a thousand clusters at once.
        var sims: [Simulation] = []
        for (g, l, v) in pairs {
            var s = scenario
            s.policy.global = g
            s.policy.local = l
            if let sweep, let v { s.policy.params.values[sweep.name] = v }
            do {
                sims.append(try Simulation(scenario: s))
            } catch let e as PolicyParamError {
                throw CommandError("--param: \(e.key): \(e.message)")
            } catch {
                throw CommandError("\(scenario.source) with \(g) / \(l): \(error)")
            }
        }
        let plotFile = try plotOption.open()
        let n = seedList.count, frozen = sims
        let results = Results(count: sims.count * n, showProgress: !quiet && Console.isTerminal(2))
        let labels = pairs.map { "\($0.0) / \($0.1)" + ($0.2.map { " / \(sweep!.name)=\(compact($0))" } ?? "") }
        DispatchQueue.concurrentPerform(iterations: frozen.count * n) { i in
            var s = frozen[i / n].scenario
            s.seed = seedList[i % n]
            let label = labels[i / n] + (n > 1 ? " (seed \(s.seed))" : "")
            do {
                var sim = s.seed == frozen[i / n].scenario.seed ? frozen[i / n] : try Simulation(scenario: s)
                sim.runToEnd()
                results.set(i, Report(sim), label: label, metrics: plotFile == nil ? nil : sim.metrics)
            } catch {
                results.fail("\(s.source) with \(label): \(error)")
            }
        }
        results.finish()
        if let failure = results.failure { throw CommandError(failure) }
        let runs = pairs.indices.map { i in
            PolicyComparison.Run(
                global: pairs[i].0.rawValue, local: pairs[i].1.rawValue,
                reports: (0..<n).map { results.reports[i * n + $0]! },
                parameter: pairs[i].2.map { "\(sweep!.name)=\(compact($0))" })
        }
        let comparison = PolicyComparison(scenario: scenario.name, seeds: seedList, runs: runs)
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

    /// `21-40`, `1,2,7` or a mix: the seeds in the order given, each once.
    static func parseSeeds(_ text: String) throws -> [UInt64] {
        func bad(_ why: String) -> CommandError {
            CommandError("--seeds: \(why); expected seeds and ranges such as 21-40 or 1,2,7, got \"\(text)\"")
        }
        var seeds: [UInt64] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map {
                UInt64($0.trimmingCharacters(in: .whitespaces))
            }
            guard ends.count <= 2, let first = ends.first ?? nil, let last = ends.last ?? nil else {
                throw bad("\"\(item)\" is not a seed or a range")
            }
            guard first <= last else { throw bad("the range \(item) runs backwards") }
            guard last - first < maxSeeds, seeds.count + Int(last - first) < maxSeeds else {
                throw bad("at most \(maxSeeds) seeds")
            }
            for seed in first...last {
                guard !seeds.contains(seed) else { throw bad("seed \(seed) is listed twice") }
                seeds.append(seed)
            }
        }
        return seeds
    }

    /// The most seeds `--seeds` takes (each pair runs once per seed).
    static let maxSeeds: UInt64 = 1000

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

    /// The first run that could not be built (the others still run).
    private(set) var failure: String?

    func fail(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        if failure == nil { failure = message }
    }

    func finish() {
        if showProgress { Console.err("\r\u{1B}[K") }
    }
}
