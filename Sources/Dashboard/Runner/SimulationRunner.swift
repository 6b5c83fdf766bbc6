import ClusterSim
import Dispatch
import Foundation
import Synchronization

/// What the UI asks of the simulation thread.
public enum RunnerCommand: Sendable, Equatable {
    /// A command for the simulated cluster (policy, spike, fail, add, drain).
    case simulation(Command)
    case setPaused(Bool)
    /// Simulated seconds per wall second; `.infinity` runs as fast as possible.
    case setSpeed(Double)
    /// Advance by this many simulated seconds (used while paused).
    case step(seconds: Double)
    /// Which instance's details the snapshots carry (nil: none).
    case showDetails(instance: Int?)
    case startRecording
    case stopRecording
    /// Move a replay to another instant (ignored when live).
    case seek(Seek)
    /// Fork the live cluster once per candidate (`WhatIf.defaultCandidates`) and run the forks
    /// `horizonSeconds` ahead on background threads, cancelling a comparison already running.
    case startWhatIf(horizonSeconds: Double)
    /// Cancel the comparison and drop its forks.
    case stopWhatIf
}

/// Where a replay seeks to.
public enum Seek: Sendable, Equatable {
    /// This many simulated seconds from now (negative: back).
    case by(seconds: Double)
    /// This instant, in simulated seconds.
    case to(seconds: Double)
    /// The instant of the recorded command before (or after) now.
    case previousCommand, nextCommand
}

/// Runs a `SimulationDriver` on its own Dispatch queue, paced so simulated time follows wall time
/// times the speed, and hands the newest snapshot to the UI thread through a one-value mailbox.
///
/// The shape is bottom's (https://github.com/ClementTsang/bottom): only immutable values cross threads; the UI
/// takes the latest snapshot and drops older ones, so a slow terminal never slows the simulation,
/// and a fast simulation never floods the terminal (snapshots are published at most at the frame
/// rate). Commands travel the other way through a locked inbox that wakes the loop at once, and
/// each carries a sequence number the snapshot echoes, so the UI can show a key's effect on the
/// very next frame. When the simulation cannot reach the wall-clock target within a tick's
/// compute budget it drops the debt (a live view, not a replay) and flags itself as lagging.
public final class SimulationRunner: Sendable {
    struct Inbox: Sendable {
        var commands: [(sequence: UInt64, command: RunnerCommand)] = []
        var nextSequence: UInt64 = 1
        var stopping = false
    }

    struct Outbox: Sendable {
        var snapshot: DashboardSnapshot?
        var version: UInt64 = 0
    }

    let queue = DispatchQueue(label: "clustertop.simulation", qos: .userInitiated)
    let inbox = Mutex(Inbox())
    let outbox = Mutex(Outbox())
    let pending = Atomic<Bool>(false)
    let wake = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let initial: Mutex<SimulationDriver?>
    let framesPerSecond: Double
    let startSpeed: Double
    let startPaused: Bool
    /// Lines to print once the terminal is back (where a recording was saved).
    let farewell = Mutex<[String]>([])
    /// The wall clock pacing counts in: monotonic nanoseconds.
    let wallClock: @Sendable () -> UInt64
    /// Called on the simulation thread with the simulation at every publication, and whether it
    /// is about to stand still (paused or finished): how the metrics endpoint follows the run.
    let observer: (@Sendable (Simulation, _ standingStill: Bool) -> Void)?

    /// `wallClock` is the monotonic clock pacing, compute budgets and the speed meter read, in
    /// nanoseconds; tests pass one they advance by hand. `observer` sees each published state.
    public init(
        driver: SimulationDriver, speed: Double = 1, paused: Bool = false, framesPerSecond: Double = 20,
        wallClock: @escaping @Sendable () -> UInt64 = SimulationRunner.uptimeNanoseconds,
        observer: (@Sendable (Simulation, _ standingStill: Bool) -> Void)? = nil
    ) {
        initial = Mutex(driver)
        self.observer = observer
        self.framesPerSecond = max(1, framesPerSecond)
        self.startSpeed = speed
        self.startPaused = paused
        self.wallClock = wallClock
    }

    /// Nanoseconds since boot, never going back.
    @Sendable public static func uptimeNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Starts the simulation thread; it publishes a first snapshot at once.
    public func start() {
        guard
            let driver = initial.withLock({ d -> SimulationDriver? in
                let taken = d
                d = nil
                return taken
            })
        else { return }
        queue.async { [self] in
            var loop = Loop(runner: self, driver: driver)
            loop.run()
            finished.signal()
        }
    }

    /// Queues `command` for the simulation thread and wakes it; returns the sequence number that
    /// the first snapshot showing its effect will carry in `appliedSequence`.
    @discardableResult
    public func send(_ command: RunnerCommand) -> UInt64 {
        let sequence = inbox.withLock { box -> UInt64 in
            let s = box.nextSequence
            box.nextSequence += 1
            box.commands.append((s, command))
            return s
        }
        pending.store(true, ordering: .releasing)
        wake.signal()
        return sequence
    }

