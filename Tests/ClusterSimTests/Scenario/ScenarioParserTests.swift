import Foundation
import Testing

@testable import ClusterSim

@Suite struct ScenarioParserTests {
    static let valid = """
        name: t
        seed: 3
        duration_s: 10
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2}
        tenants:
          - {name: chat, slo: {ttft_ms: 500, tpot_ms: 50}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 4}
            input_tokens: {dist: fixed, value: 100}
            output_tokens: {dist: zipf, s: 1.2, max: 300}
        """

    @Test func readsEveryKeyOfTheSimulationCoreFormat() throws {
        let s = try ScenarioParser.parse(Self.valid, file: "t.yaml")
        #expect(s.name == "t" && s.seed == 3 && s.durationSeconds == 10)
        #expect(s.cluster == [InstanceGroup(gpu: "h100", model: "llama3-8b", count: 2, tensorParallel: 1)])
        #expect(s.policy.global == "round-robin" && s.policy.local == "vllm-v0")
        #expect(s.workload[0].output == .zipf(s: 1.2, max: 300))
    }

    @Test func theBuiltInDefaultIsTheShippedFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../../Scenarios/default.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(BuiltinScenarios.text("default") == text)
        let s = try ScenarioParser.parse(text, file: "default.yaml")
        #expect(Set(s.cluster.map(\.gpu)).count >= 2, "the default cluster is heterogeneous")
        #expect(s.events.contains { if case .spike = $0.command { true } else { false } })
    }

    func error(_ text: String) -> String {
        do {
            _ = try ScenarioParser.parse(text, file: "x.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func errorsNameTheLineColumnKeyAndWhatWasFound() {
        let text = Self.valid.replacingOccurrences(of: "rate: 4", with: "rate: fast")
        #expect(
            error(text)
                == "x.yaml:10:39: workload[0].arrival.rate: expected a positive number of requests per second, got \"fast\""
        )
    }

    @Test func unknownKeysSuggestTheClosestKnownKey() {
        let text = Self.valid.replacingOccurrences(of: "duration_s", with: "duraton_s")
        #expect(error(text).hasPrefix("x.yaml:3:1: unknown key \"duraton_s\"; did you mean \"duration_s\"?"))
    }

    @Test func boundsStopTyposThatWouldRunForever() {
        #expect(
            error(Self.valid.replacingOccurrences(of: "rate: 4", with: "rate: 1e12")).contains(
                "workload[0].arrival.rate: expected a positive number of requests per second above 0 to 100000, got 1e12"
            ))
        #expect(
            error(Self.valid.replacingOccurrences(of: "count: 2", with: "count: 10000000")).contains(
                "cluster[0].count: expected a whole number of instances from 1 to 4096"))
        #expect(
            error(Self.valid.replacingOccurrences(of: "duration_s: 10", with: "duration_s: 1e15")).contains(
                "duration_s: expected a positive number of seconds"))
        #expect(
            error(
                Self.valid.replacingOccurrences(of: "rate: 4", with: "rate: 90000").replacingOccurrences(
                    of: "duration_s: 10", with: "duration_s: 600000")
            ).contains("the workload would bring about"))
    }

    @Test func badIdsAndShapesAreExplained() {
        #expect(
            error(Self.valid.replacingOccurrences(of: "gpu: h100", with: "gpu: h10")).contains(
                "cluster[0].gpu: expected one of \(GPUCatalog.ids.joined(separator: ", ")), got \"h10\"; did you mean \"h100\"?"
            ))
        #expect(
            error(
                Self.valid.replacingOccurrences(of: "gpu: h100, model: llama3-8b", with: "gpu: a10g, model: llama3-70b")
            ).contains("leaves no room for KV cache on a10g"))
        #expect(
            error(Self.valid.replacingOccurrences(of: "tenant: chat", with: "tenant: chats")).contains(
                "workload[0].tenant: expected one of chat, got \"chats\""))
        #expect(error("cluster: [").hasPrefix("x.yaml:"))
        #expect(error("").contains("empty"))
        #expect(error("- 1\n- 2") == "x.yaml:1:1: expected a mapping, got a list")
    }

    /// `valid` with `events:` appended.
    static func withEvents(_ lines: [String]) -> String {
        valid + "\nevents:\n" + lines.map { "  - \($0)" }.joined(separator: "\n")
    }

    @Test func theRequestBudgetCountsEverySpikeInFull() {
        // 4 req/s for 10 s, then three x1000 spikes on top of one another: ~4e9 requests.
        let spikes = (0..<3).map { "{at_s: \($0), spike: {factor: 1000, duration_s: 9}}" }
        #expect(error(Self.withEvents(spikes)).contains("duration_s: the workload would bring about"))
        // One x1000 spike for 9 s is 36,000 requests: fine.
        #expect(error(Self.withEvents([spikes[0]])) == "no error")
        let s = try? ScenarioParser.parse(Self.withEvents([spikes[0]]), file: "x.yaml")
        #expect(s.map { abs(ScenarioParser.expectedRequests($0) - 4 * (1 + 9 * 1000)) < 1e-6 } == true)
    }

    @Test func theRequestBudgetCountsWorkflowCallsTraceCopiesAndDurationOverrides() throws {
        let s = try ScenarioParser.parse(Self.valid, file: "x.yaml")
        #expect(ScenarioParser.budgetProblem(s) == nil)
        // An override of the duration goes through the same check.
        var long = s
        long.workload[0].arrival = .poisson(rate: 1000)
        #expect(ScenarioParser.budgetProblem(long, durationSeconds: 600_000)?.contains("600000000 requests") == true)
        // A workflow is ~18 calls.
        var flows = s
        flows.workload[0].workflow = WorkflowSpec()
        #expect(ScenarioParser.expectedRequests(flows) == 4 * 10 * Double(Text2SQLPlan.standard.callCount))
        // A trace counts the records the run reaches, times rate_scale.
        var trace = Trace()
        trace.arrivals = (0..<1000).map { Int64($0) * 100_000 }
        trace.inputs = Array(repeating: 10, count: 1000)
        trace.outputs = Array(repeating: 2, count: 1000)
        var spec = TraceStreamSpec(format: .csv, file: "t", resolvedPath: "t", trace: trace)
        spec.rateScale = 1000
        spec.timeScale = 2
        var traced = s
        traced.workload[0].arrival = .trace(spec)
        // 10 s of run = 5 s of trace = 50 records, a thousand times each.
        #expect(ScenarioParser.expectedRequests(traced) == 50_000)
    }

    @Test func eventsMustFallWithinTheRunAndAddsWithinTheInstanceLimit() {
        #expect(
            error(Self.withEvents(["{at_s: 11, fail: {instance: 0}}"]))
                == "x.yaml:14:12: events[0].at_s: expected a time in seconds before the end of arrivals (duration_s) from 0 to 10, got 11"
        )
        let full = Self.valid.replacingOccurrences(of: "count: 2", with: "count: 4095")
        let adds = (0..<2).map { "{at_s: \($0), add: {gpu: h100, model: llama3-8b}}" }
        #expect(
            error(Self.withEvents(adds).replacingOccurrences(of: "count: 2", with: "count: 4095"))
                == "x.yaml:15:5: events[1]: the cluster would have 4097 instances at 1 s; at most 4096 are supported")
        #expect(error(full + "\nevents:\n  - \(adds[0])") == "no error")
    }

    @Test func everyIndependentProblemIsReported() {
        let text = Self.withEvents(["{at_s: 1, spike: {factor: -2, duration_s: 3}}", "{at_s: 2, fail: {instance: 1}}"])
            .replacingOccurrences(of: "seed: 3", with: "seed: -3\nsede: 4")
            .replacingOccurrences(of: "gpu: h100", with: "gpu: h10")
            .replacingOccurrences(of: "tpot_ms: 50", with: "tpot_ms: 0")
            .replacingOccurrences(of: "rate: 4", with: "rate: fast")
        let checked = ScenarioParser.check(text, file: "x.yaml")
        #expect(checked.scenario == nil)
        #expect(
            checked.problems.map(\.description) == [
                "x.yaml:3:1: unknown key \"sede\"; did you mean \"seed\"? (expected one of: \(ScenarioParser.topKeys.joined(separator: ", ")))",
                "x.yaml:2:7: seed: expected a non-negative whole number from 0 to 9223372036854775807, got -3",
                "x.yaml:6:11: cluster[0].gpu: expected one of \(Hardware().gpuIDs.joined(separator: ", ")), got \"h10\"; did you mean \"h100\"?",
                "x.yaml:8:47: tenants[0].slo.tpot_ms: expected a positive number of milliseconds above 0 to 86400000, got 0",
                "x.yaml:11:39: workload[0].arrival.rate: expected a positive number of requests per second, got \"fast\"",
                "x.yaml:15:31: events[0].spike.factor: expected a positive factor above 0 to 1000, got -2",
            ])
        // parse reports the first of them.
        #expect(error(text) == checked.problems[0].description)
        #expect(ScenarioParser.check(Self.valid, file: "x.yaml").problems.isEmpty)
    }
}
