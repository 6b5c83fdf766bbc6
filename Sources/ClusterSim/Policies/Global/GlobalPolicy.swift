/// A cluster-wide policy: picks the instance for each arriving request, and may act periodically
/// (migration pairing, autoscaling) (docs/policies.md §1).
///
/// Adding a policy means one file with its struct (conforming to `GlobalPolicyRules`, with its
/// `declaration`), and here one case, its line in `visit` and its line in `registered`.
public enum GlobalPolicy: Sendable, Hashable {
    case roundRobin(RoundRobin)
    case leastOutstanding(LeastOutstanding)
    case infaas(Infaas)
    case llumnix(Llumnix)
    case hexgen(HexGen)
    case prefixAffinity(PrefixAffinity)
    case auto(AutoGlobal)

    /// The registry: every global policy, in the order `clustertop policies` lists them and the
    /// dashboard cycles through them.
    static let registered: [Registration] = [
        Registration(GlobalPolicy.roundRobin),
        Registration(GlobalPolicy.leastOutstanding),
        Registration(GlobalPolicy.infaas),
        Registration(GlobalPolicy.llumnix),
        Registration(GlobalPolicy.hexgen),
        Registration(GlobalPolicy.prefixAffinity),
        Registration(GlobalPolicy.auto),
    ]

    /// The one switch over the cases: hands the policy to `visitor` as its own type, so every call
    /// is specialized (no existential), and keeps what the visitor changed.
    @inline(__always)
    mutating func visit<V: GlobalPolicyVisitor>(_ visitor: inout V, _ context: inout V.Context) -> V.Result {
        switch self {
        case .roundRobin(let p): GlobalPolicy.visit(p, GlobalPolicy.roundRobin, &visitor, &context, &self)
        case .leastOutstanding(let p): GlobalPolicy.visit(p, GlobalPolicy.leastOutstanding, &visitor, &context, &self)
        case .infaas(let p): GlobalPolicy.visit(p, GlobalPolicy.infaas, &visitor, &context, &self)
        case .llumnix(let p): GlobalPolicy.visit(p, GlobalPolicy.llumnix, &visitor, &context, &self)
        case .hexgen(let p): GlobalPolicy.visit(p, GlobalPolicy.hexgen, &visitor, &context, &self)
        case .prefixAffinity(let p): GlobalPolicy.visit(p, GlobalPolicy.prefixAffinity, &visitor, &context, &self)
        case .auto(let p): GlobalPolicy.visit(p, GlobalPolicy.auto, &visitor, &context, &self)
        }
    }
}

/// What every global policy provides. Only `declaration`, `init(params:)` and `dispatch` are
/// required; a policy with periodic work also gives `tickPeriod` and `tick`.
protocol GlobalPolicyRules: Sendable, Hashable {
    static var declaration: PolicyDeclaration { get }
    init(params: PolicyParams) throws
    /// The instance for request `r` of `model` (nil: any model), or nil when no instance accepts it.
    /// `index` holds the instances' loads in order, up to date (the engine's `loadIndex`).
    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32?
    /// Period of the policy's periodic work (`tick`), or nil when it has none.
    var tickPeriod: SimTime? { get }
    /// The policy takes over at `now` (at the start of a run, or after a switch).
    mutating func start(at now: SimTime)
    /// The periodic work: reads the cluster and acts on it only through `cluster.perform`.
    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster)
    /// High-priority requests join their instance's queue ahead of normal ones (Llumnix).
    var queuesHighPriorityFirst: Bool { get }
}

extension GlobalPolicyRules {
    var tickPeriod: SimTime? { nil }
    mutating func start(at now: SimTime) {}
    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster) {}
    var queuesHighPriorityFirst: Bool { false }
}

/// Something done with a global policy as its own type (`GlobalPolicy.visit`).
protocol GlobalPolicyVisitor {
    associatedtype Context = Void
    associatedtype Result
    mutating func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Context) -> Result
}

extension GlobalPolicy {
    /// One registered policy: its declaration and how to build it.
    struct Registration: Sendable {
        var declaration: PolicyDeclaration
        var make: @Sendable (PolicyParams) throws -> GlobalPolicy

