import ClusterSim
import Dispatch
import Foundation
import Testing

@testable import Dashboard

/// The simulation thread: pacing, commands and their acknowledgement, pause, lag.
@Suite(.serialized) struct RunnerTests {
    func runner(speed: Double, paused: Bool = false, scenario: Scenario? = nil) throws -> SimulationRunner {
        let s = try scenario ?? defaultScenario()
        return SimulationRunner(driver: SimulationDriver(simulation: try Simulation(scenario: s)), speed: speed, paused: paused, framesPerSecond: 20)
    }

    func latest(_ r: SimulationRunner) throws -> DashboardSnapshot { try #require(r.latest().snapshot) }

    @Test func simulatedTimeFollowsWallTimeTimesTheSpeed() throws {
        let r = try runner(speed: 4)
        r.start()
        let start = DispatchTime.now().uptimeNanoseconds
        Thread.sleep(forTimeInterval: 0.6)
        let s = try latest(r)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        r.stop()
        let simulated = Time.toSeconds(s.now)
        // Within a frame or two of 4x the wall time.
        #expect(abs(simulated - 4 * wall) < 4 * 0.15, "simulated \(simulated) s in \(wall) s")
        #expect(!s.clock.lagging)
    }

    @Test func aCommandIsAcknowledgedByTheNextSnapshot() throws {
        let r = try runner(speed: 1, paused: true)
        r.start()
        let sequence = r.send(.simulation(.setGlobalPolicy("least-outstanding")))
        let s = try #require(r.waitForSnapshot(applying: sequence, timeout: 1))
        #expect(s.globalPolicy == "least-outstanding")
        #expect(s.log.last?.text == "global policy -> least-outstanding")
        let spike = r.send(.simulation(.spike(factor: 2, durationSeconds: 5)))
        let t = try #require(r.waitForSnapshot(applying: spike, timeout: 1))
        #expect(t.rateMultiplier == 2)
        r.stop()
    }

    @Test func pauseHoldsTheClockAndStepAdvancesIt() throws {
        let r = try runner(speed: 50)
        r.start()
        Thread.sleep(forTimeInterval: 0.2)
        let p = r.send(.setPaused(true))
        let paused = try #require(r.waitForSnapshot(applying: p, timeout: 1))
        #expect(paused.clock.paused)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try latest(r).now == paused.now)
        let st = r.send(.step(seconds: 0.1))
        let stepped = try #require(r.waitForSnapshot(applying: st, timeout: 1))
        #expect(stepped.now == paused.now + Time.seconds(0.1))
        #expect(stepped.log.last?.text.hasPrefix("stepped") == true)
        let sp = r.send(.setSpeed(.infinity))
        _ = r.waitForSnapshot(applying: sp, timeout: 1)
        let resume = r.send(.setPaused(false))
        _ = r.waitForSnapshot(applying: resume, timeout: 1)
        Thread.sleep(forTimeInterval: 0.3)
        let fast = try latest(r)
        r.stop()
        #expect(fast.clock.speed == .infinity)
        #expect(fast.now > stepped.now + Time.seconds(5))
    }

    @Test func saysWhenItCannotKeepUp() throws {
        // 64 instances at 1000x is beyond a debug build (and most machines) in real time.
        var s = try ScenarioParser.parse(
            """
            name: big
            seed: 1
            duration_s: 1000
            cluster:
              - {gpu: h100, model: llama3-8b, count: 64, tp: 1}
            policy: {global: round-robin, local: vllm-v0}
            tenants:
              - {name: chat, slo: {ttft_ms: 2000, tpot_ms: 100}}
            workload:
              - tenant: chat
                arrival: {process: poisson, rate: 700}
                input_tokens: {dist: fixed, value: 1000}
                output_tokens: {dist: fixed, value: 200}
            """, file: "big")
        s.durationSeconds = 1000
        let r = try runner(speed: 1000, scenario: s)
        r.start()
        var lagging = false
        for _ in 0..<40 where !lagging {
            Thread.sleep(forTimeInterval: 0.05)
            lagging = try latest(r).clock.lagging
        }
        let snapshot = try latest(r)
        r.stop()
        #expect(lagging)
        let frame = Fixtures.render(snapshot, Fixtures.state(for: snapshot), width: 120, height: 40)
        #expect(frame.text.contains("BEHIND"))
    }

    @Test func aFinishedRunAtFullSpeedGoesQuietAndStops() throws {
        var scenario = try defaultScenario(live: false)
        scenario.durationSeconds = 5
        let r = try runner(speed: .infinity, scenario: scenario)
        r.start()
        var finished: DashboardSnapshot?
        for _ in 0..<400 where finished == nil {
            Thread.sleep(forTimeInterval: 0.025)
            finished = r.latest().snapshot.flatMap { $0.finished ? $0 : nil }
        }
        let end = try #require(finished, "the run never finished")
        // Nothing changes any more, so nothing is published; a command still gets through.
        let quiet = r.latest().version
        Thread.sleep(forTimeInterval: 0.3)
        #expect(r.latest().version == quiet)
        #expect(try latest(r).now == end.now)
        let spike = r.send(.simulation(.spike(factor: 2, durationSeconds: 1)))
        #expect(r.waitForSnapshot(applying: spike, timeout: 5) != nil)
        // And it stops when asked (on another thread, so a hang fails the test instead of hanging it).
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            r.stop()
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + 10) == .success, "the simulation thread did not stop")
    }

    @Test func snapshotsArePublishedAtMostAtTheFrameRate() throws {
        let r = try runner(speed: .infinity)
        r.start()
        let v0 = r.latest().version
        Thread.sleep(forTimeInterval: 0.5)
        let v1 = r.latest().version
        r.stop()
        // 20 frames a second; a little slack for the first one and scheduling.
        #expect(v1 - v0 <= 14)
        #expect(v1 - v0 >= 3)
    }
}

