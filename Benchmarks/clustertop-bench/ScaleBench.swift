import ClusterSim
import Foundation

/// Simulation cost per request as the cluster grows, at the same load per instance.
///
/// Each point runs the core benchmark's chat workload at 80% of the instances' capacity for the
/// same simulated time, so every instance sees the same load whatever the cluster size and the
/// request count grows with the instances. Cost is user CPU per simulated request (steadier than
/// wall time on a shared machine); the ratio is against the first (smallest) size. With
/// `prefixGroups`, each prompt starts with one of that many 512-token system prompts and vLLM v1
/// serves them with prefix caching (what cache-aware and prefix-affinity route by).
/// Call `scaleBenchmark` from main.swift (`clustertop-bench scale`).
func scaleBenchmark(
    sizes: [Int], globals: [GlobalPolicyID], seconds: Double, params: [String: Double], prefixGroups: Int? = nil
) throws {
    let local: LocalPolicyID = prefixGroups == nil ? .vllmV0 : "vllm-v1"
    let capacity = try singleInstanceCapacity(local: local)
    let prompts = prefixGroups.map { ", prompts from \($0) system prompts of 512 tokens" } ?? ""
    print(
        "scale: llama3-8b on h100, \(local), \(Report.number(capacity, 2)) req/s per instance at capacity, load 80%, \(Report.number(seconds, 0)) s of arrivals per point\(prompts)"
    )
    print(
        "  \("global".fitted(to: 18)) \("instances".fitted(to: 9, alignRight: true)) \("requests".fitted(to: 10, alignRight: true)) \("user s".fitted(to: 8, alignRight: true)) \("req/s (CPU)".fitted(to: 12, alignRight: true)) \("ratio".fitted(to: 6, alignRight: true)) \("RSS MB".fitted(to: 7, alignRight: true))"
    )
    for global in globals {
        var baseline: Double? = nil
        for instances in sizes {
            let rate = 0.8 * capacity * Double(instances)
            var scenario = chatScenario(
                instances: instances, rate: rate, duration: seconds, local: local, global: global, params: params)
            if let groups = prefixGroups {
                scenario.workload[0].sharedPrefix = SharedPrefixSpec(groups: groups, tokens: 512)
            }
            let start = try Simulation(scenario: scenario)
            // A small point runs a fraction of a second, a few clock ticks of user time: it is run
            // again from the same start (a copy of the value) until it has taken a second or more.
            var sim = start
            var runs = 0
            let before = userCPUSeconds()
            repeat {
                sim = start
                sim.runToEnd()
                runs += 1
            } while userCPUSeconds() - before < 1
            let cpu = (userCPUSeconds() - before) / Double(runs)
            let requests = Double(sim.metrics.arrived)
            let perRequest = cpu / max(1, requests)
            let ratio = perRequest / (baseline ?? perRequest)
            if baseline == nil { baseline = perRequest }
            print(
                "  \("\(global)".fitted(to: 18)) \(String(instances).fitted(to: 9, alignRight: true)) \(String(sim.metrics.arrived).fitted(to: 10, alignRight: true)) \(Report.number(cpu, 2).fitted(to: 8, alignRight: true)) \(Report.number(requests / max(cpu, 1e-9), 0).fitted(to: 12, alignRight: true)) \(Report.number(ratio, 2).fitted(to: 6, alignRight: true)) \(Report.number(currentRSSMegabytes(), 0).fitted(to: 7, alignRight: true))"
            )
            fflush(nil)
        }
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
