/// Something the simulation did that the event log shows: a typed value, rendered to text once by
/// `description`, so readers (the dashboard) tell events apart by case rather than by wording.
public enum SimulationEvent: Sendable, Hashable, CustomStringConvertible {
    case spikeStarted(factor: Double, durationSeconds: Double)
    case spikeEnded(factor: Double)
    case globalPolicySwitched(GlobalPolicyID)
    case localPolicySwitched(LocalPolicyID)
    case instanceFailed(Int)
    /// An added instance is loading; it serves once `instanceReady` follows.
    case instanceStarting(Int, gpu: String, model: String, tensorParallel: Int)
    case instanceReady(Int)
    case instanceDraining(Int)
    case instanceRetired(Int)
    /// The instance drains its work before it serves as `role`; `roleSwitched` follows.
    case roleSwitching(Int, role: InstanceRole)
    case roleSwitched(Int, role: InstanceRole)
    case decodeChoiceSwitched(DecodeChoice)
    /// The autoscaler adds `count` instances (the free-capacity measure fell below its threshold).
    case scaleOut(freeness: Double, threshold: Double, count: Int)
    /// The autoscaler drains `instance` (the free-capacity measure rose above its threshold).
    case scaleIn(freeness: Double, threshold: Double, instance: Int)
    /// A command that could not apply to the cluster as it is, and why.
    case commandIgnored(Command, reason: IgnoredReason)
    case recordingStarted(path: String)
    case recordingStopped(path: String)
    /// The recording stopped by itself: a write failed.
    case recordingFailed(OutputError)
    /// A `Command.note`'s text.
    case noted(String)

    /// Why a command was ignored.
    public enum IgnoredReason: Sendable, Hashable {
        case unknownPolicy
        case instanceNotLive
        case instanceNotActive
        case cannotAdd
        /// A value out of the bounds every command is held to (`Command.problem`).
        case outOfBounds(key: String, message: String)
        /// Adding would pass the instance limit; `live` instances are running or starting.
        case instanceLimit(live: Int)
    }

    public var description: String {
        switch self {
        case .spikeStarted(let f, let d): Command.spike(factor: f, durationSeconds: d).summary
        case .spikeEnded(let f): "spike x\(Report.number(f, 2)) ended"
        case .globalPolicySwitched(let id): Command.setGlobalPolicy(id).summary
        case .localPolicySwitched(let id): Command.setLocalPolicy(id).summary
        case .instanceFailed(let i): Command.fail(instance: i).summary
        case .instanceStarting(let i, let gpu, let model, let tp): "instance \(i) starting (\(gpu), \(model), tp \(tp))"
        case .instanceReady(let i): "instance \(i) ready"
        case .instanceDraining(let i): Command.drain(instance: i).summary
        case .instanceRetired(let i): "instance \(i) drained and retired"
        case .roleSwitching(let i, let role): Command.setRole(instance: i, role: role).summary
        case .roleSwitched(let i, let role): "instance \(i) now serves as \(role.rawValue)"
        case .decodeChoiceSwitched(let c): Command.setDecodeChoice(c).summary
        case .scaleOut(let freeness, let threshold, let count):
            "autoscale: freeness \(Report.number(freeness, 1)) < \(Report.number(threshold, 0)), adding \(count)"
        case .scaleIn(let freeness, let threshold, let instance):
            "autoscale: freeness \(Report.number(freeness, 1)) > \(Report.number(threshold, 0)), draining \(instance)"
        case .commandIgnored(let command, .outOfBounds(let key, let message)):
            "\(command.summary) ignored: \(key): \(message)"
        case .commandIgnored(_, .instanceLimit(let live)):
            "cannot add an instance: \(live) are live, at most \(ScenarioParser.Limits.maxInstances); ignored"
        case .commandIgnored(let command, _): Self.ignoredText(command)
        case .recordingStarted(let path): "recording to \(path)"
        case .recordingStopped(let path): "recording stopped (\(path))"
        case .recordingFailed(let failure): "recording stopped: \(failure)"
        case .noted(let text): text
        }
    }

    /// The wording of an ignored command; each command has one way to be ignored today, so the
    /// command alone picks the words.
    static func ignoredText(_ command: Command) -> String {
        let what =
            switch command {
            case .setGlobalPolicy(let id): "unknown global policy \(id)"
            case .setLocalPolicy(let id): "unknown local policy \(id)"
            case .fail(let i): "no live instance \(i) to fail"
            case .drain(let i): "no active instance \(i) to drain"
            case .setRole(let i, _): "no active instance \(i) to move between pools"
            case .setDecodeChoice(let c): "decode choice \(c.rawValue)"
            case .add(let gpu, let model, let tp): "cannot add \(model) on \(gpu) tp \(tp)"
            case .spike, .note: command.summary
            }
        return what + "; ignored"
    }
}

/// One entry of the event log the dashboard shows.
public struct LogEntry: Sendable, Hashable {
    public var time: SimTime
    public var event: SimulationEvent

    public init(time: SimTime, event: SimulationEvent) {
        self.time = time
        self.event = event
    }

    /// The entry's wording.
    public var text: String { event.description }
}
