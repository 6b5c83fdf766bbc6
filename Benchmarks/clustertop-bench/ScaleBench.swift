import ClusterSim
import Foundation

/// Simulation cost per request as the cluster grows, at the same load per instance.
///
/// Each point runs the core benchmark's chat workload at 80% of the instances' capacity for the
/// same simulated time, so every instance sees the same load whatever the cluster size and the
/// request count grows with the instances. Cost is user CPU per simulated request (steadier than
/// wall time on a shared machine); the ratio is against the first (smallest) size. On a shared
/// virtual machine the speed of the whole machine drifts by a third over seconds, so the sizes are
/// measured `rounds` times, interleaved (every size once per round), and each size reports its
/// median round, with the spread of its rounds' rates, and its fastest round: other tenants of
/// the machine only ever add time, so the fastest round is the nearest to the code's own cost.
/// With `prefixGroups`, each prompt starts with one of that many 512-token system prompts and
/// vLLM v1 serves them with prefix caching (what cache-aware and prefix-affinity route by). Call
/// `scaleBenchmark` from main.swift (`clustertop-bench scale`).
func scaleBenchmark(
    sizes: [Int], globals: [GlobalPolicyID], seconds: Double, params: [String: Double], prefixGroups: Int? = nil,
    rounds: Int
) throws {
    let local: LocalPolicyID = prefixGroups == nil ? .vllmV0 : "vllm-v1"
    let capacity = try singleInstanceCapacity(local: local)
    let prompts = prefixGroups.map { ", prompts from \($0) system prompts of 512 tokens" } ?? ""
    print(
        "scale: llama3-8b on h100, \(local), \(Report.number(capacity, 2)) req/s per instance at capacity, load 80%, \(Report.number(seconds, 0)) s of arrivals per point\(prompts); \(rounds) interleaved rounds: the median round (its spread), the fastest"
    )
    print(
        "  \("global".fitted(to: 18)) \("inst.".fitted(to: 5, alignRight: true)) \("requests".fitted(to: 8, alignRight: true)) \("req/s (CPU)".fitted(to: 11, alignRight: true)) \("spread".fitted(to: 6, alignRight: true)) \("ratio".fitted(to: 5, alignRight: true)) \("fastest".fitted(to: 9, alignRight: true)) \("ratio".fitted(to: 5, alignRight: true)) \("RSS MB".fitted(to: 6, alignRight: true))"
    )
    for global in globals {
        let starts = try sizes.map { instances in
            var scenario = chatScenario(
                instances: instances, rate: 0.8 * capacity * Double(instances), duration: seconds, local: local,
                global: global, params: params)
            if let groups = prefixGroups {
                scenario.workload[0].sharedPrefix = SharedPrefixSpec(groups: groups, tokens: 512)
            }
            return try Simulation(scenario: scenario)
        }
        // Per size, each round's CPU seconds per run; the requests of a run (the same every round).
        var cpu = Array(repeating: [Double](), count: sizes.count)
        var requests = Array(repeating: 0.0, count: sizes.count)
        var rss = Array(repeating: 0.0, count: sizes.count)
        // Progress on a terminal only (a round of the largest size takes a while), erased after.
        let progress = isatty(2) == 1
        for round in 1...rounds {
            if progress {
                FileHandle.standardError.write(Data("\r\u{1B}[K  \(global): round \(round) of \(rounds)".utf8))
            }
            for (k, start) in starts.enumerated() {
                // A small point runs a fraction of a second, a few clock ticks of user time: it is
                // run again from the same start (a copy of the value) until it has taken a second.
                var sim = start
                var runs = 0
                let before = userCPUSeconds()
                repeat {
                    sim = start
                    sim.runToEnd()
                    runs += 1
                } while userCPUSeconds() - before < 1
                cpu[k].append((userCPUSeconds() - before) / Double(runs))
                requests[k] = Double(sim.metrics.arrived)
                rss[k] = max(rss[k], currentRSSMegabytes())
            }
        }
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let median = { (values: [Double]) in ErrorSummary.percentile(values.sorted(), 0.5) }
        // Requests per CPU second of each size's median and fastest round.
        let rate = { (k: Int, seconds: Double) in requests[k] / max(seconds, 1e-9) }
        let medians = cpu.indices.map { rate($0, median(cpu[$0])) }
        let fastest = cpu.indices.map { rate($0, cpu[$0].min() ?? 0) }
        for (k, instances) in sizes.enumerated() {
            let rates = cpu[k].map { rate(k, $0) }
            // The spread: how far the slowest and fastest rounds' rates lie apart, as a share of the median.
            let spread = ((rates.max() ?? 0) - (rates.min() ?? 0)) / medians[k]
            print(
                "  \("\(global)".fitted(to: 18)) \(String(instances).fitted(to: 5, alignRight: true)) \(String(Int(requests[k])).fitted(to: 8, alignRight: true)) \(Report.number(medians[k], 0).fitted(to: 11, alignRight: true)) \((Report.number(spread * 100, 0) + "%").fitted(to: 6, alignRight: true)) \(Report.number(medians[0] / medians[k], 2).fitted(to: 5, alignRight: true)) \(Report.number(fastest[k], 0).fitted(to: 9, alignRight: true)) \(Report.number(fastest[0] / fastest[k], 2).fitted(to: 5, alignRight: true)) \(Report.number(rss[k], 0).fitted(to: 6, alignRight: true))"
            )
        }
        fflush(nil)
    }
    print("  peak RSS of the process \(Report.number(peakRSSMegabytes(), 0)) MB")
}

