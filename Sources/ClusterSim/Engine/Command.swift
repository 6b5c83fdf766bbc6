/// Something done to a running cluster at a simulated instant: by a scenario event, a key press
/// in the dashboard, or a recording being replayed. One mechanism for all three.
public enum Command: Sendable, Hashable {
    /// Multiply every stream's arrival rate by `factor` for `durationSeconds`.
    case spike(factor: Double, durationSeconds: Double)
    /// Switch the global policy (dispatch, migration, scaling).
    case setGlobalPolicy(GlobalPolicyID)
    /// Switch the local policy of every instance (batching, queue order).
    case setLocalPolicy(LocalPolicyID)
    /// The instance fails: its requests lose their KV and are dispatched again.
    case fail(instance: Int)
    /// A new instance starts (it serves after its start-up delay).
    case add(gpu: String, model: String, tensorParallel: Int)
    /// The instance takes no new requests and retires once empty.
    case drain(instance: Int)
    /// The instance takes no new work, finishes what it holds, then serves as `role`
    /// (disaggregated prefill/decode, Cluster/Disaggregation.swift).
    case setRole(instance: Int, role: InstanceRole)
    /// Switch how the decode instance of a prefilled request is chosen.
    case setDecodeChoice(DecodeChoice)
    /// A line for the event log that changes nothing in the cluster: why the commands around it
    /// were sent (a what-if choice and what it projected), so a replay shows it too.
    case note(String)

    /// The longest text a note keeps (in characters).
    public static let maxNoteLength = 200

    /// A short description for event logs.
    public var summary: String {
        switch self {
        case .spike(let f, let d): "spike x\(Report.number(f, 2)) for \(Report.number(d, 1)) s"
        case .setGlobalPolicy(let id): "global policy -> \(id)"
        case .setLocalPolicy(let id): "local policy -> \(id)"
        case .fail(let i): "instance \(i) failed"
        case .add(let gpu, let model, let tp): "instance added (\(gpu), \(model), tp \(tp))"
        case .drain(let i): "instance \(i) draining"
        case .setRole(let i, let role): "instance \(i) -> \(role.rawValue) pool after draining"
        case .setDecodeChoice(let c): "decode choice -> \(c.rawValue)"
        case .note(let text): text
        }
    }
}

extension Command {
    /// What is wrong with the command's own values, as the key it concerns and a message; nil when
    /// it is valid. The same bounds whichever way a command comes: a scenario event, a key in the
    /// dashboard, a recording; `Simulation` ignores (and logs) a command that fails them.
    public func problem(hardware: Hardware = Hardware()) -> (key: String, message: String)? {
        typealias Limits = ScenarioParser.Limits
        switch self {
        case .spike(let factor, let seconds):
            if let m = rangeProblem("a positive factor", factor, 0...Limits.maxSpikeFactor, openLow: true) {
                return ("factor", m)
            }
            if let m = rangeProblem(
                "a positive number of seconds", seconds, 0...Limits.maxDurationSeconds, openLow: true)
            {
                return ("duration_s", m)
            }
        case .setGlobalPolicy, .setLocalPolicy, .setDecodeChoice:
            break  // a policy id is checked where it is parsed
        case .note(let text):
            if text.count > Command.maxNoteLength {
                return ("text", "expected at most \(Command.maxNoteLength) characters, got \(text.count)")
            }
        case .fail(let i), .drain(let i), .setRole(let i, _):
            if i < 0 || i > 2 * Limits.maxInstances {
                return ("instance", "expected an instance number from 0 to \(2 * Limits.maxInstances), got \(i)")
            }
        case .add(let gpu, let model, let tp):
            if let m = choiceProblem(gpu, among: hardware.gpuIDs) { return ("gpu", m) }
            if let m = choiceProblem(model, among: hardware.modelIDs) { return ("model", m) }
            if let g = hardware.gpu(gpu), let spec = hardware.model(model),
                let m = ScenarioParser.tensorParallelProblem(gpu: g, model: spec, tp: tp)
            {
                return ("tp", m)
            }
        }
        return nil
    }
}

/// "expected a positive factor above 0 to 1000, got 1e300", or nil when `value` is in `range`
/// (above its low end when `openLow`). The message every bounded number in the input gives.
func rangeProblem(
    _ what: String, _ value: Double, _ range: ClosedRange<Double>, openLow: Bool = false, got: String? = nil
) -> String? {
    guard !value.isFinite || !range.contains(value) || (openLow && value == range.lowerBound) else { return nil }
    let low = openLow ? "above \(compact(range.lowerBound))" : "from \(compact(range.lowerBound))"
    return "expected \(what) \(low) to \(compact(range.upperBound)), got \(got ?? compact(value))"
}

/// "expected one of a, b, got "c"; did you mean "a"?", or nil when `value` is one of `choices`
/// (`shown` lists them when only some are worth naming).
func choiceProblem(_ value: String, among choices: [String], shown: [String]? = nil) -> String? {
    choices.contains(value) ? nil : unknownChoice(value, among: choices, shown: shown)
}

/// "expected one of a, b, got "c"; did you mean "a"?": the message for `value`, not one of `choices`.
func unknownChoice(_ value: String, among choices: [String], shown: [String]? = nil) -> String {
    var message = "expected one of \((shown ?? choices).joined(separator: ", ")), got \"\(value)\""
    message += didYouMean(value, among: choices)
    return message
}
