/// Least-outstanding-requests dispatch: the accepting instance with the fewest requests waiting
/// plus running; ties go to the lowest instance id.
///
/// Vidur's `LORGlobalScheduler` (`lor_global_scheduler.py`).
public struct LeastOutstanding: Sendable, Hashable {
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
