/// A global policy that learns online which other global policy to run: every decision interval
/// it forks the cluster once per candidate (the surrogate), scores each candidate's loss over a
/// short horizon per tenant, updates exponential weights per tenant, and switches to the
/// candidate the tenants' weights favour most.
///
/// Follows two ideas of the seed papers: groupwise regret (Blum & Lykouris, "Advancing subgroup
/// fairness via sleeping experts", ITCS 2020; Acharya et al. 2023: with disjoint groups, one
/// external-regret learner per group), here one learner per tenant; and surrogate-based online
/// training (Meyer et al., "Training Deep Surrogate Models with Large Scale Online Learning",
/// ICML 2023), here the simulator itself is the surrogate and every decision trains on fresh
/// forks rather than a fixed data set.
///
/// The rule, per tenant g and candidate c, at decision t: the surrogate measures the loss
/// ℓ_t(g, c) = (1 − w)·(1 − SLO attainment) + w·T / (T + ttft_ms) in [0, 1] of the fork of c over
/// the next `auto_horizon_s`, T being the P99 TTFT with the requests still waiting at the horizon's
/// end counted at their waits (w = `auto_tail_weight`); L_t(g, c) = γ·L_{t−1}(g, c) + ℓ_t(g, c) (γ = `auto_memory`);
/// p_t(g, c) ∝ exp(−η·L_t(g, c)) (η = `auto_rate`). The policy put in force is the argmax over c of
/// Σ_g share(g)·p_t(g, c), share(g) being g's share of the arrivals over the horizon (ties keep the
/// one in force). With γ = 1 each tenant's learner is optimistic Hedge (Rakhlin & Sridharan, COLT
/// 2013) whose prediction is the surrogate's loss itself, so its regret against the best single
/// candidate in hindsight, measured on the surrogate's losses, is at most ln N / η for N
/// candidates; against the true counterfactual losses it gains η·Σ_t ‖ℓ_t − m_t‖²∞, the surrogate's
/// error, which is not measured. With γ < 1 (the default, 0.5) the weights forget, to follow a
/// regime change; no bound against a fixed policy is claimed then, and the measured regret is
/// reported (`AutoSummary`). The policy played is one per cluster, so a tenant's own regret bound
/// holds for its learner's choice, not for the compromise played when tenants disagree.
///
/// Forks run the candidates as fixed policies (they never recurse). Cost: N forks of
/// `auto_horizon_s` every `auto_interval_s`, about N·horizon/interval times the run itself.
/// The local `auto` is the same learner over local policies: with local `auto`, every global
/// candidate (the global policy in force, or all of them under the global `auto`) is tried with
/// each local policy `auto_locals` selects, and a switch puts both in force (a `PolicyAction`).
/// `auto_alpha_grid` = 1 tunes HexGen's α instead of choosing the global policy: the candidates
/// are `hexgen` at α ∈ {0, 0.1, …, 0.5}, the grid the HexGen-Text2SQL paper searches by
/// simulation.
public struct AutoGlobal: GlobalPolicyRules {
    public static let intervalParameter = PolicyParameter.number(
        "auto_interval_s", default: 20, in: 1...3600, help: "simulated seconds between decisions")
    public static let horizonParameter = PolicyParameter.number(
        "auto_horizon_s", default: 30, in: 0.5...600, help: "simulated seconds each candidate's fork runs ahead")
    public static let rateParameter = PolicyParameter.number(
        "auto_rate", default: 4, in: 0.01...1000, help: "learning rate eta of the exponential weights")
    public static let memoryParameter = PolicyParameter.number(
        "auto_memory", default: 0.5, in: 0...1, help: "gamma: weight kept of past losses per decision (1: Hedge)")
    public static let candidatesParameter = PolicyParameter.integer(
        "auto_candidates", default: 0, in: 0...1023,
        help: "bit i set: the i-th global policy of `clustertop policies` is a candidate", shown: "0 (all)")
    public static let localsParameter = PolicyParameter.integer(
        "auto_locals", default: 0, in: 0...127,
        help: "bit i set: the i-th local policy of `clustertop policies` is a candidate",
        shown: "0 (vllm-v0, sarathi, vllm-v1)")
    public static let tailWeightParameter = PolicyParameter.number(
        "auto_tail_weight", default: 0.25, in: 0...1,
        help: "weight of the tail TTFT in the loss (the rest: SLO misses)")
    public static let alphaGridParameter = PolicyParameter.integer(
        "auto_alpha_grid", default: 0, in: 0...1, help: "1: candidates are hexgen at alpha 0, 0.1, ..., 0.5")
    public static let declaration = PolicyDeclaration(
        id: "auto", scope: .global,
        summary: "learns online which global policy to run: forks per candidate, exponential weights per tenant",
        source: "groupwise regret (Blum & Lykouris 2020) with a simulation surrogate (Meyer et al. 2023)",
        parameters: [
            intervalParameter, horizonParameter, rateParameter, memoryParameter, tailWeightParameter,
            candidatesParameter, alphaGridParameter,
        ])
    /// The local `auto`: the same learner choosing the local policy (`PolicyRegistry.policies`).
    public static let localDeclaration = PolicyDeclaration(
        id: "auto", scope: .local,
        summary:
            "learns online which local policy to run, with the global one in force (or the global auto): forks per candidate pair",
        source: "as the global auto; its auto_* parameters apply",
        parameters: [localsParameter])

