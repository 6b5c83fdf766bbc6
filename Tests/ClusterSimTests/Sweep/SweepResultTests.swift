import Foundation
import Testing

@testable import ClusterSim

/// Sweep rows: written once, read back and rewritten as the same bytes; CSV columns as `run`'s.
@Suite struct SweepResultTests {
    /// A two-point sweep of the tiny scenario and its rows, the second point failed.
    func rows() throws -> (SweepSpec, [SweepRow]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try SweepSpecTests.base.write(toFile: "\(folder)/tiny.yaml", atomically: true, encoding: .utf8)
        let spec = try SweepSpec.parse(
            "scenario: tiny.yaml\ngrid: {local: [vllm-v0, sarathi], duration_s: 2}\n", file: "s.yaml",
            baseDirectory: folder)
        var sim = try Simulation(scenario: spec.points[0].scenario)
        sim.runToEnd()
        let ok = SweepRow(spec: spec, point: spec.points[0], outcome: .success(Report(sim, wallSeconds: 1.5)))
        let failed = SweepRow(
            spec: spec, point: spec.points[1], outcome: .failure(SweepFailure("out of \"memory\", badly")))
        return (spec, [ok, failed])
    }

    @Test func aRowReadBackIsTheSameBytes() throws {
        let (_, rows) = try rows()
        for row in rows {
            let read = try #require(SweepRow(line: row.line))
            #expect(read.line == row.line)
            #expect(read.point == row.point && read.ok == row.ok && read.error == row.error && read.key == row.key)
        }
        #expect(rows[0].setting("local") == "vllm-v0")
        #expect(rows[0].setting("duration_s") == "2")
        #expect(rows[0].number("ttft_ms.p99") == rows[0].report?.ttft.p99.rounded(toPlaces: 3))
        #expect(rows[1].number("ttft_ms.p99") == nil)
        // Wall time differs between runs: it is left out.
        #expect(!rows[0].line.contains("wall_s"))
    }

    @Test func csvColumnsAreTheSweepsThenTheReportsOfRun() throws {
        let (spec, rows) = try rows()
        let result = SweepResult(rows: rows.reversed())
        let lines = result.csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        var report = try #require(rows[0].report)
        report.wallSeconds = nil
        let runHeader = report.csvText.split(separator: "\n")[0]
        #expect(
            lines[0] == "sweep,points,point,key,settings.local,settings.duration_s,status,error," + runHeader)
        #expect(lines[1].hasPrefix("\(spec.id),2,0,local=vllm-v0 duration_s=2,vllm-v0,2,ok,,tiny,7,"))
        // A failed point: its message (quoted for CSV), and empty report cells.
        let cells = lines[0].split(separator: ",").count
        #expect(
            lines[2].hasPrefix(
                "\(spec.id),2,1,local=sarathi duration_s=2,sarathi,2,failed,\"out of \"\"memory\"\", badly\","))
        #expect(lines[2].hasSuffix(String(repeating: ",", count: cells - 9)))
        #expect(result.jsonLines == rows.map { $0.line + "\n" }.joined())
    }

    @Test func aLineCutShortIsNotARow() throws {
        let (_, rows) = try rows()
        let line = rows[0].line
        let text = line + "\n" + String(line.prefix(line.count / 2))
        let (read, bad) = SweepResult.read(text)
        #expect(read.count == 1 && bad == [2])
        #expect(SweepJSON.parse("{\"a\":1,}") == nil)
        #expect(
            SweepJSON.parse("{\"a\":[1,2.50,-3e2,true,null,\"x\\u0001\\n\"]}")?.line
                == "{\"a\":[1,2.50,-3e2,true,null,\"x\\u0001\\n\"]}")
    }

    @Test func mergeNeedsEveryPointOnceFromOneSweep() throws {
        let (_, rows) = try rows()
        let merged = try SweepResult.merge([("b", [rows[1]]), ("a", [rows[0]])])
        #expect(merged.jsonLines == SweepResult(rows: rows).jsonLines)
        #expect(throws: SweepFailure.self) { try SweepResult.merge([("a", [rows[0]])]) }
        do {
            _ = try SweepResult.merge([("a", rows), ("b", [rows[1]])])
        } catch {
            #expect(error.message == "point 1 (local=sarathi duration_s=2) is in both a and b")
        }
        do {
            _ = try SweepResult.merge([("a", [rows[0]])])
        } catch {
            #expect(error.message.hasPrefix("1 of 2 points are in none of the files (points 1)"))
        }
        var other = rows[1]
        other.sweepID = "0000000000000000"
        #expect(throws: SweepFailure.self) { try SweepResult.merge([("a", [rows[0]]), ("b", [other])]) }
    }

    @Test func theSummaryMarksTheBestAndShowsFailures() throws {
        let (_, rows) = try rows()
        let table = SweepResult(rows: rows).summaryTable()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0] == "2 points, 1 ran, 1 failed; TTFT p99 in ms, * marks the best")
        #expect(lines[1] == "every point: duration_s=2")
        #expect(lines[2].hasPrefix("#  local  "))
        #expect(lines[3].hasPrefix("0  vllm-v0") && lines[3].hasSuffix("*"))
        #expect(lines[4].hasPrefix("1  sarathi") && lines[4].contains("failed: out of \"memory\", badly"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        Double(Report.number(self, places))!
    }
}
