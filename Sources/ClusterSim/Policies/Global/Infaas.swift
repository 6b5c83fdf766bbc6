/// INFaaS++, Llumnix's baseline: load-aware dispatch to the freest instance and load-based
/// autoscaling, without migration.
///
/// As described in the Llumnix paper's evaluation (https://arxiv.org/abs/2406.03243): the same freeness
/// metric as Llumnix (`Freeness`, priority headroom included) and the same autoscaling rule
/// (`Autoscaling`, off unless `max_instances` is set); requests stay where they were dispatched.
public struct Infaas: Sendable, Hashable {
    public var load: Freeness
    public var scaling: Autoscaling

    public init(params: PolicyParams = PolicyParams()) throws {
        load = try Freeness(params: params)
        scaling = try Autoscaling(params: params)
    }
}
