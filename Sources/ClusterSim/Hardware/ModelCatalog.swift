/// A decoder-only transformer's shape, from which weights, FLOPs and KV bytes follow.
///
/// Shapes are the models' Hugging Face `config.json` keys (`ModelConfig` reads them from a
/// scenario); parameter counts are recomputed from the shapes. Mixture-of-experts models
/// (`experts` > 0) replace the MLP by `experts` MLPs of which each token uses `expertsPerToken`,
/// as Mixtral does (Jiang et al., "Mixtral of Experts", 2024).
public struct ModelSpec: Sendable, Hashable {
    public var id: String
    public var layers: Int
    public var queryHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var hidden: Int
    /// The MLP's intermediate size (of each expert, for a mixture of experts).
    public var ffn: Int
    public var vocab: Int
    public var maxContext: Int
    /// Experts per MoE layer (`num_local_experts`); 0 for a dense model.
    public var experts: Int = 0
    /// Experts each token is routed to (`num_experts_per_tok`).
    public var expertsPerToken: Int = 0
    /// Bytes per weight: 2 for fp16/bf16, 1 for fp8.
    public var weightBytesPerParameter: Double = 2
    /// Bytes per KV-cache element: 2 for fp16/bf16, 1 for an fp8 KV cache.
    public var kvBytesPerElement: Double = 2

    public var isMixtureOfExperts: Bool { experts > 0 }

    /// Attention projections of all layers (and the MoE router), read by every iteration.
    public var denseLayerParameters: Double {
        let attention = hidden * (queryHeads * headDim) * 2 + hidden * (kvHeads * headDim) * 2
        let router = isMixtureOfExperts ? hidden * experts : 0
        let mlp = isMixtureOfExperts ? 0 : 3 * hidden * ffn
        return Double(layers * (attention + router + mlp))
    }

    /// Parameters of one expert across all layers (gate, up and down projections); 0 when dense.
    public var expertParameters: Double { isMixtureOfExperts ? Double(layers * 3 * hidden * ffn) : 0 }

    /// Parameters of the layers every token goes through (attention projections and MLP, every
    /// expert), all layers.
    public var layerParameters: Double { denseLayerParameters + Double(experts) * expertParameters }

    /// Parameters one token multiplies through: the dense part and its `expertsPerToken` experts.
    public var activeLayerParameters: Double { denseLayerParameters + Double(expertsPerToken) * expertParameters }

    /// Expected distinct experts a batch of `tokens` tokens touches in one layer, routing uniform
    /// and independent: E·(1 − (1 − k/E)^tokens). Every expert a batch touches has its weights read
    /// once per iteration; 1 token reads k experts, a large batch all E.
    public func expectedExpertsTouched(tokens: Double) -> Double {
        guard isMixtureOfExperts, tokens > 0 else { return 0 }
        let e = Double(experts)
        let miss = 1 - Double(expertsPerToken) / e
        return e * (1 - _pow(miss, tokens))
    }

    /// Parameters of the LM head (untied from the embedding in all catalog models).
    public var headParameters: Double { Double(hidden * vocab) }

    /// All parameters, embedding table included.
    public var parameters: Double { layerParameters + 2 * headParameters }

    /// Weight bytes of the whole model (`weightBytesPerParameter` each).
    public var weightBytes: Double { weightBytesPerParameter * parameters }

    /// KV-cache bytes per token for the whole model: K and V, every layer.
    public var kvBytesPerToken: Double { Double(2 * layers * kvHeads * headDim) * kvBytesPerElement }

    /// Bytes of activations each token moves through memory outside the matmuls and attention, per
    /// rank, all layers: two RMSNorms (read and write the hidden state), two residual adds (read two,
    /// write one), the attention output's re-layout copy, and SiLU and the gate product over the MLP's
    /// intermediate (read one and write one, then read two and write one; each of a token's experts
    /// for a mixture). BF16, unfused kernels as the calibration script (PyTorch eager ops in a CUDA
    /// graph) runs them; the tensor-parallel ranks split the attention heads and the MLP, and each
    /// holds the whole hidden state.
    public func activationBytesPerToken(tensorParallel tp: Int = 1) -> Double {
        let replicated = 2.0 * (2 * 2 + 2 * 3) * Double(hidden)
        let mlps = Double(isMixtureOfExperts ? expertsPerToken : 1)
        let split = 2.0 * (2 * Double(hidden) + 5 * Double(ffn) * mlps) / Double(tp)
        return Double(layers) * (replicated + split)
    }
}

