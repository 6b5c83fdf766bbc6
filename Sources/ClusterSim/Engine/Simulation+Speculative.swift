/// Speculative decoding in the engine (Leviathan et al., ICML 2023; vLLM's `speculative_config`):
/// after the local policy forms a batch, each decoding request in it gets `k` draft tokens to
/// verify when KV blocks for them are free; at the iteration's end a seeded draw decides how many
/// of them the target accepted (Speculative.swift).
///
/// Simplifications: drafts are added after the policy's choice, so they count against neither its
/// token budget nor its preemptions (a request whose draft blocks are not free decodes plainly
/// that iteration); a request proposes `k` tokens whatever its remaining output, and the tokens
/// past its end are dropped; acceptance is independent per token at the stream's rate.
extension Simulation {
    /// Gives each decoding request of instance `index`'s new batch its draft tokens, with KV blocks
    /// for them, and adds them to `shape`.
    mutating func proposeDrafts(on index: Int, shape: inout BatchShape) {
        guard let k = instances[index].speculation.map({ Int32($0.config.tokens) }), k > 0 else { return }
        var batch = instances[index].batch
        for e in batch.indices {
            let id = batch[e].request
            let r = requests[id]
            guard batch[e].tokens == 1, r.isDecoding else { continue }
            let need = instances[index].blocksNeeded(id, tokens: r.computedTokens + 1 + k, requests)
            guard need <= instances[index].kv.freeBlocks else { continue }
            pool.instances[index].grant(need, to: id, &requests)
            batch[e].drafts = k
            shape.addDrafts(Int(k), context: Int(r.computedTokens))
        }
        instances[index].batch = batch
    }

    /// Draft tokens of `entry` the target kept at the end of its iteration on instance `index`:
    /// a draw at the request's stream rate, cut to the output the request has left after the
    /// iteration's own token.
    mutating func acceptedDrafts(_ entry: BatchEntry, on index: Int) -> Int32 {
        let r = requests[entry.request]
        let rate = scenario.workload[Int(r.stream)].acceptanceRate ?? SpeculativeConfig.defaultAcceptanceRate
        let accepted = pool.instances[index].speculation!.accept(entry.drafts, rate: rate)
        return min(accepted, r.outputTokens - r.generatedTokens - 1)
    }
}
