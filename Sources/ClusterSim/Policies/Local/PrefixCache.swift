/// vLLM's automatic prefix caching (APC) on one instance: which full KV blocks hold a known prefix,
/// who references them, and which free ones to evict first.
///
/// Follows vLLM v1's `kv_cache_manager.py` and `block_pool.py` (https://github.com/vllm-project/vllm,
/// `vllm/v1/core/`): only full 16-token blocks are cacheable; a block is identified by a
/// chained hash (`Simulation.blockHash`, which covers every earlier block); a new request reuses
/// its longest run of leading hits (reference counts go up, a free cached block leaves the free
/// queue); a released block keeps its hash and joins the tail of the free queue, a request's
/// blocks in reverse order so that a prefix's tail is evicted before its shared head; a cached
/// block is evicted (un-hashed) only when an allocation needs it ("lazy eviction"). So eviction is
/// least recently released first.
///
/// Each entry stands for one physical block and knows its parent (the entry of the block before
/// it), so a request needs only the entry of its last shared block (`Request.prefixEntry`) and a
/// count to release its chain without hashing again.
///
/// Simplified: only blocks inside a request's shareable prefix (`Request.prefix`) are hashed; the
/// rest of a prompt and generated tokens are unique and never cached (vLLM caches them too, which
/// helps multi-turn chats whose next prompt contains the previous answer: Mooncake's hash ids cover
/// prompts only). An allocation takes a never-cached free block before evicting a cached one (vLLM
/// pops its single free queue, which mixes both), which keeps slightly more prefixes.
public struct PrefixCache: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var hash: UInt64
        var parent: Int32
        var refs: Int32
    }

    var entries: [Entry] = []
    var spare: [Int32] = []
    var index: [UInt64: Int32] = [:]
    /// The free queue of evictable entries: evicted from the head, released to the tail.
    var freeQueue = LRUList()
    /// Entries some request references (each one physical block in `usedBlocks`).
    public private(set) var referenced: Int32 = 0
    /// Entries nobody references: free blocks that still hold their prefix (`cachedBlocks`).
    public private(set) var evictable: Int32 = 0
    /// Sum of all reference counts (equals the requests' `prefixBlocks` summed).
    public private(set) var references: Int64 = 0

    public init() {}

    /// The entry holding the block with `hash`, if cached.
    func lookup(_ hash: UInt64) -> Int32? { index.isEmpty ? nil : index[hash] }

    /// True when nobody references entry `e` (a hit on it takes a free block).
    func isEvictable(_ e: Int32) -> Bool { entries[Int(e)].refs == 0 }

    /// Takes a reference on entry `e`, whose parent is `parent`; true when it was evictable.
    mutating func acquire(_ e: Int32, parent: Int32) -> Bool {
        let i = Int(e)
        // A hit through the hash chain proves `parent` is this block's predecessor; an entry whose
        // old parent was evicted is re-linked here.
        entries[i].parent = parent
        entries[i].refs += 1
        references += 1
        guard entries[i].refs == 1 else { return false }
        freeQueue.unlink(e)
        evictable -= 1
        referenced += 1
        return true
    }

    /// Makes a block the caller already holds the entry for `hash` (one reference); nil when some
    /// entry already has that hash (the caller keeps its block as a plain one).
    mutating func register(_ hash: UInt64, parent: Int32) -> Int32? {
        if index[hash] != nil { return nil }
        let entry = Entry(hash: hash, parent: parent, refs: 1)
        let e: Int32
        if let s = spare.popLast() {
            e = s
            entries[Int(s)] = entry
        } else {
            e = Int32(entries.count)
            entries.append(entry)
        }
        index[hash] = e
        referenced += 1
        references += 1
        return e
    }

    /// Drops one reference on each of the `count` entries ending at `last`, from the last block
    /// back to the first; returns how many became evictable (free blocks).
    mutating func release(chainEnd last: Int32, count: Int32) -> Int32 {
        var e = last, freed: Int32 = 0
        for _ in 0..<count {
            let i = Int(e)
            entries[i].refs -= 1
            references -= 1
            if entries[i].refs == 0 {
                freeQueue.append(e)
                referenced -= 1
                evictable += 1
                freed += 1
            }
            e = entries[i].parent
        }
        return freed
    }

    /// Evicts the least recently released evictable entry; returns its hash, nil when there is none.
    mutating func evictOldest() -> UInt64? {
        let e = freeQueue.head
        guard e >= 0 else { return nil }
        freeQueue.unlink(e)
        let i = Int(e)
        if index[entries[i].hash] == e { index[entries[i].hash] = nil }
        entries[i].refs = -1
        spare.append(e)
        evictable -= 1
        return entries[i].hash
    }

    /// Problems with the entries' bookkeeping (for `Simulation.invariantViolations`).
    func violations() -> [String] {
        var problems: [String] = []
        var refs: Int64 = 0
        var live: Int32 = 0
        var free: Int32 = 0
        // Through a buffer pointer: tests run this after every event, and in debug builds array
        // subscripts cost a hundred times more.
        entries.withUnsafeBufferPointer { all in
            for entry in all where entry.refs >= 0 {
                refs += Int64(entry.refs)
                if entry.refs > 0 { live += 1 } else { free += 1 }
            }
        }
        // Every entry in use is indexed under its own hash, and only those.
        if index.count != Int(live + free) {
            problems.append("prefix index holds \(index.count) hashes for \(live + free) entries")
        }
        for (hash, e) in index where entries[Int(e)].hash != hash || entries[Int(e)].refs < 0 {
            problems.append("prefix index maps a hash to entry \(e), which holds another")
        }
        var queued: Int32 = 0
        var e = freeQueue.head
        while e >= 0 && queued <= free {
            queued += 1
            e = freeQueue.after(e)
        }
        if refs != references { problems.append("prefix references \(references) but entries count \(refs)") }
        if live != referenced { problems.append("prefix referenced entries \(referenced) but \(live) counted") }
        if free != evictable || queued != free {
            problems.append("prefix evictable \(evictable), \(free) counted, \(queued) queued")
        }
        return problems
    }
}

