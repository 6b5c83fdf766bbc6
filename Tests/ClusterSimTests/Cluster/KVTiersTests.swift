import Testing

@testable import ClusterSim

@Suite struct KVTiersTests {
    @Test func theBlockIndexEvictsTheLeastRecentlyUsed() {
        var lru = BlockLRU(capacity: 3)
        #expect(lru.insert(1) == nil)
        #expect(lru.insert(2) == nil)
        #expect(lru.insert(3) == nil)
        lru.touch(1)
        #expect(lru.insert(4) == 2, "2 is the oldest once 1 was used again")
        #expect(lru.contains(1) && lru.contains(3) && lru.contains(4) && !lru.contains(2))
        #expect(lru.insert(3) == nil, "storing a held block only refreshes it")
        #expect(lru.count == 3)
        #expect(lru.evictOldest() == 1)
        #expect(BlockLRU(capacity: 0).contains(9) == false)
        var none = BlockLRU(capacity: 0)
        #expect(none.insert(9) == 9, "a tier without room passes the block on")
    }

    @Test func swapSpaceTakesRoomFromCachedPrefixes() {
        // 10 blocks of 1 GB each.
        var tier = KVTier(spec: KVTierSpec(capacityGB: 10, gigabitsPerSecond: 8), blockBytes: 1e9)
        #expect(tier.capacityBlocks == 10)
        for h in 0..<10 { _ = tier.offload(UInt64(h)) }
        let reserved = tier.reserveSwap(4)
        #expect(reserved)
        #expect(tier.usedBlocks == 10 && tier.blocks.count == 6)
        #expect(!tier.blocks.contains(0) && tier.blocks.contains(9), "the oldest prefixes made room")
        let tooMany = tier.reserveSwap(7)
        #expect(!tooMany, "only 6 blocks are left for swapping")
        tier.releaseSwap(4)
        #expect(tier.swapBlocks == 0 && tier.blocks.capacity == 10)
    }

    @Test func aCopyIsChargedAtTheTiersBandwidthOverEveryGPU() {
        // 2 GPUs, each over 80 Gbit/s (10 GB/s): 4 blocks of 1 GB take 0.2 s.
        var tiers = KVTiers(
            cpu: KVTierSpec(capacityGB: 100, gigabitsPerSecond: 80), blockBytes: 1e9, swap: false, links: 2)
        tiers.charge(4, over: tiers.cpu.spec)
        #expect(abs(tiers.pendingSeconds - 0.2) < 1e-12)
        #expect(tiers.transferredBytes == 4e9)
    }

    /// Small A10G caches (about 26k tokens each) and 16 system prompts of 4,000 tokens spread by
    /// least-outstanding over 4 instances: the GPU caches evict one another's prefixes.
    func scenario(cpu: KVTierSpec?, swap: Bool = false, rate: Double = 5) -> Scenario {
        var s = testScenario(
            gpu: "a10g", count: 4, rate: rate, duration: 20, local: "vllm-v1", global: "least-outstanding",
            input: .lognormal(mean: 300, sigma: 0.5, max: 2000), output: .lognormal(mean: 100, sigma: 0.5, max: 400))
        s.workload[0].sharedPrefix = SharedPrefixSpec(groups: 16, tokens: 4000, skew: 0)
        s.cluster[0].engine.cpuKV = cpu
        s.cluster[0].engine.preemptionSwap = swap
        return s
    }

