import Testing

@testable import ClusterSim

struct TimeSeriesTests {
    /// Sampling every few hundred milliseconds leaves the run's results exactly as they are.
    @Test func samplingDoesNotChangeTheRun() throws {
        let scenario = testScenario(count: 2, rate: 12, duration: 15)
        var plain = Session(try Simulation(scenario: scenario))
        plain.runToEnd()
        var sampled = Session(try Simulation(scenario: scenario))
        var series = TimeSeries()
        series.sample(sampled.sim)
        sampled.runToEnd(step: TimeSeries.step(durationSeconds: scenario.durationSeconds)) { series.sample($0) }
        #expect(Report(sampled.sim) == Report(plain.sim))
        #expect(series.seconds.count > 300)
        #expect(series.seconds == series.seconds.sorted())
        #expect(series.arrived.last == Report(plain.sim).requests.arrived)
        #expect(series.sloAttainment.last! == plain.sim.slo().attainment)
        #expect(series.kvUse.allSatisfy { (0...1).contains($0) } && series.kvUse.contains { $0 > 0 })
        #expect(series.queued.allSatisfy { $0 >= 0 })
    }

    @Test func arrivalsPerSecondCountATrailingWindow() {
        var series = TimeSeries()
        // Three samples a second apart with 0, 4 and 10 arrivals so far.
        series.append(seconds: 0, arrived: 0, queued: 0, kvUse: 0, sloAttainment: nil)
        series.append(seconds: 1, arrived: 4, queued: 0, kvUse: 0, sloAttainment: nil)
        series.append(seconds: 2, arrived: 10, queued: 0, kvUse: 0, sloAttainment: nil)
        #expect(series.arrivalsPerSecond(windowSeconds: 1) == [nil, 4, 6])
        #expect(series.arrivalsPerSecond(windowSeconds: 2) == [nil, 4, 5])
    }
}