/// The hashes of requests' shareable KV blocks, as a local policy sees them (prefix caching and
/// prefix-aware routing); the streams are needed for trace prefixes.
public struct PrefixHasher: Sendable {
    var streams: [ArrivalStream]
    /// The cluster's shared KV pool below the CPU tiers, if any (`KVTiers`).
    var pool: KVTier?

    public init(streams: [ArrivalStream], pool: KVTier? = nil) {
        self.streams = streams
        self.pool = pool
    }

    /// For requests without trace prefixes (tests).
    public static let synthetic = PrefixHasher(streams: [])

    /// vLLM's chained hash of full block `k` of `r`'s prompt, or nil past its shareable prefix.
    func hash(_ r: Request, block k: Int32) -> UInt64? { Simulation.blockHash(r, block: k, streams: streams) }

    /// How many of `r`'s blocks from block `start` on, below block `limit`, `held` holds in a row
    /// (a cached run, as a router measures it on an instance).
    func leadingRun(of r: Request, from start: Int32 = 0, limit: Int32, held: (UInt64) -> Bool) -> Int32 {
        var k = start
        while k < limit, let h = hash(r, block: k), held(h) { k += 1 }
        return k - start
    }

    /// Full blocks of `r`'s prompt that may be shared; a hit never covers the last prompt token
    /// (vLLM recomputes it to get logits).
    func shareableBlocks(_ r: Request) -> Int32 {
        guard r.prefix.kind != .none else { return 0 }
        return min(r.prefix.tokens, r.promptTokens - 1) / KVCache.blockTokens
    }
}

