/// A cluster-wide dispatcher: picks the instance for each arriving request (research/policies.md §1).
///
/// Adding a policy means one file with its struct and one case here.
public enum GlobalPolicy: Sendable, Hashable {
    case roundRobin(RoundRobin)
    case leastOutstanding(LeastOutstanding)

    /// Every global policy id, in the order the dashboard cycles through them.
    public static let ids = ["round-robin", "least-outstanding"]

    public init?(id: String, params: PolicyParams = PolicyParams()) throws {
        switch id {
        case "round-robin": self = .roundRobin(RoundRobin())
        case "least-outstanding": self = .leastOutstanding(LeastOutstanding())
        default: return nil
        }
    }

    public var id: String {
        switch self {
        case .roundRobin: "round-robin"
        case .leastOutstanding: "least-outstanding"
        }
    }

    /// The instance for a request of `model` (nil: any model), or nil when no instance accepts it.
    mutating func dispatch(model: String?, instances: [Instance]) -> Int32? {
        switch self {
        case .roundRobin(var p):
            let chosen = p.dispatch(model: model, instances: instances)
            self = .roundRobin(p)
            return chosen
        case .leastOutstanding(let p):
            return p.dispatch(model: model, instances: instances)
        }
    }
}

extension Instance {
    /// Takes new requests of `model` (nil: any model).
    func accepts(model: String?) -> Bool {
        accepting && (model == nil || model == self.model.id)
    }
}
