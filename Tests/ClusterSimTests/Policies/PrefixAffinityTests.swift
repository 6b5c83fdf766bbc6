import Testing

@testable import ClusterSim

@Suite struct PrefixAffinityTests {
    func scenario(_ global: GlobalPolicyID) -> Scenario {
        // Small A10G caches (about 26k tokens each) and 16 system prompts of 1,500 tokens: spread
        // over every instance the prompts evict one another; grouped, each instance keeps its own.
        var s = testScenario(
            gpu: "a10g", count: 4, rate: 5, duration: 30, local: "vllm-v1", global: global,
            input: .lognormal(mean: 300, sigma: 0.5, max: 2000), output: .lognormal(mean: 100, sigma: 0.5, max: 400))
        s.workload[0].sharedPrefix = SharedPrefixSpec(groups: 16, tokens: 1500, skew: 0)
        return s
    }

    @Test func requestsOfAGroupGatherWhereTheirPrefixIs() throws {
        var sim = try Simulation(scenario: scenario("prefix-affinity"))
        // Which instances each group's requests went to.
        var homes: [Int32: Set<Int32>] = [:]
        while sim.step() {
            for inst in sim.instances {
                for id in inst.waiting where sim.requests[id].prefix.kind == .group {
                    homes[sim.requests[id].prefix.source, default: []].insert(inst.id)
                }
            }
        }
        #expect(homes.count == 16)
        #expect(homes.values.map(\.count).reduce(0, +) <= 16 * 2, "each group stays on one or two instances: \(homes)")
    }

    @Test func affinityRaisesTheHitRateOverLeastOutstanding() throws {
        var a = try Simulation(scenario: scenario("prefix-affinity"))
        var b = try Simulation(scenario: scenario("least-outstanding"))
        #expect(runChecked(&a) == [])
        b.runToEnd()
        let affinity = Report(a).double("prefix_cache.hit_rate")!, spread = Report(b).double("prefix_cache.hit_rate")!
        #expect(affinity > 1.2 * spread, "affinity \(affinity), least-outstanding \(spread)")
    }
}
