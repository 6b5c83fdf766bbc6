import ClusterSim
import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct CompareTests {
    /// The JSON object `text` holds.
    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func runsEveryPairOnTheSameArrivals() throws {
        let outcome = clustertop(
            "compare", "default", "--duration", "2", "--seed", "3", "--local", "vllm-v0,sarathi", "--format", "json",
            "--quiet")
        #expect(outcome.status == 0)
        #expect(outcome.errors == "")
        let comparison = try object(outcome.output)
        #expect(comparison["seed"] as? Int == 3)
        let runs = try #require(comparison["runs"] as? [[String: Any]])
        #expect(runs.map { $0["local"] as? String } == ["vllm-v0", "sarathi"])
        let arrived = runs.map { (($0["report"] as? [String: Any])?["requests"] as? [String: Any])?["arrived"] as? Int }
        #expect(arrived[0] != nil && arrived[0] == arrived[1])
    }

    /// `--seeds`: every pair runs once per seed, each run is the one `--seed` gives, and every
    /// figure is the mean of the seeds' values.
    @Test func seedsRunEveryPairOnEachSeedAndAverage() throws {
        let common = [
            "compare", "default", "--duration", "2", "--local", "vllm-v0,sarathi", "--format", "json", "--quiet",
        ]
        let outcome = clustertop(arguments: common + ["--seeds", "3,5-6"])
        #expect(outcome.status == 0)
        let comparison = try object(outcome.output)
        #expect(comparison["seeds"] as? [Int] == [3, 5, 6])
        #expect(comparison["seed"] == nil)
        let runs = try #require(comparison["runs"] as? [[String: Any]])
        for seed in [3, 5, 6] {
            let single = try #require(
                try object(clustertop(arguments: common + ["--seed", "\(seed)"]).output)["runs"] as? [[String: Any]])
            for (run, alone) in zip(runs, single) {
                let reports = try #require(run["reports"] as? [NSDictionary])
                #expect(reports[[3, 5, 6].firstIndex(of: seed)!] == alone["report"] as? NSDictionary)
            }
        }
        let rows = try #require(comparison["rows"] as? [[String: Any]])
        let ttft = try #require(rows.first { $0["metric"] as? String == "ttft_ms.p99" })
        let means = try #require(ttft["values"] as? [Double])
        let perSeed = try #require(ttft["per_seed"] as? [[Double]])
        #expect(perSeed.map(\.count) == [3, 3])
        for (mean, values) in zip(means, perSeed) {
            #expect(abs(mean - values.reduce(0, +) / 3) < 1e-3)
        }
        #expect(Set(perSeed[0]).count > 1, "the seeds differ, so the mean is not any one of them")

        let table = clustertop(arguments: Array(common.dropLast(3)) + ["--quiet", "--seeds", "3,5-6"]).output
        #expect(table.hasPrefix("compare default  seeds 3,5-6  (means over the 3 seeds; * = best)\n"))
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test(arguments: [
        ("3-1", "the range 3-1 runs backwards"), ("1,1", "seed 1 is listed twice"),
        ("1-x", "\"1-x\" is not a seed or a range"), ("", "\"\" is not a seed or a range"),
        ("1-2-3", "\"1-2-3\" is not a seed or a range"), ("0-1000", "at most 1000 seeds"),
    ])
    func badSeedsAreBadInput(seeds: String, why: String) {
        let outcome = clustertop("compare", "default", "--seeds", seeds)
        #expect(outcome.status == 2)
        #expect(
            outcome.errors
                == "error: --seeds: \(why); expected seeds and ranges such as 21-40 or 1,2,7, got \"\(seeds)\"\n")
    }

    @Test func seedsTakeNeitherSeedNorPlot() {
        let both = clustertop("compare", "default", "--seeds", "1,2", "--seed", "3")
        #expect(both.status == 2)
        #expect(both.errors == "error: --seeds: give either --seed or --seeds\n")
        let plot = clustertop("compare", "default", "--seeds", "1,2", "--plot", temporaryPath("seeds.svg"))
        #expect(plot.status == 2)
        #expect(plot.errors == "error: --plot: draws one seed's runs; give --seed instead of --seeds\n")
    }

    /// The scenario options of `run` reach `compare` alike: one pair compared is the run.
    @Test func sharesTheScenarioOptionsOfRun() throws {
        let calibration = temporaryPath("h100.yaml")
        var slower = CostConstants.h100
        slower.layerOverhead *= 4
        try CalibrationFile(gpu: "h100", constants: slower).yamlText()
            .write(toFile: calibration, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: calibration) }
        let options = ["default", "--seed", "5", "--duration", "3", "--calibration", calibration, "--format", "json"]

        let run = clustertop(arguments: ["run", "--quiet"] + options)
        let compare = clustertop(arguments: ["compare", "--quiet"] + options)
        let uncalibrated = clustertop(
            arguments: ["compare", "--quiet"] + options.filter { $0 != calibration && $0 != "--calibration" })
        #expect([run.status, compare.status, uncalibrated.status] == [0, 0, 0])

        var report = try object(run.output)
        report["wall_s"] = nil
        func onlyReport(_ text: String) throws -> NSDictionary {
            let runs = try #require(try object(text)["runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            return try #require(runs.first?["report"] as? NSDictionary)
        }
        #expect(try onlyReport(compare.output) == report as NSDictionary)
        #expect(try onlyReport(uncalibrated.output) != report as NSDictionary)
    }

    @Test(arguments: ["run", "watch", "compare"])
    func scenarioOptionsFailAlike(command: String) {
        let calibration = clustertop(command, "default", "--calibration", "/nonexistent/h100.yaml")
        #expect(calibration.status == 2)
        #expect(calibration.errors == "error: /nonexistent/h100.yaml: cannot read the file\n")

        let policy = clustertop(command, "default", "--global", "rr")
        #expect(policy.status == 2)
        #expect(policy.errors.hasPrefix("error: --global: unknown policy \"rr\" (choose from: round-robin, "))

        let local = clustertop(command, "default", "--local", "x")
        #expect(local.status == 2)
        #expect(
            local.errors
                == "error: --local: unknown policy \"x\" (choose from: \(LocalPolicy.allIDs.joined(separator: ", ")))\n"
        )

        let seed = clustertop(command, "default", "--seed", "fast")
        #expect(seed.status == 2)
        #expect(seed.errors.hasPrefix("Error: The value 'fast' is invalid for '--seed <seed>'"), "\(seed.errors)")
    }

    @Test(arguments: ["run", "compare"])
    func theDurationIsBoundedAlike(command: String) {
        let outcome = clustertop(command, "default", "--duration", "0")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --duration: expected seconds above 0 and up to 604800, got 0.0\n")
    }

    /// `run`, `watch` and `compare` describe the scenario options in the same words.
    @Test func theSharedOptionsHaveTheSameHelp() {
        func entries(_ command: String) -> [String] {
            let help = clustertop(command, "--help").output
            return ["<scenario>", "--seed <seed>", "--calibration <calibration>"].map { helpEntry(help, $0) }
        }
        let run = entries("run")
        #expect(run.allSatisfy { !$0.isEmpty })
        #expect(entries("watch") == run)
        #expect(entries("compare") == run)
        let compareHelp = clustertop("compare", "--help").output
        #expect(
            helpEntry(compareHelp, "--duration <duration>")
                == helpEntry(clustertop("run", "--help").output, "--duration <duration>"))
    }

    /// The lines of `help` that describe `name`: its line and the indented ones after it.
    func helpEntry(_ help: String, _ name: String) -> String {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \(name)") }) else { return "" }
        let rest = lines[(start + 1)...].prefix { $0.hasPrefix("      ") }
        return ([lines[start]] + rest).joined(separator: "\n")
    }

    @Test func aBadSweepIsBadInput() {
        let outcome = clustertop("compare", "default", "--param", "prefix_cachin=0,1")
        #expect(outcome.status == 2)
        #expect(
            outcome.errors
                == "error: --param: unknown parameter \"prefix_cachin\"; did you mean \"prefix_caching\"? (clustertop policies lists them)\n"
        )
    }

    @Test func anEmptyListIsBadInput() {
        let outcome = clustertop("compare", "default", "--local", ",")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --local: expected one or more policy ids separated by commas\n")
    }

    @Test func policyListsParseEveryIdAndNameTheBadOne() throws {
        let command = try #require(
            try Clustertop.parseAsRoot([
                "compare", "default", "--global", "round-robin, llumnix", "--local", "sarathi+mdd",
            ]) as? Compare)
        #expect(command.options.policies.globals == ["round-robin", "llumnix"])
        #expect(command.options.policies.locals?.map(\.rawValue) == ["sarathi+mdd"])

        let typo = clustertop("compare", "default", "--local", "vllm-v0,sarathix")
        #expect(typo.status == 2)
        #expect(
            typo.errors.hasPrefix(
                "error: --local: unknown policy \"sarathix\"; did you mean \"sarathi\"? (choose from: vllm-v0, "))

        let empty = clustertop("compare", "default", "--global", " , ")
        #expect(empty.status == 2)
        #expect(empty.errors == "error: --global: expected one or more policy ids separated by commas\n")
    }
}