    /// The newest snapshot and its version (increases with every publication).
    public func latest() -> (snapshot: DashboardSnapshot?, version: UInt64) {
        outbox.withLock { ($0.snapshot, $0.version) }
    }

    /// Waits up to `timeout` seconds for a snapshot that has applied command `sequence`.
    public func waitForSnapshot(applying sequence: UInt64, timeout: Double) -> DashboardSnapshot? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            if let s = outbox.withLock({ $0.snapshot }), s.appliedSequence >= sequence { return s }
            if DispatchTime.now().uptimeNanoseconds >= deadline { return nil }
            usleep(500)
        }
    }

    /// Stops the simulation thread and waits for it, ending any recording first; returns what
    /// to tell the user once the terminal is back (where a recording was saved).
    @discardableResult
    public func stop() -> [String] {
        inbox.withLock { $0.stopping = true }
        pending.store(true, ordering: .releasing)
        wake.signal()
        finished.wait()
        return farewell.withLock { $0 }
    }

    func publish(_ snapshot: DashboardSnapshot) {
        outbox.withLock {
            $0.snapshot = snapshot
            $0.version += 1
        }
    }

    func takeCommands() -> (commands: [(sequence: UInt64, command: RunnerCommand)], stopping: Bool) {
        pending.store(false, ordering: .releasing)
        return inbox.withLock { box in
            let taken = box.commands
            box.commands.removeAll()
            return (taken, box.stopping)
        }
    }
}

/// The simulation thread's loop; it owns the driver, so nothing in it is shared.
struct Loop {
    let runner: SimulationRunner
    var driver: SimulationDriver
    var paused: Bool
    var speed: Double
    var detail: Int?
    var applied: UInt64 = 0
    /// Wall and simulated instants that pacing counts from (reset on pause, speed change, lag).
    var anchorWall: UInt64
    var anchorSim: SimTime
    var lagging = false
    var lastLagAt: UInt64 = 0
    var achieved: Double = 0
    var meterWall: UInt64
    var meterSim: SimTime
    let period: UInt64
    /// The what-if comparison the panel shows: its run, the instant it forked at, its threads.
    var whatIf: (run: WhatIfRun, forkedAt: SimTime, current: WhatIf.Candidate?, workers: Int)?
    /// The finished comparison has been published (nothing changes in it after that).
    var whatIfPublishedDone = false

    init(runner: SimulationRunner, driver: SimulationDriver) {
        self.runner = runner
        self.driver = driver
        paused = runner.startPaused
        speed = runner.startSpeed
        let now = runner.wallClock()
        anchorWall = now
        anchorSim = driver.now
        meterWall = now
        meterSim = driver.now
        period = UInt64(1e9 / runner.framesPerSecond)
    }

    func wallNow() -> UInt64 { runner.wallClock() }

    var clock: RunClock {
        RunClock(
            paused: paused, speed: speed, achievedSpeed: paused ? 0 : achieved,
            lagging: lagging && !paused && !driver.isFinished)
    }

    mutating func reanchor() {
        anchorWall = wallNow()
        anchorSim = driver.now
    }

    /// Hands the observer, then the UI, the current state (so a snapshot the UI sees was observed),
    /// with the what-if comparison's progress.
    mutating func publish() {
        runner.observer?(driver.simulation, paused || driver.isFinished)
        var snapshot = driver.snapshot(clock: clock, detail: detail, appliedSequence: applied)
        if let w = whatIf {
            whatIfPublishedDone = w.run.isDone
            snapshot.whatIf = WhatIfStatus(w.run, forkedAt: w.forkedAt, current: w.current, workers: w.workers)
        }
        runner.publish(snapshot)
    }

    /// A comparison is open whose last state has not been published yet.
    var whatIfChanging: Bool { whatIf != nil && !whatIfPublishedDone }

