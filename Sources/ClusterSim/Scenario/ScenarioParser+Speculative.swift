/// Speculative decoding's scenario keys: `cluster[].engine.speculative_config` (vLLM's
/// `--speculative-config`) and `workload[].acceptance_rate`.
extension ScenarioParser {
    /// Draft tokens per iteration accepted in `num_speculative_tokens` (vLLM takes any; past a
    /// handful the last drafts are rarely accepted). 0 keeps the proposer loaded but never drafts:
    /// the baseline of a sweep over it.
    static let maxSpeculativeTokens = 16

    /// `speculative_config: {method, model, num_speculative_tokens}` of a group serving `target`.
    static func speculativeConfig(_ v: YAMLValue, target: ModelSpec, hardware: Hardware) throws -> SpeculativeConfig {
        let m = try v.mapping(allowed: ["method", "model", "num_speculative_tokens"])
        let methodValue = try m.required("method")
        let method = try methodValue.choice(SpeculativeConfig.Method.self)
        let tokens = try m.required("num_speculative_tokens").integer(
            "a whole number of draft tokens", in: 0...maxSpeculativeTokens)
        var config = SpeculativeConfig(method: method, tokens: tokens)
        if method == .draftModel {
            let modelValue = try m.required("model")
            let id = try modelValue.string(oneOf: hardware.modelIDs)
            guard let draft = hardware.model(id) else { throw modelValue.error("unknown model \"\(id)\"") }
            guard draft.vocab == target.vocab else {
                throw modelValue.error(
                    "a draft model must share the target's vocabulary: \(id) has \(draft.vocab) tokens, \(target.id) \(target.vocab)"
                )
            }
            config.draftModel = draft
        } else if let modelValue = m["model"] {
            throw modelValue.error("\"model\" names the draft of method draft_model; \(method.rawValue) takes none")
        }
        return config
    }

    /// `acceptance_rate`: the per-token acceptance rate of a stream's draft tokens, in [0, 1].
    static func acceptanceRate(_ v: YAMLValue?) throws -> Double? {
        try v?.number("a per-token acceptance rate", in: 0...1)
    }
}
