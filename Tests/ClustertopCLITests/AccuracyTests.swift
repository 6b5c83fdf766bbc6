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

    @Test func anEngineCalibrationOver64KilobytesOrNotAFileIsBadInput() throws {
        let truth = temporaryPath("truth.csv"), engine = temporaryPath("engine.yaml")
        try "arrival_s,input_tokens,output_tokens,ttft_s,e2e_s\n0,100,10,0.05,0.2\n"
            .write(toFile: truth, atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: engine, contents: Data(count: 64 << 10 + 1)))
        defer { for p in [truth, engine] { try? FileManager.default.removeItem(atPath: p) } }
        let big = clustertop("accuracy", "default", "--truth", truth, "--engine", engine)
        #expect(big.status == 2)
        #expect(big.errors == "error: \(engine): the file is over 64 KB; an engine calibration file is a few lines\n")
        try FileManager.default.removeItem(atPath: engine)
        #expect(mkfifo(engine, 0o600) == 0)
        let fifo = clustertop("accuracy", "default", "--truth", truth, "--engine", engine)
        #expect(fifo.status == 2)
        #expect(fifo.errors.hasSuffix(" or a readable file, got \"\(engine)\"\n"), "\(fifo.errors)")
    }

    @Test func measuredRequestsOver256MegabytesOrNotAFileAreBadInput() throws {
        let truth = temporaryPath("truth.csv")
        #expect(FileManager.default.createFile(atPath: truth, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: truth))
        try handle.truncate(atOffset: 256 << 20 + 1)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: truth) }
        let big = clustertop("accuracy", "default", "--truth", truth)
        #expect(big.status == 2)
        #expect(big.errors == "error: \(truth): the file is over 256 MB; a measured run is one line per request\n")
        let folder = FileManager.default.temporaryDirectory.path
        let notAFile = clustertop("accuracy", "default", "--truth", folder)
        #expect(notAFile.status == 2)
        #expect(notAFile.errors == "error: \(folder): cannot read the file\n")
    }
}
