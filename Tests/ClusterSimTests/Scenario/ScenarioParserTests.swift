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
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Scenarios/default.yaml")
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
        #expect(error(text) == "x.yaml:10:39: workload[0].arrival.rate: expected a positive number of requests per second, got \"fast\"")
    }

    @Test func unknownKeysSuggestTheClosestKnownKey() {
        let text = Self.valid.replacingOccurrences(of: "duration_s", with: "duraton_s")
        #expect(error(text).hasPrefix("x.yaml:3:1: unknown key \"duraton_s\"; did you mean \"duration_s\"?"))
    }

    @Test func boundsStopTyposThatWouldRunForever() {
        #expect(error(Self.valid.replacingOccurrences(of: "rate: 4", with: "rate: 1e12")).contains("workload[0].arrival.rate: expected a positive number of requests per second above 0 to 100000, got 1e12"))
        #expect(error(Self.valid.replacingOccurrences(of: "count: 2", with: "count: 10000000")).contains("cluster[0].count: expected a whole number of instances from 1 to 4096"))
        #expect(error(Self.valid.replacingOccurrences(of: "duration_s: 10", with: "duration_s: 1e15")).contains("duration_s: expected a positive number of seconds"))
        #expect(error(Self.valid.replacingOccurrences(of: "rate: 4", with: "rate: 90000").replacingOccurrences(of: "duration_s: 10", with: "duration_s: 600000")).contains("the workload would bring about"))
    }

    @Test func badIdsAndShapesAreExplained() {
        #expect(error(Self.valid.replacingOccurrences(of: "gpu: h100", with: "gpu: h10")).contains("cluster[0].gpu: expected one of h100, h200, a100-80g, a100-40g, l40s, a40, a10, a10g, a6000, b200, mi300x, got \"h10\"; did you mean \"h100\"?"))
        #expect(error(Self.valid.replacingOccurrences(of: "gpu: h100, model: llama3-8b", with: "gpu: a10g, model: llama3-70b")).contains("leaves no room for KV cache on a10g"))
        #expect(error(Self.valid.replacingOccurrences(of: "tenant: chat", with: "tenant: chats")).contains("workload[0].tenant: expected one of chat, got \"chats\""))
        #expect(error("cluster: [") .hasPrefix("x.yaml:"))
        #expect(error("") .contains("empty"))
        #expect(error("- 1\n- 2") == "x.yaml:1:1: expected a mapping, got a list")
    }
}
