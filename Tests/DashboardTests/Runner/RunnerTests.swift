import ClusterSim
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Dashboard

/// A wall clock that moves only when the test moves it, or by `perRead` at every reading (a
/// simulation thread that always finds its compute budget spent after a few checks).
final class ManualClock: Sendable {
    let state = Mutex((nanoseconds: UInt64(0), perRead: UInt64(0)))

    init(perReadSeconds: Double = 0) {
        state.withLock { $0.perRead = UInt64(perReadSeconds * 1e9) }
    }

    func advance(seconds: Double) { state.withLock { $0.nanoseconds += UInt64(seconds * 1e9) } }

    var nanoseconds: UInt64 { state.withLock { $0.nanoseconds } }

    var read: @Sendable () -> UInt64 {
        { [self] in
            state.withLock {
                $0.nanoseconds += $0.perRead
                return $0.nanoseconds
            }
        }
    }
}

/// The simulation thread: pacing, commands and their acknowledgement, pause, lag. Pacing is
/// checked against a manual clock, so no expectation depends on how fast the machine is.
@Suite(.serialized) struct RunnerTests {
    func runner(speed: Double, paused: Bool = false, scenario: Scenario? = nil, clock: ManualClock? = nil) throws
        -> SimulationRunner
    {
        let s = try scenario ?? defaultScenario()
        let driver = SimulationDriver(simulation: try Simulation(scenario: s))
        guard let clock else {
            return SimulationRunner(driver: driver, speed: speed, paused: paused, framesPerSecond: 20)
        }
        return SimulationRunner(
            driver: driver, speed: speed, paused: paused, framesPerSecond: 20, wallClock: clock.read)
    }

    func latest(_ r: SimulationRunner) throws -> DashboardSnapshot { try #require(r.latest().snapshot) }

    /// The first snapshot after everything sent so far (a command that changes nothing wakes the loop).
    func settled(_ r: SimulationRunner) throws -> DashboardSnapshot {
        try #require(r.waitForSnapshot(applying: r.send(.showDetails(instance: nil)), timeout: 10))
    }

    @Test func simulatedTimeFollowsWallTimeTimesTheSpeed() throws {
        let clock = ManualClock()
        let r = try runner(speed: 4, clock: clock)
        r.start()
        defer { r.stop() }
        let start = try settled(r).now
        var wall = 0.0
        for seconds in [0.5, 1.25, 0.25] {
            clock.advance(seconds: seconds)
            wall += seconds
            let s = try settled(r)
            #expect(
                s.now - start == Time.seconds(4 * wall), "\(Time.toSeconds(s.now - start)) s simulated in \(wall) s")
            #expect(s.clock.achievedSpeed == 4)
            #expect(!s.clock.lagging)
        }
        // A new speed counts from the instant it is set.
        let before = try #require(r.waitForSnapshot(applying: r.send(.setSpeed(10)), timeout: 10)).now
        clock.advance(seconds: 0.5)
        #expect(try settled(r).now - before == Time.seconds(5))
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
        let clock = ManualClock()
        let r = try runner(speed: 50, clock: clock)
        r.start()
        defer { r.stop() }
        let start = try settled(r).now
        clock.advance(seconds: 0.2)
        #expect(try settled(r).now == start + Time.seconds(10))
        let paused = try #require(r.waitForSnapshot(applying: r.send(.setPaused(true)), timeout: 10))
        #expect(paused.clock.paused)
        clock.advance(seconds: 5)
        #expect(try settled(r).now == paused.now)
        let stepped = try #require(r.waitForSnapshot(applying: r.send(.step(seconds: 0.1)), timeout: 10))
        #expect(stepped.now == paused.now + Time.seconds(0.1))
        #expect(stepped.log.last?.text.hasPrefix("stepped") == true)
        // Resumed, it counts from the resumption, not from the pause.
        _ = try #require(r.waitForSnapshot(applying: r.send(.setPaused(false)), timeout: 10))
        clock.advance(seconds: 0.1)
        #expect(try settled(r).now == stepped.now + Time.seconds(5))
    }

    @Test func asFastAsPossibleRunsAheadOfTheClock() throws {
        let r = try runner(speed: 1, paused: true)
        r.start()
        defer { r.stop() }
        let paused = try settled(r)
        _ = r.waitForSnapshot(applying: r.send(.setSpeed(.infinity)), timeout: 10)
        _ = r.waitForSnapshot(applying: r.send(.setPaused(false)), timeout: 10)
        var fast = try latest(r)
        for _ in 0..<400 where fast.now <= paused.now + Time.seconds(5) {
            Thread.sleep(forTimeInterval: 0.025)
            fast = try latest(r)
        }
        #expect(fast.clock.speed == .infinity)
        #expect(fast.now > paused.now + Time.seconds(5))
    }

