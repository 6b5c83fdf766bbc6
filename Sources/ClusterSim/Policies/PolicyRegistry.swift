/// Every policy's declaration, read from the policies themselves: the single list that
/// `clustertop policies`, the scenario parser, `compare --param` and the dashboard's policy
/// picker read.
///
/// The lists behind it are `GlobalPolicy.registered`, `LocalPolicy.registered` (batching
/// mechanics) and `QueueOrder` (orders, local ids of their own); each declaration lives in its
/// policy's file.
public enum PolicyRegistry {
    /// The global policies, in picker order.
    public static let global: [PolicyDeclaration] = GlobalPolicy.registered.map(\.declaration)

    /// The local policies: every batching mechanics, then every queue order (on vLLM v1), then
    /// `auto`.
    public static let local: [PolicyDeclaration] =
        LocalPolicy.registered.map(\.declaration) + LocalPolicy.orderDeclarations + [AutoGlobal.localDeclaration]

    public static let all: [PolicyDeclaration] = global + local

    /// Parameters the engine reads whatever the policies (every request's output-length prediction).
    public static let engineParameters: [PolicyParameter] = [QueueOrder.predictionErrorParameter]

    public static func declaration(_ id: String) -> PolicyDeclaration? { all.first { $0.id == id } }

    /// Every parameter name any policy takes (a scenario may set parameters for policies it
    /// switches to later).
    public static let parameterNames: [String] = {
        var names: [String] = []
        for p in all { for q in p.parameters where !names.contains(q.name) { names.append(q.name) } }
        for q in engineParameters where !names.contains(q.name) { names.append(q.name) }
        return names
    }()

    /// Checks `params` against the declarations of the policies `spec` names and of the engine:
    /// throws `PolicyParamError` for the first value out of its declared range.
    public static func validate(_ spec: PolicySpec) throws {
        _ = try policies(global: spec.global, local: spec.local, params: spec.params)
        for p in engineParameters { _ = try spec.params.number(p) }
    }

    /// The policies that `global` and `local` put in force, built with `params`: the two
    /// themselves, or, when either is `auto`, an `AutoGlobal` that learns that side (the global
    /// policy among all, the local one among `auto_locals`; both when both are `auto`) with the
    /// local policy of its first candidate. Throws `PolicyParamError` for a value out of range.
    public static func policies(
        global: GlobalPolicyID, local: LocalPolicyID, params: PolicyParams
    ) throws -> (global: GlobalPolicy, local: LocalPolicy) {
        guard global.isAuto || local.isAuto else {
            return (try GlobalPolicy(id: global, params: params), try LocalPolicy(id: local, params: params))
        }
        let auto = try AutoGlobal(params: params, global: global.isAuto ? nil : global, learnsLocal: local.isAuto)
        return (.auto(auto), try auto.locals[0] ?? LocalPolicy(id: local, params: params))
    }
}
