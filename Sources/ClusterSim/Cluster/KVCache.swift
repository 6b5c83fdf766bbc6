/// The paged KV cache of one instance: fixed blocks of 16 tokens (vLLM's PagedAttention).
///
/// Capacity is derived from memory as vLLM does (https://arxiv.org/abs/2309.06180): 90% of the
/// instance's GPU memory, less the weights and an activation reserve, divided by the bytes of one
/// block.
public struct KVCache: Sendable, Hashable {
    public static let blockTokens: Int32 = 16
    /// Share of GPU memory the engine may use (`gpu_memory_utilization`).
    public static let memoryUtilization = 0.90
    /// Activation workspace reserved per GPU, bytes.
    public static let activationReserve = 2.0 * 1024 * 1024 * 1024

    public private(set) var totalBlocks: Int32
    public internal(set) var usedBlocks: Int32 = 0
    /// Blocks reserved for an incoming migration (counted in `usedBlocks` too).
    public var reservedBlocks: Int32 = 0
    /// Free blocks that still hold a cached prefix (prefix caching): counted as free, evictable.
    public var cachedBlocks: Int32 = 0
    /// The prefix-cache entries (vLLM's automatic prefix caching), referenced or evictable.
    public internal(set) var prefix = PrefixCache()
    /// The tiers below GPU memory (CPU memory, swap), when the instance has them.
    public internal(set) var tiers: KVTiers? = nil

    public init(totalBlocks: Int32) { self.totalBlocks = totalBlocks }

    /// Blocks a model on `tp` GPUs of a type holds, or nil when the weights do not fit; a
    /// speculative decoding draft model's weights and KV (`speculative`) share the memory.
    public static func capacity(
        gpu: GPUSpec, model: ModelSpec, tensorParallel tp: Int, memoryUtilization: Double = KVCache.memoryUtilization,
        speculative: SpeculativeConfig? = nil
    ) -> Int32? {
        let weights = model.weightBytes + (speculative?.extraWeightBytes ?? 0)
        let perGPU = gpu.memoryBytes * memoryUtilization - weights / Double(tp) - activationReserve
        let blockBytes =
            Double(blockTokens) * (model.kvBytesPerToken + (speculative?.extraKVBytesPerToken ?? 0)) / Double(tp)
        let blocks = (perGPU / blockBytes).rounded(.down)
        return blocks >= 1 ? Int32(min(blocks, Double(Int32.max / 2))) : nil
    }

    public static func blocksFor(tokens: Int32) -> Int32 { (tokens + blockTokens - 1) / blockTokens }

    public var freeBlocks: Int32 { totalBlocks - usedBlocks }
    public var utilization: Double { totalBlocks > 0 ? Double(usedBlocks) / Double(totalBlocks) : 0 }

    public mutating func allocate(_ n: Int32) {
        // Lazy eviction (vLLM v1's free queue): a cached prefix block is reused only when no plain
        // free block is left.
        let plain = totalBlocks - usedBlocks - cachedBlocks
        if n > plain { evictCached(n - plain) }
        usedBlocks += n
        assert(usedBlocks <= totalBlocks, "KV blocks over capacity")
    }

    public mutating func release(_ n: Int32) {
        usedBlocks -= n
        assert(usedBlocks >= 0, "KV blocks released twice")
    }
}
