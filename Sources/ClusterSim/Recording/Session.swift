/// A simulation with an optional recorder: the one place commands and time go through, so that
/// what is recorded is exactly what happened.
///
/// Time advances with `advance(to:)`, which stops at every checkpoint instant on the way so that
/// checkpoints (and a replay's comparisons) see the state after every event up to that instant.
public struct Session: Sendable {
    public var sim: Simulation
    public private(set) var recorder: RecordingWriter?
    /// Why the recording stopped by itself (a write failed: the disk is full, the reader left).
    public private(set) var recordingFailure: OutputError?

    public init(_ sim: Simulation) { self.sim = sim }

    public var isRecording: Bool { recorder != nil }

    /// Starts recording to `path` (the recording replays from the session's start); `speed` is the
    /// dashboard's, which a replay starts at.
    public mutating func startRecording(
        path: String, baseDirectory: String, checkpointSeconds: Double = 10, speed: Double? = nil
    ) throws {
        recordingFailure = nil
        recorder = try RecordingWriter(
            path: path, sim: sim, baseDirectory: baseDirectory, checkpointSeconds: checkpointSeconds, speed: speed)
        sim.note(.recordingStarted(path: path))
        checkRecorder()
    }

    /// Stops recording; the file ends with the report at this instant.
    public mutating func stopRecording() {
        guard let r = recorder else { return }
        sim.note(.recordingStopped(path: r.path))
        r.finish(sim, complete: false)
        checkRecorder()
        recorder = nil
    }

    /// Applies `command` now, and records it.
    public mutating func apply(_ command: Command) {
        recorder?.command(command, at: sim.now, events: sim.eventsHandled)
        checkRecorder()
        sim.apply(command)
    }

    /// Handles every event up to `time`, writing checkpoints on the way.
    public mutating func advance(to time: SimTime) {
        while let r = recorder, r.checkpointDue <= time {
            sim.run(until: r.checkpointDue)
            r.checkpoint(sim)
            checkRecorder()
        }
        sim.run(until: time)
    }

    /// Runs until nothing is left, then closes the recording with the final report; `progress`
    /// sees the simulation after every `step` of simulated time with events in it.
    public mutating func runToEnd(step: SimTime = Time.seconds(10), progress: ((Simulation) -> Void)? = nil) {
        while !sim.isFinished {
            let next = min(sim.nextEventTime ?? sim.now, .max - step) + step
            advance(to: recorder.map { min($0.checkpointDue, next) } ?? next)
            progress?(sim)
        }
        recorder?.finish(sim, complete: true)
        checkRecorder()
        recorder = nil
    }

    /// Stops a recording whose last write failed, keeping the reason in `recordingFailure`.
    mutating func checkRecorder() {
        guard let failure = recorder?.failure else { return }
        recordingFailure = failure
        sim.note(.recordingFailed(failure))
        recorder = nil
    }
}
