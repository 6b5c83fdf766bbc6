/// What a global policy's periodic work asks the engine to do; the engine carries it out
/// (`Simulation.perform`) without knowing which policy asked.
public enum PolicyAction: Sendable, Hashable {
    /// Live-migrate decoding request `request` (a request slot) from instance `source` to
    /// `destination` (`Simulation+Migration.swift`), with the policy's stage limits.
    case migrate(request: Int32, from: Int32, to: Int32, lastStageBlocks: Int32, maxStages: Int32)
    /// Add `count` instances like the scenario's first instance group: the cluster's freeness
    /// `freeness` is below `threshold`.
    case scaleOut(count: Int, freeness: Double, threshold: Double)
    /// Drain `instance`: the cluster's freeness `freeness` is above `threshold`.
    case scaleIn(instance: Int, freeness: Double, threshold: Double)
    /// Put local policy `policy` in force on every instance (an `auto` policy choosing local
    /// policies online).
    case setLocalPolicy(LocalPolicy)
}

/// What a global policy's periodic work sees of the cluster, and its one way to change it.
/// `Simulation` is one; tests use a recording stand-in.
protocol PolicyContext {
    var now: SimTime { get }
    var instances: [Instance] { get }
    var requests: RequestTable { get }
    var activeMigrations: [MigrationInfo] { get }
    /// KV blocks of an instance that scaling would add (one like the scenario's first group), or
    /// nil when none can be added.
    var addableInstanceBlocks: Int32? { get }
    mutating func perform(_ action: PolicyAction)
    /// Per tenant, its TTFT objective in milliseconds.
    var tenantTTFTObjectives: [Double] { get }
    /// The figures of the next `horizon` under each of `candidates` (a global policy, and a local
    /// one or nil to keep the one in force), run as fixed policies on forks of the cluster
    /// (`WhatIf`); empty where the cluster cannot fork.
    mutating func forecast(_ candidates: [(GlobalPolicy, LocalPolicy?)], horizon: SimTime) -> [HorizonFigures]
}

extension PolicyContext {
    var tenantTTFTObjectives: [Double] { [] }
    mutating func forecast(_ candidates: [(GlobalPolicy, LocalPolicy?)], horizon: SimTime) -> [HorizonFigures] {
        []
    }
}
