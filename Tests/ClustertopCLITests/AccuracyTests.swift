import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct AccuracyCommandTests {
    @Test func csvIsNotAnAccuracyFormat() {
        let outcome = clustertop("accuracy", "default", "--truth", "/nonexistent/truth.csv", "--format", "csv")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --format: expected table or json, got csv\n")
    }

    @Test func anUnknownEngineCalibrationIsBadInput() throws {
        let truth = temporaryPath("truth.csv")
        try "arrival_s,input_tokens,output_tokens,ttft_s,e2e_s\n0,100,10,0.05,0.2\n"
            .write(toFile: truth, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: truth) }
        let outcome = clustertop("accuracy", "default", "--truth", truth, "--engine", "/nonexistent/engine.yaml")
        #expect(outcome.status == 2)
        #expect(outcome.errors.hasPrefix("error: --engine: expected a built-in calibration ("), "\(outcome.errors)")
        #expect(outcome.errors.hasSuffix(" or a readable file, got \"/nonexistent/engine.yaml\"\n"))
    }
}
