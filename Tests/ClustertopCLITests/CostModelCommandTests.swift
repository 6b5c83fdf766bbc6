import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct CostModelCommandTests {
    func shapesFile() throws -> String {
        let path = temporaryPath("shapes.csv")
        try """
        gpu,model,prefill_seqs,prefill_len,prefix_len,decode_batch,decode_ctx,ms_median
        h100,llama3-8b,1,512,0,0,0,20.0
        h100,llama3-8b,0,0,0,8,1024,9.0

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func addsAPredictionToEveryLineAndSummarizesTheError() throws {
        let shapes = try shapesFile()
        defer { try? FileManager.default.removeItem(atPath: shapes) }
        let outcome = clustertop("cost-model", "--shapes", shapes)
        #expect(outcome.status == 0)
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasSuffix(",ms_median,predicted_ms") == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("h100,llama3-8b,") })
        #expect(outcome.errors.hasPrefix("relative error of predicted_ms against ms_median (2 rows):\n"))
    }

    @Test func aBadTensorParallelDegreeIsBadInput() throws {
        let shapes = try shapesFile()
        defer { try? FileManager.default.removeItem(atPath: shapes) }
        let outcome = clustertop("cost-model", "--shapes", shapes, "--tp", "3")
        #expect(outcome.status == 2)
        #expect(outcome.output == "")
        #expect(outcome.errors == "error: --tp: expected 1, 2, 4 or 8, got 3\n")
    }

    @Test func anUnreadableFileIsBadInput() {
        let outcome = clustertop("cost-model", "--shapes", "/nonexistent/shapes.csv")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: cannot read /nonexistent/shapes.csv\n")
    }

    @Test func aProfileOver256MegabytesOrNotAFileIsBadInput() throws {
        let shapes = temporaryPath("shapes.csv")
        #expect(FileManager.default.createFile(atPath: shapes, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: shapes))
        try handle.truncate(atOffset: 256 << 20 + 1)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: shapes) }
        for arguments in [["cost-model", "--shapes", shapes], ["calibrate", "--gpu", "h100", "--profile", shapes]] {
            let big = clustertop(arguments: arguments)
            #expect(big.status == 2)
            #expect(
                big.errors == "error: \(shapes): the file is over 256 MB; a profile is one line per measured shape\n")
        }
        try FileManager.default.removeItem(atPath: shapes)
        #expect(mkfifo(shapes, 0o600) == 0)
        let fifo = clustertop("cost-model", "--shapes", shapes)
        #expect(fifo.status == 2)
        #expect(fifo.errors == "error: cannot read \(shapes)\n")
    }
}
