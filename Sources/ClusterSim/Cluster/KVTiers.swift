/// Capacity and bandwidth of a KV tier below GPU memory: an instance's CPU memory, or a shared
/// SSD / remote pool.
public struct KVTierSpec: Sendable, Hashable {
    /// Bytes of KV the tier holds (per instance for the CPU tier, in all for the shared pool).
    public var capacityGB: Double
    /// Copy bandwidth between this tier and each GPU, Gbit/s like `link.gbps` (PCIe for CPU memory;
    /// NIC or SSD for the pool); an instance's tensor-parallel GPUs copy their shards side by side.
    public var gigabitsPerSecond: Double

    public init(capacityGB: Double, gigabitsPerSecond: Double) {
        self.capacityGB = capacityGB
        self.gigabitsPerSecond = gigabitsPerSecond
    }

    /// Bytes per second over one GPU's link.
    public var bytesPerSecond: Double { gigabitsPerSecond * 1e9 / 8 }
}

/// A set of block hashes kept in least-recently-used order with a capacity in blocks: the index
/// of a lower KV tier. Insert, lookup and eviction are O(1).
public struct BlockLRU: Sendable, Hashable {
    public private(set) var capacity: Int32
    /// The hash held in each slot, and the slots in least-recently-used order.
    var hashes: [UInt64] = []
    var order = LRUList()
    var spare: [Int32] = []
    var index: [UInt64: Int32] = [:]
    /// Blocks held.
    public var count: Int32 { Int32(index.count) }

    public init(capacity: Int32) { self.capacity = max(0, capacity) }

    public func contains(_ hash: UInt64) -> Bool { !index.isEmpty && index[hash] != nil }

    /// Stores `hash` as the most recently used block (moves it there when held); returns the hash
    /// evicted to make room, if any. With no capacity nothing is stored.
    @discardableResult
    public mutating func insert(_ hash: UInt64) -> UInt64? {
        if let e = index[hash] {
            order.unlink(e)
            order.append(e)
            return nil
        }
        guard capacity > 0 else { return hash }
        let evicted = count >= capacity ? evictOldest() : nil
        let e: Int32
        if let s = spare.popLast() {
            e = s
            hashes[Int(s)] = hash
        } else {
            e = Int32(hashes.count)
            hashes.append(hash)
        }
        index[hash] = e
        order.append(e)
        return evicted
    }

    /// Marks `hash` most recently used, if held.
    public mutating func touch(_ hash: UInt64) {
        guard let e = index[hash] else { return }
        order.unlink(e)
        order.append(e)
    }

    /// Removes the least recently used block; returns its hash.
    @discardableResult
    public mutating func evictOldest() -> UInt64? {
        let e = order.head
        guard e >= 0 else { return nil }
        order.unlink(e)
        let hash = hashes[Int(e)]
        index[hash] = nil
        spare.append(e)
        return hash
    }

    /// Changes the capacity, evicting the oldest blocks beyond it; returns how many were evicted.
    @discardableResult
    mutating func resize(_ newCapacity: Int32) -> Int32 {
        capacity = max(0, newCapacity)
        var evicted: Int32 = 0
        while count > capacity, evictOldest() != nil { evicted += 1 }
        return evicted
    }
}

/// A lower KV tier: its block index, capacity, bandwidth and what moved through it.
public struct KVTier: Sendable, Hashable {
    public let spec: KVTierSpec
    /// Bytes of one 16-token block of the whole model (all tensor-parallel shards).
    public let blockBytes: Double
    /// Prefix blocks held, least recently used first.
    public internal(set) var blocks: BlockLRU
    /// Blocks held by swapped-out requests (vLLM v0's swap space); they take capacity from `blocks`.
    public internal(set) var swapBlocks: Int32 = 0
    /// Total blocks the tier holds.
    public let capacityBlocks: Int32

    // Counters for the report and the dashboard.
    /// Prefix blocks written here on eviction from the tier above.
    public internal(set) var offloadedBlocks: Int64 = 0
    /// Prefix blocks read back to serve a prefix hit.
    public internal(set) var loadedBlocks: Int64 = 0

    /// A tier of `spec` for blocks of `blockBytes`.
    public init(spec: KVTierSpec, blockBytes: Double) {
        self.spec = spec
        self.blockBytes = blockBytes
        let capacity = blockBytes > 0 ? (spec.capacityGB * 1e9 / blockBytes).rounded(.down) : 0
        capacityBlocks = Int32(min(max(capacity, 0), Double(Int32.max / 2)))
        blocks = BlockLRU(capacity: capacityBlocks)
    }

