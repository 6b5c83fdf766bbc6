import ClusterSim
import Testing

@testable import Dashboard

/// Seeking in a replay lands on the very state a replay run straight to the same instant
/// reaches, back from a kept copy or forward by running; the copies stay bounded.
@Suite struct SeekTests {
    static let scenario = """
        name: seek
        seed: 11
        duration_s: 600
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2, tp: 1}
          - {gpu: a100-80g, model: llama3-8b, count: 1, tp: 1}
        policy: {global: least-outstanding, local: vllm-v0}
        tenants:
          - {name: chat, priority: normal, slo: {ttft_ms: 2000, tpot_ms: 100}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 10}
            input_tokens: {dist: lognormal, mean: 512, sigma: 0.8, max: 4096}
            output_tokens: {dist: lognormal, mean: 128, sigma: 0.7, max: 1024}
        """

    /// A live session with three commands, and a replay of it (the recording's commands at their
    /// exact event counts) ending at 30 s.
    static func replay(keyframeSeconds: Double = 10, end: Double = 30) throws -> SimulationDriver {
        let sim = try Simulation(scenario: try ScenarioParser.parse(scenario, file: "seek"))
        var live = SimulationDriver(simulation: sim)
        live.advance(to: Time.seconds(5.25))
        live.apply(.spike(factor: 3, durationSeconds: 8))
        live.advance(to: Time.seconds(12.5))
        live.apply(.fail(instance: 0))
        live.advance(to: Time.seconds(21))
        live.apply(.setGlobalPolicy("round-robin"))
        let commands = live.simulation.commandLog.map {
            SimulationDriver.ScheduledCommand(time: $0.time, events: $0.events, command: $0.command)
        }
        return SimulationDriver(
            replaying: commands, on: sim, exact: true, end: Time.seconds(end), keyframeSeconds: keyframeSeconds)
    }

    @Test func seekingBackOrForwardEqualsRunningStraightThere() throws {
        let clock = RunClock(paused: true)
        for target in [3.7, 12.5, 27.25] {
            var straight = try SeekTests.replay()
            straight.advance(to: Time.seconds(target))
            var back = try SeekTests.replay()
            back.advance(to: Time.seconds(29.5))
            back.seek(to: Time.seconds(target))
            var forward = try SeekTests.replay()
            forward.advance(to: Time.seconds(1))
            forward.seek(to: Time.seconds(target))
            let expected = straight.snapshot(clock: clock)
            #expect(back.now == Time.seconds(target))
            #expect(back.snapshot(clock: clock) == expected, "back to \(target) s")
            #expect(forward.snapshot(clock: clock) == expected, "forward to \(target) s")
            #expect(Report(back.simulation).jsonText == Report(straight.simulation).jsonText)
            // And running on from there stays on the same track.
            straight.advance(to: Time.seconds(29))
            back.advance(to: Time.seconds(29))
            #expect(back.snapshot(clock: clock) == straight.snapshot(clock: clock), "on from \(target) s")
        }
    }

    @Test func previousAndNextCommandAndTheEnds() throws {
        var d = try SeekTests.replay()
        d.advance(to: Time.seconds(15))
        let times = d.commandTimes
        #expect(times.count == 3)
        #expect(d.target(of: .previousCommand) == times[1])
        #expect(d.target(of: .nextCommand) == times[2])
        d.seek(to: try #require(d.target(of: .nextCommand)))
        #expect(d.now == times[2])
        #expect(d.simulation.globalPolicy.id == "round-robin")
        #expect(d.target(of: .nextCommand) == nil)
        // Seeks are clamped to the recording.
        #expect(d.target(of: .by(seconds: -100)) == 0)
        #expect(d.target(of: .to(seconds: 1e6)) == Time.seconds(30))
        d.seek(to: Time.seconds(30))
        #expect(d.isFinished)
        d.seek(to: times[0])
        #expect(!d.isFinished && d.now == times[0])
        #expect(d.simulation.globalPolicy.id == "least-outstanding")
    }

    @Test func keptCopiesStayBounded() throws {
        var d = try SeekTests.replay(keyframeSeconds: 1, end: 100)
        d.advance(to: Time.seconds(100))
        #expect(d.keyframes.count <= SimulationDriver.maxKeyframes)
        #expect(d.keyframeInterval == Time.seconds(8))
        #expect(d.keyframes.first?.time == 0)
        // Every copy sits at a multiple of the interval.
        #expect(d.keyframes.allSatisfy { $0.time % d.keyframeInterval == 0 })
    }

    @Test func liveSessionsDoNotSeek() throws {
        var live = SimulationDriver(
            simulation: try Simulation(scenario: try ScenarioParser.parse(SeekTests.scenario, file: "seek")))
        live.advance(to: Time.seconds(5))
        live.seek(to: Time.seconds(1))
        #expect(live.now == Time.seconds(5))
    }
}
