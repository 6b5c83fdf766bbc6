import ArgumentParser
import ClusterSim
import Foundation

struct Capacity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the highest load each policy combination or cluster size sustains within its SLOs.",
        discussion: """
            For each candidate -- every (global, local) pair from --global and --local, on each \
            instance count from --instances (or the scenario's own cluster) -- finds the highest \
            arrival rate whose run to the end meets --slo-attainment (SLO attainment as the report \
            computes it: met / (completed + requests past their TTFT deadline)). For each policy \
            pair it also finds the fewest instances of the resized group (--group) that carry the \
            scenario's own rate. It prints the frontier: highest sustainable rate, goodput and \
            P99 TTFT there, instances needed, GPUs (instances x tensor parallel) and GPU-hours \
            per million requests at that rate; * marks the fewest GPU-hours per million requests.

            The search (docs/capacity.md): every stream's rate is multiplied by a scale. Starting \
            at scale 1, the scale doubles while the run meets the target (up to 64, or the request \
            budget) or halves while it misses (down to 1/64); the bracket is then bisected at its \
            geometric midpoint until the failing scale is within --tolerance of the passing one. \
            The instance search halves or doubles the group's count from the scenario's, then \
            bisects exactly (up to --max-instances). Every run uses the same seed, so the arrivals \
            at a scale are the same for every candidate, and the output is identical for \
            identical inputs. Searches run in parallel on all cores; progress goes to standard \
            error when it is a terminal.

            Examples:
              clustertop capacity default --duration 30
              clustertop capacity default --global round-robin,llumnix --slo-attainment 0.95
              clustertop capacity default --instances 2,4,8 --plot capacity.svg --format csv
            """)

    @OptionGroup var options: ScenarioOptions<PolicyLists>

    @OptionGroup var arrivals: DurationOption

    @Option(help: "The SLO attainment a run must reach, a share in (0, 1].")
    var sloAttainment: Double = 0.99

    @Option(help: "Instance counts to try for the group, comma-separated or a range LOW-HIGH (e.g. 2,4,8 or 2-6).")
    var instances: String?

    @Option(help: "The cluster group (index, from 0) that --instances and the instance search resize.")
    var group: Int = 0

    @Option(help: "Relative precision of the highest sustainable rate (0.02: within 2%).")
    var tolerance: Double = 0.02

    @Option(help: "The most instances the search for the fewest instances tries.")
    var maxInstances: Int = 256

    @Option(help: "Output format: table, json or csv.")
    var format: ReportFormat = .table

    @OptionGroup var plotOption: PlotOption

    @Flag(help: "No progress on standard error.")
    var quiet = false

    /// The lowest and highest scale the rate search tries.
    static let scaleRange = (low: 1.0 / 64, high: 64.0)

    func run() throws {
        var scenario = try options.load()
        try arrivals.apply(to: &scenario)
        guard sloAttainment > 0, sloAttainment <= 1 else {
            throw CommandError(
                "--slo-attainment: expected a share above 0 and up to 1 (0.99 is 99%), got \(sloAttainment)")
        }
        guard tolerance >= 0.001, tolerance <= 0.5 else {
            throw CommandError("--tolerance: expected a share from 0.001 to 0.5, got \(tolerance)")
        }
        let group = self.group
        guard scenario.cluster.indices.contains(group) else {
            throw CommandError("--group: expected a group index from 0 to \(scenario.cluster.count - 1), got \(group)")
        }
        let others = scenario.cluster.indices.filter { $0 != group }.reduce(0) { $0 + scenario.cluster[$1].count }
        let instanceLimit = ScenarioParser.Limits.maxInstances - others
        guard maxInstances >= 1, maxInstances <= instanceLimit else {
            throw CommandError("--max-instances: expected 1 to \(instanceLimit), got \(maxInstances)")
        }
        let counts = try parseInstances(instances, limit: instanceLimit)
        let baseRate = CapacitySearch.baseRate(scenario)
        guard baseRate > 0 else { throw CommandError("\(scenario.source): the workload has no arrivals to scale") }
        let plotFile = try plotOption.open()

        let pairs = options.policies.globalIDs(scenario).flatMap { g in
            options.policies.localIDs(scenario).map { (g, $0) }
        }
        for (g, l) in pairs {
            do {
                var s = scenario
                (s.policy.global, s.policy.local) = (g, l)
                // What could fail in a search's runs fails here, once: every run builds alike.
                _ = try Simulation(scenario: s)
            } catch {
                throw CommandError("\(scenario.source) with \(g) / \(l): \(error)")
            }
        }
        // The jobs: a rate search per (pair, count), an instance search per pair.
        enum Job {
            case rate(pair: Int, count: Int?)
            case instances(pair: Int)
        }
        let jobs: [Job] =
            pairs.indices.flatMap { p in (counts ?? [nil]).map { Job.rate(pair: p, count: $0) } }
            + pairs.indices.map { Job.instances(pair: $0) }
        let target = sloAttainment, tolerance = self.tolerance, maxInstances = self.maxInstances
        let base = scenario
        /// The scenario for a pair on `count` instances of the group.
        let variant: @Sendable (Int, Int?) -> Scenario = { p, count in
            var s = base
            s.policy.global = pairs[p].0
            s.policy.local = pairs[p].1
            if let count { s.cluster[group].count = count }
            return s
        }
        let highScale = min(
            Capacity.scaleRange.high, CapacitySearch.budgetScale(base),
            ScenarioParser.Limits.maxRate / max(base.workload.map(\.arrival.rate).max() ?? 1, 1e-9))
        let progress = CapacityProgress(jobs: jobs.count, enabled: !quiet && Console.isTerminal(2))
        let outcomes = JobOutcomes(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            func report(_ s: Scenario) -> Report? {
                guard var sim = try? Simulation(scenario: s) else { return nil }
                sim.runToEnd()
                progress.ranOne()
                return Report(sim)
            }
            func meets(_ r: Report?) -> Bool { r.map { ($0.slo.attainment ?? 1) >= target } ?? false }
            switch jobs[j] {
            case .rate(let p, let count):
                let scenario = variant(p, count)
                var probes: [CapacityFrontier.Probe] = []
                let boundary = CapacitySearch.highestPassing(
                    start: min(1, highScale), low: Capacity.scaleRange.low, high: highScale, tolerance: tolerance
                ) { scale in
                    let r = report(CapacitySearch.scaled(scenario, by: scale))
                    if let r { probes.append(.init(scale: scale, rate: baseRate * scale, report: r, meets: meets(r))) }
                    return meets(r)
                }
                outcomes.set(j, .rate(probes, boundary))
            case .instances(let p):
                let start = base.cluster[group].count
                let fewest = CapacitySearch.fewestPassing(start: start, maximum: maxInstances) { n in
                    meets(report(variant(p, n)))
                }
                outcomes.set(j, .instances(fewest))
            }
            progress.finishedJob()
        }
        progress.finish()

        let gpus: (Int?) -> Int = { count in
            base.cluster.indices.reduce(0) { total, i in
                total + (i == group ? (count ?? base.cluster[i].count) : base.cluster[i].count)
                    * base.cluster[i].tensorParallel
            }
        }
        var candidates: [CapacityFrontier.Candidate] = []
        for (j, job) in jobs.enumerated() {
            guard case .rate(let p, let count) = job, case .rate(let probes, let boundary)? = outcomes.values[j] else {
                continue
            }
            guard case .instances(let needed)? = outcomes.values[jobs.count - pairs.count + p] else { continue }
            candidates.append(
                .init(
                    global: pairs[p].0.rawValue, local: pairs[p].1.rawValue, instances: count, gpus: gpus(count),
                    probes: probes, boundary: boundary, instancesNeeded: needed))
        }
        let frontier = CapacityFrontier(
            scenario: scenario.name, seed: scenario.seed, target: target, tolerance: tolerance, baseRate: baseRate,
            group: group, candidates: candidates)
        switch format {
        case .table: try Console.out(frontier.tableText)
        case .json: try Console.out(frontier.json.rendered() + "\n")
        case .csv: try Console.out(frontier.csvText)
        }
        if let plotFile { try PlotOption.write(Plots.capacity(frontier, scenario: scenario), to: plotFile) }
    }

    /// `2,4,8` or `2-6`: the instance counts to try, nil when not given.
    func parseInstances(_ text: String?, limit: Int) throws -> [Int?]? {
        guard let text else { return nil }
        let problem = "--instances: expected counts from 1 to \(limit) as 2,4,8 or a range 2-6, got \"\(text)\""
        var counts: [Int] = []
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let low = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                let high = Int(parts[1].trimmingCharacters(in: .whitespaces)), low <= high
            else { throw CommandError(problem) }
            guard high - low < 64 else {
                throw CommandError("--instances: a range of at most 64 counts, got \"\(text)\"")
            }
            counts = Array(low...high)
        } else {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else { throw CommandError(problem) }
                if !counts.contains(n) { counts.append(n) }
            }
        }
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 && $0 <= limit }) else { throw CommandError(problem) }
        return counts
    }
}

