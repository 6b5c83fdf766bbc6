import Foundation
import Testing

@testable import ClusterSim

/// Each policy's published effect, checked in direction on a small version of its ready scenario
/// (Scenarios/*.yaml at full size; measured ratios in docs/policies.md).
@Suite struct PolicyClaimTests {
    /// A shipped scenario, with its trace files found next to it.
    static func shipped(_ name: String) throws -> Scenario {
        let url = projectRoot.appendingPathComponent("Scenarios/\(name).yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try ScenarioParser.parse(
            text, file: "Scenarios/\(name).yaml", baseDirectory: url.deletingLastPathComponent().path)
    }

    /// Reports of `scenario` under each (global, local) pair, same arrivals.
    static func run(_ scenario: Scenario, _ pairs: [(GlobalPolicyID, LocalPolicyID)], params: [String: Double] = [:])
        throws
        -> [Report]
    {
        try pairs.map { global, local in
            var s = scenario
            s.policy.global = global
            s.policy.local = local
            for (k, v) in params { s.policy.params.values[k] = v }
            var sim = try Simulation(scenario: s)
            sim.runToEnd()
            #expect(sim.inFlight == 0)
            return Report(sim)
        }
    }

    @Test func sarathiLowersP99TBTAgainstVLLMv0AtEqualLoad() throws {
        var s = try Self.shipped("strict-tbt")
        s.durationSeconds = 60
        let r = try Self.run(s, [("round-robin", "vllm-v0"), ("round-robin", "sarathi")])
        let (v0, sarathi) = (r[0], r[1])
        #expect(v0.double("requests.completed") == sarathi.double("requests.completed"))
        // Stall-free batching: no decode waits for a whole prefill iteration.
        #expect(sarathi.double("tbt_ms.p99")! * 2 < v0.double("tbt_ms.p99")!)
        #expect(
            abs(sarathi.double("throughput.output_tokens_per_s")! / v0.double("throughput.output_tokens_per_s")! - 1)
                < 0.05)
    }

    @Test func llumnixLowersP99TTFTAndPreemptionsAgainstInfaasUnderBursts() throws {
        // 16 instances, Gamma arrivals with CV 4: two seeds of 150 seconds at 17 requests/s.
        var s = try Self.shipped("llumnix-migration")
        #expect(s.cluster.reduce(0) { $0 + $1.count } == 16)
        guard case .gamma(_, let cv) = s.workload[0].arrival else {
            Issue.record("not Gamma")
            return
        }
        #expect(cv >= 4)
        s.workload[0].arrival = .gamma(rate: 17, cv: cv)
        s.durationSeconds = 150
        var preemptions = (infaas: 0.0, llumnix: 0.0)
        for seed: UInt64 in [1, 3] {
            s.seed = seed
            let r = try Self.run(s, [("infaas", "vllm-v0"), ("llumnix", "vllm-v0")])
            #expect(r[1].double("ttft_ms.p99")! < r[0].double("ttft_ms.p99")!, "seed \(seed)")
            #expect(r[1].double("migrations.count")! > 0)
            #expect(r[0].double("migrations.count")! == 0)
            preemptions.infaas += r[0].double("preemptions")!
            preemptions.llumnix += r[1].double("preemptions")!
        }
        #expect(preemptions.llumnix < 0.9 * preemptions.infaas)
    }

    @Test func hexgenRaisesWorkflowSLOAttainmentAgainstRoundRobinFCFS() throws {
        var s = try Self.shipped("hexgen-text2sql")
        #expect(Set(s.cluster.map(\.gpu)).count >= 3, "a heterogeneous cluster")
        s.durationSeconds = 600
        let r = try Self.run(s, [("round-robin", "vllm-v1"), ("hexgen", "urgency")])
        let (baseline, hexgen) = (r[0].double("workflows.slo_attainment")!, r[1].double("workflows.slo_attainment")!)
        #expect(r[0].double("workflows.completed")! >= 25)
        #expect(hexgen > baseline + 0.1, "round-robin \(baseline), hexgen \(hexgen)")
    }

    @Test func mddLowersTotalTardinessAgainstFCFSInOverload() throws {
        var s = try Self.shipped("mdd-overload")
        s.durationSeconds = 90
        let r = try Self.run(s, [("least-outstanding", "vllm-v1"), ("least-outstanding", "mdd")])
        let (fcfs, mdd) = (r[0], r[1])
        // Overload: most requests miss their objective under either order.
        #expect(fcfs.double("slo.attainment")! < 0.6)
        #expect(mdd.double("tardiness.total_s")! < 0.9 * fcfs.double("tardiness.total_s")!)
    }

    @Test func prefixCachingRaisesHitRateAndLowersTTFTOnTheMooncakeTrace() throws {
        var s = try Self.shipped("mooncake-prefix")
        s.durationSeconds = 300
        var off = s, on = s
        off.policy.params.values["prefix_caching"] = 0
        on.policy.params.values["prefix_caching"] = 1
        let without = try Self.run(off, [("least-outstanding", "vllm-v1")])[0]
        let with = try Self.run(on, [("least-outstanding", "vllm-v1")])[0]
        #expect(without.double("prefix_cache.hit_rate") == 0)
        #expect(with.double("prefix_cache.hit_rate")! > 0.03)
        #expect(with.double("ttft_ms.p50")! < without.double("ttft_ms.p50")!)
        #expect(with.double("ttft_ms.p99")! < without.double("ttft_ms.p99")!)
    }
}
