import Foundation
import Testing

@testable import ClusterSim

@Suite struct CostModelTests {
    static let h100 = GPUCatalog.spec("h100")!
    static let h200 = GPUCatalog.spec("h200")!
    static let llama = ModelCatalog.spec("llama3-8b")!
    static let qwen = ModelCatalog.spec("qwen2.5-14b")!
    static let rows = Calibration.h100Rows()

    func ms(_ gpu: GPUSpec, _ model: ModelSpec, _ shape: BatchShape, constants: CostConstants = .h100) -> Double {
        CostModel(gpu: gpu, model: model, constants: constants).seconds(shape) * 1e3
    }

    @Test func theEmbeddedMeasurementsAreTheShippedData() throws {
        #expect(Self.rows.count == 313)
        #expect(Set(Self.rows.map(\.model)) == ["llama3-8b", "qwen2.5-14b"])
        #expect(Set(Self.rows.map(\.kind)) == Set(IterationKind.allCases))
        let json =
            try JSONSerialization.jsonObject(with: Data(MeasuredData.devicesMeasuredJSON.utf8))
            as! [String: [String: Any]]
        for id in ["h100", "h200"] {
            let gpu = GPUCatalog.spec(id)!
            #expect(gpu.measuredCopyBandwidth == (json[id]!["d2d_GBps_rw"] as! Double) * 1e9)
            #expect(gpu.measuredMatmulFlops == (json[id]!["bf16_matmul_TFLOPs"] as! Double) * 1e12)
            #expect(abs(gpu.pcieBandwidth / ((json[id]!["d2h_GBps"] as! Double) * 1e9) - 1) < 0.001)
        }
    }

    /// The README's sanity figures: batch-1 decode of llama3-8b about 6.4 ms, an 8192-token prefill about 230 ms.
    @Test func matchesTheSanityFigures() {
        var decode = BatchShape()
        decode.addDecode(context: 1024)
        #expect(abs(ms(Self.h100, Self.llama, decode) / 6.4 - 1) < 0.04)
        var prefill = BatchShape()
        prefill.addPrefill(tokens: 8192, cached: 0)
        #expect(abs(ms(Self.h100, Self.llama, prefill) / 231.4 - 1) < 0.03)
    }

