import ClusterSim
import Synchronization
import Testing

@testable import Dashboard

/// The runner's observer (how `watch --metrics-addr` follows the run): it sees the simulation of
/// every published snapshot, and is told when the run stands still.
struct RunnerObserverTests {
    @Test func theObserverSeesWhatTheSnapshotsShow() throws {
        let clock = ManualClock()
        let seen = Mutex<[(now: SimTime, standingStill: Bool)]>([])
        let driver = SimulationDriver(simulation: try Simulation(scenario: defaultScenario()))
        let r = SimulationRunner(
            driver: driver, speed: 50, paused: false, framesPerSecond: 20, wallClock: clock.read,
            observer: { sim, standingStill in seen.withLock { $0.append((sim.now, standingStill)) } })
        r.start()
        defer { r.stop() }
        clock.advance(seconds: 0.2)
        let running = try #require(r.waitForSnapshot(applying: r.send(.showDetails(instance: nil)), timeout: 10))
        #expect(seen.withLock { $0.last?.now } == running.now)
        #expect(seen.withLock { $0.last?.standingStill } == false)
        let paused = try #require(r.waitForSnapshot(applying: r.send(.setPaused(true)), timeout: 10))
        let last = try #require(seen.withLock { $0.last })
        #expect(last.now == paused.now && last.standingStill)
    }
}
