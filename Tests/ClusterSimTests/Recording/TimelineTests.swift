import Foundation
import Testing

@testable import ClusterSim

/// The Chrome trace-event file of `TimelineRecorder`, checked against the format's rules.
struct TimelineTests {
    typealias Event = [String: Any]

    /// Runs `scenario` to the end with the first `limit` requests traced; the events of the file.
    static func traced(_ scenario: Scenario, limit: Int) throws -> (sim: Simulation, events: [Event]) {
        var sim = try Simulation(scenario: scenario)
        sim.timeline = TimelineRecorder(limit: limit)
        sim.runToEnd()
        let text = try #require(sim.timeline).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["displayTimeUnit"] as? String == "ms")
        return (sim, try #require(object["traceEvents"] as? [Event]))
    }

    /// The format's rules (Trace Event Format, the parts Perfetto reads): the fields each phase
    /// needs, time never going back on a thread, complete slices nested on their thread, every
    /// flow start finished and every async begin ended. Returns the problems found.
    static func problems(_ events: [Event]) -> [String] {
        var problems: [String] = []
        var lastStart: [String: Double] = [:]
        var open: [String: [Double]] = [:]
        var flows: [Int: (start: Double?, finish: Double?)] = [:]
        var async: [String: Int] = [:]
        for e in events {
            guard let ph = e["ph"] as? String, e["name"] is String, let pid = e["pid"] as? Int,
                let tid = e["tid"] as? Int
            else {
                problems.append("missing name, ph, pid or tid: \(e)")
                continue
            }
            if ph == "M" {
                if e["args"] as? [String: Any] == nil { problems.append("metadata without args: \(e)") }
                continue
            }
            guard let ts = e["ts"] as? Double, ts >= 0 else {
                problems.append("no ts: \(e)")
                continue
            }
            let thread = "\(pid)/\(tid)"
            switch ph {
            case "X":
                guard let dur = e["dur"] as? Double, dur >= 0 else {
                    problems.append("X without dur >= 0: \(e)")
                    continue
                }
                if ts < lastStart[thread] ?? 0 { problems.append("time goes back on \(thread): \(e)") }
                lastStart[thread] = ts
                var stack = open[thread] ?? []
                while let end = stack.last, end <= ts { stack.removeLast() }
                if let end = stack.last, ts + dur > end { problems.append("slice overlaps its parent: \(e)") }
                stack.append(ts + dur)
                open[thread] = stack
            case "i":
                if !["t", "p", "g"].contains(e["s"] as? String ?? "") {
                    problems.append("instant without scope: \(e)")
                }
            case "s", "f":
                guard let id = e["id"] as? Int else {
                    problems.append("flow without id: \(e)")
                    continue
                }
                if ph == "s" {
                    flows[id, default: (nil, nil)].start = ts
                } else {
                    flows[id, default: (nil, nil)].finish = ts
                }
                if ph == "f" && e["bp"] as? String != "e" { problems.append("flow finish without bp e: \(e)") }
            case "b", "e":
                guard let id = e["id"] as? Int, let cat = e["cat"] as? String else {
                    problems.append("async event without id or cat: \(e)")
                    continue
                }
                async["\(cat)/\(id)", default: 0] += ph == "b" ? 1 : -1
            default:
                problems.append("unexpected phase \(ph)")
            }
        }
        for (id, flow) in flows {
            guard let start = flow.start, let finish = flow.finish else {
                problems.append("flow \(id) is not both started and finished")
                continue
            }
            if finish < start { problems.append("flow \(id) finishes before it starts") }
        }
        for (key, balance) in async where balance != 0 { problems.append("async \(key) not ended") }
        return problems
    }

    static func named(_ events: [Event], _ prefix: String, _ ph: String = "X") -> [Event] {
        events.filter { ($0["ph"] as? String) == ph && ($0["name"] as? String)?.hasPrefix(prefix) == true }
    }

    @Test func preemptionsShowOnTheRequestsTheyHit() throws {
        // One A10G, long prompts and answers: the KV cache fills and requests are preempted.
        let scenario = testScenario(
            gpu: "a10g", rate: 0.5, duration: 60, input: .lognormal(mean: 2500, sigma: 0.6, max: 6000),
            output: .lognormal(mean: 1400, sigma: 0.5, max: 3000), seed: 5)
        let (sim, events) = try Self.traced(scenario, limit: 1000)
        try #require(sim.instances[0].preemptions > 0)
        #expect(Self.problems(events) == [])
        let requests = Self.named(events, "request ")
        #expect(requests.count == Int(sim.metrics.arrived))
        #expect(Self.named(events, "preempted", "i").count == Int(sim.instances[0].preemptions))
        #expect(Self.named(events, "recompute").count >= Int(sim.instances[0].preemptions))
        // Every token is in a prefill, recompute or decode slice: their tokens add up to the iterations'.
        let requestTokens =
            (Self.named(events, "prefill") + Self.named(events, "recompute") + Self.named(events, "decode"))
            .reduce(0) { $0 + (($1["args"] as? [String: Any])?["tokens"] as? Int ?? 0) }
        let iterationTokens = Self.named(events, "iteration").reduce(0) {
            let args = $1["args"] as? [String: Any]
            return $0 + (args?["prefill_tokens"] as? Int ?? 0) + (args?["decode_tokens"] as? Int ?? 0)
        }
        #expect(requestTokens == iterationTokens && requestTokens > 0)
        let iteration = try #require(Self.named(events, "iteration").first?["args"] as? [String: Any])
        #expect(iteration["batch_size"] is Int && iteration["running"] is Int && iteration["waiting"] is Int)
    }

    @Test func migrationsDrawArrowsAcrossInstances() throws {
        // Light load on three instances: Llumnix scales in and migrates the drained one's requests away.
        var scenario = testScenario(count: 3, rate: 4, duration: 40, global: "llumnix")
        scenario.policy.params = PolicyParams(["max_instances": 4, "min_instances": 2, "scaling_interval_s": 5])
        let (sim, events) = try Self.traced(scenario, limit: 100_000)
        try #require(sim.metrics.migrations > 0)
        #expect(Self.problems(events) == [])
        let committed = events.filter {
            $0["ph"] as? String == "e" && ($0["args"] as? [String: Any])?["outcome"] as? String == "committed"
        }
        #expect(committed.count == Int(sim.metrics.migrations))
        let starts = events.filter { $0["ph"] as? String == "s" },
            finishes = events.filter { $0["ph"] as? String == "f" }
        #expect(!starts.isEmpty && starts.count == finishes.count)
        // An arrow leaves one instance's iteration and lands inside another's.
        let iterations = Self.named(events, "iteration")
        func insideAnIteration(_ e: Event) -> Bool {
            let ts = e["ts"] as? Double ?? -1
            return iterations.contains {
                $0["pid"] as? Int == e["pid"] as? Int && ($0["ts"] as? Double ?? 0) <= ts
                    && ts <= ($0["ts"] as? Double ?? 0) + ($0["dur"] as? Double ?? 0)
            }
        }
        for (s, f) in zip(starts, finishes) where s["id"] as? Int == f["id"] as? Int {
            #expect(s["pid"] as? Int != f["pid"] as? Int)
            #expect(insideAnIteration(s) && insideAnIteration(f))
        }
    }

    @Test func onlyTheFirstRequestsAreTracedAndTheRunIsUnchanged() throws {
        let scenario = testScenario(count: 2, rate: 10, duration: 20)
        let (sim, events) = try Self.traced(scenario, limit: 5)
        #expect(Self.problems(events) == [])
        let requests = Self.named(events, "request ")
        #expect(requests.count == 5)
        #expect(Set(requests.compactMap { ($0["args"] as? [String: Any])?["serial"] as? Int }) == [0, 1, 2, 3, 4])
        // Iterations only while a traced request is in the cluster.
        let lastEnd = requests.map { ($0["ts"] as? Double ?? 0) + ($0["dur"] as? Double ?? 0) }.max() ?? 0
        let iterations = Self.named(events, "iteration")
        #expect(!iterations.isEmpty && iterations.allSatisfy { ($0["ts"] as? Double ?? 0) < lastEnd })
        // Tracing changes nothing the run measures.
        var plain = try Simulation(scenario: scenario)
        plain.runToEnd()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(
            try encoder.encode(Report(plain, wallSeconds: 0)) == encoder.encode(Report(sim, wallSeconds: 0)))
    }

    @Test func namesAreEscapedJSON() {
        #expect(TimelineRecorder.jsonString("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
    }
}
