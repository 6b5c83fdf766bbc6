import Foundation
import Testing

@testable import ClusterSim

/// Speculative decoding in the engine, and its published effect in both directions on a short
/// version of Scenarios/speculative-decoding.yaml (full size in docs/policies.md).
@Suite struct SimulationSpeculativeTests {
    /// The shipped scenario with `k` draft tokens, its rate scaled by `scale`, `duration` seconds.
    static func shipped(k: Int, scale: Double, duration: Double = 30) throws -> Scenario {
        var s = try PolicyClaimTests.shipped("speculative-decoding")
        s.cluster[0].engine.speculative!.tokens = k
        guard case .poisson(let rate) = s.workload[0].arrival else { throw CancellationError() }
        s.workload[0].arrival = .poisson(rate: rate * scale)
        s.durationSeconds = duration
        return s
    }

    static func report(_ s: Scenario) throws -> Report {
        var sim = try Simulation(scenario: s)
        sim.runToEnd()
        #expect(sim.inFlight == 0)
        return Report(sim)
    }

    @Test func atLightLoadSpeculationHalvesTPOT() throws {
        let off = try Self.report(try Self.shipped(k: 0, scale: 1))
        let on = try Self.report(try Self.shipped(k: 4, scale: 1))
        #expect(off.double("requests.completed") == on.double("requests.completed"))
        // 2.77 tokens per weight-bound iteration that costs about 1.3 plain ones.
        #expect(on.double("tpot_ms.p50")! < 0.6 * off.double("tpot_ms.p50")!)
        #expect(on.double("e2e_ms.p50")! < off.double("e2e_ms.p50")!)
        #expect(abs(on.double("spec_decode.mean_acceptance_length")! - 2.77) < 0.1)
    }

    @Test func atHeavyLoadSpeculationCostsThroughputAndTTFT() throws {
        // 48 req/s: the verification pass is compute-bound, queues build up behind it.
        let off = try Self.report(try Self.shipped(k: 0, scale: 24, duration: 60))
        let on = try Self.report(try Self.shipped(k: 4, scale: 24, duration: 60))
        #expect(on.double("ttft_ms.p99")! > 1.5 * off.double("ttft_ms.p99")!)
        #expect(on.double("tpot_ms.p50")! > off.double("tpot_ms.p50")!)
        // 64 req/s, past saturation: fewer output tokens per second.
        let offSaturated = try Self.report(try Self.shipped(k: 0, scale: 32, duration: 60))
        let onSaturated = try Self.report(try Self.shipped(k: 4, scale: 32, duration: 60))
        #expect(
            onSaturated.double("throughput.output_tokens_per_s")!
                < 0.97 * offSaturated.double("throughput.output_tokens_per_s")!)
    }

    @Test func everyRequestGetsExactlyItsOutputWithOrWithoutDrafts() throws {
        var off = try Simulation(scenario: try Self.shipped(k: 0, scale: 4, duration: 10))
        var on = try Simulation(scenario: try Self.shipped(k: 6, scale: 4, duration: 10))
        off.runToEnd()
        on.runToEnd()
        #expect(on.metrics.completed == off.metrics.completed)
        #expect(on.metrics.outputTokens == off.metrics.outputTokens)
        #expect(Report(on).double("spec_decode.num_drafts")! > 0)
    }

    @Test func invariantsHoldUnderKVPressureWithDrafts() throws {
        var s = try Self.shipped(k: 5, scale: 16, duration: 10)
        s.cluster[0].engine.kvBlocks = 300
        var sim = try Simulation(scenario: s)
        #expect(runChecked(&sim) == [])
        #expect(Report(sim).preemptions > 0)
    }

    @Test func eachStreamDrawsAtItsOwnAcceptanceRate() throws {
        var rates: [Double] = []
        for alpha in [0.3, 0.9] {
            var s = try Self.shipped(k: 4, scale: 1, duration: 10)
            s.workload[0].acceptanceRate = alpha
            rates.append(try Self.report(s).double("spec_decode.acceptance_rate")!)
        }
        // Accepted over proposed: Σ α^j / k for j = 1...4.
        #expect(abs(rates[0] - 0.1065) < 0.03)
        #expect(abs(rates[1] - 0.7738) < 0.03)
    }

    @Test func theSameInputsGiveTheSameRunAndNoSpeculationLeavesTheReportAsItWas() throws {
        let s = try Self.shipped(k: 4, scale: 8, duration: 15)
        #expect(try Self.report(s).jsonText == (try Self.report(s).jsonText))
        var plain = s
        plain.cluster[0].engine.speculative = nil
        let json = try Self.report(plain).json
        #expect(json.value(at: "spec_decode") == nil)
        #expect(try Self.report(plain).csvText.contains("spec_decode") == false)
    }

    @Test func aRecordedSpeculativeSessionReplaysExactly() throws {
        let url = projectRoot.appendingPathComponent("Scenarios/speculative-decoding.yaml")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "duration_s: 120", with: "duration_s: 20")
        let scenario = try ScenarioParser.parse(text, file: "speculative-decoding.yaml")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-spec-\(UUID().uuidString).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var session = Session(try Simulation(scenario: scenario))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 5)
        session.advance(to: Time.seconds(6))
        session.apply(.spike(factor: 10, durationSeconds: 5))
        session.advance(to: Time.seconds(9))
        session.apply(.setLocalPolicy("sarathi"))
        session.runToEnd()
        let recorded = Report(session.sim).jsonText
        #expect(recorded.contains("\"spec_decode\""))
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.jsonText == recorded)
    }
}