    @Test func saysWhenItCannotKeepUp() throws {
        // Every reading of the clock spends 10 ms of the tick's budget: at 1000x, each tick's target
        // moves tens of simulated seconds further than 64 busy instances get in a few hundred events.
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
        let r = try runner(speed: 1000, scenario: s, clock: ManualClock(perReadSeconds: 0.01))
        r.start()
        var lagging = false
        for _ in 0..<400 where !lagging {
            Thread.sleep(forTimeInterval: 0.025)
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
        // As fast as possible, each tick computes until its 50 ms budget is spent; every reading
        // of the clock spends 5 ms of it.
        let clock = ManualClock(perReadSeconds: 0.005)
        let r = try runner(speed: .infinity, clock: clock)
        r.start()
        let v0 = r.latest().version
        let t0 = clock.nanoseconds
        var v1 = v0
        for _ in 0..<400 where v1 < v0 + 10 {
            Thread.sleep(forTimeInterval: 0.025)
            v1 = r.latest().version
        }
        let elapsed = clock.nanoseconds - t0
        r.stop()
        #expect(v1 >= v0 + 10, "\(v1 - v0) snapshots")
        // 20 frames a second of the clock, and one at the start.
        #expect(v1 - v0 <= elapsed / 50_000_000 + 1, "\(v1 - v0) snapshots in \(Double(elapsed) / 1e9) s")
    }
}

/// The UI loop with an in-memory terminal: keys in, frames out, the runner in between.
@Suite(.serialized) struct AppTests {
    @Test @MainActor func keysReachTheSimulationAndShowOnTheNextFrame() throws {
        let driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        let runner = SimulationRunner(driver: driver, speed: 1, paused: true, framesPerSecond: 20)
        let backend = InMemoryBackend(width: 100, height: 30, keys: ["g", "s", " ", "q"], typeAfter: "KV CACHE")
        let state = UIState(
            paused: true, speed: 1, globalPolicy: "round-robin", localPolicy: "vllm-v0",
            globalPolicies: GlobalPolicyID.all, localPolicies: LocalPolicyID.all)
        let app = DashboardApp(runner: runner, backend: backend, glyphs: .unicode, state: state)
        app.run()
        // Each key's effect is on the very next frame.
        let next = GlobalPolicy.ids[1]
        let expected = ["global \(next)", "SPIKE x3", "resumed at 1x"]
        for (i, typed) in backend.typed.prefix(3).enumerated() {
            let frame = try #require(
                backend.frames.indices.contains(typed.framesBefore) ? backend.frames[typed.framesBefore] : nil)
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
        let backend = InMemoryBackend(
            width: 120, height: 40, keys: [.control("l"), .down, .down, "q"], typeAfter: "KV CACHE")
        let app = DashboardApp(runner: runner, backend: backend, glyphs: .unicode, state: UIState(paused: true))
        app.run()
        // The last two frames differ by the focus moving one row down: a few short spans.
        let frames = backend.frames
        #expect(frames.count >= 3)
        let all = frames[frames.count - 1].changes(from: nil).reduce(0) { $0 + $1.text.unicodeScalars.count }
        let moved = frames[frames.count - 1].changes(from: frames[frames.count - 2]).reduce(0) {
            $0 + $1.text.unicodeScalars.count
        }
        #expect(moved > 0 && moved < 80, "\(moved) cells changed")
        #expect(all == 120 * 40)
    }
}

/// The what-if forks the runner starts on threads of their own while the live view goes on.
@Suite(.serialized) struct RunnerWhatIfTests {
    @Test func theForksOfTheLiveClusterMatchAComparisonRunAlone() throws {
        let scenario = try defaultScenario()
        let r = SimulationRunner(
            driver: SimulationDriver(simulation: try Simulation(scenario: scenario)), speed: 1, paused: true)
        r.start()
        defer { r.stop() }
        _ = try #require(r.waitForSnapshot(applying: r.send(.step(seconds: 5)), timeout: 30))
        let started = try #require(r.waitForSnapshot(applying: r.send(.startWhatIf(horizonSeconds: 3)), timeout: 30))
        #expect(started.whatIf?.forkedAt == Time.seconds(5))
        // Paused, the panel's progress still comes through until every fork is done.
        var done: WhatIfStatus?
        for _ in 0..<6000 {
            if let w = r.latest().snapshot?.whatIf, w.done {
                done = w
                break
            }
            usleep(10_000)
        }
        let status = try #require(done)
        var base = try Simulation(scenario: scenario)
        base.run(until: Time.seconds(5))
        let alone = try WhatIf(base: base, candidates: WhatIf.defaultCandidates(for: base), horizonSeconds: 3).runAll()
        #expect(status.rows.map(\.result) == alone.map { Optional($0) })
        #expect(status.rows.allSatisfy { $0.progress == 1 })
        #expect(status.workers == WhatIfWorkers.count(candidates: alone.count))
        #expect(status.current == alone.first { $0.isCurrent }?.candidate)
        // Closing the panel drops the comparison.
        let closed = try #require(r.waitForSnapshot(applying: r.send(.stopWhatIf), timeout: 30))
        #expect(closed.whatIf == nil)
        #expect(closed.now == Time.seconds(5))
    }
}
