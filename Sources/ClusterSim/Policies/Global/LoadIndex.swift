/// Instance loads kept in `ArgMinTree`s, so dispatch finds the least loaded (or freest) instance
/// in O(log n) instead of scanning every instance at every arrival.
///
/// The engine owns one (`Simulation.loadIndex`) and marks an instance changed wherever its load
/// can change (`touch`: a request lands, an iteration starts or ends, migration blocks are
/// reserved or freed; `touchAll` for lifecycle commands). A query first recomputes the keys of
/// the changed instances in every tree it holds, then answers from its tree, built on first use.
/// Keys are computed by the same functions the plain scans use (`Freeness.dispatchFreeness`,
/// `Instance.outstanding`, cache-aware's active blocks), and ties go as in the scans (to fewer
/// outstanding requests where the scan says so, then to the lowest id), so an indexed policy
/// picks exactly the instance its scan picks (`LoadIndexTests` checks this on random operations,
/// `Simulation.invariantViolations` checks stored keys after every event in tests).
///
/// A policy switch empties it (`reset`): trees of the previous policy would only cost updates.
public struct LoadIndex: Sendable {
    /// What a tree orders instances by; instances that do not accept a request of `model` are excluded.
    enum Key: Hashable, Sendable {
        /// Fewest requests waiting plus running (least-outstanding, prefix-affinity).
        case outstanding(model: String?)
        /// Largest dispatch freeness as a request of the given priority sees it (llumnix, infaas).
        case freeness(model: String?, high: Bool, load: Freeness)
        /// Smallest backlog among instances whose cost model is `costClass` (hexgen).
        case backlog(model: String?, costClass: Int)
        /// Fewest active blocks (`CacheAware.activeSixteenths`), ties to fewer outstanding requests
        /// (cache-aware).
        case active(model: String?)
        /// Instances holding any prefix block in GPU memory or their CPU tier, all keyed 0; none
        /// means no cached run anywhere (cache-aware).
        case holdsPrefixBlocks
    }

    /// The trees built so far and what each orders by (a few at most: a list beats hashing keys).
    private var keys: [Key] = []
    private var trees: [ArgMinTree] = []
    /// Instances changed since the last refresh, and a flag per instance for the list.
    private var changed: [Int32] = []
    private var isChanged: [Bool] = []
    private var allChanged = false
    /// Distinct cost models of the instances, in order of first appearance (hexgen's classes).
    private(set) var costClasses: [CostModel] = []
    /// The cost class of each instance.
    private(set) var costClassOf: [Int32] = []

    init() {}

    /// Instance `i`'s load may have changed.
    @inline(__always)
    mutating func touch(_ i: Int32) {
        if allChanged { return }
        let index = Int(i)
        if index >= isChanged.count {
            allChanged = true
            return
        }
        if isChanged[index] { return }
        isChanged[index] = true
        changed.append(i)
    }

    /// Every instance may have changed (added, failed, drained, a local policy switch).
    mutating func touchAll() { allChanged = true }

    /// Forgets every tree (the global policy changed).
    mutating func reset() {
        keys.removeAll()
        trees.removeAll()
        allChanged = true
    }

    /// The instance that wins on `key` (ties: `tie`, then the lowest id); nil when none accepts.
    mutating func winner(_ key: Key, instances: [Instance], requests: RequestTable) -> Int32? {
        tree(key, instances: instances, requests: requests).winner
    }

    /// The tree for `key`, brought up to date with `instances`.
    mutating func tree(_ key: Key, instances: [Instance], requests: RequestTable) -> ArgMinTree {
        refresh(instances: instances, requests: requests)
        if let k = keys.firstIndex(of: key) { return trees[k] }
        let tree = LoadIndex.tree(key, instances, requests, classes: costClassOf)
        keys.append(key)
        trees.append(tree)
        return tree
    }

