import Testing

@testable import ClusterSim

/// The instance lifecycle on its own: each change reports the blocks it puts in or takes out of
/// service, and a failure hands back its requests with their KV gone.
@Suite struct InstancePoolTests {
    let scenario = testScenario(count: 1)

    func make(_ id: Int32, _ status: InstanceStatus) throws -> Instance {
        try InstancePool.make(
            id: id, gpu: GPUCatalog.spec("h100")!, model: ModelCatalog.spec("llama3-8b")!, tensorParallel: 1,
            status: status, engine: nil, scenario: scenario)
    }

    @Test func activeInstancesServeAtOnceStartingOnesWhenActivated() throws {
        var pool = InstancePool()
        let first = pool.add(try make(0, .active))
        let second = pool.add(try make(1, .starting))
        let blocks = Int64(pool.instances[0].kv.totalBlocks)
        #expect(first.id == 0 && first.servingBlocks == blocks)
        #expect(second.id == 1 && second.servingBlocks == 0)
        let activated = pool.activate(1), again = pool.activate(1)
        #expect(activated == blocks && again == nil)
        #expect(pool.liveCount == 2 && pool.isActive(1))
    }

    @Test func eachInstancePredictsWithItsOwnKindsTiming() throws {
        // Instances of one kind share a timing entry; another GPU or parallelism gets its own,
        // and every instance's prediction through the pool is its own.
        var pool = InstancePool()
        let llama = ModelCatalog.spec("llama3-8b")!
        for (id, gpu, tp) in [(0, "h100", 1), (1, "a100-80g", 1), (2, "h100", 1), (3, "h100", 2)]
            as [(Int32, String, Int)]
        {
            _ = pool.add(
                try InstancePool.make(
                    id: id, gpu: GPUCatalog.spec(gpu)!, model: llama, tensorParallel: tp, status: .active, engine: nil,
                    scenario: scenario))
        }
        #expect(pool.timings.count == 3)
        #expect(pool.fixed.map(\.timing) == [0, 1, 0, 2])
        var shape = BatchShape()
        shape.addPrefill(tokens: 900, cached: 0)
        shape.addDecode(context: 1500)
        for i in pool.instances.indices {
            #expect(pool.iterationDuration(i, shape) == pool.instances[i].iterationDuration(shape))
            #expect(!pool.fixed[i].speculates && !pool.fixed[i].tiered)
        }
    }

    @Test func eachPrefetchStageIsTakenOncePerIteration() throws {
        // An instance starting an iteration starts its stages over: with enough instances its
        // next iteration end lands deep in the event heap, below the stages, and climbs to 3.
        var sim = try Simulation(scenario: testScenario(count: 64, rate: 600, duration: 1))
        var before = sim.pool.prefetchStage
        var restarts = 0
        var highest: UInt8 = 0
        while sim.step() {
            for (i, stage) in sim.pool.prefetchStage.enumerated() {
                if before[i] == 3 && stage < 3 { restarts += 1 }
                highest = max(highest, stage)
                before[i] = stage
            }
        }
        #expect(highest == 3)
        #expect(restarts > 100)
        // A stage already taken is not taken again; an unknown instance is ignored.
        sim.pool.prefetchStage[0] = 2
        sim.prefetchIterationEnd(0, through: 1)
        sim.prefetchIterationEnd(1_000, through: 3)
        #expect(sim.pool.prefetchStage[0] == 2)
        sim.prefetchIterationEnd(0, through: 3)
        #expect(sim.pool.prefetchStage[0] == 3)
    }

    @Test func drainingThenRetiringTakesTheBlocksOut() throws {
        var pool = InstancePool()
        _ = pool.add(try make(0, .active))
        let idle = pool.drain(0)
        #expect(idle)
        #expect(!pool.isActive(0) && pool.isLive(0))
        let retired = pool.retire(0)
        #expect(retired == Int64(pool.instances[0].kv.totalBlocks))
        #expect(!pool.isLive(0) && pool.liveCount == 0)
    }

    @Test func aFailureOrphansItsRequestsAndEmptiesTheInstance() throws {
        var pool = InstancePool()
        _ = pool.add(try make(0, .active))
        var table = RequestTable()
        let waiting = enqueue(&pool.instances[0], &table, prompt: 100, output: 10)
        let running = enqueue(&pool.instances[0], &table, prompt: 100, output: 10)
        pool.instances[0].waiting.removeAll { $0 == running }
        pool.instances[0].running.append(running)
        pool.instances[0].kv.allocate(7)
        table[running].blocks = 7
        table[running].computedTokens = 100
        let (orphans, used, serving) = pool.fail(0, requests: &table)
        #expect(orphans == [running, waiting])
        #expect(used == 7 && serving == Int64(pool.instances[0].kv.totalBlocks))
        #expect(table[running].blocks == 0 && table[running].computedTokens == 0)
        #expect(pool.instances[0].status == .failed && pool.instances[0].outstanding == 0)
        #expect(pool.instances[0].kv.usedBlocks == 0 && !pool.isLive(0))
        // A failed instance takes nothing out of service a second time.
        let second = pool.fail(0, requests: &table)
        #expect(second.servingBlocks == 0)
    }

    @Test func anInstanceThatDoesNotFitIsRefused() {
        #expect(throws: SimulationError.self) {
            try InstancePool.make(
                id: 0, gpu: GPUCatalog.spec("a10g")!, model: ModelCatalog.spec("llama3-70b")!, tensorParallel: 1,
                status: .active, engine: nil, scenario: scenario)
        }
    }
}
