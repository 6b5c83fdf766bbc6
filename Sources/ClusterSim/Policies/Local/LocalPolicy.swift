/// A per-instance scheduler: called once per iteration, it picks the batch (docs/policies.md §2).
///
/// A policy is batching mechanics (vLLM v0, Sarathi-Serve, vLLM v1) with a queue order
/// (`QueueOrder`: FCFS, EDD, MDD, SRPT, urgency). Ids name the mechanics, then `+order`:
/// `sarathi+mdd`, `vllm-v1+edd`; a plain order id (`edd`, `mdd`, `srpt`, `urgency`) means that order
/// on vLLM v1's mechanics, the default engine since 2025. Adding mechanics means one file with its
/// struct (conforming to `BatchingMechanics`, with its `declaration`), and here one case, its lines
/// in `formBatch` and `parts`, and its line in `registered`; adding an order, one case of
/// `QueueOrder` with its declaration and its key in `Instance.nextWaiting` (docs/extending.md).
public enum LocalPolicy: Sendable, Hashable {
    case vllmV0(VLLMv0)
    case sarathi(Sarathi)
    case vllmV1(VLLMv1)

    /// The registry of mechanics, in the order `clustertop policies` lists them and the dashboard
    /// cycles through them.
    static let registered: [Registration] = [
        Registration(LocalPolicy.vllmV0),
        Registration(LocalPolicy.sarathi),
        Registration(LocalPolicy.vllmV1),
    ]

    /// The mechanics a plain order id runs on.
    static let orderMechanics = VLLMv1.declaration.id

    /// Forms the next batch on `instance` into `instance.batch`, admitting and preempting as the policy does.
    func formBatch(
        _ instance: inout Instance, _ requests: inout RequestTable, now: SimTime, hasher: PrefixHasher = .synthetic
    ) -> BatchShape {
        switch self {
        case .vllmV0(let p): p.formBatch(&instance, &requests, now: now, hasher: hasher)
        case .sarathi(let p): p.formBatch(&instance, &requests, now: now, hasher: hasher)
        case .vllmV1(let p): p.formBatch(&instance, &requests, now: now, hasher: hasher)
        }
    }

    /// The mechanics' declaration and the queue order in force.
    var parts: (mechanics: PolicyDeclaration, queue: OrderRule) {
        switch self {
        case .vllmV0(let p): (VLLMv0.declaration, p.queue)
        case .sarathi(let p): (Sarathi.declaration, p.queue)
        case .vllmV1(let p): (VLLMv1.declaration, p.queue)
        }
    }
}

/// What all batching mechanics provide.
protocol BatchingMechanics: Sendable, Hashable {
    static var declaration: PolicyDeclaration { get }
    init(params: PolicyParams) throws
    /// The order in which waiting requests are admitted.
    var queue: OrderRule { get set }
    /// Forms the next batch on `inst` into `inst.batch`, admitting and preempting as the policy does.
    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime, hasher: PrefixHasher)
        -> BatchShape
}

extension LocalPolicy {
    /// One registered mechanics: its declaration and how to build it with a queue order.
    struct Registration: Sendable {
        var declaration: PolicyDeclaration
        var make: @Sendable (PolicyParams, OrderRule) throws -> LocalPolicy

        init<P: BatchingMechanics>(_ wrap: @escaping @Sendable (P) -> LocalPolicy) {
            declaration = P.declaration
            make = { params, queue in
                var p = try P(params: params)
                p.queue = queue
                return wrap(p)
            }
        }
    }

    /// The queue orders that are local policy ids of their own (all but FCFS), with their declarations.
    static let orderDeclarations: [PolicyDeclaration] = QueueOrder.allCases.compactMap(\.declaration)

    /// The local policy ids the dashboard cycles through: every mechanics, then every order on vLLM v1.
    public static let ids = baseIDs + orderDeclarations.map(\.id)

    /// The batching mechanics ids.
    public static let baseIDs = registered.map(\.declaration.id)

    /// Every id a scenario or the command line may name: `ids`, each mechanics with each order,
    /// and `auto`.
    public static let allIDs: [String] = {
        var all = ids
        for base in baseIDs {
            for order in QueueOrder.allCases where order != .fcfs { all.append("\(base)+\(order.rawValue)") }
        }
        return all + [AutoGlobal.localDeclaration.id]
    }()

    /// The policy `id` with `params`; throws for a parameter out of range, and for `auto`, which
    /// is a choice among local policies (`PolicyRegistry.policies` builds it).
    public init(id: LocalPolicyID, params: PolicyParams = PolicyParams()) throws {
        guard !id.isAuto else {
            throw PolicyParamError(
                key: "local", message: "auto is built with its global policy (PolicyRegistry.policies)")
        }
        let rule = id.order == .fcfs ? OrderRule.fcfs : try OrderRule(order: id.order, params: params)
        self = try LocalPolicy.registered[id.mechanics].make(params, rule)
    }

    /// The canonical id: the mechanics, `+order` unless FCFS; an order on vLLM v1 by its plain name.
    public var id: String {
        let (mechanics, queue) = parts
        if queue.order == .fcfs { return mechanics.id }
        if mechanics.id == LocalPolicy.orderMechanics { return queue.order.rawValue }
        return "\(mechanics.id)+\(queue.order.rawValue)"
    }

    /// The queue order in force.
    public var order: QueueOrder { parts.queue.order }
}

// MARK: - Mechanics shared by the local policies

