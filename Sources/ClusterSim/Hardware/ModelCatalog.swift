/// A decoder-only transformer's shape, from which weights, FLOPs and KV bytes follow.
///
/// Shapes follow `research/policies.md` §7.4 (Hugging Face `config.json` of each model); parameter
/// counts are recomputed from the shapes.
public struct ModelSpec: Sendable, Hashable {
    public var id: String
    public var layers: Int
    public var queryHeads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var hidden: Int
    public var ffn: Int
    public var vocab: Int
    public var maxContext: Int

    /// Parameters of the layers every token goes through (attention projections and MLP), all layers.
    public var layerParameters: Double {
        let attention = hidden * (queryHeads * headDim) * 2 + hidden * (kvHeads * headDim) * 2
        let mlp = 3 * hidden * ffn
        return Double(layers * (attention + mlp))
    }

    /// Parameters of the LM head (untied from the embedding in all catalog models).
    public var headParameters: Double { Double(hidden * vocab) }

    /// All parameters, embedding table included.
    public var parameters: Double { layerParameters + 2 * headParameters }

    /// BF16 weight bytes of the whole model.
    public var weightBytes: Double { 2 * parameters }

    /// KV-cache bytes per token for the whole model: K and V, every layer, BF16.
    public var kvBytesPerToken: Double { Double(2 * layers * kvHeads * headDim * 2) }

    /// Bytes of activations each token moves through memory outside the matmuls and attention, per
    /// rank, all layers: two RMSNorms (read and write the hidden state), two residual adds (read two,
    /// write one), the attention output's re-layout copy, and SiLU and the gate product over the MLP's
    /// intermediate (read one and write one, then read two and write one). BF16, unfused kernels as
    /// the calibration script (PyTorch eager ops in a CUDA graph) runs them; the tensor-parallel ranks
    /// split the attention heads and the MLP, and each holds the whole hidden state.
    public func activationBytesPerToken(tensorParallel tp: Int = 1) -> Double {
        let replicated = 2.0 * (2 * 2 + 2 * 3) * Double(hidden)
        let split = 2.0 * (2 * Double(hidden) + 5 * Double(ffn)) / Double(tp)
        return Double(layers) * (replicated + split)
    }
}

public enum ModelCatalog {
    public static let all: [ModelSpec] = [
        ModelSpec(
            id: "llama3-8b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 128_256, maxContext: 8192),
        // Llama 3.1 8B: the same shape as Llama 3 8B with a 128k-token context (long-prompt traces).
        ModelSpec(
            id: "llama3.1-8b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 128_256, maxContext: 131_072),
        ModelSpec(
            id: "mistral-7b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 32000, maxContext: 32768),
        ModelSpec(
            id: "qwen2.5-14b", layers: 48, queryHeads: 40, kvHeads: 8, headDim: 128, hidden: 5120, ffn: 13824,
            vocab: 152_064, maxContext: 32768),
        ModelSpec(
            id: "llama3-70b", layers: 80, queryHeads: 64, kvHeads: 8, headDim: 128, hidden: 8192, ffn: 28672,
            vocab: 128_256, maxContext: 8192),
    ]

    public static func spec(_ id: String) -> ModelSpec? { all.first { $0.id == id } }
    public static var ids: [String] { all.map(\.id) }
}
