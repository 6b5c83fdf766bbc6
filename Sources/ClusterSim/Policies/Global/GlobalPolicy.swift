/// A cluster-wide policy: picks the instance for each arriving request, and may act periodically
/// (migration pairing, autoscaling) (docs/policies.md §1).
///
/// Adding a policy means one file with its struct and one case here.
public enum GlobalPolicy: Sendable, Hashable {
    case roundRobin(RoundRobin)
    case leastOutstanding(LeastOutstanding)
    case infaas(Infaas)
    case llumnix(Llumnix)
    case hexgen(HexGen)
    case prefixAffinity(PrefixAffinity)

    /// Every global policy id, in the order the dashboard cycles through them.
    public static let ids = ["round-robin", "least-outstanding", "infaas", "llumnix", "hexgen", "prefix-affinity"]

    public init?(id: String, params: PolicyParams = PolicyParams()) throws {
        switch id {
        case "round-robin": self = .roundRobin(RoundRobin())
        case "least-outstanding": self = .leastOutstanding(LeastOutstanding())
        case "infaas": self = .infaas(try Infaas(params: params))
        case "llumnix": self = .llumnix(try Llumnix(params: params))
        case "hexgen": self = .hexgen(try HexGen(params: params))
        case "prefix-affinity": self = .prefixAffinity(try PrefixAffinity(params: params))
        default: return nil
        }
    }

    public var id: String {
        switch self {
        case .roundRobin: "round-robin"
        case .leastOutstanding: "least-outstanding"
        case .infaas: "infaas"
        case .llumnix: "llumnix"
        case .hexgen: "hexgen"
        case .prefixAffinity: "prefix-affinity"
        }
    }

    /// The instance for request `r` of `model` (nil: any model), or nil when no instance accepts it.
    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher
    ) -> Int32? {
        switch self {
        case .roundRobin(var p):
            let chosen = p.dispatch(model: model, instances: instances)
            self = .roundRobin(p)
            return chosen
        case .leastOutstanding(let p):
            return p.dispatch(model: model, instances: instances)
        case .infaas(let p):
            return p.load.freestInstance(for: r, model: model, instances: instances, requests: requests)
        case .llumnix(let p):
            return p.load.freestInstance(for: r, model: model, instances: instances, requests: requests)
        case .hexgen(let p):
            return p.dispatch(r, model: model, instances: instances)
        case .prefixAffinity(let p):
            return p.dispatch(r, model: model, instances: instances, hasher: hasher)
        }
    }

    /// Period of the policy's periodic work (`tick` events), or nil when it has none.
    var tickPeriod: SimTime? {
        switch self {
        case .infaas(let p): p.scaling.enabled ? p.scaling.interval : nil
        case .llumnix(let p): p.pairingInterval
        default: nil
        }
    }

    /// Its autoscaling rule, if it has one.
    var scaling: Autoscaling? {
        switch self {
        case .infaas(let p): p.scaling.enabled ? p.scaling : nil
        case .llumnix(let p): p.scaling.enabled ? p.scaling : nil
        default: nil
        }
    }

    /// Its load metric (Llumnix's freeness), if it has one.
    var freeness: Freeness? {
        switch self {
        case .infaas(let p): p.load
        case .llumnix(let p): p.load
        default: nil
        }
    }
}

extension Instance {
    /// Takes new requests of `model` (nil: any model).
    func accepts(model: String?) -> Bool {
        accepting && (model == nil || model == self.model.id)
    }
}

extension Array where Element == Instance {
    /// `self[i].accepts(model:)`, reading the fields in place: calling a method on `self[i]` may copy
    /// the whole instance (a dozen reference counts), which dispatch would do for every instance of
    /// every request.
    @inline(__always) func accepts(_ i: Int, model: String?) -> Bool {
        self[i].status == .active && (model == nil || self[i].model.id == model)
    }
}
