extension Simulation {
    /// The shared KV pool of `scenario` (`kv_remote`), sized in blocks of its first instance
    /// group's model; nil when it has none.
    static func makeKVPool(_ scenario: Scenario) -> KVTier? {
        guard let spec = scenario.kvRemote, let group = scenario.cluster.first else { return nil }
        return KVTier(spec: spec, blockBytes: Double(KVCache.blockTokens) * group.modelSpec.kvBytesPerToken)
    }

    /// After instance `index` formed a batch: moves the blocks its CPU tier pushed out into the
    /// shared pool (dropped when there is none), and returns the copy seconds the iteration owes
    /// (loads and swaps), which then start over. Bounded by the blocks moved this iteration.
    mutating func settleTiers(_ index: Int) -> Double {
        guard instances[index].kv.tiers != nil else { return 0 }
        // In place: a copy of the tiers would copy their block index on the next write.
        if !instances[index].kv.tiers!.outbox.isEmpty {
            if kvPool != nil {
                for hash in instances[index].kv.tiers!.outbox { _ = kvPool!.offload(hash) }
            }
            instances[index].kv.tiers!.outbox.removeAll(keepingCapacity: true)
        }
        guard !instances[index].batch.isEmpty else { return 0 }
        let seconds = instances[index].kv.tiers!.pendingSeconds
        instances[index].kv.tiers!.pendingSeconds = 0
        return seconds
    }
}
