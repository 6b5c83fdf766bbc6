import ClusterSim
import Foundation

/// CPU seconds (user + system) this process has used so far, every thread together.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// What-if forks on `Scenarios/large-64.yaml`: the cluster at `at` seconds forked once per
/// candidate and run `horizon` seconds ahead, in parallel (`WhatIfRun`) and one after another.
func whatIfBenchmark(at: Double = 120, horizon: Double = 60) throws {
    let scenario = try ScenarioParser.load(path: "Scenarios/large-64.yaml")
    var base = try Simulation(scenario: scenario)
    let warm = Date()
    base.run(until: Time.seconds(at))
    let warmWall = Date().timeIntervalSince(warm)
    let candidates = WhatIf.candidates(
        global: ["round-robin", "least-outstanding", "infaas", "hexgen"], local: ["vllm-v0"])
    let whatIf = WhatIf(base: base, candidates: candidates, horizonSeconds: horizon)
    print(
        "whatif: large-64 (64 instances) forked at \(Report.number(at, 0)) s (reached in \(Report.number(warmWall, 2)) s wall, \(base.inFlight) requests in flight), \(candidates.count) candidates x \(Report.number(horizon, 0)) s, \(ProcessInfo.processInfo.activeProcessorCount) cores"
    )
    let start = Date(), startCPU = cpuSeconds()
    let results = WhatIfRun(whatIf).wait()!
    let parallel = Date().timeIntervalSince(start), parallelCPU = cpuSeconds() - startCPU
    let sequentialStart = Date(), sequentialCPU = cpuSeconds()
    _ = try whatIf.runAll()
    let sequential = Date().timeIntervalSince(sequentialStart)
    print(
        "  parallel \(Report.number(parallel, 3)) s wall (\(Report.number(parallelCPU, 3)) s CPU), one after another \(Report.number(sequential, 3)) s wall (\(Report.number(cpuSeconds() - sequentialCPU, 3)) s CPU), peak RSS \(Report.number(peakRSSMegabytes(), 0)) MB"
    )
    for r in results {
        let f = r.figures
        print(
            "  \(r.isBest ? "*" : " ") \(r.candidate.label.fitted(to: 30))  SLO \(f.sloAttainment.map { Report.number($0 * 100, 1) } ?? "–")%  TTFT p99 \(Report.number(f.ttftP99Milliseconds, 0)) ms  TBT p99 \(Report.number(f.tbtP99Milliseconds, 1)) ms"
        )
    }
}

/// The cost of the `auto` global policy: `Scenarios/regime-changes.yaml` under round-robin and
/// under auto (its forks included).
func autoBenchmark() throws {
    let scenario = try ScenarioParser.load(path: "Scenarios/regime-changes.yaml")
    for id: GlobalPolicyID in ["round-robin", "auto"] {
        var s = scenario
        s.policy.global = id
        var sim = try Simulation(scenario: s)
        let start = Date()
        sim.runToEnd()
        let wall = Date().timeIntervalSince(start)
        let auto = sim.globalPolicy.autoSummary.map { ", \($0.decisions) decisions" } ?? ""
        print("auto: regime-changes under \(id): \(Report.number(wall, 2)) s wall\(auto)")
    }
}
