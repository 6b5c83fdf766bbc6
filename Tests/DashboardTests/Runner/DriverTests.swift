import ClusterSim
import Foundation
import Testing

@testable import Dashboard

func defaultScenario(live: Bool = true) throws -> Scenario {
    var s = try ScenarioParser.parse(BuiltinScenarios.text("default")!, file: "default")
    if live { s.durationSeconds = 100_000_000 }
    return s
}

/// The single-threaded driver: windows, commands, log, recording and replay.
@Suite struct DriverTests {
    @Test func samplesEverySimulatedSecondAndReportsRecentRates() throws {
        var driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        driver.advance(to: Time.seconds(30.5))
        let s = driver.snapshot(clock: RunClock())
        #expect(s.now == Time.seconds(30.5))
        #expect(s.history.attainment.count == 30)
        #expect(s.history.p99TTFTMilliseconds.count == 30)
        // The default scenario's streams add up to 15 requests/s.
        #expect(abs(s.nominalArrivalRate - 15) < 1e-9)
        #expect(s.recent.arrivalsPerSecond > 5 && s.recent.arrivalsPerSecond < 30)
        #expect(s.recent.tokensPerSecond > 0)
        #expect(s.instances.count == 5)
        #expect(s.instances.allSatisfy { $0.tokensPerSecond > 0 })
        #expect(s.tenants.map(\.name) == ["chat", "api", "batch"])
        #expect(s.history.p99TTFTMilliseconds.suffix(20).allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func windowedP99MatchesTheHistogramOfTheWindow() throws {
        var a = Histogram(), b = Histogram()
        for v in 1...100 { a.record(Int64(v)) }
        b = a
        for _ in 0..<1000 { b.record(50_000) }
        #expect(
            b.quantile(0.99, since: a) == 50_000 || abs(Double(b.quantile(0.99, since: a)!) - 50_000) / 50_000 < 0.01)
        #expect(a.quantile(0.5, since: a) == nil)
        #expect(b.count(since: a) == 1000)
    }

    @Test func aCommandShowsInTheNextSnapshotAndTheLog() throws {
        var driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        driver.advance(to: Time.seconds(10))
        driver.apply(.spike(factor: 4, durationSeconds: 20))
        driver.apply(.setGlobalPolicy("least-outstanding"))
        driver.note("paused")
        let s = driver.snapshot(clock: RunClock(paused: true))
        #expect(s.rateMultiplier == 4)
        #expect(s.globalPolicy == "least-outstanding")
        #expect(
            s.log.suffix(3).map(\.text) == ["spike x4.00 for 20.0 s", "global policy -> least-outstanding", "paused"])
        #expect(s.log.suffix(3).map(\.kind) == [.spike, .policy, .control])
        #expect(s.now == Time.seconds(10))
    }

    @Test func aSpikeMakesTheQueuesGrow() throws {
        var calm = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        var spiked = calm
        calm.advance(to: Time.seconds(20))
        spiked.advance(to: Time.seconds(20))
        spiked.apply(.spike(factor: 10, durationSeconds: 30))
        calm.advance(to: Time.seconds(35))
        spiked.advance(to: Time.seconds(35))
        let a = calm.snapshot(clock: RunClock()), b = spiked.snapshot(clock: RunClock())
        #expect(b.totals.waiting + b.totals.inFlight > 2 * (a.totals.waiting + a.totals.inFlight))
        #expect(b.recent.arrivalsPerSecond > 5 * a.recent.arrivalsPerSecond)
    }

    @Test func detailsListTheQueueAndTheRunningRequests() throws {
        var driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        driver.apply(.spike(factor: 10, durationSeconds: 60))
        driver.advance(to: Time.seconds(30))
        let s = driver.snapshot(clock: RunClock(), detail: 4)
        let d = try #require(s.detail)
        #expect(d.row.id == 4)
        #expect(d.running.count == min(InstanceDetail.listLimit, d.row.running))
        #expect(d.waiting.count == min(InstanceDetail.listLimit, d.row.waiting))
        #expect(d.running.allSatisfy { $0.blocks > 0 })
        #expect(d.running.reduce(0) { $0 + Int($1.blocks) } <= Int(d.row.kvUsed))
        #expect(driver.snapshot(clock: RunClock(), detail: 99).detail == nil)
    }

    @Test func theSameCommandsGiveTheSameScreens() throws {
        func run() throws -> String {
            var driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
            driver.advance(to: Time.seconds(12))
            driver.apply(.fail(instance: 2))
            driver.advance(to: Time.seconds(25))
            driver.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 1))
            driver.advance(to: Time.seconds(30))
            return DashboardApp.frame(driver, width: 120, height: 40, glyphs: .unicode).text
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.contains("FAILED"))
        #expect(a.contains("START"))
    }

    @Test func aRecordingReplaysInTheDashboardDriverExactly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dash-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var live = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        live.advance(to: Time.seconds(5))
        try live.startRecording(path: path)
        #expect(live.snapshot(clock: RunClock()).recording == .on(path: path))
        live.advance(to: Time.seconds(9.3))
        live.apply(.spike(factor: 3, durationSeconds: 10))
        live.advance(to: Time.seconds(14.7))
        live.apply(.setLocalPolicy("sarathi"))
        live.apply(.drain(instance: 1))
        live.advance(to: Time.seconds(30))
        #expect(live.stopRecording() == path)
        #expect(live.snapshot(clock: RunClock()).log.contains { $0.kind == .recording })

        let data = try #require(FileManager.default.contents(atPath: path))
        let recording = try Recording.read(data, file: path)
        var commands: [SimulationDriver.ScheduledCommand] = []
        for case .command(let t, let events, let c) in recording.entries {
            commands.append(.init(time: t, events: events, command: c))
        }
        #expect(commands.count == 3)
        var replay = SimulationDriver(
            replaying: commands, on: try Simulation(scenario: try recording.scenario()), exact: true)
        replay.advance(to: Time.seconds(12))
        replay.advance(to: Time.seconds(30))
        let a = live.simulation, b = replay.simulation
        #expect(b.metrics.arrived == a.metrics.arrived)
        #expect(b.metrics.completed == a.metrics.completed)
        #expect(b.metrics.outputTokens == a.metrics.outputTokens)
        #expect(b.localPolicy.id == "sarathi")
        #expect(b.instances[1].status == a.instances[1].status)
        // Keys do not steer a replay.
        replay.apply(.fail(instance: 0))
        #expect(replay.simulation.instances[0].status == .active)
        #expect(replay.snapshot(clock: RunClock()).log.last?.text == "not applied in a replay: instance 0 failed")
    }

    @Test func aFinishedScenarioStandsStillAndSaysSo() throws {
        var scenario = try defaultScenario(live: false)
        scenario.durationSeconds = 5
        scenario.events = []
        var driver = SimulationDriver(simulation: try Simulation(scenario: scenario))
        #expect(!driver.snapshot(clock: RunClock()).finished)
        // Far past the end: the clock stops where the last request finished.
        let reached = driver.advance(to: Time.seconds(100_000))
        #expect(reached)
        let end = driver.now
        #expect(end > Time.seconds(5) && end < Time.seconds(100))
        #expect(driver.isFinished)
        driver.advance(to: Time.seconds(200_000))
        #expect(driver.now == end)
        let s = driver.snapshot(clock: RunClock())
        #expect(s.finished)
        #expect(s.log.filter { $0.text.hasPrefix("scenario finished") }.count == 1)
        #expect(DashboardApp.frame(driver, width: 100, height: 30, glyphs: .unicode).text.contains("FINISHED"))
        // New work (an added instance) brings it back to life until that is done too.
        driver.apply(.add(gpu: "h100", model: "llama3-8b", tensorParallel: 1))
        #expect(!driver.isFinished)
        driver.advance(to: Time.seconds(200_000))
        #expect(driver.isFinished && driver.now > end && driver.now < Time.seconds(200))
    }

    @Test func anIdleStretchStillAsksWhetherToStop() throws {
        // Arrivals end at 5 s; a spike is due at 20000 s: simulated seconds with no event between.
        var scenario = try defaultScenario(live: false)
        scenario.durationSeconds = 5
        scenario.events = try ScenarioParser.parse(
            BuiltinScenarios.text("default")!.replacingOccurrences(of: "at_s: 120", with: "at_s: 20000")
                .replacingOccurrences(of: "duration_s: 300", with: "duration_s: 30000"), file: "default"
        ).events
        var driver = SimulationDriver(simulation: try Simulation(scenario: scenario))
        driver.advance(to: Time.seconds(200))
        #expect(!driver.isFinished)
        var asked = 0
        let reached = driver.advance(to: Time.seconds(30_000)) {
            asked += 1
            return asked >= 3
        }
        #expect(!reached)
        #expect(driver.now > Time.seconds(200) && driver.now < Time.seconds(20_000))
    }

    @Test func aReplayStopsAtTheRecordingsLastInstant() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dash-end-\(UInt32.random(in: 0...UInt32.max)).jsonl"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var live = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        try live.startRecording(path: path)
        live.advance(to: Time.seconds(6))
        live.apply(.spike(factor: 2, durationSeconds: 5))
        live.advance(to: Time.seconds(23.5))
        live.stopRecording()
        let recording = try Recording.read(try #require(FileManager.default.contents(atPath: path)), file: path)
        var commands: [SimulationDriver.ScheduledCommand] = []
        for case .command(let t, let events, let c) in recording.entries {
            commands.append(.init(time: t, events: events, command: c))
        }
        var replay = SimulationDriver(
            replaying: commands, on: try Simulation(scenario: try recording.scenario()), exact: true,
            end: recording.endTime)
        replay.advance(to: Time.seconds(1_000))
        #expect(replay.now == Time.seconds(23.5))
        #expect(replay.simulation.metrics.completed == live.simulation.metrics.completed)
        let s = replay.snapshot(clock: RunClock())
        #expect(s.finished)
        #expect(s.log.last?.text.hasPrefix("end of recording: paused here") == true)
    }
}