extension Instance {
    /// Hands `tokens` new tokens of request `id` to this iteration and adds them to the batch shape.
    mutating func schedule(
        _ id: Int32, tokens: Int32, _ requests: inout RequestTable, now: SimTime, shape: inout BatchShape
    ) {
        batch.append(BatchEntry(request: id, tokens: tokens))
        // Fields read one by one: a copy of the whole request would load its cold cache line too.
        if requests[id].isDecoding {
            shape.addDecode(context: Int(requests[id].computedTokens))
        } else {
            shape.addPrefill(tokens: Int(tokens), cached: Int(requests[id].computedTokens))
        }
        if requests[id].firstScheduled < 0 { requests[id].firstScheduled = now }
    }

    /// Blocks request `id` must still get to hold `tokens` tokens of KV.
    func blocksNeeded(_ id: Int32, tokens: Int32, _ requests: RequestTable) -> Int32 {
        max(0, KVCache.blocksFor(tokens: tokens) - requests[id].blocks)
    }

    mutating func grant(_ n: Int32, to id: Int32, _ requests: inout RequestTable) {
        kv.allocate(n)
        requests[id].blocks += n
    }

    /// Moves the head of `waiting` to the end of `running`, with the blocks it was granted.
    mutating func admitHead(blocks n: Int32, _ requests: inout RequestTable, now: SimTime) -> Int32 {
        admitWaiting(at: 0, blocks: n, &requests, now: now)
    }

    /// Moves the request at `position` in `waiting` to the end of `running`, with `n` more blocks.
    mutating func admitWaiting(at position: Int, blocks n: Int32, _ requests: inout RequestTable, now: SimTime) -> Int32
    {
        let id = position == 0 ? waiting.removeFirst() : waiting.remove(at: position)
        waitingTokens -= Int64(requests[id].pendingTokens)
        if requests[id].swappedBlocks > 0 { swapIn(id, &requests) }
        grant(n, to: id, &requests)
        requests[id].phase = .running
        requests[id].admittedAt = now
        prefixQueryTokens += Int64(requests[id].promptTokens)
        running.append(id)
        return id
    }

    /// Recompute preemption of the most recently admitted running request (vLLM v0 and v1,
    /// `vllm/core/scheduler.py` of https://github.com/vllm-project/vllm): its blocks are freed, its
    /// progress is dropped, and it returns to
    /// the front of `waiting`. A migration of the victim aborts. Returns the victim.
    mutating func preemptYoungest(_ requests: inout RequestTable) -> Int32 {
        let victim = running.removeLast()
        // With a swapping CPU tier the victim's KV is copied out and its progress kept (`KVTiers`).
        let swapped = kv.tiers != nil && swapOut(victim, &requests)
        releaseBlocks(of: victim, &requests)
        if !swapped { requests[victim].computedTokens = 0 }
        requests[victim].phase = .waiting
        requests[victim].preemptions += 1
        requests[victim].migration = .none
        waiting.prepend(victim)
        waitingTokens += Int64(requests[victim].pendingTokens)
        preemptions += 1
        return victim
    }

    /// Gives running requests whose prompt is not done their next chunk of at most `budget`
    /// tokens, in admission order, granting blocks for it; a request whose blocks do not fit waits.
    /// Returns tokens used. (Under Sarathi the whole prompt's blocks were granted at admission;
    /// after a policy switch they may not have been.)
    mutating func continuePrefills(
        _ requests: inout RequestTable, now: SimTime, budget: Int32, shape: inout BatchShape
    ) -> Int32 {
        var used: Int32 = 0
        var i = 0
        while i < running.count && used < budget {
            let id = running[i]
            let r = requests[id]
            i += 1
            guard !r.isDecoding, r.migration != .stopped else { continue }
            let chunk = min(r.pendingTokens, budget - used)
            let need = blocksNeeded(id, tokens: r.computedTokens + chunk, requests)
            guard need <= kv.freeBlocks else { continue }
            grant(need, to: id, &requests)
            schedule(id, tokens: chunk, &requests, now: now, shape: &shape)
            used += chunk
        }
        return used
    }

    /// Gives every decoding request in `running` its one token, in admission order, preempting the
    /// youngest running request whenever a new KV block is missing (the victim may be the request
    /// itself, which ends the pass). Stops when `budget` decode tokens are used. Returns tokens used.
    mutating func scheduleDecodes(
        _ requests: inout RequestTable, now: SimTime, budget: Int32, shape: inout BatchShape
    ) -> Int32 {
        var used: Int32 = 0
        var i = 0
        // Requests that sat out a prefill iteration are out of the CPU's caches at scale: load ahead.
        let ahead = RequestTable.prefetchDistance
        for k in 0..<min(ahead, running.count) { requests.prefetch(running[k]) }
        while i < running.count && used < budget {
            if i + ahead < running.count { requests.prefetch(running[i + ahead]) }
            let id = running[i]
            guard requests[id].isDecoding, requests[id].migration != .stopped else {
                i += 1
                continue
            }
            let need = blocksNeeded(id, tokens: requests[id].computedTokens + 1, requests)
            var selfPreempted = false
            while need > kv.freeBlocks {
                if preemptYoungest(&requests) == id {
                    selfPreempted = true
                    break
                }
            }
            if selfPreempted { break }
            grant(need, to: id, &requests)
            schedule(id, tokens: 1, &requests, now: now, shape: &shape)
            used += 1
            i += 1
        }
        return used
    }
}
