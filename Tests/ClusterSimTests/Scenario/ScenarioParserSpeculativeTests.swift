import Testing

@testable import ClusterSim

/// `cluster[].engine.speculative_config` and `workload[].acceptance_rate`.
@Suite struct ScenarioParserSpeculativeTests {
    /// A one-group scenario on `model` with `engine` as the group's engine mapping and `stream`
    /// appended to its one workload stream.
    static func text(model: String = "llama3-70b", engine: String, stream: String = "") -> String {
        """
        name: t
        seed: 1
        duration_s: 10
        cluster:
          - {gpu: h100, model: \(model), tp: 4, engine: \(engine)}
        tenants:
          - {name: chat, slo: {ttft_ms: 500, tpot_ms: 50}}
        workload:
          - {tenant: chat, arrival: {process: poisson, rate: 4}, input_tokens: {dist: fixed, value: 100}, output_tokens: {dist: fixed, value: 50}\(stream)}
        """
    }

    func error(_ text: String) -> String {
        do {
            _ = try ScenarioParser.parse(text, file: "t.yaml")
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test func readsEachMethodAndTheStreamRate() throws {
        let draft = try ScenarioParser.parse(
            Self.text(
                engine: "{speculative_config: {method: draft_model, model: llama3-8b, num_speculative_tokens: 5}}",
                stream: ", acceptance_rate: 0.8"),
            file: "t.yaml")
        #expect(
            draft.cluster[0].engine.speculative
                == SpeculativeConfig(
                    method: .draftModel, tokens: 5, draftModel: ModelCatalog.spec("llama3-8b")))
        #expect(draft.workload[0].acceptanceRate == 0.8)
        let eagle = try ScenarioParser.parse(
            Self.text(engine: "{speculative_config: {method: eagle, num_speculative_tokens: 3}}"), file: "t.yaml")
        #expect(eagle.cluster[0].engine.speculative == SpeculativeConfig(method: .eagle, tokens: 3))
        #expect(eagle.workload[0].acceptanceRate == nil)
    }

    @Test func badKeysAreLocatedErrors() {
        #expect(
            error(Self.text(engine: "{speculative_config: {method: medusa, num_speculative_tokens: 3}}"))
                == "t.yaml:5:81: cluster[0].engine.speculative_config.method: expected one of draft_model, eagle, ngram, got \"medusa\""
        )
        #expect(
            error(Self.text(engine: "{speculative_config: {method: ngram, num_speculative_tokens: 40}}"))
                == "t.yaml:5:112: cluster[0].engine.speculative_config.num_speculative_tokens: expected a whole number of draft tokens from 0 to 16, got 40"
        )
        #expect(
            error(Self.text(engine: "{speculative_config: {method: draft_model, num_speculative_tokens: 3}}"))
                == "t.yaml:5:72: cluster[0].engine.speculative_config: missing key \"model\"")
        #expect(
            error(
                Self.text(engine: "{speculative_config: {method: eagle, model: llama3-8b, num_speculative_tokens: 3}}"))
                == "t.yaml:5:95: cluster[0].engine.speculative_config.model: \"model\" names the draft of method draft_model; eagle takes none"
        )
        #expect(
            error(
                Self.text(
                    engine: "{speculative_config: {method: draft_model, model: llama2-7b, num_speculative_tokens: 3}}"))
                == "t.yaml:5:101: cluster[0].engine.speculative_config.model: a draft model must share the target's vocabulary: llama2-7b has 32000 tokens, llama3-70b 128256"
        )
        #expect(
            error(
                Self.text(
                    engine: "{speculative_config: {method: ngram, num_speculative_tokens: 3}}",
                    stream: ", acceptance_rate: 1.5"))
                == "t.yaml:9:157: workload[0].acceptance_rate: expected a per-token acceptance rate from 0 to 1, got 1.5"
        )
    }
}
