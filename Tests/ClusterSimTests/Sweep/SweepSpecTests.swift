import Foundation
import Testing

@testable import ClusterSim

/// Sweep files: the points they give, in order, and located errors before anything runs.
@Suite struct SweepSpecTests {
    /// A small two-stream scenario the sweeps below vary.
    static let base = """
        name: tiny
        seed: 7
        duration_s: 5
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2}
          - {gpu: a100-80g, model: llama3-8b, count: 1}
        policy: {global: round-robin, local: vllm-v0}
        tenants:
          - {name: chat, slo: {ttft_ms: 2000, tpot_ms: 100}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 10}
            input_tokens: {dist: fixed, value: 256}
            output_tokens: {dist: fixed, value: 32}
          - tenant: chat
            arrival: {process: gamma, rate: 4, cv: 2}
            input_tokens: {dist: fixed, value: 128}
            output_tokens: {dist: fixed, value: 16}
        """

    /// The sweep `text` with the base scenario beside it in a fresh folder.
    func spec(_ text: String, base: String = SweepSpecTests.base) throws -> SweepSpec {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try base.write(toFile: "\(folder)/tiny.yaml", atomically: true, encoding: .utf8)
        return try SweepSpec.parse(text, file: "sweep.yaml", baseDirectory: folder)
    }

