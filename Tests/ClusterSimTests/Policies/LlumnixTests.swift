import Testing

@testable import ClusterSim

@Suite struct LlumnixTests {
    /// Two idle instances; requests placed by hand.
    func twoInstances() throws -> Simulation {
        var s = testScenario(gpu: "a10g", count: 2, rate: 0.001, duration: 1, global: "llumnix")
        s.policy.params = PolicyParams(["migration_interval_ms": 50])
        return try Simulation(scenario: s)
    }

    @Test func freenessFollowsTheArtifactForms() throws {
        let load = try Freeness(params: PolicyParams())
        var inst = bareInstance(blocks: 1000)
        var table = RequestTable()
        var instances = [inst]
        #expect(load.migrationFreeness(instances, 0, table) == .infinity)
        // Two running requests of 100 blocks each, two waiting of 50 and 30 blocks.
        for _ in 0..<2 {
            let id = enqueue(&inst, &table, prompt: 1600, output: 10)
            _ = inst.admitHead(blocks: 100, &table, now: 0)
            #expect(table[id].blocks == 100)
        }
        _ = enqueue(&inst, &table, prompt: 800, output: 10)
        _ = enqueue(&inst, &table, prompt: 480, output: 10)
        instances = [inst]
        let avail = 800.0 - 10  // free less the 1% watermark
        #expect(load.migrationFreeness(instances, 0, table) == (avail - 50) / 3)
        let normal = Request(
            serial: 0, arrival: 0, promptTokens: 10, outputTokens: 1, tenant: 0, stream: 0, priority: .normal)
        #expect(load.dispatchFreeness(instances, 0, for: normal, table) == (avail - 80) / 4)
        // Hosting a high-priority request leaves room for 1,600 tokens (100 blocks) only.
        instances[0].highPriority = 1
        #expect(load.migrationFreeness(instances, 0, table) == (avail - 900 - 50) / 3)
        #expect(load.dispatchFreeness(instances, 0, for: normal, table) == (avail - 900 - 80) / 4)
        var vip = normal
        vip.priority = .high
        #expect(load.dispatchFreeness(instances, 0, for: vip, table) == (avail - 80) / 4)
        // Draining: infinitely loaded.
        instances[0].status = .draining
        #expect(load.migrationFreeness(instances, 0, table) == -.infinity)
    }

    @Test func aMigrationCopiesInStagesThenMovesTheRequest() throws {
        var sim = try twoInstances()
        sim.run(until: 1)
        // A long request decoding on instance 0 while instance 1 is empty; instance 0 looks full.
        var r = Request(
            serial: 999, arrival: 0, promptTokens: 4000, outputTokens: 2000, tenant: 0, stream: 0, priority: .normal)
        r.deadline = Time.seconds(100)
        let id = sim.requests.insert(r)
        sim.metrics.arrived += 1
        sim.instances[0].waiting.append(id)
        sim.instances[0].waitingTokens += 4000
        sim.requests[id].instance = 0
        sim.kick(0)
        // Run until it decodes, then migrate it by hand.
        while !sim.requests[id].isDecoding { sim.step() }
        sim.startMigration(id, from: 0, to: 1, lastStageBlocks: 4, maxStages: 3)
        let m = try #require(sim.activeMigrations.first)
        #expect(m.stage == 1 && !m.lastStage)
        #expect(sim.instances[1].kv.reservedBlocks == 4000 / 16 && sim.instances[1].kv.usedBlocks == 250)
        #expect(sim.invariantViolations() == [])
        var sawStop = false
        while sim.activeMigrations.count == 1 {
            sim.step()
            #expect(sim.invariantViolations() == [])
            if sim.requests[id].migration == .stopped { sawStop = true }
        }
        let done = try #require(sim.recentMigrations.last)
        #expect(done.outcome == .committed)
        #expect(sawStop && done.lastStage && done.stage >= 2)
        // The default setup puts the downtime where Llumnix measured it: 20-30 ms, not a 2 ms guess.
        #expect(done.downtime >= Time.milliseconds(20) && done.downtime <= Time.milliseconds(30))
        #expect(done.blocksCopied == sim.requests[id].blocks)
        #expect(sim.requests[id].instance == 1 && sim.instances[1].running.contains(id))
        #expect(!sim.instances[0].running.contains(id) && sim.instances[0].kv.usedBlocks == 0)
        #expect(sim.instances[1].kv.reservedBlocks == 0)
        #expect(sim.metrics.migrations == 1)
        // It decodes on at its new home and finishes.
        #expect(runChecked(&sim) == [])
        #expect(sim.metrics.completed == sim.metrics.arrived)
    }