    /// Blocks used, prefix and swap together.
    public var usedBlocks: Int32 { blocks.count + swapBlocks }

    /// Share of the tier in use.
    public var utilization: Double { capacityBlocks > 0 ? Double(usedBlocks) / Double(capacityBlocks) : 0 }

    /// Makes room for `n` swapped-out blocks, evicting cached prefix blocks; false (nothing changed)
    /// when the tier cannot hold them.
    mutating func reserveSwap(_ n: Int32) -> Bool {
        guard n <= capacityBlocks - swapBlocks else { return false }
        swapBlocks += n
        blocks.resize(capacityBlocks - swapBlocks)
        return true
    }

    /// Frees `n` blocks of swap space.
    mutating func releaseSwap(_ n: Int32) {
        swapBlocks -= n
        blocks.resize(capacityBlocks - swapBlocks)
    }

    /// Stores evicted prefix block `hash`; returns the block this pushes out, if any.
    mutating func offload(_ hash: UInt64) -> UInt64? {
        offloadedBlocks += 1
        return blocks.insert(hash)
    }
}

/// The KV tiers below one instance's GPU memory: a CPU tier (vLLM's KV offloading connector,
/// LMCache's local CPU backend, Mooncake's per-node DRAM pool) and whether preemption swaps into it.
///
/// Follows Mooncake (Qin et al., FAST'25) and vLLM's offloading connector: a prefix block evicted
/// from GPU memory is kept in CPU memory instead of dropped; a later request whose leading blocks
/// are found there loads them back at the tier's bandwidth instead of recomputing them; a block
/// evicted from the CPU tier goes down to the shared pool (`Simulation.kvPool`), if one is set.
/// With `swap`, a preempted request's KV is copied out to CPU memory and back at re-admission
/// (vLLM v0's `preemption_mode=swap`) instead of being recomputed.
///
/// Simplified: blocks are written to the tier when the GPU evicts them (vLLM's connector and
/// LMCache store them when computed, asynchronously; the result is the same LRU content, and the
/// writes overlap compute, so they cost no time here). Loads and swaps are synchronous: their copy
/// time is added to the iteration that needs them, as a blocking load of LMCache does.
public struct KVTiers: Sendable, Hashable {
    public internal(set) var cpu: KVTier
    /// Preemption copies KV to the CPU tier instead of dropping it (vLLM v0's swap mode).
    public let swap: Bool
    /// GPUs copying side by side (the instance's tensor-parallel degree).
    public let links: Int
    /// Copy seconds owed by the iteration being formed (loads and swaps), added to its duration.
    var pendingSeconds: Double = 0
    /// Blocks pushed out of the CPU tier since the engine last moved them to the shared pool.
    var outbox: [UInt64] = []

    // Counters for the report.
    public internal(set) var swapOuts: Int64 = 0
    public internal(set) var swapIns: Int64 = 0
    /// Preemptions that wanted to swap but found no room, and recomputed.
    public internal(set) var swapFallbacks: Int64 = 0
    /// Prefix tokens served from the CPU tier, and from the shared pool.
    public internal(set) var cpuHitTokens: Int64 = 0
    public internal(set) var poolHitTokens: Int64 = 0
    /// Bytes copied between the GPU and lower tiers (loads and swaps), and the copy seconds.
    public internal(set) var transferredBytes: Double = 0
    public internal(set) var transferSeconds: Double = 0

    public init(cpu: KVTierSpec, blockBytes: Double, swap: Bool, links: Int = 1) {
        self.cpu = KVTier(spec: cpu, blockBytes: blockBytes)
        self.swap = swap
        self.links = max(1, links)
    }

    /// Charges a copy of `n` blocks over `tier`'s link to the iteration being formed.
    mutating func charge(_ n: Int32, over tier: KVTierSpec) {
        guard n > 0 else { return }
        let bytes = Double(n) * cpu.blockBytes
        let seconds = bytes / (tier.bytesPerSecond * Double(links))
        pendingSeconds += seconds
        transferredBytes += bytes
        transferSeconds += seconds
    }

    /// Keeps evicted GPU prefix block `hash` in the CPU tier; what that pushes out goes to the outbox.
    mutating func offload(_ hash: UInt64) {
        if let out = cpu.offload(hash) { outbox.append(out) }
    }
}