        init<P: GlobalPolicyRules>(_ wrap: @escaping @Sendable (P) -> GlobalPolicy) {
            declaration = P.declaration
            make = { try wrap(P(params: $0)) }
        }
    }

    /// Every global policy id, in the order the dashboard cycles through them.
    public static let ids = registered.map(\.declaration.id)

    /// The policy `id` with `params`; throws for a parameter out of range.
    public init(id: GlobalPolicyID, params: PolicyParams = PolicyParams()) throws {
        self = try GlobalPolicy.registered[id.index].make(params)
    }

    @inline(__always)
    static func visit<P: GlobalPolicyRules, V: GlobalPolicyVisitor>(
        _ policy: P, _ wrap: (P) -> GlobalPolicy, _ visitor: inout V, _ context: inout V.Context,
        _ slot: inout GlobalPolicy
    ) -> V.Result {
        var policy = policy
        defer { slot = wrap(policy) }
        return visitor.visit(&policy, &context)
    }

    @inline(__always)
    mutating func visit<V: GlobalPolicyVisitor>(_ visitor: inout V) -> V.Result where V.Context == Void {
        var none: Void = ()
        return visit(&visitor, &none)
    }

    /// A read that changes nothing.
    @inline(__always)
    func read<V: GlobalPolicyVisitor>(_ visitor: V) -> V.Result where V.Context == Void {
        var copy = self
        var visitor = visitor
        return copy.visit(&visitor)
    }

    public var declaration: PolicyDeclaration { read(DeclarationOf()) }

    /// What an `auto` policy has done so far; nil for every other policy.
    public var autoSummary: AutoSummary? {
        if case .auto(let p) = self { return p.summary }
        return nil
    }
    public var id: String { declaration.id }

    /// The instance for request `r` of `model` (nil: any model), or nil when no instance accepts it.
    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        var visitor = Dispatch(r: r, model: model, instances: instances, requests: requests, hasher: hasher)
        return visit(&visitor, &index)
    }

    /// `dispatch` with an index built for this one call (tests and one-off questions; the engine
    /// keeps its index up to date between arrivals instead).
    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher
    ) -> Int32? {
        var index = LoadIndex()
        return dispatch(r, model: model, instances: instances, requests: requests, hasher: hasher, index: &index)
    }

    /// Period of the policy's periodic work (`tick` events), or nil when it has none.
    var tickPeriod: SimTime? { read(TickPeriodOf()) }

    var queuesHighPriorityFirst: Bool { read(QueuesHighPriorityFirst()) }

    mutating func start(at now: SimTime) {
        var visitor = Start(now: now)
        visit(&visitor)
    }

    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster) {
        var visitor = Tick<Cluster>()
        visit(&visitor, &cluster)
    }

    struct DeclarationOf: GlobalPolicyVisitor {
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Void) -> PolicyDeclaration {
            P.declaration
        }
    }

    struct TickPeriodOf: GlobalPolicyVisitor {
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Void) -> SimTime? { policy.tickPeriod }
    }

    struct QueuesHighPriorityFirst: GlobalPolicyVisitor {
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Void) -> Bool {
            policy.queuesHighPriorityFirst
        }
    }

    struct Start: GlobalPolicyVisitor {
        var now: SimTime
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Void) { policy.start(at: now) }
    }

    struct Tick<Cluster: PolicyContext>: GlobalPolicyVisitor {
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout Cluster) { policy.tick(&context) }
    }

    struct Dispatch: GlobalPolicyVisitor {
        var r: Request
        var model: String?
        var instances: [Instance]
        var requests: RequestTable
        var hasher: PrefixHasher
        func visit<P: GlobalPolicyRules>(_ policy: inout P, _ context: inout LoadIndex) -> Int32? {
            policy.dispatch(r, model: model, instances: instances, requests: requests, hasher: hasher, index: &context)
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
        self[i].status == .active && self[i].takesPrompts && (model == nil || self[i].model.id == model)
    }
}
