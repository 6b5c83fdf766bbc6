/// Something done to a running cluster at a simulated instant: by a scenario event, a key press
/// in the dashboard, or a recording being replayed. One mechanism for all three.
public enum Command: Sendable, Hashable {
    /// Multiply every stream's arrival rate by `factor` for `durationSeconds`.
    case spike(factor: Double, durationSeconds: Double)
    /// Switch the global policy (dispatch, migration, scaling).
    case setGlobalPolicy(String)
    /// Switch the local policy of every instance (batching, queue order).
    case setLocalPolicy(String)
    /// The instance fails: its requests lose their KV and are dispatched again.
    case fail(instance: Int)
    /// A new instance starts (it serves after its start-up delay).
    case add(gpu: String, model: String, tensorParallel: Int)
    /// The instance takes no new requests and retires once empty.
    case drain(instance: Int)

    /// A short description for event logs.
    public var summary: String {
        switch self {
        case .spike(let f, let d): "spike x\(Report.number(f, 2)) for \(Report.number(d, 1)) s"
        case .setGlobalPolicy(let id): "global policy -> \(id)"
        case .setLocalPolicy(let id): "local policy -> \(id)"
        case .fail(let i): "instance \(i) failed"
        case .add(let gpu, let model, let tp): "instance added (\(gpu), \(model), tp \(tp))"
        case .drain(let i): "instance \(i) draining"
        }
    }
}
