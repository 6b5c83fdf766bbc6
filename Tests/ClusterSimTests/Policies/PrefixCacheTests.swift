import Testing

@testable import ClusterSim

@Suite struct PrefixCacheTests {
    @Test func releasedBlocksStayCachedAndAreEvictedLeastRecentlyReleasedFirst() {
        var kv = KVCache(totalBlocks: 10)
        // Request A holds a chain of three shared blocks (h1 -> h2 -> h3), B one (h9).
        kv.allocate(4)
        let a1 = kv.prefix.register(1, parent: -1)!
        let a2 = kv.prefix.register(2, parent: a1)!
        let a3 = kv.prefix.register(3, parent: a2)!
        let b1 = kv.prefix.register(9, parent: -1)!
        #expect(kv.prefix.register(2, parent: a1) == nil, "a hash is cached once")
        #expect(kv.usedBlocks == 4 && kv.cachedBlocks == 0)
        // B finishes first, then A: A's chain is released tail first.
        kv.releasePrefix(chainEnd: b1, count: 1)
        kv.releasePrefix(chainEnd: a3, count: 3)
        #expect(kv.usedBlocks == 0 && kv.cachedBlocks == 4 && kv.freeBlocks == 10)
        #expect(kv.prefix.violations() == [])
        // 6 plain free blocks go first; the 7th and 8th evict B's block, then A's tail.
        kv.allocate(6)
        #expect(kv.cachedBlocks == 4)
        kv.allocate(2)
        #expect(kv.cachedBlocks == 2)
        #expect(kv.prefix.lookup(9) == nil && kv.prefix.lookup(3) == nil)
        #expect(kv.prefix.lookup(1) != nil && kv.prefix.lookup(2) != nil, "the shared head outlives the tail")
        // A hit on a cached block takes it back from the free blocks.
        kv.acquirePrefix(kv.prefix.lookup(1)!, parent: -1)
        #expect(kv.usedBlocks == 9 && kv.cachedBlocks == 1)
        #expect(kv.prefix.violations() == [])
    }

    @Test func aSharedSystemPromptIsComputedOnceAndReused() throws {
        // Two requests of one prefix group on vLLM v1: the second skips the shared blocks.
        var inst = bareInstance(blocks: 1000)
        var table = RequestTable()
        let policy = try VLLMv1(params: PolicyParams())
        let a = enqueue(&inst, &table, prompt: 1000, output: 3)
        table[a].prefix = PrefixRef(kind: .group, source: 0, tokens: 800)
        _ = policy.formBatch(&inst, &table, now: 0, hasher: .synthetic)
        #expect(table[a].prefixBlocks == 50, "800 shared tokens are 50 full blocks, registered when scheduled")
        finishIteration(&inst, &table)
        let b = enqueue(&inst, &table, prompt: 900, output: 3)
        table[b].prefix = PrefixRef(kind: .group, source: 0, tokens: 800)
        _ = policy.formBatch(&inst, &table, now: 1, hasher: .synthetic)
        #expect(table[b].computedTokens == 800 && table[b].prefixBlocks == 50)
        #expect(inst.batch.first { $0.request == b }?.tokens == 100, "only the unshared 100 tokens are computed")
        #expect(inst.prefixHitTokens == 800 && inst.prefixQueryTokens == 1900)
        // Both reference the 50 shared blocks once: 63 + 7 blocks of their own... counted once.
        #expect(inst.kv.prefix.referenced == 50 && inst.kv.prefix.references == 100)
        #expect(inst.kv.usedBlocks == 50 + (63 - 50) + (57 - 50))
        // Another group does not hit.
        let c = enqueue(&inst, &table, prompt: 900, output: 3)
        table[c].prefix = PrefixRef(kind: .group, source: 1, tokens: 800)
        finishIteration(&inst, &table)
        _ = policy.formBatch(&inst, &table, now: 2, hasher: .synthetic)
        #expect(table[c].computedTokens == 0)
    }

    @Test func aFullHitStillComputesTheLastToken() throws {
        var inst = bareInstance(blocks: 1000)
        var table = RequestTable()
        let policy = try VLLMv1(params: PolicyParams())
        let a = enqueue(&inst, &table, prompt: 320, output: 2)
        table[a].prefix = PrefixRef(kind: .group, source: 0, tokens: 320)
        _ = policy.formBatch(&inst, &table, now: 0, hasher: .synthetic)
        finishIteration(&inst, &table)
        let b = enqueue(&inst, &table, prompt: 320, output: 2)
        table[b].prefix = PrefixRef(kind: .group, source: 0, tokens: 320)
        _ = policy.formBatch(&inst, &table, now: 1, hasher: .synthetic)
        // 320 tokens = 20 blocks, but a hit stops before the last token: 19 blocks.
        #expect(table[b].computedTokens == 304)
        #expect(inst.batch.first { $0.request == b }?.tokens == 16)
    }

    @Test func prefixCachingRaisesHitsAndLowersTTFTAgainstNoCaching() throws {
        // One H100, chat with 8 shared 2k-token system prompts: vLLM v1 with and without APC.
        func run(_ caching: Int) throws -> Report {
            var scenario = testScenario(
                count: 1, rate: 6, duration: 20, local: "vllm-v1",
                input: .lognormal(mean: 300, sigma: 0.5, max: 2000), output: .lognormal(mean: 100, sigma: 0.5, max: 400)
            )
            scenario.workload[0].sharedPrefix = SharedPrefixSpec(groups: 8, tokens: 2048, skew: 1)
            scenario.policy.params = PolicyParams(["prefix_caching": Double(caching)])
            var sim = try Simulation(scenario: scenario)
            #expect(runChecked(&sim) == [])
            return Report(sim)
        }
        let on = try run(1), off = try run(0)
        #expect(off.double("prefix_cache.hit_rate") == 0)
        #expect(on.double("prefix_cache.hit_rate")! > 0.6)
        #expect(on.double("ttft_ms.p50")! < 0.8 * off.double("ttft_ms.p50")!)
    }
}
