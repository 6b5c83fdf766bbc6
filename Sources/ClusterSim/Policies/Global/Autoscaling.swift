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
    /// 0: autoscaling off.
    public var maxInstances: Int
    public var minInstances: Int
    public var scaleOutBelow: Double
    public var scaleInAbove: Double
    public var interval: SimTime

    public init(params: PolicyParams) throws {
        maxInstances = try params.integer("max_instances", default: 0, in: 0...4096)
        minInstances = try params.integer("min_instances", default: 1, in: 1...4096)
        scaleOutBelow = try params.number("scale_out_threshold", default: 10, in: -1e9...1e9)
        scaleInAbove = try params.number("scale_in_threshold", default: 60, in: -1e9...1e9)
        interval = Time.seconds(try params.number("scaling_interval_s", default: 10, in: 0.01...86_400))
        if scaleInAbove <= scaleOutBelow {
            throw PolicyParamError(
                key: "scale_in_threshold",
                message: "expected a value above scale_out_threshold (\(scaleOutBelow)), got \(scaleInAbove)")
        }
    }

    public var enabled: Bool { maxInstances > 0 }
}
