import ClusterSim
import DequeModule

/// Seeking in a replay. `Simulation` is a value, so the replay keeps copies of its whole state
/// (simulation, metrics window, commands still to apply) every `keyframeInterval` of simulated
/// time as it runs; a seek back restores the last copy at or before the target and runs forward
/// from there, through the same stops a straight run makes, so it lands on the very state a run
/// straight to the target reaches. At most `maxKeyframes` copies are kept: past that, every
/// other one goes and the interval doubles.
extension SimulationDriver {
    /// A copy of everything a replay's run depends on, at one instant.
    struct Keyframe: Sendable {
        var session: Session
        var window: MetricsWindow
        var replay: Deque<ScheduledCommand>
        var finishNoted: Bool
        var time: SimTime { session.sim.now }
    }

    /// Copies kept at most (each is a whole simulation: a large cluster's is a few megabytes).
    public static let maxKeyframes = 24

    var keyframe: Keyframe {
        Keyframe(session: session, window: window, replay: replay, finishNoted: finishNoted)
    }

    /// The next instant a copy is due: the next multiple of the interval after the newest kept.
    var nextKeyframeTime: SimTime {
        let newest = keyframes.last?.time ?? 0
        return (newest / keyframeInterval + 1) * keyframeInterval
    }

    /// Keeps a copy of the state now (called at `nextKeyframeTime`), thinning the copies when
    /// there are too many.
    mutating func keep() {
        guard now > (keyframes.last?.time ?? -1) else { return }
        keyframes.append(keyframe)
        if keyframes.count > SimulationDriver.maxKeyframes {
            keyframeInterval *= 2
            keyframes = keyframes.filter { $0.time % keyframeInterval == 0 }
        }
    }

    /// The instant `seek` goes to from now, clamped to the recording (nil: nowhere to go).
    public func target(of seek: Seek) -> SimTime? {
        let t: SimTime?
        switch seek {
        case .by(let seconds): t = now + Time.seconds(seconds)
        case .to(let seconds): t = Time.seconds(min(seconds, 1e9))
        case .previousCommand: t = commandTimes.last { $0 < now }
        case .nextCommand: t = commandTimes.first { $0 > now }
        }
        return t.map { max(0, min($0, endTime ?? replayLength ?? .max)) }
    }

    /// Moves the replay to `time`: back from the nearest kept copy, or forward by running.
    /// Live, it does nothing (a live cluster cannot go back).
    public mutating func seek(to time: SimTime) {
        guard isReplay else { return }
        if time < now, let k = keyframes.last(where: { $0.time <= time }) {
            session = k.session
            window = k.window
            replay = k.replay
            finishNoted = k.finishNoted
            // The runner's own lines after the copy go too; the replay's come again on the way.
            controlLog = Deque(controlLog.filter { $0.time <= k.time })
            // Later copies stay: the replay is deterministic, so they are still its future.
        }
        advance(to: time)
    }
}