    /// Recomputes the keys of changed instances in every tree.
    mutating func refresh(instances: [Instance], requests: RequestTable) {
        if allChanged || isChanged.count != instances.count {
            rebuild(instances: instances, requests: requests)
            return
        }
        if changed.isEmpty { return }
        for i in changed {
            isChanged[Int(i)] = false
            for k in keys.indices {
                let key = LoadIndex.key(keys[k], instances, Int(i), requests, classes: costClassOf)
                trees[k].update(Int(i), key: key, tie: LoadIndex.tie(keys[k], instances, Int(i)))
            }
        }
        changed.removeAll(keepingCapacity: true)
    }

    private mutating func rebuild(instances: [Instance], requests: RequestTable) {
        allChanged = false
        changed.removeAll(keepingCapacity: true)
        isChanged = [Bool](repeating: false, count: instances.count)
        for k in costClassOf.count..<instances.count {
            let cost = instances[k].cost
            if let c = costClasses.firstIndex(of: cost) {
                costClassOf.append(Int32(c))
            } else {
                costClassOf.append(Int32(costClasses.count))
                costClasses.append(cost)
            }
        }
        for k in keys.indices { trees[k] = LoadIndex.tree(keys[k], instances, requests, classes: costClassOf) }
    }

    /// A tree over every instance for `key`.
    private static func tree(_ key: Key, _ instances: [Instance], _ requests: RequestTable, classes: [Int32])
        -> ArgMinTree
    {
        ArgMinTree(
            keys: instances.indices.map { LoadIndex.key(key, instances, $0, requests, classes: classes) },
            ties: instances.indices.map { LoadIndex.tie(key, instances, $0) })
    }

    /// Instance `i`'s key in the tree for `key` (`+∞`: excluded).
    static func key(
        _ key: Key, _ instances: [Instance], _ i: Int, _ requests: RequestTable, classes: [Int32]
    ) -> Double {
        switch key {
        case .outstanding(let model):
            // Fields read in place: `instances[i].outstanding` may copy the whole instance.
            guard instances.accepts(i, model: model) else { return .infinity }
            return Double(instances[i].waiting.count + instances[i].running.count)
        case .freeness(let model, let high, let load):
            guard instances.accepts(i, model: model) else { return .infinity }
            return -load.dispatchFreeness(instances, i, high: high, requests)
        case .backlog(let model, let costClass):
            guard instances.accepts(i, model: model), classes[i] == Int32(costClass) else { return .infinity }
            return instances[i].backlog
        case .active(let model):
            guard instances.accepts(i, model: model) else { return .infinity }
            return CacheAware.activeSixteenths(instances, i)
        case .holdsPrefixBlocks:
            let empty = instances[i].kv.prefix.index.isEmpty && (instances[i].kv.tiers?.cpu.blocks.count ?? 0) == 0
            return empty ? .infinity : 0
        }
    }

    /// What orders instance `i` among instances of equal key in the tree for `key` (0: nothing,
    /// the lowest id wins).
    static func tie(_ key: Key, _ instances: [Instance], _ i: Int) -> Int {
        guard case .active = key else { return 0 }
        return instances[i].waiting.count + instances[i].running.count
    }

    /// Trees whose stored keys differ from freshly computed ones, for instances not marked
    /// changed (for `Simulation.invariantViolations`): a change the engine did not `touch`.
    func staleKeys(instances: [Instance], requests: RequestTable) -> [String] {
        if allChanged || isChanged.count != instances.count { return [] }
        var problems: [String] = []
        for (key, tree) in zip(keys, trees) {
            for i in instances.indices where !isChanged[i] {
                let fresh = LoadIndex.key(key, instances, i, requests, classes: costClassOf)
                let tie = LoadIndex.tie(key, instances, i)
                if tree.keys[i] != fresh || tree.ties[i] != tie {
                    problems.append(
                        "load index \(key): instance \(i) keyed \(tree.keys[i]) tie \(tree.ties[i]), load is \(fresh) tie \(tie)"
                    )
                }
            }
        }
        return problems
    }
}
