import Testing

@testable import ClusterSim

struct ModelConfigTests {
    func parse(_ yaml: String, tp: Int = 1) throws -> Scenario {
        try ScenarioParser.parse(
            """
            duration_s: 10
            models:
              - id: custom
                config: \(yaml)
            cluster: [{gpu: h100, model: custom, tp: \(tp)}]
            tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload: [{tenant: t, arrival: {process: poisson, rate: 1}, input_tokens: {dist: fixed, value: 100}, output_tokens: {dist: fixed, value: 10}}]
            """, file: "m.yaml")
    }

    @Test func llama2SevenBFromConfigKeysHasItsParametersAndKVBytes() throws {
        let s = try parse(
            "{num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000, max_position_embeddings: 4096, torch_dtype: float16}"
        )
        let m = s.modelSpec("custom")!
        // Llama-2-7B has 6.74 billion parameters; MHA: 2·32 layers·4096·2 bytes of KV per token.
        #expect(abs(m.parameters / 6.738e9 - 1) < 0.001)
        #expect(m.kvBytesPerToken == 2 * 32 * 4096 * 2)
        #expect(m.kvHeads == 32)
        #expect(
            m
                == ModelCatalog.spec("llama2-7b").map {
                    var c = $0
                    c.id = "custom"
                    return c
                })
    }

    @Test func mixtralCountsEveryExpertInWeightsAndTwoInFLOPs() throws {
        let s = try parse(
            "{num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 32000, max_position_embeddings: 32768, num_local_experts: 8, num_experts_per_tok: 2, torch_dtype: bfloat16}",
            tp: 2)
        let m = s.modelSpec("custom")!
        // Mixtral 8x7B: 46.7 billion parameters, 12.9 billion active per token.
        #expect(abs(m.parameters / 46.70e9 - 1) < 0.005)
        #expect(abs((m.activeLayerParameters + 2 * m.headParameters) / 12.88e9 - 1) < 0.01)
        #expect(m.kvBytesPerToken == 2 * 32 * 8 * 128 * 2)
    }

    @Test func expectedExpertsTouchedGrowsFromKToAllExperts() {
        let m = ModelCatalog.spec("mixtral-8x7b")!
        #expect(abs(m.expectedExpertsTouched(tokens: 1) - 2) < 1e-12)
        // Two tokens: 8·(1 − (6/8)²) = 3.5 experts.
        #expect(abs(m.expectedExpertsTouched(tokens: 2) - 3.5) < 1e-12)
        #expect(m.expectedExpertsTouched(tokens: 256) > 7.999)
        // Decoding costs more weight reads as the batch touches more experts: batch 8 slower than 1
        // by more than the dense model of the same active size would be.
        let cost = CostModel(gpu: GPUCatalog.spec("h100")!, model: m, tensorParallel: 2)
        var one = BatchShape(), eight = BatchShape()
        one.addDecode(context: 100)
        for _ in 0..<8 { eight.addDecode(context: 100) }
        #expect(cost.seconds(eight) / cost.seconds(one) > 1.5)
    }

    @Test func fp8WeightsAndKVHalveTheBytes() throws {
        let s = try parse(
            "{num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 32000, max_position_embeddings: 8192, torch_dtype: float8_e4m3fn}"
        )
        let m = s.modelSpec("custom")!
        let bf16 = ModelCatalog.spec("mistral-7b")!
        #expect(m.weightBytes * 2 == bf16.weightBytes)
        #expect(m.kvBytesPerToken * 2 == bf16.kvBytesPerToken)
    }

    @Test func misspeltOrInconsistentKeysAreLocatedErrors() {
        let typo = #expect(throws: ScenarioError.self) {
            _ = try parse("{num_hidden_layer: 32, hidden_size: 4096}")
        }
        #expect(typo?.description.contains("m.yaml:4:") == true)
        #expect(typo?.description.contains("did you mean \"num_hidden_layers\"") == true)
        let heads = #expect(throws: ScenarioError.self) {
            _ = try parse(
                "{num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 8, num_key_value_heads: 3, intermediate_size: 10, vocab_size: 10, max_position_embeddings: 10}"
            )
        }
        #expect(heads?.path == "models[0].config.num_key_value_heads")
        let experts = #expect(throws: ScenarioError.self) {
            _ = try parse(
                "{num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 8, intermediate_size: 10, vocab_size: 10, max_position_embeddings: 10, num_local_experts: 4, num_experts_per_tok: 5}"
            )
        }
        #expect(experts?.message.contains("at most num_local_experts (4)") == true)
    }

    @Test func engineSettingsOverrideKVBlocksAndContext() throws {
        let s = try ScenarioParser.parse(
            """
            duration_s: 10
            cluster: [{gpu: h100, model: llama2-7b, engine: {kv_blocks: 1234, max_model_len: 2048, calibration: vllm-0.15.1-h100}}]
            tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
            workload: [{tenant: t, arrival: {process: poisson, rate: 1}, input_tokens: {dist: fixed, value: 100}, output_tokens: {dist: fixed, value: 10}}]
            """, file: "e.yaml")
        let sim = try Simulation(scenario: s)
        #expect(sim.instances[0].kv.totalBlocks == 1234)
        #expect(sim.instances[0].model.maxContext == 2048)
        #expect(sim.instances[0].engine == .vllm0151H100)
        let bad = #expect(throws: ScenarioError.self) {
            _ = try ScenarioParser.parse(
                """
                duration_s: 10
                cluster: [{gpu: h100, model: llama2-7b, engine: {block_size: 32}}]
                tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
                workload: [{tenant: t, arrival: {process: poisson, rate: 1}, input_tokens: {dist: fixed, value: 100}, output_tokens: {dist: fixed, value: 10}}]
                """, file: "e.yaml")
        }
        #expect(bad?.path == "cluster[0].engine.block_size")
    }

    /// The seed papers' models have their published sizes (Llumnix: LLaMA-7B, LLaMA-30B;
    /// Sarathi-Serve: Falcon-180B).
    @Test(arguments: [("llama-7b", 6.738e9), ("llama-30b", 32.53e9), ("falcon-180b", 179.5e9)])
    func theSeedPapersModelsHaveTheirPublishedSizes(id: String, parameters: Double) throws {
        let m = try #require(ModelCatalog.spec(id))
        #expect(abs(m.parameters / parameters - 1) < 0.01, "\(id): \(m.parameters)")
    }
}
