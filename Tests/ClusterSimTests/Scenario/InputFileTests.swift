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
        #expect(throws: ScenarioError(file: path, line: 0, column: 0, path: "", message: "the file is over 4 MB; \(ScenarioParser.sizeHint)")) {
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
}
