/// How an instance decodes speculatively: vLLM's `speculative_config` (`method`, `model`,
/// `num_speculative_tokens`).
///
/// Speculative decoding (Leviathan, Kalman and Matias, "Fast Inference from Transformers via
/// Speculative Decoding", ICML 2023): a cheap proposer guesses the next `k` tokens of each decoding
/// request, the target model scores all `k + 1` positions in one wider iteration, and keeps the
/// guesses up to the first it rejects plus one token of its own. With a per-token acceptance rate
/// α, an iteration yields `(1 − α^(k+1)) / (1 − α)` tokens per request on average.
public struct SpeculativeConfig: Sendable, Hashable {
    /// What proposes the draft tokens.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// A smaller model of the same vocabulary (`model`), run `k` times per iteration.
        case draftModel = "draft_model"
        /// An EAGLE head (Li et al., "EAGLE: Speculative Sampling Requires Rethinking Feature
        /// Uncertainty", ICML 2024): one decoder layer on the target's hidden states and the
        /// target's LM head, run `k` times per iteration.
        case eagle
        /// Prompt lookup (n-gram matching on the request's own tokens): proposed on the host, no GPU time.
        case ngram
    }

    public var method: Method
    /// Draft tokens proposed per decoding request per iteration (`num_speculative_tokens`, k).
    public var tokens: Int
    /// The draft model (`draft_model` only).
    public var draftModel: ModelSpec?

    public init(method: Method, tokens: Int, draftModel: ModelSpec? = nil) {
        self.method = method
        self.tokens = tokens
        self.draftModel = draftModel
    }

    /// Acceptance rate of a workload stream that does not set `acceptance_rate`.
    public static let defaultAcceptanceRate = 0.7

    /// The proposer's shape, run on the target's GPUs: the draft model, a one-layer copy of the
    /// target for an EAGLE head (its decoder layer and the shared LM head), none for n-grams.
    public func proposer(for target: ModelSpec) -> ModelSpec? {
        switch method {
        case .draftModel: return draftModel
        case .eagle:
            var head = target
            head.id = target.id + "-eagle"
            head.layers = 1
            return head
        case .ngram: return nil
        }
    }

    /// GPU memory the proposer holds beside the target: a draft model's weights (an EAGLE head is
    /// small and shares the target's embedding and LM head; it is left out).
    var extraWeightBytes: Double { method == .draftModel ? draftModel?.weightBytes ?? 0 : 0 }

    /// KV bytes per token the proposer keeps beside the target's (a draft model keeps its own cache).
    var extraKVBytesPerToken: Double { method == .draftModel ? draftModel?.kvBytesPerToken ?? 0 : 0 }
}

/// One instance's speculative decoding: its configuration, the proposer's cost, the seeded stream
/// acceptances are drawn from, and vLLM's counters (`vllm:spec_decode_num_drafts`,
/// `_num_draft_tokens`, `_num_accepted_tokens`).
public struct Speculation: Sendable {
    public let config: SpeculativeConfig
    /// The proposer's iteration time on this instance's GPUs (nil: proposed on the host).
    let proposer: IterationTerms?
    var random: RandomStream
    /// Draft rounds: one per decoding request per iteration that got drafts.
    public internal(set) var drafts: Int64 = 0
    /// Draft tokens proposed.
    public internal(set) var draftTokens: Int64 = 0
    /// Draft tokens the target accepted (before a request's end cuts them).
    public internal(set) var acceptedTokens: Int64 = 0

    /// `config` on instance `instance` (`tp` GPUs of `gpu` with the cost `constants`); its
    /// acceptances come from a stream split from the scenario `seed` by instance.
    init(
        _ config: SpeculativeConfig, target: ModelSpec, gpu: GPUSpec, tensorParallel tp: Int, constants: CostConstants,
        seed: UInt64, instance: Int32
    ) {
        self.config = config
        proposer = config.proposer(for: target).map {
            CostModel(gpu: gpu, model: $0, tensorParallel: tp, constants: constants).terms
        }
        random = RandomStream(seed: seed, label: "speculative", index: Int(instance))
    }

    /// Accepted draft tokens over proposed ones (vLLM's draft acceptance rate), nil before any draft.
    public var acceptanceRate: Double? { draftTokens > 0 ? Double(acceptedTokens) / Double(draftTokens) : nil }

    /// Tokens per draft round: 1 + accepted / drafts (vLLM's mean acceptance length), nil before any.
    public var meanAcceptanceLength: Double? { drafts > 0 ? 1 + Double(acceptedTokens) / Double(drafts) : nil }

    /// Draws how many of `drafts` tokens the target accepts at per-token rate `alpha`: each is
    /// accepted with probability α once all before it were, so at least j are with probability α^j.
    /// One uniform draw per request per iteration.
    mutating func accept(_ drafts: Int32, rate alpha: Double) -> Int32 {
        let u = random.uniformOpen()
        var accepted: Int32
        if alpha <= 0 {
            accepted = 0
        } else if alpha >= 1 {
            accepted = drafts
        } else {
            accepted = Int32(min(Double(drafts), (_log(u) / _log(alpha)).rounded(.down)))
        }
        self.drafts += 1
        draftTokens += Int64(drafts)
        acceptedTokens += Int64(accepted)
        return accepted
    }

    /// Seconds the proposer adds to an iteration of `shape`: its first step runs over the prompt
    /// chunks too (a draft model keeps its own KV of every prompt; an EAGLE head reads the target's
    /// hidden states of them), then the other `draftSteps − 1` steps over the drafting requests.
    func proposerSeconds(_ shape: BatchShape) -> Double {
        guard let proposer, config.tokens > 0, shape.draftSeqs > 0 || shape.prefillSeqs > 0 else { return 0 }
        var decodes = BatchShape()
        decodes.decodeSeqs = shape.draftSeqs
        decodes.decodeContextTokens = shape.draftContextTokens
        var first = decodes
        first.prefillSeqs = shape.prefillSeqs
        first.prefillTokens = shape.prefillTokens
        first.prefillSquares = shape.prefillSquares
        first.prefillPrefixProduct = shape.prefillPrefixProduct
        first.prefillPrefixTokens = shape.prefillPrefixTokens
        guard shape.draftSteps > 1 else { return proposer.seconds(first) }
        return proposer.seconds(first) + Double(shape.draftSteps - 1) * proposer.seconds(decodes)
    }
}