    /// Mooncake's point (FAST'25): more storage for less computation. Offloaded prefixes come back
    /// from CPU memory, so more prompt tokens are reused and the first token comes sooner.
    @Test func aCPUTierRaisesPrefixReuseAndLowersTTFT() throws {
        var with = try Simulation(scenario: scenario(cpu: KVTierSpec(capacityGB: 64, gigabitsPerSecond: 200)))
        var without = try Simulation(scenario: scenario(cpu: nil))
        #expect(runChecked(&with) == [])
        without.runToEnd()
        let a = Report(with), b = Report(without)
        #expect(
            a.prefixCache.hitRate > 1.25 * b.prefixCache.hitRate, "\(a.prefixCache.hitRate) vs \(b.prefixCache.hitRate)"
        )
        #expect(a.kvTiers!.cpuHitTokens > 0 && a.kvTiers!.offloadedBlocks > 0)
        #expect(a.ttft.mean < b.ttft.mean, "TTFT mean \(a.ttft.mean) vs \(b.ttft.mean)")
        #expect(b.kvTiers == nil && b.json.value(at: "kv_tiers") == nil, "no tier, no kv_tiers fields")
    }

    @Test func aSlowTierCostsItsCopyTime() throws {
        var fast = try Simulation(scenario: scenario(cpu: KVTierSpec(capacityGB: 64, gigabitsPerSecond: 200)))
        var slow = try Simulation(scenario: scenario(cpu: KVTierSpec(capacityGB: 64, gigabitsPerSecond: 0.5)))
        fast.runToEnd()
        slow.runToEnd()
        let f = Report(fast).kvTiers!, s = Report(slow).kvTiers!
        #expect(s.transferSeconds > 100 * f.transferSeconds / 2, "0.5 Gbit/s copies 400x slower: \(s) vs \(f)")
    }

    @Test func blocksPushedOutOfCPUMemoryServeFromTheSharedPool() throws {
        // A CPU tier of 0.2 GB (about 1,500 tokens of llama3-8b) keeps almost nothing; the pool keeps the rest.
        var s = scenario(cpu: KVTierSpec(capacityGB: 0.2, gigabitsPerSecond: 200))
        s.kvRemote = KVTierSpec(capacityGB: 100, gigabitsPerSecond: 40)
        var sim = try Simulation(scenario: s)
        #expect(runChecked(&sim) == [])
        let tiers = Report(sim).kvTiers!
        #expect(tiers.poolHitTokens > 0, "\(tiers)")
        #expect(sim.kvPool!.blocks.count > 0)
    }

    /// vLLM v0's swap mode: a preempted request's KV goes to CPU memory and comes back; it keeps its
    /// progress, so fewer tokens are computed again than under recompute.
    @Test func swapPreemptionKeepsProgress() throws {
        func run(swap: Bool) throws -> (Simulation, Report) {
            var s = testScenario(
                gpu: "a10g", count: 1, rate: 12, duration: 20, local: "vllm-v0",
                input: .lognormal(mean: 1500, sigma: 0.4, max: 4000), output: .fixed(value: 600))
            s.cluster[0].engine.cpuKV = KVTierSpec(capacityGB: 64, gigabitsPerSecond: 200)
            s.cluster[0].engine.preemptionSwap = swap
            var sim = try Simulation(scenario: s)
            #expect(runChecked(&sim) == [])
            return (sim, Report(sim))
        }
        let (swapSim, swapped) = try run(swap: true)
        let (_, recomputed) = try run(swap: false)
        #expect(recomputed.preemptions > 0, "the scenario must preempt")
        #expect(swapped.kvTiers!.swapOuts > 0 && swapped.kvTiers!.swapFallbacks == 0)
        #expect(swapped.requests.completed == recomputed.requests.completed)
        #expect(swapSim.instances[0].kv.tiers!.swapIns == swapped.kvTiers!.swapOuts)
        #expect(swapped.e2e.mean < recomputed.e2e.mean, "\(swapped.e2e.mean) vs \(recomputed.e2e.mean)")
    }

    @Test func swapUnderEveryLocalPolicyKeepsTheInvariants() throws {
        for local: LocalPolicyID in ["vllm-v0", "sarathi", "vllm-v1"] {
            var s = testScenario(
                gpu: "a10g", count: 1, rate: 12, duration: 10, local: local,
                input: .lognormal(mean: 1500, sigma: 0.4, max: 4000), output: .fixed(value: 400))
            s.cluster[0].engine.cpuKV = KVTierSpec(capacityGB: 8, gigabitsPerSecond: 200)
            s.cluster[0].engine.preemptionSwap = true
            var sim = try Simulation(scenario: s)
            #expect(runChecked(&sim) == [], "\(local)")
            #expect(Report(sim).kvTiers!.swapOuts > 0, "\(local)")
            #expect(sim.inFlight == 0)
        }
    }
}
