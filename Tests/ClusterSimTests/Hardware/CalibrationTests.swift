import Testing

@testable import ClusterSim

/// What `clustertop calibrate` fits from: the rows of one GPU, constants pinned at a bound named,
/// and files that read back.
@Suite struct CalibrationTests {
    static let header = "gpu,model,prefill_seqs,prefill_len,prefix_len,decode_batch,decode_ctx,ms_median\n"

    func table(_ body: String) throws -> ProfileTable {
        try ProfileTable.parse(Self.header + body, file: "p.csv", gpus: nil, requireMeasured: true)
    }

    func rowsError(_ t: ProfileTable, gpu: String, measuredOn: String? = nil) -> String? {
        do {
            _ = try Calibration.rows(of: t, file: "p.csv", gpu: gpu, measuredOn: measuredOn)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func rowsOfAnotherGPUAreRefusedWithTheirLine() throws {
        let h100Only = try table("h100,llama3-8b,1,512,0,0,0,20\nh100,llama3-8b,0,0,0,8,1024,9\n")
        #expect(
            rowsError(h100Only, gpu: "a10g")
                == "p.csv:2: gpu: the row was measured on h100, not a10g (and 1 more rows of other GPUs); pass --skip-other-gpus to leave them out, or --measured-on h100 to fit a10g to them anyway"
        )
        let mixed = try table("a10g,llama3-8b,1,512,0,0,0,50\nh100,llama3-8b,0,0,0,8,1024,9\n")
        #expect(
            rowsError(mixed, gpu: "a10g")
                == "p.csv:3: gpu: the row was measured on h100, not a10g; pass --skip-other-gpus to leave them out")
        #expect(try Calibration.rows(of: mixed, file: "p.csv", gpu: "a10g", skipOtherGPUs: true).map(\.line) == [2])
        // Asked for explicitly: the rows of a GPU named otherwise (a device name) are taken.
        let named = try table("NVIDIA A10G,llama3-8b,1,512,0,0,0,50\n")
        #expect(try Calibration.rows(of: named, file: "p.csv", gpu: "a10g", measuredOn: "NVIDIA A10G").count == 1)
        #expect(
            rowsError(named, gpu: "a10g", measuredOn: "h100")?.hasPrefix(
                "p.csv:2: gpu: the row was measured on NVIDIA A10G, not h100") == true)
    }

    @Test func theH100FitHasNoConstantAtABound() {
        #expect(Calibration.constantsAtBounds(.h100).isEmpty)
    }

    @Test func aFitThatHitsABoundSaysSoAndItsFileReadsBack() throws {
        // H100 shapes a thousand times slower than measured: no constant within bounds fits, so
        // the time constants go to their upper bound (1e-2 s, 10000 µs in the file).
        let rows = Calibration.h100Rows().filter { $0.model == "llama3-8b" }.enumerated().filter { $0.offset % 4 == 0 }
            .map {
                var row = $0.element
                row.measuredMilliseconds = row.measuredMilliseconds! * 1000
                return row
            }
        let fitted = Calibration.fit(rows, gpu: GPUCatalog.spec("h100")!)
        let pinned = Calibration.constantsAtBounds(fitted)
        #expect(pinned.contains { $0.index == 1 && $0.upper }, "layer_overhead at its upper bound")
        let text = CalibrationFile(gpu: "h100", constants: fitted).yamlText()
        #expect(text.contains("  layer_overhead_us: 10000.0\n"))
        let read = try CalibrationFile.parse(text, file: "c.yaml")
        #expect(nearlyEqual(read.constants, fitted))
    }

    @Test func constantsOnTheBoundsOfTheFitAndOfTheFileReadBack() throws {
        // What the fit produces at a bound: exp(log(bound)), a rounding error past it.
        var constants = CostConstants.h100
        for (k, index) in Calibration.fitted.enumerated() {
            constants[index: index] = _exp(
                _log(k % 2 == 0 ? Calibration.bounds[k].upperBound : Calibration.bounds[k].lowerBound))
        }
        let read = try CalibrationFile.parse(
            CalibrationFile(gpu: "h100", constants: constants).yamlText(), file: "c.yaml")
        #expect(nearlyEqual(read.constants, constants))
        // A file's own limits, a rounding error beyond them, are written as the limits.
        var edge = CostConstants.h100
        edge.layerOverhead = 1e4 * 1e-6 * (1 + 1e-15)
        edge.prefixReadEfficiency = 1e-5
        let text = CalibrationFile(gpu: "h100", constants: edge).yamlText()
        #expect(text.contains("layer_overhead_us: 10000.0\n") && text.contains("prefix_read_efficiency: 1e-05\n"))
        #expect(try CalibrationFile.parse(text, file: "c.yaml").constants.prefixReadEfficiency == 1e-5)
    }
}
