import Foundation
import Testing

@testable import ClusterSim

@Suite struct InputFileTests {
    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-\(name)-\(UUID().uuidString)").path
    }

    @Test func largeFilesAreRefusedBeforeTheyAreRead() throws {
        let path = temporary("big.yaml")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        // A sparse 3 GB file: reading it whole would take gigabytes.
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            throws: ScenarioError(
                file: path, line: 0, column: 0, path: "", message: "the file is over 4 MB; \(ScenarioParser.sizeHint)")
        ) {
            _ = try ScenarioParser.load(path: path)
        }
    }

    @Test func onlyRegularFilesAreRead() throws {
        for path in ["/dev/zero", FileManager.default.temporaryDirectory.path, "/no/such/file"] {
            #expect(throws: ScenarioError(file: path, line: 0, column: 0, path: "", message: InputFile.unreadable)) {
                _ = try InputFile.read(path, limit: 100, sizeHint: "")
            }
        }
        let file = temporary("file"), link = temporary("link")
        try "name: x\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        defer { for p in [file, link] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(try InputFile.text(link, limit: 100, sizeHint: "") == "name: x\n")
    }

    /// A fresh empty folder.
    func folder() throws -> String {
        let path = temporary("folder")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// A sparse file of `bytes` bytes at `path`: cheap to make whatever its size.
    func sparse(_ path: String, bytes: UInt64) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: bytes)
        try handle.close()
    }

    /// A scenario in `folder` whose one model comes from `hf_config: config.json` and whose
    /// instance group reads `engine: {calibration: engine.yaml}`; the error loading it.
    func loadError(folder: String) throws -> ScenarioError? {
        let scenario = "\(folder)/s.yaml"
        try """
        duration_s: 10
        models:
          - {id: custom, hf_config: config.json}
        cluster:
          - {gpu: h100, model: llama3-8b, engine: {calibration: engine.yaml}}
          - {gpu: h100, model: custom}
        tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
        workload: [{tenant: t, arrival: {process: poisson, rate: 1}, input_tokens: {dist: fixed, value: 100}, output_tokens: {dist: fixed, value: 10}}]
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioParser.load(path: scenario)
            return nil
        } catch {
            return error
        }
    }

    static let config = """
        {"num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32, "intermediate_size": 11008,
         "vocab_size": 32000, "max_position_embeddings": 4096, "torch_dtype": "float16"}
        """
    static let engine = "format: clustertop-engine-1\nconstants: {step_overhead_us: 100}\n"

    @Test func aModelConfigOverOneMegabyteOrNotAFileIsRefusedWhereItIs() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.engine.write(toFile: "\(dir)/engine.yaml", atomically: true, encoding: .utf8)
        try Self.config.write(toFile: "\(dir)/config.json", atomically: true, encoding: .utf8)
        #expect(try loadError(folder: dir) == nil)
        try FileManager.default.removeItem(atPath: "\(dir)/config.json")
        try sparse("\(dir)/config.json", bytes: 1 << 20 + 1)
        #expect(
            try loadError(folder: dir)
                == ScenarioError(
                    file: "\(dir)/config.json", line: 0, column: 0, path: "",
                    message: "the file is over 1 MB; a config.json is a few kilobytes"))
        try FileManager.default.removeItem(atPath: "\(dir)/config.json")
        #expect(mkfifo("\(dir)/config.json", 0o600) == 0)
        #expect(
            try loadError(folder: dir)
                == ScenarioError(
                    file: "\(dir)/config.json", line: 0, column: 0, path: "", message: InputFile.unreadable))
        try FileManager.default.removeItem(atPath: "\(dir)/config.json")
        try FileManager.default.createDirectory(atPath: "\(dir)/config.json", withIntermediateDirectories: false)
        #expect(
            try loadError(folder: dir)
                == ScenarioError(
                    file: "\(dir)/config.json", line: 0, column: 0, path: "", message: InputFile.unreadable))
    }

    @Test func anEngineCalibrationOver64KilobytesOrNotAFileIsRefusedAtItsKey() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.config.write(toFile: "\(dir)/config.json", atomically: true, encoding: .utf8)
        try sparse("\(dir)/engine.yaml", bytes: 64 << 10 + 1)
        let big = try #require(try loadError(folder: dir))
        #expect(big.line == 5 && big.path == "cluster[0].engine.calibration", "\(big)")
        #expect(big.message == "\(dir)/engine.yaml: the file is over 64 KB; an engine calibration file is a few lines")
        try FileManager.default.removeItem(atPath: "\(dir)/engine.yaml")
        #expect(mkfifo("\(dir)/engine.yaml", 0o600) == 0)
        let fifo = try #require(try loadError(folder: dir))
        #expect(fifo.line == 5 && fifo.message.hasSuffix("(no file \(dir)/engine.yaml)"), "\(fifo)")
        #expect(
            throws: ScenarioError(
                file: "\(dir)/engine.yaml", line: 0, column: 0, path: "", message: InputFile.unreadable)
        ) {
            _ = try EngineCalibration.load(path: "\(dir)/engine.yaml")
        }
    }

    @Test func aMeasuredRunOver256MegabytesOrNotAFileIsRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/requests.csv"
        try sparse(path, bytes: 256 << 20 + 1)
        #expect(
            throws: ScenarioError(
                file: path, line: 0, column: 0, path: "",
                message: "the file is over 256 MB; a measured run is one line per request")
        ) {
            _ = try MeasuredRun.load(path: path)
        }
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: ScenarioError(file: path, line: 0, column: 0, path: "", message: InputFile.unreadable)) {
            _ = try MeasuredRun.load(path: path)
        }
        #expect(throws: ScenarioError(file: dir, line: 0, column: 0, path: "", message: InputFile.unreadable)) {
            _ = try MeasuredRun.load(path: dir)
        }
    }
}