extension KVCache {
    /// Evicts up to `n` cached prefix blocks, least recently released first; with a CPU tier they
    /// are offloaded to it rather than dropped (`KVTiers`).
    mutating func evictCached(_ n: Int32) {
        var left = n
        while left > 0, let hash = prefix.evictOldest() {
            cachedBlocks -= 1
            left -= 1
            tiers?.offload(hash)
        }
    }

    /// Takes a reference on cached entry `e` (a prefix hit); a free cached block becomes used.
    mutating func acquirePrefix(_ e: Int32, parent: Int32) {
        if prefix.acquire(e, parent: parent) {
            cachedBlocks -= 1
            usedBlocks += 1
        }
    }

    /// Drops a request's references on its shared chain; blocks nobody holds stay cached, free.
    mutating func releasePrefix(chainEnd: Int32, count: Int32) {
        let freed = prefix.release(chainEnd: chainEnd, count: count)
        usedBlocks -= freed
        cachedBlocks += freed
    }
}

extension Instance {
    /// Leading prefix-cache hits of waiting request `id`: how many blocks, how many of them are
    /// evictable (taking them uses free blocks), and the entry of the last one.
    func prefixHits(_ id: Int32, _ requests: RequestTable, hasher: PrefixHasher) -> (
        blocks: Int32, evictable: Int32, last: Int32
    ) {
        let r = requests[id]
        let limit = hasher.shareableBlocks(r)
        var k: Int32 = 0, evictable: Int32 = 0, last: Int32 = -1
        while k < limit, let h = hasher.hash(r, block: k), let e = kv.prefix.lookup(h) {
            if kv.prefix.isEvictable(e) { evictable += 1 }
            last = e
            k += 1
        }
        return (k, evictable, last)
    }

    /// Takes the `count` leading hits of request `id` (it holds no blocks yet): they become its
    /// first blocks, already computed.
    mutating func takePrefixHits(_ id: Int32, count: Int32, _ requests: inout RequestTable, hasher: PrefixHasher) {
        guard count > 0 else { return }
        let r = requests[id]
        var parent: Int32 = -1
        for k in 0..<count {
            guard let h = hasher.hash(r, block: k), let e = kv.prefix.lookup(h) else { break }
            kv.acquirePrefix(e, parent: parent)
            parent = e
            requests[id].blocks += 1
            requests[id].prefixBlocks += 1
        }
        requests[id].prefixEntry = parent
        requests[id].computedTokens = requests[id].prefixBlocks * KVCache.blockTokens
        prefixHitTokens += Int64(requests[id].computedTokens)
    }

    /// Registers the shareable blocks of request `id` that will be full once `tokens` of its tokens
    /// are computed (vLLM caches a block as soon as it is scheduled); stops for good at a block
    /// another request registered first.
    mutating func registerPrefixBlocks(
        _ id: Int32, upTo tokens: Int32, _ requests: inout RequestTable, hasher: PrefixHasher
    ) {
        let r = requests[id]
        guard !r.prefixSealed, r.prefix.kind != .none else { return }
        let limit = min(hasher.shareableBlocks(r), tokens / KVCache.blockTokens, r.blocks)
        var k = r.prefixBlocks, parent = r.prefixEntry
        while k < limit {
            guard let h = hasher.hash(r, block: k), let e = kv.prefix.register(h, parent: parent) else {
                requests[id].prefixSealed = true
                break
            }
            parent = e
            k += 1
        }
        requests[id].prefixBlocks = k
        requests[id].prefixEntry = parent
    }

    /// Frees every block request `id` holds: its own, and its references to shared prefix blocks
    /// (which stay cached).
    mutating func releaseBlocks(of id: Int32, _ requests: inout RequestTable) {
        let r = requests[id]
        kv.release(r.blocks - r.prefixBlocks)
        if r.prefixBlocks > 0 { kv.releasePrefix(chainEnd: r.prefixEntry, count: r.prefixBlocks) }
        requests[id].blocks = 0
        requests[id].prefixBlocks = 0
        requests[id].prefixEntry = -1
        requests[id].prefixSealed = false
    }
}