    /// The candidates as fixed policies, and their names in the timeline.
    public private(set) var names: [String]
    var candidates: [GlobalPolicy]
    /// Per candidate, the local policy it puts in force (nil: it keeps the one in force).
    var locals: [LocalPolicy?]
    /// The candidate in force (one element: a policy holding a policy needs the indirection).
    var active: [GlobalPolicy]
    public private(set) var current: Int = 0
    let interval: SimTime
    let horizon: SimTime
    let rate: Double
    let memory: Double
    let tailWeight: Double
    let period: SimTime
    var nextDecision: SimTime = 0
    var nextInnerTick: SimTime = .max
    /// Per tenant, per candidate: the discounted losses L.
    var weighted: [[Double]] = []
    public private(set) var summary = AutoSummary()

    public init(params: PolicyParams) throws { try self.init(params: params, global: nil, learnsLocal: false) }

    /// The learner over `global` alone, or over every global policy `auto_candidates` selects
    /// (nil), each with every local policy `auto_locals` selects when `learnsLocal`.
    public init(params: PolicyParams, global: GlobalPolicyID?, learnsLocal: Bool) throws {
        interval = Time.seconds(try params.number(AutoGlobal.intervalParameter))
        horizon = Time.seconds(try params.number(AutoGlobal.horizonParameter))
        rate = try params.number(AutoGlobal.rateParameter)
        memory = try params.number(AutoGlobal.memoryParameter)
        tailWeight = try params.number(AutoGlobal.tailWeightParameter)
        if let global {
            guard !global.isAuto else {
                throw PolicyParamError(key: "global", message: "auto cannot be its own candidate")
            }
            candidates = [try GlobalPolicy(id: global, params: params)]
            names = [global.rawValue]
        } else if try params.integer(AutoGlobal.alphaGridParameter) == 1 {
            candidates = []
            names = []
            for step in 0...5 {
                var p = params
                p.values[HexGen.alphaParameter.name] = Double(step) / 10
                candidates.append(.hexgen(try HexGen(params: p)))
                names.append("hexgen(alpha=0.\(step))")
            }
        } else {
            let mask = try params.integer(AutoGlobal.candidatesParameter)
            let fixed = GlobalPolicy.registered.enumerated().filter {
                $0.element.declaration.id != AutoGlobal.declaration.id
            }
            let chosen = fixed.filter { mask == 0 || mask & (1 << $0.offset) != 0 }
            guard !chosen.isEmpty else {
                throw PolicyParamError(key: AutoGlobal.candidatesParameter.name, message: "no global policy selected")
            }
            candidates = try chosen.map { try $0.element.make(params) }
            names = chosen.map(\.element.declaration.id)
        }
        locals = Array(repeating: nil, count: candidates.count)
        // Local candidates: every global candidate with every selected local policy.
        if learnsLocal {
            let localMask = try params.integer(AutoGlobal.localsParameter)
            let ids =
                localMask == 0
                ? LocalPolicy.baseIDs
                : LocalPolicy.ids.enumerated().filter { localMask & (1 << $0.offset) != 0 }.map(\.element)
            guard !ids.isEmpty else {
                throw PolicyParamError(key: AutoGlobal.localsParameter.name, message: "no local policy selected")
            }
            let built = try ids.map { try LocalPolicy(id: LocalPolicyID($0)!, params: params) }
            let (globals, globalNames) = (candidates, names)
            candidates = []
            names = []
            locals = []
            for (g, name) in zip(globals, globalNames) {
                for (l, id) in zip(built, ids) {
                    candidates.append(g)
                    locals.append(l)
                    names.append("\(name) / \(id)")
                }
            }
        }
        active = [candidates[0]]
        // Ticks often enough for every candidate's own periodic work and for the decisions.
        period = ([interval] + candidates.compactMap(\.tickPeriod)).min()!
        summary.timeline = [AutoSummary.Span(startSeconds: 0, policy: names[0])]
        summary.losses = Array(repeating: 0, count: candidates.count)
        summary.names = names
    }

    var tickPeriod: SimTime? { period }

    var queuesHighPriorityFirst: Bool { active[0].queuesHighPriorityFirst }

    mutating func start(at now: SimTime) {
        active[0].start(at: now)
        nextInnerTick = active[0].tickPeriod.map { now + $0 } ?? .max
        // The first decision comes at the first tick, once there is something to forecast.
        nextDecision = now
    }

