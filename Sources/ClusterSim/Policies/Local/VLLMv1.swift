/// vLLM v1's scheduler: one token budget for everything, chunked prefill always on, automatic
/// prefix caching, recompute preemption.
///
/// Follows vLLM v1's `vllm/v1/core/sched/scheduler.py` and `kv_cache_manager.py`
/// (https://github.com/vllm-project/vllm). Each iteration walks `running` in admission order and gives each
/// request `min(pending, budget left)` tokens (one for a decoding request, the next chunk for a
/// prompt), allocating blocks only for the tokens scheduled; a missing block preempts the most
/// recently admitted request (recompute: its blocks are freed, it goes back to the front of
/// `waiting`), and the pass stops when the victim is the request being scheduled. Then, if nothing
/// was preempted, it admits waiting requests (FCFS, or the queue order) while the token budget
/// `max_num_batched_tokens` and the sequence cap `max_num_seqs` last: a new request first reuses
/// its longest run of cached prefix blocks (`PrefixCache`), then gets a chunk of what is left, and
/// admission stops at the first request whose blocks do not fit (no watermark). Blocks of a prompt's
/// shareable prefix become cache entries as soon as they are scheduled.
///
/// Defaults follow `EngineArgs.get_batch_defaults` for the OpenAI server: 8192 tokens and 1024
/// sequences on GPUs with at least 70 GiB that are not A100s (H100, H200), 2048 and 256 elsewhere.
///
/// Simplified: no "whole prompt must fit" admission check (an option in recent versions), no
/// priority scheduling mode (queue orders play that role), no speculative decoding or encoder budget.
public struct VLLMv1: BatchingMechanics {
    public static let maxBatchedTokensParameter = PolicyParameter.integer(
        "max_num_batched_tokens", default: 0, in: 0...1_048_576, help: "tokens per iteration",
        shown: "8192 on H100/H200, else 2048")
    public static let maxNumSeqsParameter = PolicyParameter.integer(
        "max_num_seqs", default: 0, in: 0...65536, help: "most requests running at once",
        shown: "1024 on H100/H200, else 256")
    public static let prefixCachingParameter = PolicyParameter.integer(
        "prefix_caching", default: 1, in: 0...1, help: "automatic prefix caching on (1) or off (0)")
    public static let declaration = PolicyDeclaration(
        id: "vllm-v1", scope: .local,
        summary: "one token budget, chunked prefill always on, automatic prefix caching (LRU), recompute preemption",
        source: "vLLM v1 scheduler.py, kv_cache_manager.py, block_pool.py (2025)",
        parameters: [maxBatchedTokensParameter, maxNumSeqsParameter, prefixCachingParameter])

    /// Zero means the GPU's default (see above).
    public var maxBatchedTokens: Int32
    public var maxNumSeqs: Int32
    public var prefixCaching: Bool
    public var queue = OrderRule.fcfs

    public init(params: PolicyParams = PolicyParams()) throws {
        maxBatchedTokens = Int32(try params.integer(VLLMv1.maxBatchedTokensParameter))
        maxNumSeqs = Int32(try params.integer(VLLMv1.maxNumSeqsParameter))
        prefixCaching = try params.integer(VLLMv1.prefixCachingParameter) == 1
    }

    /// vLLM's server defaults for `gpu`: (token budget, sequence cap).
    static func defaults(for gpu: GPUSpec) -> (tokens: Int32, seqs: Int32) {
        let large = gpu.memoryBytes >= 70 * 1024 * 1024 * 1024 && !gpu.id.hasPrefix("a100")
        return large ? (8192, 1024) : (2048, 256)
    }

    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime, hasher: PrefixHasher)
        -> BatchShape
    {
        var shape = BatchShape()
        let defaults = VLLMv1.defaults(for: inst.gpu)
        var budget = maxBatchedTokens > 0 ? maxBatchedTokens : defaults.tokens
        let seqCap = Int(maxNumSeqs > 0 ? maxNumSeqs : defaults.seqs)
        var preempted = false
        // Running requests, in admission order.
        var i = 0
        while i < inst.running.count && budget > 0 {
            let id = inst.running[i]
            let r = requests[id]
            if r.migration == .stopped {
                i += 1
                continue
            }
            let tokens = min(r.pendingTokens, budget)
            let need = inst.blocksNeeded(id, tokens: r.computedTokens + tokens, requests)
            var selfPreempted = false
            while need > inst.kv.freeBlocks {
                preempted = true
                if inst.preemptYoungest(&requests) == id {
                    selfPreempted = true
                    break
                }
            }
            if selfPreempted { break }
            inst.grant(need, to: id, &requests)
            if prefixCaching && !r.isDecoding {
                inst.registerPrefixBlocks(id, upTo: r.computedTokens + tokens, &requests, hasher: hasher)
            }
            inst.schedule(id, tokens: tokens, &requests, now: now, shape: &shape)
            budget -= tokens
            i += 1
        }
        if preempted { return shape }
        // New requests, in queue order, while budget and seats last.
        while budget > 0, inst.running.count < seqCap, !inst.waiting.isEmpty {
            let position = inst.nextWaiting(queue, requests, now: now)
            let id = inst.waiting[position]
            let r = requests[id]
            // A request swapped out keeps its progress; any other looks its prefix up in GPU
            // memory, then in the lower KV tiers (`KVTiers`).
            let swapped = r.swappedBlocks > 0
            let hits =
                prefixCaching && !swapped
                ? inst.prefixHits(id, requests, hasher: hasher) : (blocks: 0, evictable: 0, last: -1)
            let lower =
                prefixCaching && !swapped && inst.kv.tiers != nil
                ? inst.lowerTierHits(id, after: hits.blocks, requests, hasher: hasher) : (cpu: 0, pool: 0)
            let computed =
                swapped ? r.computedTokens : (hits.blocks + lower.cpu + lower.pool) * KVCache.blockTokens
            let tokens = min(r.heldTokens - computed, budget)
            let need = KVCache.blocksFor(tokens: computed + tokens) - hits.blocks
            if need + hits.evictable > inst.kv.freeBlocks { break }
            _ = inst.admitWaiting(at: position, blocks: 0, &requests, now: now)
            inst.takePrefixHits(id, count: hits.blocks, &requests, hasher: hasher)
            inst.grant(need, to: id, &requests)
            inst.loadLowerTierHits(
                id, after: hits.blocks, cpu: lower.cpu, pool: lower.pool, &requests, hasher: hasher)
            if prefixCaching {
                inst.registerPrefixBlocks(id, upTo: computed + tokens, &requests, hasher: hasher)
            }
            inst.schedule(id, tokens: tokens, &requests, now: now, shape: &shape)
            budget -= tokens
        }
        return shape
    }
}
