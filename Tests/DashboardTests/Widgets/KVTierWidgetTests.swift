import ClusterSim
import Testing

@testable import Dashboard

/// The CPU KV tier on screen: a badge in the instance table, a line in the details.
@Suite struct KVTierWidgetTests {
    @Test func theTableAndTheDetailsShowTheCPUTier() throws {
        var s = Fixtures.snapshot(detail: true)
        let tier = CPUTierRow(
            total: 1000, prefixBlocks: 600, swapBlocks: 150, loadedBlocks: 4200, offloadedBlocks: 9000, swapOuts: 7)
        s.instances[0].cpuTier = tier
        s.detail!.row.cpuTier = tier
        let table = Fixtures.render(s, Fixtures.state(for: s, focus: 3), width: 120, height: 40).text
        // In the STATE column, after any status or migration badge (which come first).
        let rows = table.split(separator: "\n").filter { $0.contains("CPU 75%") }
        #expect(rows.count == 1 && rows[0].contains("h100"), "\(table)")
        let details = Fixtures.render(s, Fixtures.state(for: s, overlay: .details, focus: 3), width: 120, height: 40)
            .text
        #expect(details.contains("CPU tier 750/1000 blocks 75.0%: prefixes 600, swapped 150"), "\(details)")
        #expect(details.contains("swap-outs 7"))
        // Instances without a tier show neither.
        let plain = Fixtures.snapshot(detail: true)
        let plainText = Fixtures.render(
            plain, Fixtures.state(for: plain, overlay: .details, focus: 3), width: 120, height: 40
        ).text
        #expect(!plainText.contains("CPU tier") && !plainText.contains("CPU 75%"))
    }

    @Test func theDriverFillsTheTierFromTheSimulation() throws {
        var scenario = Scenario(
            name: "t", seed: 1, durationSeconds: 30,
            cluster: [InstanceGroup(gpu: GPUCatalog.spec("h100")!, model: ModelCatalog.spec("llama3-8b")!, count: 1)],
            policy: PolicySpec(global: "round-robin", local: "vllm-v1"),
            tenants: [TenantSpec(name: "t", slo: SLO(ttftMs: 1000, tpotMs: 100))],
            workload: [
                StreamSpec(
                    tenant: "t", arrival: .poisson(rate: 2), input: .lognormal(mean: 512, sigma: 0.5, max: 2048),
                    output: .lognormal(mean: 64, sigma: 0.5, max: 256))
            ])
        scenario.cluster[0].engine.cpuKV = KVTierSpec(capacityGB: 32, gigabitsPerSecond: 200)
        let sim = try Simulation(scenario: scenario)
        let row = CPUTierRow(sim.instances[0].kv.tiers!)
        #expect(row.total == sim.instances[0].kv.tiers!.cpu.capacityBlocks && row.total > 0)
        #expect(row.utilization == 0)
    }
}
