import Testing

@testable import ClusterSim

@Suite struct SimulationTests {
    @Test(arguments: ["vllm-v0", "sarathi"])
    func everyRequestIsAccountedForAndKVNeverOverflows(local: LocalPolicyID) throws {
        // Small KV (an A10G) under overload, so preemptions happen and blocks run out.
        var sim = try Simulation(
            scenario: testScenario(
                gpu: "a10g", count: 2, rate: 12, duration: 30, local: local,
                input: .lognormal(mean: 1500, sigma: 0.8, max: 6000),
                output: .lognormal(mean: 400, sigma: 0.8, max: 2000)))
        #expect(runChecked(&sim) == [])
        let m = sim.metrics
        #expect(m.arrived > 200)
        #expect(m.completed + m.rejected == m.arrived)
        #expect(sim.inFlight == 0)
        #expect(sim.instances.reduce(0) { $0 + $1.preemptions } > 0, "the scenario should preempt")
        #expect(m.kvPeakUtilization <= 1)
    }

    @Test func anOverloadedClusterShedsArrivalsAboveTheInFlightCap() throws {
        var sim = try Simulation(scenario: testScenario(gpu: "a10g", count: 1, rate: 200, duration: 5))
        sim.maxRequestsInFlight = 100
        var peak = 0
        while sim.step() { peak = max(peak, sim.inFlight) }
        #expect(peak == 100)
        #expect(sim.metrics.rejected > 500)
        #expect(sim.metrics.arrived == sim.metrics.completed + sim.metrics.rejected)
    }

