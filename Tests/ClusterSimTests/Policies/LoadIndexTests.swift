import Testing

@testable import ClusterSim

/// The load index against the plain scans it replaces, on random sequences of load changes.
@Suite struct LoadIndexTests {
    /// Instances of two GPU types and two models (so model filters and cost classes both matter).
    func cluster(_ count: Int) -> [Instance] {
        (0..<count).map { (i: Int) -> Instance in
            let gpu: String = i % 3 == 0 ? "a100-80g" : "h100"
            let model: String = i % 4 == 3 ? "qwen2.5-14b" : "llama3-8b"
            return Instance(
                id: Int32(i), gpu: GPUCatalog.spec(gpu)!, model: ModelCatalog.spec(model)!, tensorParallel: 1,
                constants: .default, status: .active)
        }
    }

    /// One random change to instance `i`'s load, as the engine makes them.
    func change(
        _ instances: inout [Instance], _ i: Int, _ requests: inout RequestTable, _ rng: inout RandomStream
    ) {
        switch rng.next() % 8 {
        case 0, 1:
            var r = Request(
                serial: 0, arrival: 0, promptTokens: Int32(1 + rng.next() % 3000), outputTokens: 100, tenant: 0,
                stream: 0, priority: rng.next() % 5 == 0 ? .high : .normal)
            r.blocks = Int32(rng.next() % 3)
            let id = requests.insert(r)
            instances[i].waiting.append(id)
            if r.priority == .high { instances[i].highPriority += 1 }
        case 2:
            if let id = instances[i].waiting.popFirst() { instances[i].running.append(id) }
        case 3:
            if let id = instances[i].running.popLast() {
                if requests[id].priority == .high { instances[i].highPriority -= 1 }
                requests.remove(id)
            }
        case 4:
            let n = Int32(rng.next() % 50)
            if instances[i].kv.freeBlocks >= n { instances[i].kv.allocate(n) }
        case 5:
            instances[i].kv.release(min(instances[i].kv.usedBlocks, Int32(rng.next() % 50)))
        case 6:
            // Equal backlogs are common (idle instances): ties must go to the lowest id.
            instances[i].backlog = rng.next() % 3 == 0 ? 0 : Double(rng.next() % 20) * 0.5
        default:
            instances[i].status = rng.next() % 4 == 0 ? .draining : .active
        }
    }

