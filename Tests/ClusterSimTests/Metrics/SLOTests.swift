import Testing

@testable import ClusterSim

/// SLO attainment counts violations as they happen: a request past its TTFT deadline without a
/// first token is a violation at once, and counts once when it later completes.
@Suite struct SLOTests {
    /// Every instance fails at `failAt` s; a replacement is added at `addAt` s (serving 20 s later).
    func outage(failAt: Double, addAt: Double? = nil, duration: Double = 40) -> Scenario {
        var events = [
            TimedEvent(atSeconds: failAt, command: .fail(instance: 0)),
            TimedEvent(atSeconds: failAt, command: .fail(instance: 1)),
        ]
        if let addAt {
            events.append(
                TimedEvent(atSeconds: addAt, command: .add(gpu: "h100", model: "llama3-8b", tensorParallel: 1)))
        }
        return testScenario(count: 2, rate: 10, duration: duration, events: events)
    }

    /// The oracle: live requests whose TTFT (or the wait so far, without a first token) is over the limit.
    func outstandingByScan(_ sim: Simulation) -> Int64 {
        let free = Set(sim.requests.freeSlots)
        let limit = Time.milliseconds(sim.scenario.tenants[0].slo.ttftMs)
        var count: Int64 = 0
        for (slot, r) in sim.requests.slots.enumerated() where !free.contains(Int32(slot)) {
            let firstOrNow = r.firstToken >= 0 ? r.firstToken : sim.now
            if firstOrNow - r.arrival > limit { count += 1 }
        }
        return count
    }

    @Test func stuckRequestsLowerAttainmentWhileNothingCompletes() throws {
        var sim = try Simulation(scenario: outage(failAt: 5))
        sim.run(until: Time.seconds(5))
        let before = try #require(sim.slo().attainment)
        sim.run(until: Time.seconds(30))
        let during = sim.slo()
        #expect(sim.unassigned.count > 150)
        #expect(during.outstandingViolations == outstandingByScan(sim))
        #expect(during.outstandingViolations > 150)
        #expect(try #require(during.attainment) < before / 2)
        let report = Report(sim)
        #expect(report.double("slo.outstanding_violations") == Double(during.outstandingViolations))
        #expect(report.double("slo.by_tenant.t.attainment") == report.double("slo.attainment"))
        #expect(report.double("slo.attainment")! < 0.5)
    }

    @Test func countsAreExactAtEveryInstantAndNeverTwice() throws {
        // The outage ends when the replacement serves (40 s): the stuck requests complete late.
        var sim = try Simulation(scenario: outage(failAt: 8, addAt: 20, duration: 45))
        var next = Time.milliseconds(250)
        var peak: Int64 = 0
        while let t = sim.nextEventTime {
            if t > next {
                sim.run(until: next)
                let account = sim.slo()
                #expect(account.outstandingViolations == outstandingByScan(sim), "at \(Time.toSeconds(sim.now)) s")
                peak = max(peak, account.outstandingViolations)
                next += Time.milliseconds(250)
            }
            sim.step()
        }
        let end = sim.slo()
        #expect(peak > 100)
        #expect(sim.inFlight == 0 && end.outstandingViolations == 0)
        #expect(end.completed == sim.metrics.arrived)
        #expect(end.violations == end.completed - end.met)
        #expect(end.ttftViolations == sim.metrics.tenants[0].ttftViolations)
        #expect(end.ttftViolations >= peak)
    }

    @Test func nothingDecidedMeansNoAttainmentNotAHundredPercent() throws {
        var sim = try Simulation(scenario: outage(failAt: 0))
        // Requests arrived but none is past its 1 s deadline yet, and none completed.
        sim.run(until: Time.milliseconds(900))
        #expect(sim.metrics.arrived > 0)
        #expect(sim.slo().attainment == nil)
        let report = Report(sim)
        #expect(report.json.value(at: "slo.attainment")?.rendered() == "null")
        #expect(report.json.value(at: "slo.by_tenant.t.attainment")?.rendered() == "null")
        #expect(report.tableText.contains("SLO attainment –"))
        #expect(report.csvText.contains("null"))
        // A moment later the first stuck requests are violations.
        sim.run(until: Time.milliseconds(2500))
        #expect(sim.slo().attainment == 0)
    }

    @Test func aRejectedRequestLeavesTheOutstandingCount() throws {
        // A prompt longer than the context is rejected as it arrives: never outstanding, even
        // when its deadline passes while its freed slot still holds it.
        var sim = try Simulation(
            scenario: testScenario(rate: 5, duration: 3, input: .fixed(value: 9000), output: .fixed(value: 10)))
        sim.run(until: Time.seconds(10))
        #expect(sim.metrics.rejected > 0)
        #expect(sim.slo().outstandingViolations == 0)
        #expect(sim.slo().attainment == nil)
    }
}
