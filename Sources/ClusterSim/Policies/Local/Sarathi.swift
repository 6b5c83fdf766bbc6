/// Sarathi-Serve: chunked prefills with stall-free batching under a per-iteration token budget.
///
/// Follows https://github.com/microsoft/sarathi-serve (`sarathi_scheduler.py`) and the OSDI'24 paper
/// (https://arxiv.org/abs/2403.02310). Each iteration gives first one token to every decoding request in
/// admission order (preempting the youngest by recompute when a block is missing), however many
/// there are, then spends what is left of `token_budget` (default 512) on prefill chunks: the next
/// chunk of prompts already admitted, then new
/// prompts from the head of `waiting` (whole-prompt blocks reserved at admission above a 1%
/// watermark, at most `max_num_seqs` running), each chunked to the budget that is left. Decodes are
/// never paused for a prefill, so no iteration with decoding requests is prefill-only.
///
/// With a queue order other than FCFS (`sarathi+mdd`), new prompts are admitted in that order
/// (`QueueOrder`), still stopping at the first that does not fit.
///
/// Simplified: fixed chunk size (the optional dynamic chunking schedule is off, as in the code's defaults).
public struct Sarathi: BatchingMechanics {
    public static let tokenBudgetParameter = PolicyParameter.integer(
        "token_budget", default: 512, in: 1...1_048_576, help: "tokens per iteration, decodes and chunks together")
    public static let maxNumSeqsParameter = PolicyParameter.integer(
        "max_num_seqs", default: 128, in: 1...65536, help: "most requests running at once")
    public static let declaration = PolicyDeclaration(
        id: "sarathi", scope: .local,
        summary: "chunked prefill, stall-free batching: decodes first, then prompt chunks, within a token budget",
        source: "Sarathi-Serve (Agrawal et al., OSDI'24), sarathi_scheduler.py",
        parameters: [tokenBudgetParameter, maxNumSeqsParameter, VLLMv0.watermarkParameter])

    public var tokenBudget: Int32
    public var maxNumSeqs: Int32
    public var watermark: Double
    public var queue = OrderRule.fcfs

    public init(params: PolicyParams = PolicyParams()) throws {
        tokenBudget = Int32(try params.integer(Sarathi.tokenBudgetParameter))
        maxNumSeqs = Int32(try params.integer(Sarathi.maxNumSeqsParameter))
        watermark = try params.number(VLLMv0.watermarkParameter)
    }

    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime, hasher: PrefixHasher)
        -> BatchShape
    {
        formBatch(&inst, &requests, now: now)
    }

    func formBatch(_ inst: inout Instance, _ requests: inout RequestTable, now: SimTime) -> BatchShape {
        var shape = BatchShape()
        // Every decoding request gets its token whatever the budget (`sarathi_scheduler.py`
        // schedules all running decodes before asking the budget for prefill chunks): capping
        // decodes would stall some, which stall-free batching never does. Prefills get what is left.
        let decodes = inst.scheduleDecodes(&requests, now: now, budget: Int32.max, shape: &shape)
        var budget = max(0, tokenBudget - decodes)
        // Continue prompts already admitted, in admission order.
        budget -= inst.continuePrefills(&requests, now: now, budget: budget, shape: &shape)
        // Admit new prompts in queue order (FCFS by default): stop at the first that does not fit.
        let watermarkBlocks = Int32((watermark * Double(inst.kv.totalBlocks)).rounded(.down))
        while budget > 0, !inst.waiting.isEmpty {
            let position = inst.nextWaiting(queue, requests, now: now)
            let head = inst.waiting[position]
            let r = requests[head]
            let need = inst.blocksNeeded(head, tokens: r.heldTokens, requests)
            if inst.running.count >= Int(maxNumSeqs) || inst.kv.freeBlocks - need < watermarkBlocks { break }
            let id = inst.admitWaiting(at: position, blocks: need, &requests, now: now)
            let chunk = min(r.pendingTokens, budget)
            inst.schedule(id, tokens: chunk, &requests, now: now, shape: &shape)
            budget -= chunk
        }
        return shape
    }
}