    @Test func commandsOutOfBoundsAreIgnoredAndLogged() throws {
        var sim = try Simulation(scenario: testScenario(count: 1, rate: 5, duration: 5))
        sim.apply(.spike(factor: -2, durationSeconds: 10))
        sim.apply(.spike(factor: 2, durationSeconds: 1e300))
        sim.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 3))
        sim.run(until: Time.seconds(1))
        #expect(sim.rateMultiplier == 1 && sim.instances.count == 1)
        #expect(sim.log.filter { $0.text.contains("ignored") }.count == 3)
        sim.runToEnd()
        #expect(sim.isFinished)
    }

    @Test func sameInputsGiveIdenticalReports() throws {
        func run() throws -> String {
            var sim = try Simulation(
                scenario: testScenario(
                    count: 3, rate: 20, duration: 20, global: "least-outstanding",
                    arrival: .gamma(rate: 20, cv: 3),
                    events: [TimedEvent(atSeconds: 5, command: .spike(factor: 3, durationSeconds: 4))]))
            sim.runToEnd()
            return Report(sim).jsonText
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(!a.contains("wall"))
    }

    @Test func otherSeedsGiveOtherRuns() throws {
        var a = try Simulation(scenario: testScenario(seed: 1))
        var b = try Simulation(scenario: testScenario(seed: 2))
        a.runToEnd()
        b.runToEnd()
        #expect(Report(a).jsonText != Report(b).jsonText)
    }

    @Test func aCopyContinuesIndependently() throws {
        var original = try Simulation(scenario: testScenario(count: 2, rate: 15, duration: 20))
        original.run(until: Time.seconds(8))
        var fork = original
        var reference = original
        fork.apply(.setLocalPolicy("sarathi"))
        fork.apply(.spike(factor: 4, durationSeconds: 5))
        fork.runToEnd()
        original.runToEnd()
        reference.runToEnd()
        // The fork's commands changed the fork only.
        #expect(Report(original).jsonText == Report(reference).jsonText)
        #expect(Report(fork).jsonText != Report(original).jsonText)
        #expect(fork.metrics.arrived > original.metrics.arrived)
    }

    @Test func oneRequestOnAnIdleInstanceMatchesTheCostModel() throws {
        // One request (prompt 1000, output 5) on an idle H100: TTFT is the prefill iteration,
        // every later token one decode iteration at its context.
        // The first seed whose Poisson stream brings exactly one request in the first second.
        let seed = try #require(
            (1...50).first { seed in
                var rng = RandomStream(seed: UInt64(seed), label: "arrivals", index: 0)
                let first = rng.exponential(), second = rng.exponential()
                return first < 1 && first + second >= 1
            })
        let scenario = Scenario(
            name: "one", seed: UInt64(seed), durationSeconds: 1,
            cluster: [InstanceGroup(gpu: "h100", model: "llama3-8b")],
            policy: PolicySpec(), tenants: [TenantSpec(name: "t", slo: SLO(ttftMs: 1000, tpotMs: 100))],
            workload: [
                StreamSpec(
                    tenant: "t", arrival: .poisson(rate: 1), input: .fixed(value: 1000), output: .fixed(value: 5))
            ])
        var sim = try Simulation(scenario: scenario)
        sim.runToEnd()
        try #require(sim.metrics.completed == 1)
        let cost = sim.instances[0].cost
        var prefill = BatchShape()
        prefill.addPrefill(tokens: 1000, cached: 0)
        let ttft = cost.duration(prefill)
        var decodes: [SimTime] = []
        for context in 1000..<1004 {
            var d = BatchShape()
            d.addDecode(context: context)
            decodes.append(cost.duration(d))
        }
        let m = sim.metrics
        #expect(m.ttft.min == ttft && m.ttft.max == ttft)
        #expect(m.queue.max == 0)
        #expect(m.tbt.count == 4)
        #expect(m.tbt.min == decodes.min()! && m.tbt.max == decodes.max()!)
        #expect(m.tpot.min == decodes.reduce(0, +) / 4)
        #expect(m.e2e.min == ttft + decodes.reduce(0, +))
        #expect(m.outputTokens == 5)
    }

    @Test func spikeMultipliesTheArrivalRate() throws {
        let base = try Simulation(scenario: testScenario(count: 4, rate: 10, duration: 100))
        var quiet = base
        quiet.runToEnd()
        var spiked = try Simulation(
            scenario: testScenario(
                count: 4, rate: 10, duration: 100,
                events: [TimedEvent(atSeconds: 20, command: .spike(factor: 4, durationSeconds: 30))]))
        spiked.runToEnd()
        // 100 s at 10/s, plus 30 s at 3x extra: about 1000 + 900.
        let extra = Double(spiked.metrics.arrived - quiet.metrics.arrived)
        #expect(abs(Double(quiet.metrics.arrived) - 1000) < 100)
        #expect(abs(extra - 900) < 150, "extra arrivals \(extra)")
    }

    @Test func aFailedInstanceLosesNoRequest() throws {
        var sim = try Simulation(
            scenario: testScenario(
                count: 3, rate: 20, duration: 30,
                events: [
                    TimedEvent(atSeconds: 10, command: .fail(instance: 1)),
                    TimedEvent(atSeconds: 12, command: .add(gpu: "h100", model: "llama3-8b", tensorParallel: 1)),
                ]))
        #expect(runChecked(&sim) == [])
        #expect(sim.instances[1].status == .failed)
        #expect(sim.instances.count == 4 && sim.instances[3].status == .active)
        #expect(sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
        #expect(sim.log.contains { $0.text.contains("instance 1 failed") })
    }

    @Test func requestsWaitWhenNoInstanceIsLeftAndResumeWhenOneStarts() throws {
        var sim = try Simulation(
            scenario: testScenario(
                count: 1, rate: 5, duration: 30,
                events: [
                    TimedEvent(atSeconds: 5, command: .fail(instance: 0)),
                    TimedEvent(atSeconds: 6, command: .add(gpu: "h100", model: "llama3-8b", tensorParallel: 1)),
                ]))
        sim.run(until: Time.seconds(15))
        #expect(sim.unassigned.count > 0)
        #expect(sim.invariantViolations() == [])
        sim.runToEnd()
        #expect(sim.unassigned.isEmpty)
        #expect(sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
    }

    @Test func drainingInstanceTakesNothingNewAndRetires() throws {
        var sim = try Simulation(
            scenario: testScenario(
                count: 2, rate: 10, duration: 30,
                events: [TimedEvent(atSeconds: 5, command: .drain(instance: 0))]))
        sim.run(until: Time.seconds(5))
        let before = sim.instances[0].tokensGenerated
        sim.run(until: Time.seconds(25))
        #expect(sim.instances[0].status == .retired)
        #expect(sim.instances[0].outstanding == 0)
        sim.runToEnd()
        #expect(sim.instances[0].tokensGenerated >= before)
        #expect(sim.metrics.completed == sim.metrics.arrived - sim.metrics.rejected)
    }
}
