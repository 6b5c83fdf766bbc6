/// "If I switched to these policies now, what would the next minute look like?": the cluster
/// forked once per candidate policy pair, each fork run ahead the same horizon on the same future
/// arrivals, and the candidates compared.
///
/// A fork is a copy of the `Simulation` value switched by the path a live policy switch takes
/// (`Simulation.fork`); what is measured is defined by `HorizonBaseline` (figures over the horizon
/// only). The candidate that keeps the policies in force keeps their state too. Every fork is pure
/// simulation, so results are the same whatever runs them in parallel (`WhatIfRun`), in candidate
/// order.
public struct WhatIf: Sendable {
    /// One policy pair to try.
    public struct Candidate: Sendable, Hashable {
        public var global: GlobalPolicyID
        public var local: LocalPolicyID

        public init(global: GlobalPolicyID, local: LocalPolicyID) {
            self.global = global
            self.local = local
        }

        /// "global / local".
        public var label: String { "\(global) / \(local)" }
    }

    /// One candidate's figures over the horizon.
    public struct Result: Sendable, Hashable {
        public var candidate: Candidate
        public var figures: HorizonFigures
        /// P99 TTFT (ms) of the first tokens in each of `WhatIf.slices` equal slices of the horizon.
        public var series: [Double]
        /// The candidate is the pair in force when the cluster was forked.
        public var isCurrent: Bool
        /// The best candidate by `WhatIf.ranks(before:_:)`.
        public var isBest: Bool = false
    }

    /// The cluster at the instant of the fork.
    public var base: Simulation
    public var candidates: [Candidate]
    public var horizon: SimTime
    /// Points of each candidate's series (and progress steps of each fork).
    public var slices: Int

    public static let defaultHorizonSeconds = 60.0

    public init(
        base: Simulation, candidates: [Candidate], horizonSeconds: Double = defaultHorizonSeconds, slices: Int = 20
    ) {
        self.base = base
        self.candidates = candidates
        self.horizon = Time.seconds(horizonSeconds)
        self.slices = max(1, slices)
    }

    /// Every pair of `globals` × `locals`, globals outer, without repeats.
    public static func candidates(global globals: [GlobalPolicyID], local locals: [LocalPolicyID]) -> [Candidate] {
        var out: [Candidate] = []
        for g in globals {
            for l in locals where !out.contains(Candidate(global: g, local: l)) {
                out.append(Candidate(global: g, local: l))
            }
        }
        return out
    }

    /// The pair in force now, then every other global policy with the local one in force, then
    /// every batching mechanics with the global one in force: what to try when nobody said.
    public static func defaultCandidates(for sim: Simulation) -> [Candidate] {
        let (g, l) = (sim.globalPolicyID, sim.localPolicyID)
        var out = [Candidate(global: g, local: l)]
        for other in GlobalPolicyID.all where other != g && !other.isAuto {
            out.append(Candidate(global: other, local: l))
        }
        for base in LocalPolicy.baseIDs where base != l.rawValue {
            if let id = LocalPolicyID(base) { out.append(Candidate(global: g, local: id)) }
        }
        return out
    }

    /// Candidate `i`'s fork: the base switched to its policies (`Simulation.switchPolicies`, with
    /// the scenario's parameters); a policy already in force is kept as it is.
    public func fork(_ i: Int) throws -> Simulation {
        var fork = base
        try fork.switchPolicies(global: candidates[i].global, local: candidates[i].local)
        return fork
    }

    /// Runs candidate `i`'s fork over the horizon; `progress` gets the share done after each
    /// slice and says whether to go on. nil when it was told to stop.
    public func run(_ i: Int, progress: (Double) -> Bool = { _ in true }) throws -> Result? {
        var sim = try fork(i)
        var series: [Double] = []
        series.reserveCapacity(slices)
        let figures = sim.runHorizon(horizon, slices: slices) { k, p99 in
            series.append(p99)
            return progress(Double(k + 1) / Double(slices))
        }
        guard let figures else { return nil }
        let c = candidates[i]
        return Result(candidate: c, figures: figures, series: series, isCurrent: WhatIf.isCurrent(c, in: base))
    }

    /// `candidate` is the pair in force in `sim`.
    public static func isCurrent(_ candidate: Candidate, in sim: Simulation) -> Bool {
        candidate.global == sim.globalPolicyID && candidate.local == sim.localPolicyID
    }

    /// Every candidate, one after another, best marked.
    public func runAll() throws -> [Result] {
        WhatIf.markBest(try candidates.indices.map { try run($0)! })
    }

    /// `results` with the best one marked (`ranks(before:_:)`; the first of equals wins).
    public static func markBest(_ results: [Result]) -> [Result] {
        var out = results.map { r -> Result in
            var r = r
            r.isBest = false
            return r
        }
        guard var best = out.indices.first else { return out }
        for i in out.indices.dropFirst() where ranks(out[i].figures, before: out[best].figures) { best = i }
        out[best].isBest = true
        return out
    }

    /// The rule that marks the best: higher SLO attainment first (none decided counts as 100%),
    /// then lower P99 TTFT, then higher throughput.
    public static func ranks(_ a: HorizonFigures, before b: HorizonFigures) -> Bool {
        let sa = a.sloAttainment ?? 1, sb = b.sloAttainment ?? 1
        if sa != sb { return sa > sb }
        if a.ttftP99Milliseconds != b.ttftP99Milliseconds { return a.ttftP99Milliseconds < b.ttftP99Milliseconds }
        return a.outputTokensPerSecond > b.outputTokensPerSecond
    }
}
