import ClusterSim
import Foundation

// Speed and memory benchmarks of the simulator, kept out of `swift test`.
// Run in release: swift run -c release clustertop-bench [core|cost-model|scale] [--requests N]
// Figures and how to read them: BENCHMARKS.md.

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

/// The chat-like workload of the core benchmark: lognormal prompts (mean 1024) and outputs (mean 256).
func chatScenario(
    instances: Int, rate: Double, duration: Double, local: LocalPolicyID, global: GlobalPolicyID,
    params: [String: Double] = [:]
) -> Scenario {
    Scenario(
        name: "bench-\(instances)x-h100", seed: 42, durationSeconds: duration,
        cluster: [InstanceGroup(gpu: GPUID("h100")!.spec, model: ModelCatalog.spec("llama3-8b")!, count: instances)],
        policy: PolicySpec(global: global, local: local, params: PolicyParams(params)),
        tenants: [TenantSpec(name: "chat", slo: SLO(ttftMs: 2000, tpotMs: 100))],
        workload: [
            StreamSpec(
                tenant: "chat", arrival: .poisson(rate: rate),
                input: .lognormal(mean: 1024, sigma: 1.0, max: 6144),
                output: .lognormal(mean: 256, sigma: 0.8, max: 2048))
        ])
}

/// Requests per second one instance sustains: an overloaded single instance's completion rate.
func singleInstanceCapacity(local: LocalPolicyID) throws -> Double {
    var sim = try Simulation(
        scenario: chatScenario(instances: 1, rate: 200, duration: 60, local: local, global: "round-robin"))
    sim.runToEnd()
    // Completions per second over the busy period (the backlog keeps the instance saturated).
    return Double(sim.metrics.completed) / Time.toSeconds(sim.metrics.lastCompletion)
}

func coreBenchmark(requests: Int, global: GlobalPolicyID, params: [String: Double]) throws {
    let local: LocalPolicyID = .vllmV0
    let capacity = try singleInstanceCapacity(local: local)
    let instances = 64
    let rate = 0.8 * capacity * Double(instances)
    let duration = Double(requests) / rate
    print(
        "core: \(instances)x llama3-8b on h100, \(global)/\(local), capacity \(Report.number(capacity, 2)) req/s per instance, rate \(Report.number(rate, 1)) req/s (80%), \(Report.number(duration, 0)) s of arrivals"
    )
    var sim = try Simulation(
        scenario: chatScenario(
            instances: instances, rate: rate, duration: duration, local: local, global: global, params: params))
    let start = Date()
    sim.runToEnd()
    let wall = Date().timeIntervalSince(start)
    let iterations = sim.instances.reduce(Int64(0)) { $0 + $1.iterations }
    let report = Report(sim)
    print(
        "  requests \(sim.metrics.completed) completed of \(sim.metrics.arrived), simulated \(Report.number(Time.toSeconds(sim.metrics.lastCompletion), 0)) s"
    )
    print(
        "  wall \(Report.number(wall, 2)) s, \(Report.number(Double(sim.metrics.completed) / wall, 0)) requests/s, \(Report.number(Double(iterations) / wall, 0)) iterations/s, peak RSS \(Report.number(peakRSSMegabytes(), 0)) MB"
    )
    print(
        "  p99 TTFT \(Report.number(report.double("ttft_ms.p99") ?? 0, 1)) ms, p99 TBT \(Report.number(report.double("tbt_ms.p99") ?? 0, 1)) ms, KV mean \(Report.number((report.double("kv.mean_utilization") ?? 0) * 100, 1))%, migrations \(sim.metrics.migrations), preemptions \(report.double("preemptions") ?? 0)"
    )
}