    /// The policy in force dispatches; the index keeps every tree it has built up to date, so a
    /// switch between candidates leaves none stale.
    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        active[0].dispatch(r, model: model, instances: instances, requests: requests, hasher: hasher, index: &index)
    }

    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster) {
        if cluster.now >= nextInnerTick, let p = active[0].tickPeriod {
            active[0].tick(&cluster)
            nextInnerTick = cluster.now + p
        }
        guard cluster.now >= nextDecision else { return }
        nextDecision = cluster.now + interval
        var forks = candidates
        forks[current] = active[0]
        let figures = cluster.forecast(Array(zip(forks, locals)), horizon: horizon)
        guard figures.count == candidates.count else { return }
        decide(figures, now: cluster.now, sloTTFT: cluster.tenantTTFTObjectives)
        // (The engine ignores a local policy already in force.)
        if let local = locals[current] { cluster.perform(.setLocalPolicy(local)) }
    }

    /// One decision on the surrogate's `figures` (one per candidate).
    mutating func decide(_ figures: [HorizonFigures], now: SimTime, sloTTFT: [Double]) {
        let n = candidates.count
        let groups = figures[0].tenants.count
        if weighted.count != groups { weighted = Array(repeating: Array(repeating: 0, count: n), count: groups) }
        let arrivals = figures[0].tenants.map { Double($0.arrived) }
        let total = arrivals.reduce(0, +)
        let shares =
            total > 0 ? arrivals.map { $0 / total } : Array(repeating: 1 / Double(max(groups, 1)), count: groups)
        var score = Array(repeating: 0.0, count: n)
        var roundLoss = Array(repeating: 0.0, count: n)
        for g in 0..<groups {
            let losses = figures.map {
                AutoGlobal.loss($0.tenants[g], ttftObjective: sloTTFT[g], tailWeight: tailWeight)
            }
            for c in 0..<n {
                weighted[g][c] = memory * weighted[g][c] + losses[c]
                roundLoss[c] += shares[g] * losses[c]
            }
            let least = weighted[g].min() ?? 0
            let w = weighted[g].map { _exp(-rate * ($0 - least)) }
            let sum = w.reduce(0, +)
            for c in 0..<n { score[c] += shares[g] * w[c] / sum }
        }
        var chosen = current
        for c in 0..<n where score[c] > score[chosen] { chosen = c }
        summary.decisions += 1
        summary.incurred += roundLoss[chosen]
        for c in 0..<n { summary.losses[c] += roundLoss[c] }
        guard chosen != current else { return }
        current = chosen
        active = [candidates[chosen]]
        active[0].start(at: now)
        nextInnerTick = active[0].tickPeriod.map { now + $0 } ?? .max
        // A switch at the instant the span in force began (the first decision) replaces it.
        let start = Time.toSeconds(now)
        if summary.timeline.last?.startSeconds == start { summary.timeline.removeLast() }
        summary.timeline.append(AutoSummary.Span(startSeconds: start, policy: names[chosen]))
    }

    /// A tenant's loss over a fork's horizon, in [0, 1): SLO misses, and with weight `tailWeight`
    /// the tail TTFT, waits of requests still queued included (`HorizonBaseline`), as T / (T + o)
    /// for the objective o: ½ at the objective, rising towards 1 without a cap, so a long tail
    /// still tells candidates apart when every one misses.
    static func loss(_ t: HorizonFigures.Tenant, ttftObjective ms: Double, tailWeight: Double) -> Double {
        let missed = 1 - (t.sloAttainment ?? 1)
        let p99 = t.ttftP99WithWaitingMilliseconds
        let tail = ms > 0 && p99 > 0 ? p99 / (p99 + ms) : 0
        return (1 - tailWeight) * missed + tailWeight * tail
    }
}

/// What an `auto` policy did: which candidate was in force from when, and its regret against the
/// best single candidate in hindsight, computed from the per-decision losses the surrogate (the
/// forks) measured for every candidate.
public struct AutoSummary: Sendable, Hashable, Codable {
    /// One candidate in force from `startSeconds` until the next span starts (or the run ends).
    public struct Span: Sendable, Hashable, Codable {
        public var startSeconds: Double
        public var policy: String
    }

    public var timeline: [Span] = []
    public var decisions: Int64 = 0
    /// The candidates' names, and each one's summed surrogate loss (arrival-weighted over tenants).
    public var names: [String] = []
    public var losses: [Double] = []
    /// The summed surrogate loss of the candidates chosen.
    public var incurred: Double = 0

    /// The candidate with the least summed loss (the first of equals).
    public var bestFixed: (name: String, loss: Double)? {
        guard let i = losses.indices.min(by: { losses[$0] < losses[$1] }) else { return nil }
        return (names[i], losses[i])
    }

    /// Summed loss incurred minus that of the best single candidate in hindsight.
    public var regret: Double { incurred - (bestFixed?.loss ?? incurred) }

    /// "0s round-robin; 0.1s llumnix; 40s infaas": when each candidate took over (tenths below 10 s,
    /// where the first decision comes, at the first tick).
    public var timelineText: String {
        timeline.map { "\(Report.number($0.startSeconds, $0.startSeconds < 10 ? 1 : 0))s \($0.policy)" }
            .joined(separator: "; ")
    }
}
