import Foundation
import Yams

/// Reads a model's shape from its Hugging Face `config.json` keys, inline in a scenario or from the
/// file itself, with located errors.
///
/// Keys read (transformers' `LlamaConfig`, `MistralConfig`, `MixtralConfig`, `Qwen2Config`,
/// `Qwen3Config` names): `num_hidden_layers`, `hidden_size`, `num_attention_heads`,
/// `num_key_value_heads` (default: as many as the query heads, multi-head attention),
/// `head_dim` (default `hidden_size / num_attention_heads`), `intermediate_size`, `vocab_size`,
/// `max_position_embeddings`, `num_local_experts` and `num_experts_per_tok` (mixture of experts;
/// Qwen's `num_experts` and `moe_intermediate_size` too), `torch_dtype` (`float16`, `bfloat16`,
/// `float8_e4m3fn`, …: bytes per weight). Beside them a scenario may give `kv_cache_dtype` (`auto`,
/// `fp8`, `fp8_e4m3`, `fp8_e5m2`: vLLM's option). Keys a `config.json` carries that do not change
/// the cost (`architectures`, `rope_theta`, …) are accepted and ignored; any other key is an error,
/// so a misspelt shape key cannot pass unnoticed.
public enum ModelConfig {
    /// Keys that set the shape.
    static let shapeKeys = [
        "num_hidden_layers", "hidden_size", "num_attention_heads", "num_key_value_heads", "head_dim",
        "intermediate_size", "vocab_size", "max_position_embeddings", "num_local_experts", "num_experts",
        "num_experts_per_tok", "moe_intermediate_size", "torch_dtype", "kv_cache_dtype",
    ]

    /// `config.json` keys that do not change the cost model (tokens, initialisation, training,
    /// rotary embedding, normalisation and activation details).
    static let ignoredKeys = [
        "architectures", "model_type", "attention_dropout", "attention_bias", "bos_token_id", "eos_token_id",
        "pad_token_id", "hidden_act", "initializer_range", "output_router_logits", "pretraining_tp", "rms_norm_eps",
        "rope_scaling", "rope_theta", "router_aux_loss_coef", "router_jitter_noise", "sliding_window",
        "use_sliding_window", "max_window_layers", "tie_word_embeddings", "transformers_version", "use_cache",
        "mlp_bias", "layer_types", "_name_or_path", "auto_map", "quantization_config", "torch_dtype_", "dtype",
        "decoder_sparse_step", "norm_topk_prob", "shared_expert_intermediate_size", "mlp_only_layers",
        "num_attention_layers", "qkv_bias", "partial_rotary_factor",
    ]

    /// Bytes per element of each `torch_dtype` / `kv_cache_dtype` value.
    static let dtypeBytes: [String: Double] = [
        "float16": 2, "fp16": 2, "half": 2, "bfloat16": 2, "bf16": 2, "float8_e4m3fn": 1, "float8_e5m2": 1,
        "fp8": 1, "fp8_e4m3": 1, "fp8_e5m2": 1, "float32": 4,
    ]

    /// A model `id` from the mapping `value` of `config.json` keys.
    static func spec(id: String, _ value: YAMLValue) throws -> ModelSpec {
        let m = try value.mapping(allowed: shapeKeys + ignoredKeys)
        func count(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            try m.required(key).integer("a whole number", in: range)
        }
        let layers = try count("num_hidden_layers", 1...1024)
        let hidden = try count("hidden_size", 1...1_048_576)
        let heads = try count("num_attention_heads", 1...4096)
        let kvValue = m["num_key_value_heads"]
        let kvHeads = try kvValue?.integer("a whole number of KV heads", in: 1...4096) ?? heads
        guard heads % kvHeads == 0 else {
            throw (kvValue ?? value).error(
                "expected a number of KV heads that divides num_attention_heads (\(heads)), got \(kvHeads)")
        }
        var headDim = hidden / heads
        if let h = m["head_dim"] {
            headDim = try h.integer("a whole number", in: 1...65536)
        } else if hidden % heads != 0 {
            throw try m.required("hidden_size").error(
                "expected a hidden_size that num_attention_heads (\(heads)) divides (or give head_dim), got \(hidden)")
        }
        var ffn = try count("intermediate_size", 1...16_777_216)
        let vocab = try count("vocab_size", 1...16_777_216)
        let context = try count("max_position_embeddings", 1...16_777_216)
        var experts = 0
        if let e = m["num_local_experts"] ?? m["num_experts"] {
            experts = try e.integer("a whole number of experts", in: 0...65536)
        }
        var perToken = 0
        if let k = m["num_experts_per_tok"] {
            perToken = try k.integer("a whole number of experts per token", in: 0...65536)
            guard perToken <= experts else {
                throw k.error("expected at most num_local_experts (\(experts)) experts per token, got \(perToken)")
            }
        }
        if experts > 0 && perToken == 0 {
            throw (m["num_local_experts"] ?? m["num_experts"] ?? value).error(
                "a mixture of \(experts) experts needs num_experts_per_tok (1 to \(experts))")
        }
        if experts > 0, let moe = m["moe_intermediate_size"] {
            ffn = try moe.integer("a whole number", in: 1...16_777_216)
        }
        var spec = ModelSpec(
            id: id, layers: layers, queryHeads: heads, kvHeads: kvHeads, headDim: headDim, hidden: hidden, ffn: ffn,
            vocab: vocab, maxContext: context, experts: experts, expertsPerToken: perToken)
        if let d = m["torch_dtype"] {
            spec.weightBytesPerParameter = try bytes(d)
            spec.kvBytesPerElement = spec.weightBytesPerParameter
        }
        if let d = m["kv_cache_dtype"], try d.string() != "auto" { spec.kvBytesPerElement = try bytes(d) }
        return spec
    }

    static func bytes(_ v: YAMLValue) throws -> Double {
        let name = try v.string(oneOf: dtypeBytes.keys.sorted() + (v.path.hasSuffix("kv_cache_dtype") ? ["auto"] : []))
        return dtypeBytes[name]!
    }

    /// A `config.json` is a few kilobytes; anything past this is not one.
    public static let maxBytes = 1 << 20
    static let sizeHint = "a config.json is a few kilobytes"

    /// Reads `config.json` (or YAML) at `path`; errors name it `shown`.
    static func load(id: String, path: String, shown: String) throws -> ModelSpec {
        let text = try InputFile.text(path, limit: maxBytes, shown: shown, sizeHint: sizeHint)
        let root = try InputFile.yamlDocument(text, file: shown, what: "a config.json", empty: "expected a config.json")
        return try spec(id: id, root)
    }
}
