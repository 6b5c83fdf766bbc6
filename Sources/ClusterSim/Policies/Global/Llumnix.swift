/// Llumnix: dispatch to the freest instance, live migration between the least and the most free
/// instances, priority headroom, and autoscaling that drains instances by migration.
///
/// Sun et al., "Llumnix: Dynamic Scheduling for LLM Serving", OSDI'24 (https://arxiv.org/abs/2406.03243),
/// with behaviour from its artifact (https://github.com/alibaba/llm-scheduling-artifact) and
/// https://github.com/AlibabaPAI/llumnix:
/// * load: virtual usage and freeness (`Freeness`): head-of-line demand, priority headroom, the
///   infinite usage of an instance being drained;
/// * dispatch: to the instance with the largest dispatch freeness;
/// * migration pairing, every `migration_interval_ms` (50 ms, current Llumnix's polling period):
///   sources are instances with freeness below `migrate_out_threshold` (3 blocks per request) or
///   being drained, destinations those above it; sorted (least free source with most free
///   destination) and paired; each pair moves one request, the most recently admitted decoding
///   request that is not high-priority (LCFS); an instance takes part in one migration at a time;
/// * live migration (`Simulation+Migration.swift`): pre-copy stages while the request keeps
///   decoding, a final stop-and-copy once at most `migration_last_stage_blocks` (4) blocks are
///   left, at most `migration_max_stages` (3) stages, destination blocks reserved before each
///   stage, aborted when they do not fit or the request finishes or is preempted; stage time =
///   setup + bytes / link bandwidth (the scenario's `link`, or the GPUs' interconnect between
///   instances of one GPU type in one 8-GPU node);
/// * autoscaling (`Autoscaling`), off unless `max_instances` is set.
///
/// Simplified: the de-fragmentation variant keeps every pair (no check that the gap shrinks); the
/// local scheduler is whatever local policy runs (Llumnix used vLLM v0); high-priority requests are
/// queued ahead of normal ones on their instance, with no separate execution priority.
public struct Llumnix: GlobalPolicyRules {
    public static let migrateOutParameter = PolicyParameter.number(
        "migrate_out_threshold", default: 3, in: -1e9...1e9,
        help: "freeness (blocks per request) below which an instance migrates out")
    public static let intervalParameter = PolicyParameter.number(
        "migration_interval_ms", default: 50, in: 1...600_000, help: "period of migration pairing")
    public static let lastStageParameter = PolicyParameter.integer(
        "migration_last_stage_blocks", default: 4, in: 1...65536,
        help: "blocks left at which the final stop-and-copy starts")
    public static let maxStagesParameter = PolicyParameter.integer(
        "migration_max_stages", default: 3, in: 1...100, help: "pre-copy stages before a migration aborts")
    public static let declaration = PolicyDeclaration(
        id: "llumnix", scope: .global,
        summary:
            "freest-instance dispatch, live migration from the least to the most free instances, priority headroom, autoscaling by draining",
        source: "Llumnix (Sun et al., OSDI'24), llm-scheduling-artifact and AlibabaPAI/llumnix",
        parameters: Freeness.parameters
            + [migrateOutParameter, intervalParameter, lastStageParameter, maxStagesParameter]
            + Autoscaling.parameters)

    public var load: Freeness
    public var scaling: Autoscaling
    public var migrateOutThreshold: Double
    public var pairingInterval: SimTime
    public var lastStageMaxBlocks: Int32
    public var maxStages: Int32

    public init(params: PolicyParams = PolicyParams()) throws {
        load = try Freeness(params: params)
        scaling = try Autoscaling(params: params)
        migrateOutThreshold = try params.number(Llumnix.migrateOutParameter)
        pairingInterval = Time.milliseconds(try params.number(Llumnix.intervalParameter))
        lastStageMaxBlocks = Int32(try params.integer(Llumnix.lastStageParameter))
        maxStages = Int32(try params.integer(Llumnix.maxStagesParameter))
    }

    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        load.freestInstance(for: r, model: model, instances: instances, requests: requests, index: &index)
    }

    var tickPeriod: SimTime? { pairingInterval }

    var queuesHighPriorityFirst: Bool { true }

    mutating func start(at now: SimTime) { scaling.start(at: now) }

    /// One pairing round (each pair of instances moves one request), then the scaling decision
    /// when one is due, which sees the migrations just started.
    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster) {
        var busy = [Bool](repeating: false, count: cluster.instances.count)
        for m in cluster.activeMigrations {
            busy[Int(m.source)] = true
            busy[Int(m.destination)] = true
        }
        for (source, destination) in pairs(cluster.instances, cluster.requests, busy: busy) {
            guard let id = Llumnix.candidate(cluster.instances, Int(source), cluster.requests) else { continue }
            cluster.perform(
                .migrate(
                    request: id, from: source, to: destination, lastStageBlocks: lastStageMaxBlocks,
                    maxStages: maxStages))
        }
        scaling.tick(&cluster, load: load)
    }

    /// Source and destination pairs for this period: least free source with most free destination.
    /// `busy[i]` marks instances already in a migration.
    func pairs(_ instances: [Instance], _ requests: RequestTable, busy: [Bool]) -> [(source: Int32, destination: Int32)]
    {
        var sources: [(Double, Int32)] = []
        var destinations: [(Double, Int32)] = []
        for i in instances.indices where !busy[i] {
            let status = instances[i].status
            guard status == .active || status == .draining else { continue }
            let f = load.migrationFreeness(instances, i, requests)
            if status == .draining {
                if !instances[i].running.isEmpty { sources.append((f, Int32(i))) }
            } else if f < migrateOutThreshold {
                sources.append((f, Int32(i)))
            } else if f > migrateOutThreshold {
                destinations.append((f, Int32(i)))
            }
        }
        if sources.isEmpty || destinations.isEmpty { return [] }
        sources.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        destinations.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        // Pair in order; a destination must serve the source's model: the first one not taken,
        // found from a cursor per model (everything before it is taken or serves another model),
        // so pairing stays linear however many pairs there are.
        var taken = [Bool](repeating: false, count: destinations.count)
        var cursors: [String: Int] = [:]
        var result: [(source: Int32, destination: Int32)] = []
        for (_, s) in sources {
            let model = instances[Int(s)].model.id
            var k = cursors[model] ?? 0
            while k < destinations.count && (taken[k] || instances[Int(destinations[k].1)].model.id != model) { k += 1 }
            cursors[model] = k
            guard k < destinations.count else { continue }
            taken[k] = true
            result.append((s, destinations[k].1))
        }
        return result
    }

    /// The request `source` would migrate: its most recently admitted decoding request that is
    /// neither high-priority nor already migrating (LCFS), or nil.
    static func candidate(_ instances: [Instance], _ i: Int, _ requests: RequestTable) -> Int32? {
        for id in instances[i].running.reversed() {
            let r = requests[id]
            if r.isDecoding && r.priority != .high && r.migration == .none { return id }
        }
        return nil
    }
}