    @Test func theBuiltInConstantsAreTheFitOfTheShippedData() {
        let fitted = Calibration.fit(Self.rows, gpu: Self.h100, start: Calibration.neutralStart)
        for i in Calibration.fitted {
            let relative = abs(fitted[index: i] / CostConstants.h100[index: i] - 1)
            #expect(
                relative < 0.001,
                "\(CostConstants.names[i]): refit \(fitted[index: i]), built in \(CostConstants.h100[index: i])")
        }
        let summary = ErrorSummary(
            errors: Calibration.relativeErrors(Self.rows, gpu: Self.h100, constants: fitted), rows: Self.rows)
        #expect(summary.all.median < 0.02 && summary.all.p90 < 0.05)
    }

    /// Held-out error, the estimate for shapes not in the file: the targets (docs/cost-model.md) are median 3%, p90 8%.
    @Test func crossValidatedErrorMeetsTheTargets() {
        let errors = Calibration.crossValidatedErrors(
            Self.rows, gpu: Self.h100, folds: 5, start: Calibration.neutralStart)
        let summary = ErrorSummary(errors: errors, rows: Self.rows)
        #expect(summary.all.median < 0.02, "\(summary.tableText)")
        #expect(summary.all.p90 < 0.055, "\(summary.tableText)")
        for kind in IterationKind.allCases {
            #expect(summary.byKind[kind]!.median < 0.03 && summary.byKind[kind]!.p90 < 0.07, "\(summary.tableText)")
        }
    }

    /// Fitted on one model, the constants predict the other: they mean the same thing for both.
    @Test func constantsCarryAcrossModels() {
        let errors = Calibration.leaveOneModelOutErrors(Self.rows, gpu: Self.h100)
        let summary = ErrorSummary(errors: errors, rows: Self.rows)
        #expect(summary.all.median < 0.03 && summary.all.p90 < 0.07, "\(summary.tableText)")
    }

    /// A profile's line order is not information: the same rows in another order give the same
    /// constants (to rounding: sums run in another order), so a calibration file is reproducible.
    @Test func fittingDependsOnTheRowsNotTheirOrder() {
        let some = Array(Self.rows.prefix(120))
        let fitted = Calibration.fit(some, gpu: Self.h100, start: Calibration.neutralStart)
        var rng = RandomStream(seed: 1, label: "order")
        let shuffled = some.shuffled(using: &rng)
        #expect(shuffled.map(\.measuredMilliseconds) != some.map(\.measuredMilliseconds))
        let refitted = Calibration.fit(shuffled, gpu: Self.h100, start: Calibration.neutralStart)
        for i in Calibration.fitted {
            #expect(
                abs(refitted[index: i] / fitted[index: i] - 1) < 1e-6,
                "\(CostConstants.names[i]): \(fitted[index: i]) in file order, \(refitted[index: i]) shuffled")
        }
    }

    /// The H200 has the H100's compute and 1.41× its bandwidth: weight- and KV-bound iterations
    /// speed up by less than 1.41× (fixed overheads stay), compute-bound prefills barely.
    @Test func theH200ScalesByItsCeilings() {
        var decode = BatchShape()
        decode.addDecode(context: 1024)
        let decodeSpeedup = ms(Self.h100, Self.llama, decode) / ms(Self.h200, Self.llama, decode)
        #expect(decodeSpeedup > 1.2 && decodeSpeedup < 1.41)
        var bigDecode = BatchShape()
        for _ in 0..<256 { bigDecode.addDecode(context: 4096) }
        let kvSpeedup = ms(Self.h100, Self.qwen, bigDecode) / ms(Self.h200, Self.qwen, bigDecode)
        #expect(kvSpeedup > 1.3 && kvSpeedup < 1.41)
        var prefill = BatchShape()
        prefill.addPrefill(tokens: 8192, cached: 0)
        let prefillSpeedup = ms(Self.h100, Self.llama, prefill) / ms(Self.h200, Self.llama, prefill)
        #expect(prefillSpeedup > 1.0 && prefillSpeedup < 1.08)
    }

    @Test func timeGrowsWithEveryPartOfTheBatch() {
        let model = CostModel(gpu: Self.h100, model: Self.qwen)
        var base = BatchShape()
        base.addPrefill(tokens: 256, cached: 0)
        base.addDecode(context: 1000)
        var moreDecode = base
        moreDecode.addDecode(context: 1000)
        var longerContext = base
        longerContext.decodeContextTokens += 5000
        var prefix = BatchShape()
        prefix.addPrefill(tokens: 256, cached: 2048)
        prefix.addDecode(context: 1000)
        for bigger in [moreDecode, longerContext, prefix] { #expect(model.seconds(bigger) > model.seconds(base)) }
        #expect(model.seconds(BatchShape()) == 0)
        #expect(model.duration(base) == Time.seconds(model.seconds(base)))
        let tp2 = CostModel(gpu: Self.h100, model: Self.qwen, tensorParallel: 2)
        #expect(tp2.seconds(base) < model.seconds(base))
    }

    @Test func aBatchShapeFromTheProfileColumnsEqualsOneBuiltChunkByChunk() {
        var built = BatchShape()
        for _ in 0..<3 { built.addPrefill(tokens: 128, cached: 512) }
        for _ in 0..<7 { built.addDecode(context: 300) }
        #expect(
            built
                == BatchShape(prefillSeqs: 3, prefillLength: 128, prefixLength: 512, decodeBatch: 7, decodeContext: 300)
        )
    }

    @Test func kvTransfersGoOverTheCatalogLinks() {
        let model = CostModel(gpu: Self.h100, model: Self.llama, tensorParallel: 2)
        let seconds = model.kvTransferSeconds(tokens: 10_000, over: .hostPCIe, setup: 0)
        #expect(abs(seconds - 10_000 * Self.llama.kvBytesPerToken / 2 / 54.79e9) < 1e-12)
        #expect(
            model.kvTransferSeconds(tokens: 10_000, over: .peer)
                < model.kvTransferSeconds(tokens: 10_000, over: .hostPCIe))
        #expect(model.kvTransferTime(tokens: 0, over: .peer) == 2000)
    }
}
