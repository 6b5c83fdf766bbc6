import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct ReplayTests {
    @Test func aRecordedRunReplaysHeadlessAndMatches() throws {
        let recording = temporaryPath("session.jsonl")
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let run = clustertop("run", "default", "--duration", "2", "--quiet", "--record", recording, "--format", "csv")
        #expect(run.status == 0)
        let replay = clustertop("replay", recording, "--headless", "--format", "csv")
        #expect(replay.status == 0)
        #expect(replay.errors.hasPrefix("replayed 0 commands, "), "\(replay.errors)")
        #expect(replay.errors.contains("the final report match the recording"), "\(replay.errors)")
        // The same report but for wall_s, the last column.
        func withoutWallTime(_ csv: String) -> [Substring] {
            csv.split(separator: "\n").map { line in line[..<(line.lastIndex(of: ",") ?? line.endIndex)] }
        }
        #expect(withoutWallTime(replay.output) == withoutWallTime(run.output))
        #expect(withoutWallTime(run.output).count == 2)
    }

    @Test func parametersGivenOnTheCommandLineAreRecorded() throws {
        let recording = temporaryPath("params.jsonl")
        defer { try? FileManager.default.removeItem(atPath: recording) }
        let common = ["run", "default", "--duration", "2", "--quiet", "--format", "csv"]
        let plain = clustertop(arguments: common)
        let run = clustertop(arguments: common + ["--param", "max_num_seqs=2", "--record", recording])
        #expect(plain.status == 0 && run.status == 0)
        // Two requests at a time per instance: the parameter took effect.
        #expect(run.output != plain.output)
        let replay = clustertop("replay", recording, "--headless", "--format", "csv")
        #expect(replay.status == 0)
        #expect(replay.errors.contains("the final report match the recording"), "\(replay.errors)")
    }

    @Test func aMissingRecordingIsBadInput() {
        let outcome = clustertop("replay", "/nonexistent/session.jsonl", "--headless")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: /nonexistent/session.jsonl: cannot read the file\n")
    }
}