var arguments = Array(CommandLine.arguments.dropFirst())
var requests = 1_000_000
if let i = arguments.firstIndex(of: "--requests"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
    requests = n
    arguments.removeSubrange(i...(i + 1))
}
// One policy, or a comma-separated list (scale runs each; the others take the first).
var globals: [GlobalPolicyID] = []
if let i = arguments.firstIndex(of: "--global"), i + 1 < arguments.count {
    do {
        globals = try arguments[i + 1].split(separator: ",").map { try GlobalPolicyID(parsing: String($0)) }
    } catch {
        print("--global: \(error)")
        exit(2)
    }
    arguments.removeSubrange(i...(i + 1))
}
let global = globals.first ?? "least-outstanding"
var sizes = [64, 256, 1024, 4096]
if let i = arguments.firstIndex(of: "--instances"), i + 1 < arguments.count {
    let list = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
    guard !list.isEmpty, list.count == arguments[i + 1].split(separator: ",").count, list.allSatisfy({ $0 > 0 }) else {
        print("--instances: expected a comma-separated list of positive counts, got \"\(arguments[i + 1])\"")
        exit(2)
    }
    sizes = list
    arguments.removeSubrange(i...(i + 1))
}
var seconds = 60.0
if let i = arguments.firstIndex(of: "--seconds"), i + 1 < arguments.count, let s = Double(arguments[i + 1]), s > 0 {
    seconds = s
    arguments.removeSubrange(i...(i + 1))
}
/// The positive count given after `option` (taken out of `arguments`), nil when absent; anything
/// else after it is an error naming `what` it counts (exit 2).
@MainActor func positiveCount(_ option: String, of what: String) -> Int? {
    guard let i = arguments.firstIndex(of: option), i + 1 < arguments.count else { return nil }
    guard let n = Int(arguments[i + 1]), n > 0 else {
        print("\(option): expected a positive number of \(what), got \"\(arguments[i + 1])\"")
        exit(2)
    }
    arguments.removeSubrange(i...(i + 1))
    return n
}
let prefixGroups = positiveCount("--shared-prefix", of: "system prompts")
let rounds = positiveCount("--rounds", of: "rounds") ?? 3
let requestsGiven = CommandLine.arguments.contains("--requests")
var params: [String: Double] = [:]
while let i = arguments.firstIndex(of: "--param"), i + 1 < arguments.count {
    let pair = arguments[i + 1].split(separator: "=")
    if pair.count == 2, let v = Double(pair[1]) { params[String(pair[0])] = v }
    arguments.removeSubrange(i...(i + 1))
}
let usage = """
    usage: clustertop-bench [core|cost-model|whatif|auto|scale] [--requests N] [--global ID[,ID...]] [--param NAME=VALUE]...
           clustertop-bench scale [--instances 64,256,1024,4096] [--seconds S] [--global ID,...] [--shared-prefix GROUPS] [--rounds K]
           clustertop-bench scale --requests N [--instances COUNT]   (one long run, memory over time)
    """
// Anything left that is not the one benchmark name (`--help`, a misspelt option) gets the usage, not a run.
if arguments.count > 1 || arguments.first?.hasPrefix("-") == true {
    let help = arguments.contains("--help") || arguments.contains("-h")
    if !help { print("unexpected arguments: \(arguments.joined(separator: " "))") }
    print(usage)
    exit(help ? 0 : 2)
}
let which = arguments.first ?? "core"
do {
    switch which {
    case "core": try coreBenchmark(requests: requests, global: global, params: params)
    case "cost-model": costModelBenchmark()
    case "whatif":
        try whatIfBenchmark(at: 30)
        try whatIfBenchmark(at: 120)
    case "auto": try autoBenchmark()
    case "scale":
        if requestsGiven {
            try longScaleRun(requests: requests, instances: sizes.last!, global: global, params: params)
        } else {
            try scaleBenchmark(
                sizes: sizes, globals: globals.isEmpty ? GlobalPolicyID.all : globals, seconds: seconds, params: params,
                prefixGroups: prefixGroups, rounds: rounds)
        }
    default:
        print(usage)
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
