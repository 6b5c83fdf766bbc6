import Testing

@testable import ClusterSim

@Suite struct SpeculativeTests {
    static let h100 = GPUCatalog.spec("h100")!
    static let llama8b = ModelCatalog.spec("llama3-8b")!
    static let llama70b = ModelCatalog.spec("llama3-70b")!

    static func speculation(_ config: SpeculativeConfig, target: ModelSpec = llama8b, tp: Int = 1) -> Speculation {
        Speculation(config, target: target, gpu: h100, tensorParallel: tp, constants: .default, seed: 9, instance: 0)
    }

    @Test(arguments: [(0.5, 3), (0.7, 4), (0.9, 6)])
    func acceptedTokensPerRoundMatchLeviathansExpectation(alpha: Double, k: Int) {
        var s = Self.speculation(SpeculativeConfig(method: .ngram, tokens: k))
        for _ in 0..<40_000 { _ = s.accept(Int32(k), rate: alpha) }
        // Leviathan et al. 2023, eq. (1): E[tokens per round] = (1 − α^(k+1)) / (1 − α).
        let expected = (1 - _pow(alpha, Double(k + 1))) / (1 - alpha)
        #expect(abs(s.meanAcceptanceLength! - expected) < 0.03)
        #expect(s.drafts == 40_000)
        #expect(s.draftTokens == Int64(40_000 * k))
        // vLLM's draft acceptance rate is accepted over proposed: (E − 1)/k, below α.
        #expect(abs(s.acceptanceRate! - (expected - 1) / Double(k)) < 0.01)
    }

    @Test func certainAndImpossibleAcceptanceAreExact() {
        var s = Self.speculation(SpeculativeConfig(method: .eagle, tokens: 4))
        #expect(s.acceptanceRate == nil && s.meanAcceptanceLength == nil)
        #expect((0..<100).allSatisfy { _ in s.accept(4, rate: 1) == 4 })
        #expect((0..<100).allSatisfy { _ in s.accept(4, rate: 0) == 0 })
        #expect(s.acceptanceRate == 0.5)
    }

    @Test func theSameSeedAndInstanceDrawTheSameAcceptances() {
        let config = SpeculativeConfig(method: .ngram, tokens: 5)
        var a = Self.speculation(config), b = Self.speculation(config)
        var other = Speculation(
            config, target: Self.llama8b, gpu: Self.h100, tensorParallel: 1, constants: .default, seed: 9, instance: 1)
        let drawsA = (0..<200).map { _ in a.accept(5, rate: 0.6) }
        #expect(drawsA == (0..<200).map { _ in b.accept(5, rate: 0.6) })
        #expect(drawsA != (0..<200).map { _ in other.accept(5, rate: 0.6) })
    }

    /// 32 decodes of 1,024 tokens of context, each with `k` drafts.
    static func decodes(drafts k: Int) -> BatchShape {
        var shape = BatchShape()
        for _ in 0..<32 {
            shape.addDecode(context: 1024)
            if k > 0 { shape.addDrafts(k, context: 1024) }
        }
        return shape
    }

    @Test func theVerificationPassCostsMoreThanADecodeAndLessThanItsTokensWhenWeightBound() {
        let cost = CostModel(gpu: Self.h100, model: Self.llama8b)
        let plain = cost.seconds(Self.decodes(drafts: 0))
        let wide = cost.seconds(Self.decodes(drafts: 4))
        #expect(wide > plain)
        // 160 tokens instead of 32 stay weight-bound: far less than 5 times the time.
        #expect(wide < 1.5 * plain)
    }

    @Test func eachProposerIsChargedItsOwnCost() {
        let shape = Self.decodes(drafts: 4)
        let target = CostModel(gpu: Self.h100, model: Self.llama70b, tensorParallel: 4).seconds(shape)
        let ngram = Self.speculation(SpeculativeConfig(method: .ngram, tokens: 4), target: Self.llama70b, tp: 4)
        let eagle = Self.speculation(SpeculativeConfig(method: .eagle, tokens: 4), target: Self.llama70b, tp: 4)
        let draft = Self.speculation(
            SpeculativeConfig(method: .draftModel, tokens: 4, draftModel: Self.llama8b), target: Self.llama70b, tp: 4)
        #expect(ngram.proposerSeconds(shape) == 0)
        // An EAGLE head is one layer and the LM head, run 4 times: a small share of the target's pass.
        #expect(eagle.proposerSeconds(shape) > 0)
        #expect(eagle.proposerSeconds(shape) < 0.5 * target)
        // A draft model's 4 passes: each one a whole 8B decode on the target's 4 GPUs.
        let draftPass = CostModel(gpu: Self.h100, model: Self.llama8b, tensorParallel: 4).seconds(
            Self.decodes(drafts: 0))
        #expect(abs(draft.proposerSeconds(shape) - 4 * draftPass) < 1e-9)
        // k = 0 loads the proposer and never runs it.
        let idle = Self.speculation(SpeculativeConfig(method: .eagle, tokens: 0))
        #expect(idle.proposerSeconds(shape) == 0)
    }

    @Test func aDraftModelTakesGPUMemoryFromTheKVCache() {
        let plain = KVCache.capacity(gpu: Self.h100, model: Self.llama70b, tensorParallel: 4)!
        let draft = SpeculativeConfig(method: .draftModel, tokens: 4, draftModel: Self.llama8b)
        let shared = KVCache.capacity(gpu: Self.h100, model: Self.llama70b, tensorParallel: 4, speculative: draft)!
        #expect(shared < plain)
        let eagle = SpeculativeConfig(method: .eagle, tokens: 4)
        #expect(KVCache.capacity(gpu: Self.h100, model: Self.llama70b, tensorParallel: 4, speculative: eagle) == plain)
    }
}
