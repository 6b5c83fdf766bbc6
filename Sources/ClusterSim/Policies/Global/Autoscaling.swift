/// Llumnix's load-based autoscaling (https://arxiv.org/abs/2406.03243), shared by `llumnix` and `infaas`.
///
/// Every `scaling_interval_s` (10 s) the cluster is seen as one big instance: its freeness is the
/// sum of available blocks less head-of-line demands, over the sum of batch sizes (`Freeness`),
/// with starting instances counted as empty capacity. Below `scale_out_threshold` (x = 10) it adds
/// instances of the scenario's first instance group until the projected freeness reaches x (each
/// serves after `Simulation.startupSeconds` of model loading); above `scale_in_threshold`
/// (y = 60) it drains the active instance with the fewest requests: Llumnix migrates its requests
/// away (the drained instance's freeness is −∞), INFaaS lets them finish there. Off unless
/// `max_instances` is set; never below `min_instances` active ones.
///
/// Simplified: one GPU type is added (the first group's); no scale-in while an instance is starting.
public struct Autoscaling: Sendable, Hashable {
    public static let maxInstancesParameter = PolicyParameter.integer(
        "max_instances", default: 0, in: 0...4096, help: "autoscaling: most instances; 0 turns it off",
        shown: "0 (off)")
    public static let minInstancesParameter = PolicyParameter.integer(
        "min_instances", default: 1, in: 1...4096, help: "autoscaling: fewest active instances")
    public static let scaleOutParameter = PolicyParameter.number(
        "scale_out_threshold", default: 10, in: -1e9...1e9, help: "cluster freeness below which instances are added")
    public static let scaleInParameter = PolicyParameter.number(
        "scale_in_threshold", default: 60, in: -1e9...1e9, help: "cluster freeness above which one instance is drained")
    public static let intervalParameter = PolicyParameter.number(
        "scaling_interval_s", default: 10, in: 0.01...86_400, help: "period of the scaling decision")
    public static let parameters = [
        maxInstancesParameter, minInstancesParameter, scaleOutParameter, scaleInParameter, intervalParameter,
    ]

    /// 0: autoscaling off.
    public var maxInstances: Int
    public var minInstances: Int
    public var scaleOutBelow: Double
    public var scaleInAbove: Double
    public var interval: SimTime
    /// When the next decision is due.
    var nextDecision: SimTime = 0

    public init(params: PolicyParams) throws {
        maxInstances = try params.integer(Autoscaling.maxInstancesParameter)
        minInstances = try params.integer(Autoscaling.minInstancesParameter)
        scaleOutBelow = try params.number(Autoscaling.scaleOutParameter)
        scaleInAbove = try params.number(Autoscaling.scaleInParameter)
        interval = Time.seconds(try params.number(Autoscaling.intervalParameter))
        if scaleInAbove <= scaleOutBelow {
            throw PolicyParamError(
                key: "scale_in_threshold",
                message: "expected a value above scale_out_threshold (\(scaleOutBelow)), got \(scaleInAbove)")
        }
    }

    public var enabled: Bool { maxInstances > 0 }

    /// The first decision comes one interval after the policy takes over.
    mutating func start(at now: SimTime) {
        nextDecision = now + (enabled ? interval : 0)
    }

    /// Makes the scaling decision when one is due.
    mutating func tick<Cluster: PolicyContext>(_ cluster: inout Cluster, load: Freeness) {
        guard enabled, cluster.now >= nextDecision else { return }
        if let action = decision(cluster, load: load) { cluster.perform(action) }
        nextDecision = cluster.now + interval
    }

    /// Scale out, scale in, or nothing.
    func decision<Cluster: PolicyContext>(_ cluster: Cluster, load: Freeness) -> PolicyAction? {
        let instances = cluster.instances, requests = cluster.requests
        var avail = 0.0, batch = 0.0
        var active = 0, starting = 0
        for i in instances.indices {
            switch instances[i].status {
            case .active:
                active += 1
                avail +=
                    load.available(instances, i)
                    - (instances[i].waiting.first.map { Freeness.demand($0, requests) } ?? 0)
                batch += Double(instances[i].running.count + (instances[i].waiting.isEmpty ? 0 : 1))
            case .starting:
                starting += 1
                avail += Double(instances[i].kv.totalBlocks)
            default: break
            }
        }
        let freeness = batch > 0 ? avail / batch : .infinity
        guard let addable = cluster.addableInstanceBlocks else { return nil }
        if freeness < scaleOutBelow && active + starting < maxInstances {
            let blocks = Double(addable)
            let needed = Int(((scaleOutBelow * batch - avail) / blocks).rounded(.up))
            let count = min(max(1, needed), maxInstances - active - starting)
            return .scaleOut(count: count, freeness: freeness, threshold: scaleOutBelow)
        } else if freeness > scaleInAbove && active > minInstances && starting == 0 {
            // The active instance with the fewest requests, not in a migration (ties: the newest).
            var migrating = [Bool](repeating: false, count: instances.count)
            for m in cluster.activeMigrations {
                migrating[Int(m.source)] = true
                migrating[Int(m.destination)] = true
            }
            var victim = -1
            for i in instances.indices.reversed() where instances[i].status == .active {
                if !migrating[i] && (victim < 0 || instances[i].outstanding < instances[victim].outstanding) {
                    victim = i
                }
            }
            guard victim >= 0 else { return nil }
            return .scaleIn(instance: victim, freeness: freeness, threshold: scaleInAbove)
        }
        return nil
    }
}