    mutating func run() {
        publish()
        var nextTick = wallNow()
        while true {
            let tickStart = wallNow()
            let (commands, stopping) = runner.takeCommands()
            if stopping {
                whatIf?.run.cancel()
                if let path = driver.stopRecording() {
                    runner.farewell.withLock {
                        $0.append("recording saved to \(path); replay it with `clustertop replay \(path)`")
                    }
                }
                return
            }
            var changed = !commands.isEmpty
            for (sequence, command) in commands {
                handle(command)
                applied = sequence
            }
            if !paused {
                let wasFinished = driver.isFinished
                let target: SimTime
                if speed.isFinite {
                    let now = wallNow()
                    let elapsed = now > anchorWall ? Double(now - anchorWall) / 1e9 : 0
                    target = anchorSim + SimTime(elapsed * speed * 1e6)
                } else {
                    target = .max / 4
                }
                // Leave a fifth of the frame period free so commands and publication stay prompt;
                // as fast as possible, compute the whole period (one snapshot per frame).
                let deadline = tickStart + (speed.isFinite ? period * 4 / 5 : period)
                let runner = self.runner
                let reached = driver.advance(to: target) {
                    runner.wallClock() >= deadline || runner.pending.load(ordering: .acquiring)
                }
                // A finished run stands still: nothing to publish until a command comes. A replay
                // pauses at the recording's end, so seeking back does not run on by itself.
                changed = changed || !(wasFinished && driver.isFinished)
                if driver.isReplay && driver.isFinished { paused = true }
                // Cut short by a command: the next tick makes up the rest, so this one is not a
                // measure of the speed achieved (it would read low under load).
                let interrupted = !reached && runner.pending.load(ordering: .acquiring)
                if !reached && speed.isFinite && !interrupted {
                    lagging = true
                    lastLagAt = wallNow()
                    reanchor()
                } else if lagging && wallNow() &- lastLagAt > 1_000_000_000 {
                    lagging = false
                }
                if !interrupted { measure() }
            }
            if changed || whatIfChanging { publish() }
            if runner.pending.load(ordering: .acquiring) { continue }
            // Paused or finished, only a command changes anything (or a what-if fork's progress,
            // shown at the frame rate): sleep until one comes.
            if paused || driver.isFinished {
                if whatIfChanging {
                    _ = runner.wake.wait(timeout: .now() + .nanoseconds(Int(period)))
                } else {
                    runner.wake.wait()
                }
                continue
            }
            if !speed.isFinite { continue }
            let now = wallNow()
            // At most a period behind: a stall is not made up with a burst of ticks. (A clock
            // that starts near zero, as a test's may, must not wrap below it.)
            nextTick = max(nextTick + period, now > period ? now - period : 0)
            if nextTick > now {
                _ = runner.wake.wait(timeout: .now() + .nanoseconds(Int(nextTick - now)))
            }
        }
    }

    /// Updates the measured speed about once a second.
    mutating func measure() {
        let now = wallNow()
        let dt = now &- meterWall
        if now > meterWall && dt >= 500_000_000 {
            achieved = Double(driver.now - meterSim) / 1e6 / (Double(dt) / 1e9)
            meterWall = now
            meterSim = driver.now
        }
    }

    mutating func resetMeter() {
        meterWall = wallNow()
        meterSim = driver.now
        achieved = paused ? 0 : achieved
    }

    mutating func handle(_ command: RunnerCommand) {
        switch command {
        case .simulation(let c):
            driver.apply(c)
        case .setPaused(let p):
            guard p != paused else { return }
            paused = p
            driver.note(p ? "paused" : "resumed at \(Format.speed(speed))")
            reanchor()
            resetMeter()
            lagging = false
        case .setSpeed(let s):
            guard s != speed else { return }
            speed = s
            driver.note("speed \(Format.speed(s))")
            reanchor()
            resetMeter()
            lagging = false
        case .step(let seconds):
            driver.advance(to: driver.now + Time.seconds(seconds))
            driver.note("stepped \(Format.fixed(seconds, 1)) s to \(Time.clock(driver.now))")
            reanchor()
        case .showDetails(let i):
            detail = i
        case .startRecording:
            if driver.session.isRecording { return }
            if driver.isReplay {
                driver.note("a replay is not recorded again", kind: .recording)
                return
            }
            let path = Loop.recordingPath(
                directory: driver.recordingDirectory, scenario: driver.simulation.scenario.name)
            do {
                try driver.startRecording(path: path, speed: speed)
            } catch {
                driver.note("cannot record: \(error)", kind: .recording)
            }
        case .stopRecording:
            driver.stopRecording()
        case .startWhatIf(let horizon):
            whatIf?.run.cancel()
            let base = driver.simulation
            let whatIf = WhatIf(base: base, candidates: WhatIf.defaultCandidates(for: base), horizonSeconds: horizon)
            let run = WhatIfRun(whatIf)
            let workers = WhatIfWorkers.count(candidates: whatIf.candidates.count)
            WhatIfWorkers.start(run, workers: workers)
            let current = whatIf.candidates.first { WhatIf.isCurrent($0, in: base) }
            self.whatIf = (run, base.now, current, workers)
            whatIfPublishedDone = false
            driver.note(
                "what-if: \(whatIf.candidates.count) forks from \(Time.clock(base.now)), "
                    + "\(Format.fixed(horizon, 0)) s ahead on \(workers) thread\(workers == 1 ? "" : "s")")
        case .stopWhatIf:
            // The forks stop at their next slice and free their memory; the base goes with the run.
            whatIf?.run.cancel()
            whatIf = nil
        case .seek(let seek):
            guard driver.isReplay else { return }
            guard let target = driver.target(of: seek) else {
                driver.note(
                    seek == .previousCommand ? "no recorded command before this" : "no recorded command after this")
                return
            }
            driver.seek(to: target)
            driver.note("seek to \(Time.clock(driver.now))")
            reanchor()
            resetMeter()
        }
    }

    /// A fresh file name for a recording started with the `r` key.
    static func recordingPath(directory: String, scenario: String) -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        let safe = String(
            scenario.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_" })
        var path = (directory as NSString).appendingPathComponent("clustertop-\(safe)-\(stamp).jsonl")
        var n = 2
        while FileManager.default.fileExists(atPath: path) {
            path = (directory as NSString).appendingPathComponent("clustertop-\(safe)-\(stamp)-\(n).jsonl")
            n += 1
        }
        return path
    }
}
