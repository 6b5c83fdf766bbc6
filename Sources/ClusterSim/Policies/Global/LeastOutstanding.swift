/// Least-outstanding-requests dispatch: the accepting instance with the fewest requests waiting
/// plus running; ties go to the lowest instance id.
///
/// Vidur's `LORGlobalScheduler` (`lor_global_scheduler.py`).
public struct LeastOutstanding: GlobalPolicyRules {
    public static let declaration = PolicyDeclaration(
        id: "least-outstanding", scope: .global,
        summary: "each request to the instance with the fewest waiting + running",
        source: "Vidur LORGlobalScheduler")

    init(params: PolicyParams) {}

    func dispatch(
        _ r: Request, model: String?, instances: [Instance], requests: RequestTable, hasher: PrefixHasher,
        index: inout LoadIndex
    ) -> Int32? {
        index.winner(.outstanding(model: model), instances: instances, requests: requests)
    }

    /// The plain scan `dispatch` answers with the index (what the index is checked against).
    func dispatch(model: String?, instances: [Instance]) -> Int32? {
        var best: Int32? = nil
        var bestLoad = Int.max
        for i in instances.indices where instances.accepts(i, model: model) {
            let load = instances[i].outstanding
            if load < bestLoad {
                best = Int32(i)
                bestLoad = load
            }
        }
        return best
    }
}