    @Test(arguments: [1, 7, 64, 150])
    func indexedDispatchPicksWhatTheScanPicks(count: Int) throws {
        var rng = RandomStream(seed: UInt64(count), label: "load-index")
        var instances = cluster(count)
        var requests = RequestTable()
        var index = LoadIndex()
        let freeness = try Freeness(params: PolicyParams())
        let hexgen = try HexGen(params: PolicyParams())
        let affinity = try PrefixAffinity(params: PolicyParams())
        for step in 0..<500 {
            // A few instances change between two dispatches, as between two arrivals.
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = Int(rng.next() % UInt64(count))
                change(&instances, i, &requests, &rng)
                index.touch(Int32(i))
            }
            var r = Request(
                serial: Int64(step), arrival: 0, promptTokens: Int32(1 + rng.next() % 4000), outputTokens: 50,
                tenant: 0, stream: 0, priority: rng.next() % 4 == 0 ? .high : .normal)
            r.predictedOutput = Int32(1 + rng.next() % 500)
            for model in [nil, "llama3-8b", "qwen2.5-14b"] as [String?] {
                let outstanding = index.winner(.outstanding(model: model), instances: instances, requests: requests)
                #expect(
                    outstanding == LeastOutstanding(params: PolicyParams()).dispatch(model: model, instances: instances)
                )
                let freest = freeness.freestInstance(
                    for: r, model: model, instances: instances, requests: requests, index: &index)
                #expect(
                    freest == freeness.freestInstance(for: r, model: model, instances: instances, requests: requests))
                let chosen = hexgen.dispatch(
                    r, model: model, instances: instances, requests: requests, hasher: .synthetic, index: &index)
                #expect(chosen == hexgen.dispatch(r, model: model, instances: instances))
                #expect(
                    affinity.dispatch(
                        r, model: model, instances: instances, requests: requests, hasher: .synthetic, index: &index)
                        == affinity.dispatch(r, model: model, instances: instances, hasher: .synthetic))
            }
            #expect(index.staleKeys(instances: instances, requests: requests).isEmpty)
        }
    }

    /// One random change to what instance `i` holds and queues that cache-aware reads beyond
    /// `change`: waiting prompt tokens, a group prefix cached in GPU memory or in its CPU tier.
    func changeCache(_ instances: inout [Instance], _ i: Int, _ rng: inout RandomStream) {
        switch rng.next() % 4 {
        case 0:
            // Multiples of a block are common, so loads tie and outstanding counts decide.
            instances[i].waitingTokens = Int64(rng.next() % 2 == 0 ? 16 * (rng.next() % 8) : rng.next() % 500)
        case 1:
            let r = prefixed(group: rng.next() % 4, tokens: 2048)
            var parent: Int32 = -1
            for k in 0..<Int32(rng.next() % 100) {
                let h = Simulation.blockHash(r, block: k, streams: [])!
                parent = instances[i].kv.prefix.register(h, parent: parent) ?? instances[i].kv.prefix.lookup(h)!
            }
        case 2:
            guard instances[i].kv.tiers != nil else { return }
            let r = prefixed(group: rng.next() % 4, tokens: 2048)
            for k in 0..<Int32(rng.next() % 100) {
                instances[i].kv.tiers!.offload(Simulation.blockHash(r, block: k, streams: [])!)
            }
        default:
            instances[i].kv.prefix = PrefixCache()
        }
    }

    /// A request whose first `tokens` tokens are group `group`'s system prompt.
    func prefixed(group: UInt64, tokens: Int32) -> Request {
        var r = Request(
            serial: 0, arrival: 0, promptTokens: tokens + 100, outputTokens: 50, tenant: 0, stream: 0,
            priority: .normal)
        r.prefix = PrefixRef(kind: .group, source: Int32(group), tokens: tokens)
        return r
    }

    @Test(arguments: [1, 7, 64, 150])
    func indexedCacheAwarePicksWhatTheScanPicks(count: Int) throws {
        var rng = RandomStream(seed: UInt64(count), label: "cache-aware-index")
        var instances = cluster(count)
        for i in instances.indices where i % 3 == 1 {
            instances[i].kv.tiers = KVTiers(
                cpu: KVTierSpec(capacityGB: 1, gigabitsPerSecond: 100), blockBytes: 2_097_152, swap: false)
        }
        var requests = RequestTable()
        var index = LoadIndex()
        let policies = try [
            CacheAware(),
            CacheAware(params: PolicyParams(["overlap_weight": 0])),
            CacheAware(params: PolicyParams(["overlap_weight": 0.3, "cpu_hit_weight": 0])),
            CacheAware(params: PolicyParams(["overlap_weight": 7, "cpu_hit_weight": 1])),
        ]
        var prefixedWins = 0
        for _ in 0..<400 {
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = Int(rng.next() % UInt64(count))
                change(&instances, i, &requests, &rng)
                changeCache(&instances, i, &rng)
                index.touch(Int32(i))
            }
            // Without a shared prefix, with a short one, and with one as long as the prompt.
            var r = prefixed(group: rng.next() % 4, tokens: Int32(rng.next() % 3) * Int32(rng.next() % 1024))
            if r.prefix.tokens == 0 { r.prefix = .none }
            for model in [nil, "llama3-8b", "qwen2.5-14b"] as [String?] {
                for policy in policies {
                    let chosen = policy.dispatch(
                        r, model: model, instances: instances, requests: requests, hasher: .synthetic, index: &index)
                    let scanned = policy.dispatch(r, model: model, instances: instances, hasher: .synthetic)
                    #expect(chosen == scanned, "\(policy) \(r.prefix) model \(model ?? "any")")
                    let least = index.winner(.active(model: model), instances: instances, requests: requests)
                    if chosen != least { prefixedWins += 1 }
                }
            }
            #expect(index.staleKeys(instances: instances, requests: requests).isEmpty)
        }
        // The cached runs decided some dispatches, so the pruned scan was exercised.
        if count > 1 { #expect(prefixedWins > 0) }
    }

    @Test func anUntouchedChangeIsReportedStale() {
        var instances = cluster(4)
        var index = LoadIndex()
        let requests = RequestTable()
        #expect(index.winner(.outstanding(model: nil), instances: instances, requests: requests) == 0)
        instances[0].waiting.append(0)
        #expect(index.staleKeys(instances: instances, requests: requests).count == 1)
        index.touch(0)
        #expect(index.staleKeys(instances: instances, requests: requests).isEmpty)
        #expect(index.winner(.outstanding(model: nil), instances: instances, requests: requests) == 1)
    }

    @Test func theTreeKeepsTheLowestPositionOfTheSmallestKey() {
        var rng = RandomStream(seed: 7, label: "tree")
        var keys = (0..<37).map { _ in Double(rng.next() % 5) }
        var tree = ArgMinTree(keys: keys)
        for _ in 0..<500 {
            let p = Int(rng.next() % 37)
            keys[p] = rng.next() % 6 == 0 ? .infinity : Double(rng.next() % 5)
            tree.update(p, key: keys[p])
            let smallest = keys.min()!
            let expected = smallest < .infinity ? Int32(keys.firstIndex(of: smallest)!) : nil
            #expect(tree.winner == expected)
            let threshold = Double(rng.next() % 5)
            #expect(tree.firstPosition { $0 <= threshold } == keys.firstIndex { $0 <= threshold }.map(Int32.init))
            // Every position whose key passes, the smallest first, and none that fails.
            var visited: [Int] = []
            tree.forEachSmallestFirst(while: { $0 <= threshold }, do: { visited.append($0) })
            #expect(Set(visited) == Set(keys.indices.filter { keys[$0] <= threshold }))
            #expect(visited.count == Set(visited).count)
            #expect(
                visited.first.map(Int32.init) == (expected.map { keys[Int($0)] <= threshold } == true ? expected : nil))
            // A bound that tightens as positions are seen: stops at the smallest key.
            var seen: [Int] = []
            tree.forEachSmallestFirst(while: { key in seen.isEmpty || key < keys[seen[0]] }, do: { seen.append($0) })
            #expect(seen == (expected.map { [Int($0)] } ?? []))
        }
    }

    @Test func equalKeysGoToTheSmallestTieThenTheLowestPosition() {
        var rng = RandomStream(seed: 8, label: "tree-ties")
        var keys = (0..<29).map { _ in Double(rng.next() % 3) }
        var ties = (0..<29).map { _ in Int(rng.next() % 3) }
        var tree = ArgMinTree(keys: keys, ties: ties)
        for _ in 0..<500 {
            let p = Int(rng.next() % 29)
            keys[p] = rng.next() % 8 == 0 ? .infinity : Double(rng.next() % 3)
            ties[p] = Int(rng.next() % 3)
            tree.update(p, key: keys[p], tie: ties[p])
            let best = keys.indices.filter { keys[$0] < .infinity }.min {
                (keys[$0], ties[$0], $0) < (keys[$1], ties[$1], $1)
            }
            #expect(tree.winner == best.map(Int32.init))
        }
    }
}