/// One long run of `requests` arrivals on `instances` instances, printing the resident memory
/// as the run goes (at 1%, 10%, 25%, 50%, 75% and 100% of the arrivals): memory must stay flat.
func longScaleRun(requests: Int, instances: Int, global: GlobalPolicyID, params: [String: Double]) throws {
    let local: LocalPolicyID = .vllmV0
    let capacity = try singleInstanceCapacity(local: local)
    let rate = 0.8 * capacity * Double(instances)
    let duration = Double(requests) / rate
    print(
        "scale long run: \(instances)x llama3-8b on h100, \(global)/\(local), rate \(Report.number(rate, 1)) req/s (80%), \(Report.number(duration, 0)) s of arrivals (about \(requests) requests)"
    )
    var sim = try Simulation(
        scenario: chatScenario(
            instances: instances, rate: rate, duration: duration, local: local, global: global, params: params))
    let start = Date()
    let cpuStart = userCPUSeconds()
    var marks = [0.01, 0.10, 0.25, 0.50, 0.75]
    while sim.step() {
        guard let mark = marks.first, Double(sim.metrics.arrived) >= mark * Double(requests) else { continue }
        marks.removeFirst()
        report(sim, label: "\(Int(mark * 100))%", start: start, cpuStart: cpuStart)
    }
    report(sim, label: "end", start: start, cpuStart: cpuStart)
    print("  peak RSS \(Report.number(peakRSSMegabytes(), 0)) MB")

    func report(_ sim: Simulation, label: String, start: Date, cpuStart: Double) {
        let cpu = userCPUSeconds() - cpuStart
        print(
            "  \(label.fitted(to: 4)) arrived \(sim.metrics.arrived), completed \(sim.metrics.completed), wall \(Report.number(Date().timeIntervalSince(start), 0)) s, user \(Report.number(cpu, 0)) s, \(Report.number(Double(sim.metrics.arrived) / max(cpu, 1e-9), 0)) req/s (CPU), RSS \(Report.number(currentRSSMegabytes(), 0)) MB"
        )
        // Out now, even into a file: a long run's progress can be followed with tail -f.
        fflush(nil)
    }
}

/// User CPU seconds of this process so far.
func userCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
}

/// Resident memory now (VmRSS), in MB.
func currentRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
    }
    return 0
}