/// The UI loop with an in-memory terminal: keys in, frames out, the runner in between.
@Suite(.serialized) struct AppTests {
    @Test @MainActor func keysReachTheSimulationAndShowOnTheNextFrame() throws {
        let driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        let runner = SimulationRunner(driver: driver, speed: 1, paused: true, framesPerSecond: 20)
        let backend = InMemoryBackend(width: 100, height: 30, keys: ["g", "s", " ", "q"], typeAfter: "KV CACHE")
        let state = UIState(paused: true, speed: 1, globalPolicy: "round-robin", localPolicy: "vllm-v0", globalPolicies: GlobalPolicyID.all, localPolicies: LocalPolicyID.all)
        let app = DashboardApp(runner: runner, backend: backend, glyphs: .unicode, state: state)
        app.run()
        // Each key's effect is on the very next frame.
        let next = GlobalPolicy.ids[1]
        let expected = ["global \(next)", "SPIKE x3", "resumed at 1x"]
        for (i, typed) in backend.typed.prefix(3).enumerated() {
            let frame = try #require(backend.frames.indices.contains(typed.framesBefore) ? backend.frames[typed.framesBefore] : nil)
            #expect(frame.text.contains(expected[i]), "the frame after \(typed.key) lacks \(expected[i])")
        }
        let text = try #require(backend.lastFrame).text
        #expect(text.contains("global \(next)"))
        #expect(text.contains("global policy -> \(next)"))
        #expect(text.contains("spike x3.00 for 30.0 s"))
        #expect(text.contains("SPIKE x3"))
        #expect(text.contains("resumed at 1x"))
        #expect(app.state.quit)
    }

    @Test @MainActor func onlyChangedCellsAreWrittenAfterTheFirstFrame() throws {
        let driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        let runner = SimulationRunner(driver: driver, speed: 1, paused: true, framesPerSecond: 20)
        let backend = InMemoryBackend(width: 120, height: 40, keys: [.control("l"), .down, .down, "q"], typeAfter: "KV CACHE")
        let app = DashboardApp(runner: runner, backend: backend, glyphs: .unicode, state: UIState(paused: true))
        app.run()
        // The last two frames differ by the focus moving one row down: a few short spans.
        let frames = backend.frames
        #expect(frames.count >= 3)
        let all = frames[frames.count - 1].changes(from: nil).reduce(0) { $0 + $1.text.unicodeScalars.count }
        let moved = frames[frames.count - 1].changes(from: frames[frames.count - 2]).reduce(0) { $0 + $1.text.unicodeScalars.count }
        #expect(moved > 0 && moved < 80, "\(moved) cells changed")
        #expect(all == 120 * 40)
    }
}