/// The built-in models, from each model's Hugging Face `config.json` (the repository named in the
/// comment); README.md and docs/scenarios.md list them. Scenarios add their own under `models:`.
public enum ModelCatalog {
    public static let all: [ModelSpec] = [
        // meta-llama/Meta-Llama-3-8B
        ModelSpec(
            id: "llama3-8b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 128_256, maxContext: 8192),
        // meta-llama/Llama-3.1-8B: the same shape as Llama 3 8B with a 128k-token context.
        ModelSpec(
            id: "llama3.1-8b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 128_256, maxContext: 131_072),
        // mistralai/Mistral-7B-v0.1
        ModelSpec(
            id: "mistral-7b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 32000, maxContext: 32768),
        // Qwen/Qwen2.5-14B
        ModelSpec(
            id: "qwen2.5-14b", layers: 48, queryHeads: 40, kvHeads: 8, headDim: 128, hidden: 5120, ffn: 13824,
            vocab: 152_064, maxContext: 32768),
        // meta-llama/Meta-Llama-3-70B
        ModelSpec(
            id: "llama3-70b", layers: 80, queryHeads: 64, kvHeads: 8, headDim: 128, hidden: 8192, ffn: 28672,
            vocab: 128_256, maxContext: 8192),
        // meta-llama/Llama-3.1-70B
        ModelSpec(
            id: "llama3.1-70b", layers: 80, queryHeads: 64, kvHeads: 8, headDim: 128, hidden: 8192, ffn: 28672,
            vocab: 128_256, maxContext: 131_072),
        // meta-llama/Llama-2-7b-hf (multi-head attention: as many KV heads as query heads)
        ModelSpec(
            id: "llama2-7b", layers: 32, queryHeads: 32, kvHeads: 32, headDim: 128, hidden: 4096, ffn: 11008,
            vocab: 32000, maxContext: 4096),
        // meta-llama/Llama-2-13b-hf (vLLM's and Orca's, Sarathi's and Llumnix's experiments)
        ModelSpec(
            id: "llama2-13b", layers: 40, queryHeads: 40, kvHeads: 40, headDim: 128, hidden: 5120, ffn: 13824,
            vocab: 32000, maxContext: 4096),
        // meta-llama/Llama-2-70b-hf
        ModelSpec(
            id: "llama2-70b", layers: 80, queryHeads: 64, kvHeads: 8, headDim: 128, hidden: 8192, ffn: 28672,
            vocab: 32000, maxContext: 4096),
        // codellama/CodeLlama-34b-Instruct-hf
        ModelSpec(
            id: "codellama-34b", layers: 48, queryHeads: 64, kvHeads: 8, headDim: 128, hidden: 8192, ffn: 22016,
            vocab: 32000, maxContext: 16384),
        // 01-ai/Yi-34B (Sarathi-Serve's experiments)
        ModelSpec(
            id: "yi-34b", layers: 60, queryHeads: 56, kvHeads: 8, headDim: 128, hidden: 7168, ffn: 20480,
            vocab: 64000, maxContext: 4096),
        // mistralai/Mixtral-8x7B-v0.1: 8 experts, 2 per token.
        ModelSpec(
            id: "mixtral-8x7b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 32000, maxContext: 32768, experts: 8, expertsPerToken: 2),
        // Qwen/Qwen3-14B
        ModelSpec(
            id: "qwen3-14b", layers: 40, queryHeads: 40, kvHeads: 8, headDim: 128, hidden: 5120, ffn: 17408,
            vocab: 151_936, maxContext: 40960),
        // facebook/opt-13b (Orca's and vLLM's experiments): MHA, a 4× MLP of two matrices, here
        // counted as a three-matrix MLP of two-thirds the width (same parameters).
        ModelSpec(
            id: "opt-13b", layers: 40, queryHeads: 40, kvHeads: 40, headDim: 128, hidden: 5120, ffn: 13653,
            vocab: 50272, maxContext: 2048),
        // huggyllama/llama-7b and llama-30b (LLaMA-1 33B): the models of Llumnix's experiments
        // (Sun et al., OSDI'24, https://arxiv.org/abs/2406.03243); MHA, 2k context.
        ModelSpec(
            id: "llama-7b", layers: 32, queryHeads: 32, kvHeads: 32, headDim: 128, hidden: 4096, ffn: 11008,
            vocab: 32000, maxContext: 2048),
        ModelSpec(
            id: "llama-30b", layers: 60, queryHeads: 52, kvHeads: 52, headDim: 128, hidden: 6656, ffn: 17920,
            vocab: 32000, maxContext: 2048),
        // tiiuae/falcon-180B (Sarathi-Serve's largest, https://arxiv.org/abs/2403.02310): 232 query
        // heads of 64 over 8 KV heads, a 4x MLP of two matrices counted as a three-matrix MLP of
        // two-thirds the width (same parameters), as opt-13b.
        ModelSpec(
            id: "falcon-180b", layers: 80, queryHeads: 232, kvHeads: 8, headDim: 64, hidden: 14848, ffn: 39595,
            vocab: 65024, maxContext: 2048),
    ]

    public static func spec(_ id: String) -> ModelSpec? { all.first { $0.id == id } }
    public static var ids: [String] { all.map(\.id) }
}
