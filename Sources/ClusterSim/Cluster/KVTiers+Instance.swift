extension Instance {
    /// Swaps preemption victim `id` out to the CPU tier when the instance swaps and the tier has
    /// room (vLLM v0's `preemption_mode=swap`): its blocks are copied out, so it keeps its
    /// computed tokens. False when it must be recomputed instead. The caller frees its GPU blocks.
    mutating func swapOut(_ id: Int32, _ requests: inout RequestTable) -> Bool {
        guard kv.tiers?.swap == true else { return false }
        let n = requests[id].blocks
        guard n > 0, requests[id].computedTokens > 0 else { return false }
        // In place (`kv.tiers!`): a copy of the tiers would copy their block index on the next write.
        guard kv.tiers!.cpu.reserveSwap(n) else {
            kv.tiers!.swapFallbacks += 1
            return false
        }
        kv.tiers!.charge(n, over: kv.tiers!.cpu.spec)
        kv.tiers!.swapOuts += 1
        requests[id].swappedBlocks = n
        return true
    }

    /// Copies swapped-out request `id` back as it is admitted again: its swap space is freed and
    /// the copy time charged to this iteration.
    mutating func swapIn(_ id: Int32, _ requests: inout RequestTable) {
        let n = requests[id].swappedBlocks
        guard n > 0 else { return }
        requests[id].swappedBlocks = 0
        guard kv.tiers != nil else { return }
        kv.tiers!.cpu.releaseSwap(n)
        kv.tiers!.charge(n, over: kv.tiers!.cpu.spec)
        kv.tiers!.swapIns += 1
    }

    /// Leading blocks of waiting request `id` after its first `gpuHits` (found in GPU memory) that
    /// the CPU tier or the shared pool holds, counted until the first block neither holds.
    func lowerTierHits(_ id: Int32, after gpuHits: Int32, _ requests: RequestTable, hasher: PrefixHasher) -> (
        cpu: Int32, pool: Int32
    ) {
        guard let tiers = kv.tiers else { return (0, 0) }  // a read: no copy
        let r = requests[id]
        let limit = hasher.shareableBlocks(r)
        var k = gpuHits, cpu: Int32 = 0, pool: Int32 = 0
        while k < limit, let h = hasher.hash(r, block: k) {
            if tiers.cpu.blocks.contains(h) {
                cpu += 1
            } else if hasher.pool?.blocks.contains(h) == true {
                pool += 1
            } else {
                break
            }
            k += 1
        }
        return (cpu, pool)
    }

    /// Loads the lower-tier hits of request `id` (admitted, holding blocks for them after its
    /// `gpuHits` GPU hits): they count as computed, and their copy time is charged to this iteration.
    mutating func loadLowerTierHits(
        _ id: Int32, after gpuHits: Int32, cpu: Int32, pool: Int32, _ requests: inout RequestTable,
        hasher: PrefixHasher
    ) {
        let n = cpu + pool
        guard n > 0, kv.tiers != nil else { return }
        let r = requests[id]
        // Blocks read from CPU memory become its most recently used.
        for k in gpuHits..<(gpuHits + n) {
            if let h = hasher.hash(r, block: k) { kv.tiers!.cpu.blocks.touch(h) }
        }
        kv.tiers!.cpu.loadedBlocks += Int64(cpu)
        kv.tiers!.charge(cpu, over: kv.tiers!.cpu.spec)
        if let spec = hasher.pool?.spec { kv.tiers!.charge(pool, over: spec) }
        let tokens = n * KVCache.blockTokens
        kv.tiers!.cpuHitTokens += Int64(cpu * KVCache.blockTokens)
        kv.tiers!.poolHitTokens += Int64(pool * KVCache.blockTokens)
        requests[id].computedTokens += tokens
        prefixHitTokens += Int64(tokens)
    }
}
