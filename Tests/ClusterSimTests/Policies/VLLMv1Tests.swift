import Testing

@testable import ClusterSim

@Suite struct VLLMv1Tests {
    @Test func defaultsFollowTheGPU() {
        #expect(VLLMv1.defaults(for: GPUCatalog.spec("h100")!) == (8192, 1024))
        #expect(VLLMv1.defaults(for: GPUCatalog.spec("h200")!) == (8192, 1024))
        #expect(VLLMv1.defaults(for: GPUCatalog.spec("a100-80g")!) == (2048, 256))
        #expect(VLLMv1.defaults(for: GPUCatalog.spec("l40s")!) == (2048, 256))
    }

    @Test func decodesFirstThenChunksWithinOneBudgetAllocatingOnlyWhatIsScheduled() throws {
        var inst = bareInstance(blocks: 10_000)
        var table = RequestTable()
        let policy = try VLLMv1(params: PolicyParams(["max_num_batched_tokens": 300, "prefix_caching": 0]))
        let a = enqueue(&inst, &table, prompt: 100, output: 5)
        _ = policy.formBatch(&inst, &table, now: 0, hasher: .synthetic)
        finishIteration(&inst, &table)
        #expect(table[a].isDecoding)
        let b = enqueue(&inst, &table, prompt: 1000, output: 5)
        var chunks: [Int32] = []
        for step in 1...4 {
            _ = policy.formBatch(&inst, &table, now: SimTime(step), hasher: .synthetic)
            // The decode comes first and takes one token of the budget.
            #expect(inst.batch.first?.request == a && inst.batch.first?.tokens == 1)
            chunks.append(inst.batch.first { $0.request == b }!.tokens)
            // Blocks only for what is computed after this iteration.
            #expect(table[b].blocks == KVCache.blocksFor(tokens: table[b].computedTokens + chunks.last!))
            finishIteration(&inst, &table)
        }
        #expect(chunks == [299, 299, 299, 103])
    }

    @Test func missingBlocksPreemptTheYoungestAndStopAdmission() throws {
        // 20 blocks: two requests of 150 tokens fill 20 blocks once they decode past 160 tokens.
        var inst = bareInstance(blocks: 20)
        var table = RequestTable()
        let policy = try VLLMv1(params: PolicyParams(["prefix_caching": 0]))
        let a = enqueue(&inst, &table, prompt: 150, output: 100)
        let b = enqueue(&inst, &table, prompt: 150, output: 100)
        _ = policy.formBatch(&inst, &table, now: 0, hasher: .synthetic)
        finishIteration(&inst, &table)
        var preempted = false
        for step in 1...40 {
            let c = enqueue(&inst, &table, prompt: 10, output: 2)
            _ = policy.formBatch(&inst, &table, now: SimTime(step), hasher: .synthetic)
            if inst.preemptions > 0 {
                // The most recently admitted went back to the front of the queue, progress lost,
                // and nothing new was admitted in that iteration.
                #expect(inst.waiting.first == b)
                #expect(table[b].computedTokens == 0 && table[b].blocks == 0 && table[b].preemptions == 1)
                #expect(!inst.running.contains(c))
                preempted = true
                break
            }
            finishIteration(&inst, &table)
            inst.waiting.removeAll { $0 == c }
            inst.running.removeAll { $0 == c }
            inst.kv.release(table[c].blocks)
            table[c].blocks = 0
        }
        #expect(preempted)
        #expect(inst.running == [a])
    }

    @Test func queueOrderPicksTheAdmittedRequest() throws {
        var inst = bareInstance(blocks: 10_000)
        var table = RequestTable()
        let fcfs = try VLLMv1(params: PolicyParams())
        var edd = fcfs
        edd.queue = OrderRule(order: .edd)
        let late = enqueue(&inst, &table, prompt: 100, output: 4)
        let early = enqueue(&inst, &table, prompt: 100, output: 4)
        table[late].deadline = 9_000_000
        table[early].deadline = 1_000_000
        var one = fcfs
        one.maxNumSeqs = 1
        var oneEDD = edd
        oneEDD.maxNumSeqs = 1
        var copy = inst, copyTable = table
        _ = one.formBatch(&copy, &copyTable, now: 0, hasher: .synthetic)
        #expect(copy.running == [late])
        _ = oneEDD.formBatch(&inst, &table, now: 0, hasher: .synthetic)
        #expect(inst.running == [early])
    }
}
