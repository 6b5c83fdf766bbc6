import Testing

@testable import ClusterSim

@Suite struct VLLMv0Tests {
    @Test func admittedPromptsMakeAPrefillOnlyIteration() throws {
        var inst = bareInstance(blocks: 1000)
        var table = RequestTable()
        let a = enqueue(&inst, &table, prompt: 100, output: 10)
        let policy = try VLLMv0()
        _ = policy.formBatch(&inst, &table, now: 0)
        finishIteration(&inst, &table)
        #expect(table[a].isDecoding)
        let b = enqueue(&inst, &table, prompt: 200, output: 10)
        let shape = policy.formBatch(&inst, &table, now: 1)
        // The new prompt is admitted and the running request does not decode this iteration.
        #expect(inst.batch.map(\.request) == [b])
        #expect(shape.decodeSeqs == 0 && shape.prefillTokens == 200)
        #expect(table[b].blocks == KVCache.blocksFor(tokens: 200))
    }

    @Test func preemptsTheMostRecentlyAdmittedAndPutsItAtTheHeadOfWaiting() throws {
        // Three requests of 32 prompt tokens (2 blocks each) fill 6 of 7 blocks; each decode then
        // needs a third block.
        var inst = bareInstance(blocks: 7)
        var table = RequestTable()
        let policy = try VLLMv0(params: PolicyParams(["watermark": 0]))
        let ids = (0..<3).map { _ in enqueue(&inst, &table, prompt: 32, output: 50) }
        let queued = enqueue(&inst, &table, prompt: 64, output: 5)
        _ = policy.formBatch(&inst, &table, now: 0)
        #expect(inst.running == ids)
        finishIteration(&inst, &table)
        let shape = policy.formBatch(&inst, &table, now: 1)
        // The oldest gets the last free block; the second needs one more: the youngest (ids[2]) is
        // preempted, which frees 2 blocks, enough for the second.
        #expect(inst.batch.map(\.request) == [ids[0], ids[1]])
        #expect(shape.decodeSeqs == 2)
        #expect(inst.running == [ids[0], ids[1]])
        #expect(Array(inst.waiting) == [ids[2], queued])
        #expect(table[ids[2]].blocks == 0 && table[ids[2]].computedTokens == 0 && table[ids[2]].preemptions == 1)
        #expect(inst.kv.usedBlocks == 6)
    }

    @Test func aRequestPreemptsItselfWhenItIsTheYoungest() throws {
        var inst = bareInstance(blocks: 4)
        var table = RequestTable()
        let policy = try VLLMv0(params: PolicyParams(["watermark": 0]))
        let a = enqueue(&inst, &table, prompt: 32, output: 50)
        let b = enqueue(&inst, &table, prompt: 32, output: 50)
        _ = policy.formBatch(&inst, &table, now: 0)
        finishIteration(&inst, &table)
        // 4 of 4 blocks used: a needs a block, so b (youngest) goes; then b is gone and a fits.
        _ = policy.formBatch(&inst, &table, now: 1)
        #expect(inst.batch.map(\.request) == [a])
        #expect(Array(inst.waiting) == [b])
    }

    @Test func admissionKeepsTheWatermarkAndStopsAtTheFirstMisfit() throws {
        var inst = bareInstance(blocks: 100)  // watermark 1 block
        var table = RequestTable()
        let policy = try VLLMv0()
        let big = enqueue(&inst, &table, prompt: 16 * 99 + 1, output: 5)  // 100 blocks: above the watermark
        let small = enqueue(&inst, &table, prompt: 16, output: 5)
        _ = policy.formBatch(&inst, &table, now: 0)
        // FCFS head-of-line: the small request behind does not overtake.
        #expect(inst.batch.isEmpty)
        #expect(Array(inst.waiting) == [big, small])
    }
}