    /// The error `text` gives, as printed.
    func problem(_ text: String) -> String {
        do {
            _ = try spec(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func aGridIsEveryCombinationWithTheFirstAxisSlowest() throws {
        let sweep = try spec(
            """
            scenario: tiny.yaml
            grid:
              global: [round-robin, least-outstanding]
              rate_scale: [1, 2, 3]
            """)
        #expect(sweep.axes.map(\.description) == ["global", "rate_scale"])
        #expect(sweep.points.map(\.index) == Array(0..<6))
        #expect(
            sweep.points.map(\.key) == [
                "global=round-robin rate_scale=1", "global=round-robin rate_scale=2", "global=round-robin rate_scale=3",
                "global=least-outstanding rate_scale=1", "global=least-outstanding rate_scale=2",
                "global=least-outstanding rate_scale=3",
            ])
        #expect(sweep.points[4].scenario.policy.global == "least-outstanding")
    }

    @Test func listedPointsAreCrossedWithTheGrid() throws {
        let sweep = try spec(
            """
            scenario: tiny.yaml
            points:
              - {"cluster[0].gpu": h200, "cluster[0].count": 1}
              - {"cluster[0].count": 4}
            grid:
              local: [vllm-v0, sarathi]
            """)
        #expect(sweep.axes.map(\.description) == ["cluster[0].gpu", "cluster[0].count", "local"])
        #expect(
            sweep.points.map(\.key) == [
                "cluster[0].gpu=h200 cluster[0].count=1 local=vllm-v0",
                "cluster[0].gpu=h200 cluster[0].count=1 local=sarathi",
                "cluster[0].count=4 local=vllm-v0", "cluster[0].count=4 local=sarathi",
            ])
        #expect(sweep.points[1].scenario.cluster[0].gpu == "h200")
        #expect(sweep.points[1].scenario.cluster[0].count == 1)
        #expect(sweep.points[1].scenario.policy.local == "sarathi")
        #expect(sweep.points[2].scenario.cluster[0].gpu == "h100")
        #expect(sweep.points[2].scenario.cluster[0].count == 4)
        #expect(sweep.points[2].scenario.cluster[1].count == 1)
    }

    @Test func everyAxisReachesTheScenario() throws {
        let sweep = try spec(
            """
            scenario: tiny.yaml
            points:
              - global: llumnix
                local: sarathi
                params.migrate_out_threshold: 3
                rate_scale: 2.5
                "workload[1].rate": 7
                "cluster[1].model": mistral-7b
                "cluster[0].tp": 2
                seed: 42
                duration_s: 3
            """)
        let s = try #require(sweep.points.first?.scenario)
        #expect(s.policy.global == "llumnix" && s.policy.local == "sarathi")
        #expect(s.policy.params.values["migrate_out_threshold"] == 3)
        // rate_scale multiplies every stream; an axis for one stream's rate sets it outright.
        #expect(s.workload[0].arrival == .poisson(rate: 25))
        #expect(s.workload[1].arrival == .gamma(rate: 7, cv: 2))
        #expect(s.cluster[1].model == "mistral-7b" && s.cluster[0].tensorParallel == 2)
        #expect(s.seed == 42 && s.durationSeconds == 3)
    }

    @Test func rateScaleScalesATracesRateScale() throws {
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).csv").path
        try """
        TIMESTAMP,ContextTokens,GeneratedTokens
        2023-11-16 18:15:46.6805900,374,44
        2023-11-16 18:15:50.9951690,396,109
        """.write(toFile: trace, atomically: true, encoding: .utf8)
        let base = """
            name: traced
            duration_s: 60
            cluster: [{gpu: h100, model: llama3-8b, count: 2}]
            tenants: [{name: t, slo: {ttft_ms: 2000, tpot_ms: 100}}]
            workload:
              - {tenant: t, trace: {format: azure, file: \(trace), rate_scale: 2}}
            """
        let sweep = try spec("scenario: tiny.yaml\ngrid: {rate_scale: [0.5, 3]}\n", base: base)
        let scales = sweep.points.map { point -> Double? in
            if case .trace(let t) = point.scenario.workload[0].arrival { return t.rateScale }
            return nil
        }
        #expect(scales == [1, 6])
        // A trace has no rate of its own to set.
        #expect(throws: ScenarioError.self) {
            try spec("scenario: tiny.yaml\ngrid: {\"workload[0].rate\": [1]}\n", base: base)
        }
    }

    @Test func theDraftTokensOfAGroupsSpeculativeConfigAreAnAxis() throws {
        let speculative = Self.base.replacingOccurrences(
            of: "  - {gpu: a100-80g, model: llama3-8b, count: 1}",
            with:
                "  - {gpu: a100-80g, model: llama3-8b, engine: {speculative_config: {method: ngram, num_speculative_tokens: 2}}}"
        )
        let sweep = try spec(
            "scenario: tiny.yaml\ngrid: {\"cluster[1].num_speculative_tokens\": [0, 5]}\n", base: speculative)
        #expect(sweep.points.map { $0.scenario.cluster[1].engine.speculative?.tokens } == [0, 5])
        #expect(sweep.points.allSatisfy { $0.scenario.cluster[1].engine.speculative?.method == .ngram })
        // A group without speculative decoding has no method to go with the tokens.
        #expect(
            problem("scenario: tiny.yaml\ngrid: {\"cluster[0].num_speculative_tokens\": [4]}\n").contains(
                "cluster[0].engine.speculative_config: missing key \"method\""))
    }

    @Test func theShippedSweepsAreValid() throws {
        let folder = projectRoot.appendingPathComponent("Scenarios/sweeps").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let sweep = try SweepSpec.load(path: "\(folder)/\(file)")
            #expect(!sweep.points.isEmpty, "\(file)")
        }
    }

    @Test func theIDFollowsThePointsAndTheBaseScenario() throws {
        let text = "scenario: tiny.yaml\ngrid: {seed: [1, 2]}\n"
        let a = try spec(text), b = try spec("# a comment\n" + text)
        #expect(a.id == b.id)
        #expect(a.id.count == 16)
        #expect(try spec("scenario: tiny.yaml\ngrid: {seed: [1, 3]}\n").id != a.id)
        #expect(try spec(text, base: Self.base.replacingOccurrences(of: "rate: 10", with: "rate: 11")).id != a.id)
    }

    @Test(arguments: [
        (
            "scenario: tiny.yaml\ngrid:\n  rate_scal: [1, 2]\n",
            "sweep.yaml:3:3: grid.rate_scal: unknown axis \"rate_scal\"; did you mean \"rate_scale\"?"
        ),
        (
            "scenario: tiny.yaml\ngrid:\n  seed: []\n",
            "sweep.yaml:3:9: grid.seed: expected at least one value, got an empty list"
        ),
        ("scenario: tiny.yaml\ngrid: {}\n", "sweep.yaml:2:7: grid: expected at least one axis, got an empty grid"),
        ("scenario: tiny.yaml\n", "sweep.yaml:1:1: expected a grid, points or both"),
        ("scenario: tiny.yaml\npoints: []\n", "sweep.yaml:2:9: points: expected at least one point"),
        (
            "scenario: tiny.yaml\ngrid:\n  \"cluster[2].count\": [1]\n",
            "sweep.yaml:3:3: grid.cluster[2].count: the base scenario's cluster has entries 0 to 1, not 2"
        ),
        (
            "scenario: tiny.yaml\ngrid:\n  params.nope: [1]\n",
            "sweep.yaml:3:3: grid.params.nope: unknown policy parameter \"nope\""
        ),
        (
            "scenario: tiny.yaml\ngrid:\n  rate_scale: [1, fast]\n",
            "sweep.yaml:3:19: grid.rate_scale[1]: expected a positive rate scale, got \"fast\""
        ),
        (
            "scenario: tiny.yaml\npoints:\n  - {seed: 1}\ngrid:\n  seed: [2]\n",
            "sweep.yaml:3:6: points[0].seed: seed is also a grid axis"
        ),
        ("scenario: tiny.yaml\ngrid: {seed: [1]}\nrepeat: 3\n", "sweep.yaml:3:1: unknown key \"repeat\""),
        (
            "scenario: missing.yaml\ngrid: {seed: [1]}\n",
            "sweep.yaml:1:11: scenario: no scenario file"
        ),
    ])
    func aBadSweepFileIsALocatedError(text: String, expected: String) {
        let message = problem(text)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    /// Every point is built and checked like a scenario file: the first bad one names its settings
    /// and the line of the value to blame.
    @Test func aPointThatFailsValidationNamesItsSettingsAndLine() {
        let message = problem(
            """
            scenario: tiny.yaml
            grid:
              global: [round-robin, llumnix]
              "cluster[0].count": [2, 5000, 6000]
            """)
        #expect(
            message.hasPrefix(
                "sweep.yaml:4:27: grid.cluster[0].count[1]: point 1 (global=round-robin cluster[0].count=5000): cluster[0].count: expected a whole number of instances from 1 to 4096, got 5000"
            ), "\(message)")
        #expect(message.hasSuffix("(3 other points fail too)"), "\(message)")
        // The request budget: the axis that changes the load is blamed.
        let budget = problem(
            "scenario: tiny.yaml\ngrid:\n  seed: [1]\n  duration_s: [600000]\n  rate_scale: [1, 100]\n")
        #expect(
            budget.hasPrefix(
                "sweep.yaml:4:16: grid.duration_s[0]: point 1 (seed=1 duration_s=600000 rate_scale=100): duration_s: the workload would bring about"
            ), "\(budget)")
        // A parameter out of its declared range, as a scenario file would report it.
        let param = problem("scenario: tiny.yaml\npoints:\n  - {global: llumnix, params.min_instances: -3}\n")
        #expect(
            param
                == "sweep.yaml:3:45: points[0].params.min_instances: point 0 (global=llumnix params.min_instances=-3): policy.params.min_instances: expected a whole number in 1...4096, got -3.0",
            "\(param)")
    }
}
