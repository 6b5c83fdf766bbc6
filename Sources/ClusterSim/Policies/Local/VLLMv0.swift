/// vLLM v0's default scheduler: prefill-prioritizing continuous batching with paged KV.
///
/// Follows `vllm/core/scheduler.py` (v0.4–0.6 era) of https://github.com/vllm-project/vllm:
/// each iteration first admits whole prompts from the head of `waiting` in FCFS order (stopping at
/// the first that does not fit: the prompt's blocks above a 1% watermark, the token budget
/// `max_num_batched_tokens`, the sequence cap `max_num_seqs`); if any was admitted the iteration is
/// prefill-only, which stalls every decode for one iteration. Otherwise every running request
/// decodes one token, and a missing block is found by recompute-preempting the most recently
/// admitted request, which returns to the head of `waiting`.
///
/// With a queue order other than FCFS (`vllm-v0+edd`), prompts are admitted in that order
/// (`QueueOrder`), still stopping at the first that does not fit.
///
/// Simplified: no swap preemption (vLLM uses it only for beam search / n > 1), no swapped queue.
public struct VLLMv0: BatchingMechanics {
    public static let maxNumSeqsParameter = PolicyParameter.integer(
        "max_num_seqs", default: 256, in: 1...65536, help: "most requests running at once")
    public static let maxBatchedTokensParameter = PolicyParameter.integer(
        "max_num_batched_tokens", default: 0, in: 0...1_048_576, help: "most prompt tokens per iteration",
        shown: "max(context, 2048)")
    /// Also Sarathi's.
    public static let watermarkParameter = PolicyParameter.number(
        "watermark", default: 0.01, in: 0...0.5, help: "share of KV blocks kept free at admission")
    public static let declaration = PolicyDeclaration(
        id: "vllm-v0", scope: .local,
        summary:
            "prefill-prioritizing continuous batching; whole prompts, prefill-only iterations, recompute preemption",
        source: "vLLM v0 scheduler.py (Kwon et al., SOSP'23)",
        parameters: [maxNumSeqsParameter, maxBatchedTokensParameter, watermarkParameter])

    public var maxNumSeqs: Int32
    /// Zero means "the model's context length, at least 2048" (vLLM's default).
    public var maxBatchedTokens: Int32
    public var watermark: Double
    public var queue = OrderRule.fcfs

    public init(params: PolicyParams = PolicyParams()) throws {
        maxNumSeqs = Int32(try params.integer(VLLMv0.maxNumSeqsParameter))
        maxBatchedTokens = Int32(try params.integer(VLLMv0.maxBatchedTokensParameter))
        watermark = try params.number(VLLMv0.watermarkParameter)
    }

    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime, hasher: PrefixHasher)
        -> BatchShape
    {
        formBatch(&inst, &requests, now: now)
    }

    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime) -> BatchShape {
        var shape = BatchShape()
        let watermarkBlocks = Int32((watermark * Double(inst.kv.totalBlocks)).rounded(.down))
        let tokenBudget = maxBatchedTokens > 0 ? maxBatchedTokens : max(inst.maxContext, 2048)
        // Prompts left half done by another policy (after a switch) finish first; none under v0 alone.
        var batchedTokens: Int32 = 0
        if inst.mayHavePartialPrefills {
            if inst.running.contains(where: { !requests[$0].isDecoding }) {
                batchedTokens = inst.continuePrefills(&requests, now: now, budget: tokenBudget, shape: &shape)
            } else {
                inst.mayHavePartialPrefills = false
            }
        }
        while !inst.waiting.isEmpty {
            let position = inst.nextWaiting(queue, requests, now: now)
            let head = inst.waiting[position]
            let r = requests[head]
            let need = inst.blocksNeeded(head, tokens: r.heldTokens, requests)
            if batchedTokens + r.pendingTokens > tokenBudget || inst.running.count >= Int(maxNumSeqs)
                || inst.kv.freeBlocks - need < watermarkBlocks
            {
                break
            }
            let id = inst.admitWaiting(at: position, blocks: need, &requests, now: now)
            // A request swapped back in mid-decode decodes with the others (vLLM v0's swapped queue).
            if r.isDecoding { continue }
            inst.schedule(id, tokens: r.pendingTokens, &requests, now: now, shape: &shape)
            batchedTokens += r.pendingTokens
        }
        if shape.prefillSeqs > 0 { return shape }
        _ = inst.scheduleDecodes(&requests, now: now, budget: Int32.max, shape: &shape)
        return shape
    }
}