    @Test func aMigrationAbortsWhenTheDestinationIsFullOrFails() throws {
        var sim = try twoInstances()
        sim.run(until: 1)
        let r = Request(
            serial: 999, arrival: 0, promptTokens: 4000, outputTokens: 2000, tenant: 0, stream: 0, priority: .normal)
        let id = sim.requests.insert(r)
        sim.metrics.arrived += 1
        sim.instances[0].waiting.append(id)
        sim.instances[0].waitingTokens += 4000
        sim.requests[id].instance = 0
        sim.kick(0)
        while !sim.requests[id].isDecoding { sim.step() }
        sim.startMigration(id, from: 0, to: 1, lastStageBlocks: 4, maxStages: 3)
        // The destination fails mid-copy: its reservation goes, the request stays and decodes on.
        sim.apply(.fail(instance: 1))
        sim.step()
        #expect(sim.activeMigrations.isEmpty)
        #expect(sim.recentMigrations.last?.outcome == .aborted)
        #expect(sim.requests[id].migration == .none && sim.requests[id].instance == 0)
        #expect(sim.invariantViolations() == [])
        #expect(runChecked(&sim) == [])
        #expect(sim.metrics.migrations == 0 && sim.policyMetrics.migrationsAborted == 1)
    }

    @Test func drainingByAutoscalingMigratesEverythingAway() throws {
        // Three instances, light load: the cluster is very free, so Llumnix drains one (scale-in)
        // and migrates its requests away; INFaaS drains one too but lets its requests finish there.
        func run(_ global: GlobalPolicyID) throws -> Simulation {
            var s = testScenario(count: 3, rate: 4, duration: 40, global: global)
            s.policy.params = PolicyParams(["max_instances": 4, "min_instances": 2, "scaling_interval_s": 5])
            var sim = try Simulation(scenario: s)
            #expect(runChecked(&sim) == [])
            return sim
        }
        let llumnix = try run("llumnix"), infaas = try run("infaas")
        for sim in [llumnix, infaas] {
            #expect(sim.instances.filter { $0.status == .retired }.count == 1)
            #expect(sim.instances.filter { $0.status == .active }.count == 2)
            #expect(sim.log.contains { $0.text.contains("autoscale") && $0.text.contains("draining") })
        }
        #expect(llumnix.metrics.migrations > 0 && infaas.metrics.migrations == 0)
    }

    @Test func autoscalingAddsInstancesUnderLoad() throws {
        var s = testScenario(
            gpu: "a10g", count: 1, rate: 6, duration: 60, global: "llumnix",
            input: .lognormal(mean: 1500, sigma: 0.5, max: 6000), output: .lognormal(mean: 400, sigma: 0.5, max: 2000))
        s.policy.params = PolicyParams(["max_instances": 3, "scaling_interval_s": 5])
        var sim = try Simulation(scenario: s)
        #expect(runChecked(&sim) == [])
        #expect(sim.instances.count == 3, "scaled out to the maximum")
        #expect(sim.instances[1].readyAt >= Time.seconds(Simulation.startupSeconds), "with a start-up delay")
        #expect(sim.instances.dropFirst().allSatisfy { $0.tokensGenerated > 0 })
    }

    @Test func highPriorityRequestsQueueFirstAndAreNotMigrated() throws {
        var s = PolicySwitchingTests.busyScenario(global: "llumnix", local: "vllm-v0")
        s.durationSeconds = 4
        var sim = try Simulation(scenario: s)
        while sim.step() {
            for inst in sim.instances {
                // No normal request is queued ahead of a high-priority one, except one that was
                // preempted (vLLM puts those back at the front).
                let queue = inst.waiting.map { sim.requests[$0] }
                if let lastHigh = queue.lastIndex(where: { $0.priority == .high }) {
                    #expect(queue[..<lastHigh].allSatisfy { $0.priority == .high || $0.preemptions > 0 })
                }
            }
            for m in sim.activeMigrations { #expect(sim.requests[m.slot].priority != .high) }
        }
        #expect(sim.inFlight == 0)
    }
}
