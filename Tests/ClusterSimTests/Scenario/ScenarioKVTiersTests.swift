import Foundation
import Testing

@testable import ClusterSim

@Suite struct ScenarioKVTiersTests {
    static let text = """
        name: tiers
        seed: 5
        duration_s: 3000
        cluster:
          - {gpu: a10g, model: llama3-8b, count: 2, engine: {cpu_kv: {gb: 2, gbps: 200}, preemption_mode: swap}}
        kv_remote: {gb: 500, gbps: 100}
        policy: {global: least-outstanding, local: vllm-v1}
        tenants:
          - {name: chat, slo: {ttft_ms: 800, tpot_ms: 60}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 6}
            input_tokens: {dist: lognormal, mean: 1500, sigma: 0.4, max: 4000}
            output_tokens: {dist: fixed, value: 300}
            shared_prefix: {groups: 8, tokens: 3000}
        """

    @Test func readsTheTierKeys() throws {
        let s = try ScenarioParser.parse(Self.text, file: "tiers.yaml")
        #expect(s.cluster[0].engine.cpuKV == KVTierSpec(capacityGB: 2, gigabitsPerSecond: 200))
        #expect(s.cluster[0].engine.preemptionSwap)
        #expect(s.kvRemote == KVTierSpec(capacityGB: 500, gigabitsPerSecond: 100))
        let plain = try ScenarioParser.parse(
            Self.text.replacingOccurrences(of: ", preemption_mode: swap", with: ", preemption_mode: recompute"),
            file: "tiers.yaml")
        #expect(!plain.cluster[0].engine.preemptionSwap)
        let sim = try Simulation(scenario: s)
        #expect(sim.instances[0].kv.tiers?.swap == true && sim.kvPool != nil)
    }

    /// The tier keys travel in the recorded scenario text; a switch to cache-aware routing is a
    /// recorded command; the replay matches the recording bit for bit.
    @Test func aRecordingWithTiersAndARouterSwitchReplaysExactly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-tiers-\(UUID().uuidString).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var session = Session(try Simulation(scenario: try ScenarioParser.parse(Self.text, file: "tiers.yaml")))
        try session.startRecording(path: path, baseDirectory: "/")
        session.advance(to: Time.seconds(8))
        session.apply(.setGlobalPolicy("cache-aware"))
        session.advance(to: Time.seconds(20))
        session.stopRecording()
        let recording = try Recording.read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        let outcome = try recording.replay()
        #expect(outcome.divergence == nil)
        let report = Report(outcome.simulation)
        #expect(report.policy.global == "cache-aware")
        #expect(report.kvTiers!.offloadedBlocks > 0)
    }
}
