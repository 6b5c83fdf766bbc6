import Testing

@testable import ClusterSim

/// The one arrival path (`arrive`) and the one way a request joins an instance (`land`).
@Suite struct ArrivalsTests {
    @Test func anArrivingRequestIsNumberedCountedAndDispatched() throws {
        var sim = try Simulation(scenario: testScenario(count: 1))
        let serial = sim.nextSerial
        let arrived = sim.metrics.arrived
        let id = sim.arrive(sim.newRequest(stream: 0, prompt: 100, output: 10), key: 42)
        #expect(sim.requests[id].serial == serial && sim.nextSerial == serial + 1)
        #expect(sim.metrics.arrived == arrived + 1 && sim.metrics.tenants[0].arrived == arrived + 1)
        #expect(sim.requests[id].instance == 0 && sim.requests[id].phase == .waiting)
        #expect(sim.instances[0].waiting.contains(id))
        #expect(sim.requests[id].deadline >= 0 && sim.instances[0].backlog > 0)
        #expect(sim.invariantViolations().isEmpty)
    }

    @Test func aRequestLandingRunningTakesItsPlaceByArrivalAndBringsItsWork() throws {
        var sim = try Simulation(scenario: testScenario(count: 1))
        func running(_ arrival: SimTime, priority: Priority = .normal, work: Float = 0) -> Int32 {
            var r = sim.newRequest(stream: 0, prompt: 10, output: 10)
            r.arrival = arrival
            r.phase = .running
            r.priority = priority
            r.workEstimate = work
            return sim.requests.insert(r)
        }
        let early = running(10), late = running(30)
        sim.instances[0].running = [early, late]
        let moved = running(20, priority: .high, work: 1.5)
        let backlog = sim.instances[0].backlog
        sim.land(moved, on: 0, .running)
        #expect(sim.instances[0].running == [early, moved, late])
        #expect(sim.requests[moved].instance == 0 && sim.requests[moved].admittedAt == sim.now)
        #expect(sim.instances[0].backlog == backlog + 1.5 && sim.instances[0].highPriority == 1)
        #expect(sim.instances[0].kickPending)
    }

    @Test func aStreamWithAWindowSendsOnlyInsideIt() throws {
        let text = """
            name: w
            duration_s: 30
            cluster: [{gpu: h100, model: llama3-8b, count: 2}]
            tenants: [{name: a, slo: {ttft_ms: 1000, tpot_ms: 100}}, {name: b, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload:
              - {tenant: a, arrival: {process: poisson, rate: 5}, input_tokens: {dist: fixed, value: 100},
                 output_tokens: {dist: fixed, value: 10}}
              - {tenant: b, arrival: {process: poisson, rate: 5}, input_tokens: {dist: fixed, value: 100},
                 output_tokens: {dist: fixed, value: 10}, start_s: 10, end_s: 20}
            """
        let scenario = try ScenarioParser.parse(text, file: "w.yaml")
        #expect(scenario.workload[1].startSeconds == 10 && scenario.workload[1].endSeconds == 20)
        var sim = try Simulation(scenario: scenario)
        sim.run(until: Time.seconds(10))
        #expect(sim.metrics.tenants[1].arrived == 0 && sim.metrics.tenants[0].arrived > 20)
        sim.run(until: Time.seconds(20))
        let inWindow = sim.metrics.tenants[1].arrived
        #expect(inWindow > 20 && inWindow < 90)
        sim.runToEnd()
        #expect(sim.metrics.tenants[1].arrived == inWindow)
        // The window changes no draw of the other stream.
        var unwindowed = scenario
        unwindowed.workload[1].startSeconds = 0
        unwindowed.workload[1].endSeconds = nil
        var other = try Simulation(scenario: unwindowed)
        other.runToEnd()
        #expect(other.metrics.tenants[0].arrived == sim.metrics.tenants[0].arrived)
        #expect(throws: ScenarioError.self) {
            try ScenarioParser.parse(text.replacingOccurrences(of: "end_s: 20", with: "end_s: 5"), file: "w.yaml")
        }
    }
}
