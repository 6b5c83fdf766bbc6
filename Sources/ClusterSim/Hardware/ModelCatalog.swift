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
}

public enum ModelCatalog {
    public static let all: [ModelSpec] = [
        ModelSpec(
            id: "llama3-8b", layers: 32, queryHeads: 32, kvHeads: 8, headDim: 128, hidden: 4096, ffn: 14336,
            vocab: 128_256, maxContext: 8192),
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