/// The searches' results, filled in by parallel jobs.
final class JobOutcomes: @unchecked Sendable {
    enum Outcome {
        case rate([CapacityFrontier.Probe], CapacitySearch.Boundary)
        case instances(Int?)
    }

    let lock = NSLock()
    var values: [Outcome?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ outcome: Outcome) { lock.withLock { values[i] = outcome } }
}

/// The capacity searches' progress on standard error: a bar of searches done, the runs so far and an ETA.
final class CapacityProgress: @unchecked Sendable {
    let lock = NSLock()
    let jobs: Int
    let enabled: Bool
    let started = Date()
    var jobsDone = 0
    var runs = 0

    init(jobs: Int, enabled: Bool) {
        self.jobs = jobs
        self.enabled = enabled
    }

    func ranOne() {
        lock.withLock {
            runs += 1
            draw()
        }
    }

    func finishedJob() {
        lock.withLock {
            jobsDone += 1
            draw()
        }
    }

    /// `[#####.....] 3 of 8 searches, 27 runs, 12 s, about 20 s left`; the ETA assumes the
    /// searches left take as long as those done.
    func draw() {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(started)
        let width = 20, filled = jobsDone * width / max(jobs, 1)
        var line = "\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        line += "] \(jobsDone) of \(jobs) searches, \(runs) runs, \(Int(elapsed)) s"
        if jobsDone > 0 && jobsDone < jobs {
            line += ", about \(Int(elapsed / Double(jobsDone) * Double(jobs - jobsDone))) s left"
        }
        Console.err(line)
    }

    func finish() {
        if enabled { Console.err("\r\u{1B}[K") }
    }
}
