import Foundation
import Testing

@testable import ClusterSim

/// Same constants up to rounding in the file's microsecond units.
func nearlyEqual(_ a: CostConstants, _ b: CostConstants) -> Bool {
    CostConstants.names.indices.allSatisfy {
        abs(a[index: $0] - b[index: $0]) <= 1e-12 * max(abs(a[index: $0]), abs(b[index: $0]))
    }
}

@Suite struct CalibrationFileTests {
    func profileError(_ text: String, requireMeasured: Bool = false) -> String {
        do {
            _ = try ProfileTable.parse(text, file: "s.csv", requireMeasured: requireMeasured)
            return "no error"
        } catch {
            return error.description
        }
    }

    static let header = "gpu,model,prefill_seqs,prefill_len,prefix_len,decode_batch,decode_ctx,note"

    @Test func keepsOtherColumnsAndLines() throws {
        let text =
            Self.header + "\r\nh200,qwen2.5-14b,1,512,0,8,1024,\"a, b\"\n\n# a comment\nh100,llama3-8b,0,0,0,4,100,x\n"
        let table = try ProfileTable.parse(text, file: "s.csv")
        #expect(table.rows.count == 2)
        #expect(table.lines == ["h200,qwen2.5-14b,1,512,0,8,1024,\"a, b\"", "h100,llama3-8b,0,0,0,4,100,x"])
        #expect(table.rows[0].kind == .mixed && table.rows[1].kind == .decode && table.rows[1].line == 5)
        #expect(table.rows[0].measuredMilliseconds == nil)
    }

    @Test func errorsNameTheLineAndTheColumn() {
        #expect(
            profileError("")
                == "s.csv: the file is empty; expected a header line with the columns gpu, model, prefill_seqs, prefill_len, prefix_len, decode_batch, decode_ctx"
        )
        #expect(
            profileError("gpu,model,prefill_seqs\nh100,llama3-8b,1\n").hasPrefix(
                "s.csv:1: missing columns \"prefill_len\""))
        #expect(
            profileError(Self.header + "\nh300,llama3-8b,1,512,0,8,1024,x\n").hasPrefix(
                "s.csv:2: gpu: unknown GPU \"h300\"; did you mean \"h100\"?"))
        #expect(
            profileError(Self.header + "\nh100,llama-8b,1,512,0,8,1024,x\n").hasPrefix(
                "s.csv:2: model: unknown model \"llama-8b\""))
        #expect(
            profileError(Self.header + "\nh100,llama3-8b,1,512,0,8,1024,x\nh100,llama3-8b,1,5x,0,8,1024,x\n")
                == "s.csv:3: prefill_len: expected a whole number from 0 to 16777216, got \"5x\"")
        #expect(
            profileError(Self.header + "\nh100,llama3-8b,1,-4,0,8,1024,x\n").hasPrefix(
                "s.csv:2: prefill_len: expected a whole number"))
        #expect(
            profileError(Self.header + "\nh100,llama3-8b,1,512\n").hasPrefix("s.csv:2: 4 fields, but the header has 8"))
        #expect(
            profileError(Self.header + "\nh100,llama3-8b,0,0,0,0,0,x\n")
                == "s.csv:2: an empty iteration: prefill_seqs and decode_batch are both 0")
        #expect(profileError(Self.header) == "s.csv:1: no rows after the header")
        #expect(
            profileError(Self.header + "\nh100,llama3-8b,1,512,0,8,1024,x\n", requireMeasured: true).hasPrefix(
                "s.csv:1: missing column \"ms_median\""))
        #expect(
            profileError(Self.header + ",ms_median\nh100,llama3-8b,1,512,0,8,1024,x,fast\n", requireMeasured: true)
                == "s.csv:2: ms_median: expected a positive number of milliseconds, got \"fast\"")
    }

    @Test func aWrittenFileReadsBackTheSameConstants() throws {
        var constants = CostConstants.h100
        constants.overhead = 0.00125
        constants.memoryEfficiency = 0.987654321
        let file = CalibrationFile(gpu: "a100-80g", constants: constants)
        let text = file.yamlText(comment: ["fitted on 12 rows", ""])
        #expect(text.hasPrefix("# fitted on 12 rows\n#\nformat: clustertop-calibration-1\n"))
        let read = try CalibrationFile.parse(text, file: "c.yaml")
        #expect(read.gpu == file.gpu && nearlyEqual(read.constants, file.constants))
    }

    @Test func missingConstantsKeepTheirBuiltInValues() throws {
        let file = try CalibrationFile.parse(
            "format: clustertop-calibration-1\ngpu: h200\nconstants: {overhead_us: 500}\n", file: "c.yaml")
        var expected = CostConstants.builtin(for: GPUCatalog.spec("h200")!)
        expected.overhead = 0.0005
        #expect(file.constants == expected)
    }

    @Test func calibrationFileErrorsAreLocated() {
        func message(_ text: String) -> String {
            do {
                _ = try CalibrationFile.parse(text, file: "c.yaml")
                return "no error"
            } catch { return error.description }
        }
        #expect(
            message("format: x\ngpu: h100\nconstants: {}\n").hasPrefix(
                "c.yaml:1:9: format: expected clustertop-calibration-1"))
        #expect(
            message("format: clustertop-calibration-1\ngpu: h100\nconstants: {memory_eficiency: 1}\n").contains(
                "did you mean \"memory_efficiency\"?"))
        #expect(
            message("format: clustertop-calibration-1\ngpu: h100\nconstants:\n  roofline_sharpness: 0.5\n")
                == "c.yaml:4:23: constants.roofline_sharpness: expected a number from 1 to 64, got 0.5")
    }

    @Test func aScenarioNamesACalibrationRelativeToItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "clustertop-cal-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var constants = CostConstants.h100
        constants.layerOverhead = 50e-6
        try CalibrationFile(gpu: "h100", constants: constants).yamlText().write(
            to: folder.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
        func scenario(_ group: String) -> String {
            """
            duration_s: 10
            cluster:
              - \(group)
            tenants:
              - {name: chat, slo: {ttft_ms: 500, tpot_ms: 50}}
            workload:
              - tenant: chat
                arrival: {process: poisson, rate: 4}
                input_tokens: {dist: fixed, value: 100}
                output_tokens: {dist: fixed, value: 10}
            """
        }
        let path = folder.appendingPathComponent("s.yaml").path
        let s = try ScenarioParser.parse(scenario("{gpu: h100, model: llama3-8b, calibration: mine.yaml}"), file: path)
        #expect(s.calibrations.keys.sorted() == ["h100"] && nearlyEqual(s.calibrations["h100"]!, constants))
        let sim = try Simulation(scenario: s)
        #expect(sim.instances[0].cost.constants == s.calibrations["h100"]!)
        let plain = try Simulation(
            scenario: try ScenarioParser.parse(scenario("{gpu: h200, model: llama3-8b}"), file: path))
        #expect(plain.instances[0].cost.constants == CostConstants.builtin(for: GPUCatalog.spec("h200")!))

        func message(_ group: String) -> String {
            do {
                _ = try ScenarioParser.parse(scenario(group), file: path)
                return "no error"
            } catch { return error.description }
        }
        #expect(
            message("{gpu: h200, model: llama3-8b, calibration: mine.yaml}").hasSuffix(
                "cluster[0].calibration: \(folder.path)/mine.yaml calibrates gpu h100, but this group runs on h200"))
        #expect(message("{gpu: h100, model: llama3-8b, calibration: nope.yaml}").contains("no calibration file"))
    }
}
