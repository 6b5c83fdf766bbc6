import Testing

@testable import ClusterSim

@Suite struct SarathiTests {
    @Test func chunksLongPromptsToTheBudget() throws {
        var inst = bareInstance(blocks: 10_000)
        var table = RequestTable()
        let policy = try Sarathi(params: PolicyParams(["token_budget": 256]))
        let a = enqueue(&inst, &table, prompt: 600, output: 4)
        var chunks: [Int32] = []
        while !table[a].isDecoding {
            _ = policy.formBatch(&inst, &table, now: 0)
            chunks.append(inst.batch.first { $0.request == a }!.tokens)
            finishIteration(&inst, &table)
        }
        #expect(chunks == [256, 256, 88])
        // Blocks for the whole prompt were reserved at admission.
        #expect(table[a].blocks >= KVCache.blocksFor(tokens: 600))
    }

    @Test func decodesAreNotCappedByTheBudget() throws {
        // 60 decoding requests under a 32-token budget: all 60 decode (sarathi_scheduler.py
        // schedules every running decode), and no budget is left for a waiting prompt.
        var inst = bareInstance(blocks: 10_000)
        var table = RequestTable()
        let policy = try Sarathi(params: PolicyParams(["token_budget": 32]))
        let decoders = (0..<60).map { _ in enqueue(&inst, &table, prompt: 16, output: 100) }
        // Admit all 60 under a large budget first (one iteration), then hold the small one.
        _ = try Sarathi(params: PolicyParams(["token_budget": 2048])).formBatch(&inst, &table, now: 0)
        finishIteration(&inst, &table)
        #expect(decoders.allSatisfy { table[$0].isDecoding })
        let late = enqueue(&inst, &table, prompt: 16, output: 4)
        let shape = policy.formBatch(&inst, &table, now: 0)
        #expect(shape.decodeSeqs == 60)
        #expect(Set(inst.batch.map(\.request)) == Set(decoders))
        #expect(inst.waiting.contains(late))
        finishIteration(&inst, &table)
        // With fewer decodes than the budget, the rest goes to the prompt.
        let roomy = try Sarathi(params: PolicyParams(["token_budget": 64]))
        let next = roomy.formBatch(&inst, &table, now: 0)
        #expect(next.decodeSeqs == 60 && next.prefillTokens == 4)
    }

    @Test func neverExceedsItsBudgetAndNeverStallsDecodes() throws {
        // Drive a whole overloaded run and inspect every iteration as it starts.
        let budget: Int32 = 512
        var sim = try Simulation(
            scenario: testScenario(
                gpu: "a10g", count: 1, rate: 6, duration: 40, local: "sarathi",
                input: .lognormal(mean: 1500, sigma: 0.9, max: 6000),
                output: .lognormal(mean: 300, sigma: 0.8, max: 1500)))
        var iterations = 0, hybrid = 0
        var decodingBefore: Set<Int32> = []
        while !sim.isFinished {
            // Requests decoding when the instance is about to form a batch.
            let inst = sim.instances[0]
            if !inst.busy {
                decodingBefore = Set(inst.running.filter { sim.requests[$0].isDecoding })
            }
            let wasBusy = inst.busy
            sim.step()
            let now = sim.instances[0]
            if !wasBusy && now.busy {
                iterations += 1
                let tokens = now.batch.reduce(Int32(0)) { $0 + $1.tokens }
                #expect(tokens <= budget)
                let scheduled = Set(now.batch.map(\.request))
                let preempted = decodingBefore.subtracting(now.running)
                // Every request that was decoding and still runs got its decode token.
                #expect(decodingBefore.subtracting(preempted).isSubset(of: scheduled))
                if now.lastShape.decodeSeqs > 0 && now.lastShape.prefillSeqs > 0 { hybrid += 1 }
            }
        }
        #expect(iterations > 100)
        #expect(hybrid > 0)
        #expect(sim.invariantViolations() == [])
    }

    @Test func lowersTailTBTAgainstVLLMv0AtEqualLoad() throws {
        func p99TBT(_ local: LocalPolicyID) throws -> Double {
            var sim = try Simulation(
                scenario: testScenario(
                    count: 2, rate: 25, duration: 60, local: local,
                    input: .lognormal(mean: 1500, sigma: 0.8, max: 6000),
                    output: .lognormal(mean: 200, sigma: 0.7, max: 1000)))
            sim.runToEnd()
            return Report(sim).double("tbt_ms.p99")!
        }
        let v0 = try p99TBT("vllm-v0"), sarathi = try p99TBT("sarathi")
        #expect(sarathi < v0 * 0.8, "sarathi \(sarathi) ms vs vllm-v0 \(v0) ms")
    }
}
