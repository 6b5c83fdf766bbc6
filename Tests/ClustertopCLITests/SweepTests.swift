import ClusterSim
import Foundation
import Testing

@testable import ClustertopCLI

/// `clustertop sweep`: one run, a resumed run and merged shards write the same bytes.
@Suite struct SweepTests {
    /// A folder with a tiny base scenario and a six-point sweep of it; returns the sweep's path.
    static func sweepFile(grid: String = "local: [vllm-v0, sarathi]\n  rate_scale: [0.5, 1, 2]") throws -> String {
        let folder = temporaryPath("sweep")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        name: tiny
        seed: 3
        duration_s: 2
        cluster: [{gpu: h100, model: llama3-8b, count: 2}]
        tenants: [{name: chat, slo: {ttft_ms: 500, tpot_ms: 50}}]
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 8}
            input_tokens: {dist: fixed, value: 256}
            output_tokens: {dist: fixed, value: 16}
        """.write(toFile: "\(folder)/tiny.yaml", atomically: true, encoding: .utf8)
        try "scenario: tiny.yaml\ngrid:\n  \(grid)\n".write(
            toFile: "\(folder)/sweep.yaml", atomically: true, encoding: .utf8)
        return "\(folder)/sweep.yaml"
    }

    func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func aSingleRunAResumedRunAndMergedShardsAreTheSameBytes() throws {
        let sweep = try Self.sweepFile()
        let single = temporaryPath("single")
        let outcome = clustertop("sweep", sweep, "--output", single, "--jobs", "2")
        #expect(outcome.status == 0, "\(outcome.errors)")
        #expect(outcome.errors == "")
        #expect(outcome.output.hasPrefix("6 points, 6 ran, 0 failed"))
        #expect(outcome.output.hasSuffix("results: \(single).jsonl, \(single).csv\n"))
        let jsonl = try contents(single + ".jsonl"), csv = try contents(single + ".csv")
        #expect(jsonl.split(separator: "\n").count == 6)
        #expect(csv.split(separator: "\n").count == 7)

        // Interrupted after two points, the third cut short mid-line (and a failed row to redo).
        let resumed = temporaryPath("resumed")
        let lines = jsonl.split(separator: "\n").map(String.init)
        let failed = lines[4].replacingOccurrences(
            of: "\"status\":\"ok\",\"error\":\"\"", with: "\"status\":\"failed\",\"error\":\"x\"")
        try (lines[3] + "\n" + failed + "\n" + lines[0] + "\n" + String(lines[1].prefix(50))).write(
            toFile: resumed + ".jsonl", atomically: true, encoding: .utf8)
        let again = clustertop("sweep", sweep, "--output", resumed)
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.errors == "resuming \(resumed).jsonl: 2 points done, 4 to run\n")
        #expect(try contents(resumed + ".jsonl") == jsonl)
        #expect(try contents(resumed + ".csv") == csv)

        // Three shards, one of them given by a Slurm array task's variables, then merged.
        var shards: [String] = []
        for index in 0..<3 {
            let prefix = temporaryPath("shard-\(index)")
            let outcome = clustertop("sweep", sweep, "--output", prefix, "--shard", "\(index)/3", "--quiet")
            #expect(outcome.status == 0, "\(outcome.errors)")
            #expect(try contents(prefix + ".jsonl").split(separator: "\n").count == 2)
            shards.append(prefix + ".jsonl")
        }
        let merged = temporaryPath("merged")
        let merge = clustertop(arguments: ["sweep", "merge", "--output", merged] + shards.reversed())
        #expect(merge.status == 0, "\(merge.errors)")
        #expect(try contents(merged + ".jsonl") == jsonl)
        #expect(try contents(merged + ".csv") == csv)
        #expect(merge.output == outcome.output.replacingOccurrences(of: single, with: merged))

        // A shard missing: refused, naming the points.
        let partial = clustertop(
            arguments: ["sweep", "merge", "--output", temporaryPath("partial")] + shards.dropLast())
        #expect(partial.status == 2)
        #expect(partial.errors.contains("2 of 6 points are in none of the files (points 2, 5)"), "\(partial.errors)")
    }

    @Test func aPointThatFailsAtRunTimeIsRecordedAndTheSweepGoesOn() throws {
        let spec = try SweepSpec.load(path: try Self.sweepFile())
        let prefix = temporaryPath("failing")
        var runner = SweepRunner(spec: spec, shard: .whole, prefix: prefix, jobs: 2, showProgress: false)
        let normal = runner.simulate
        runner.simulate = { point in
            if point.index == 2 { throw SweepFailure("the simulated GPU caught fire") }
            return try normal(point)
        }
        let result = try runner.run()
        #expect(result.rows.map(\.ok) == [true, true, false, true, true, true])
        #expect(result.rows[2].error == "the simulated GPU caught fire")
        let csv = try contents(prefix + ".csv").split(separator: "\n")
        #expect(csv[3].contains(",failed,the simulated GPU caught fire,"))
        #expect(result.summaryTable().contains("failed: the simulated GPU caught fire"))

        // Run again: only the failed point runs, and now succeeds.
        let rerun = try SweepRunner(spec: spec, shard: .whole, prefix: prefix, jobs: 1, showProgress: false).run()
        #expect(rerun.rows.allSatisfy { $0.ok })
        #expect(rerun.rows[0].report == nil && rerun.rows[2].report != nil)
    }

    @Test func resultsOfAnotherSweepAreNotResumed() throws {
        let prefix = temporaryPath("changed")
        #expect(clustertop("sweep", try Self.sweepFile(grid: "seed: [1, 2]"), "--output", prefix).status == 0)
        let other = clustertop("sweep", try Self.sweepFile(grid: "seed: [1, 3]"), "--output", prefix)
        #expect(other.status == 2)
        #expect(other.errors.hasPrefix("error: \(prefix).jsonl holds results of another sweep"))
        // A file that is not a sweep's is left alone.
        let notes = temporaryPath("notes")
        try "my notes\nmore notes\n".write(toFile: notes + ".jsonl", atomically: true, encoding: .utf8)
        let clobber = clustertop("sweep", try Self.sweepFile(grid: "seed: [1, 2]"), "--output", notes)
        #expect(clobber.status == 2)
        #expect(clobber.errors.hasPrefix("error: \(notes).jsonl:1: not a sweep's results row"), "\(clobber.errors)")
        #expect(try contents(notes + ".jsonl") == "my notes\nmore notes\n")
        let shard = clustertop("sweep", try Self.sweepFile(grid: "seed: [1, 2]"), "--output", prefix, "--shard", "1/2")
        #expect(shard.status == 2)
        #expect(shard.errors.contains("holds point 0, which is not in shard 1/2"), "\(shard.errors)")
    }

    @Test func theShardComesFromTheOptionOrTheScheduler() throws {
        func shard(_ option: String?, _ environment: [String: String] = [:]) -> String {
            do {
                return "\(try SweepRun.shard(option: option, environment: environment))"
            } catch {
                return "\(error)"
            }
        }
        #expect(shard(nil) == "0/1")
        #expect(shard("2/3", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "5"]) == "2/3")
        #expect(shard(nil, ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "5"]) == "4/5")
        // sbatch --array=1-9:2 numbers its tasks 1, 3, 5, 7, 9.
        let stepped = ["SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "5"]
        #expect(shard(nil, stepped.merging(["SLURM_ARRAY_TASK_ID": "7"]) { $1 }) == "3/5")
        #expect(shard(nil, ["JOB_COMPLETION_INDEX": "1", "CLUSTERTOP_SHARDS": "4"]) == "1/4")
        #expect(
            shard(nil, ["JOB_COMPLETION_INDEX": "1"]).hasPrefix("JOB_COMPLETION_INDEX is set but not CLUSTERTOP_SHARDS")
        )
        #expect(shard("3/3") == "--shard: expected a shard I/N with 0 ≤ I < N, got 3/3")
        #expect(shard("1-3") == "--shard: expected I/N such as 0/4, got \"1-3\"")
        #expect(
            shard(nil, ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2"]).hasPrefix(
                "SLURM_ARRAY_TASK_ID: expected"))
    }

    @Test func aBadSweepFileIsBadInputBeforeAnyPointRuns() throws {
        let sweep = try Self.sweepFile(grid: "seed: [1, 2]\n  \"cluster[0].count\": [1, 0]")
        let prefix = temporaryPath("bad")
        let outcome = clustertop("sweep", sweep, "--output", prefix)
        #expect(outcome.status == 2)
        #expect(
            outcome.errors.hasPrefix(
                "error: \(sweep):4:27: grid.cluster[0].count[1]: point 1 (seed=1 cluster[0].count=0): cluster[0].count: expected a whole number of instances from 1 to 4096, got 0"
            ), "\(outcome.errors)")
        #expect(!FileManager.default.fileExists(atPath: prefix + ".jsonl"))
        #expect(clustertop("sweep", sweep, "--jobs", "0").status == 2)
        #expect(clustertop("sweep", temporaryPath("missing.yaml")).status == 2)
    }
}
