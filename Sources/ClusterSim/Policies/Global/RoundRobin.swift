/// Round-robin dispatch: each request goes to the next accepting instance in id order.
///
/// Vidur's `RoundRobinGlobalScheduler`; instances that do not accept (failed, draining, starting, or
/// serving another model) are skipped.
public struct RoundRobin: GlobalPolicyRules {
    public static let declaration = PolicyDeclaration(
        id: "round-robin", scope: .global, summary: "each request to the next accepting instance in turn",
        source: "Vidur RoundRobinGlobalScheduler")

    public var next = 0

    init(params: PolicyParams) {}

    mutating func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        dispatch(model: model, instances: instances)
    }

    mutating func dispatch(model: String?, instances: [Instance]) -> Int32? {
        let n = instances.count
        for step in 0..<n {
            let i = (next + step) % n
            if instances.accepts(i, model: model) {
                next = (i + 1) % n
                return Int32(i)
            }
        }
        return nil
    }
}
