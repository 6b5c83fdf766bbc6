import ClusterSim
import Foundation
import Testing

@testable import ClustertopCLI

@Suite struct WhatIfCommandTests {
    @Test func forksAScenarioAndMarksTheBest() throws {
        let outcome = clustertop(
            "whatif", "default", "--at", "20", "--horizon", "10", "--global", "least-outstanding,hexgen")
        #expect(outcome.status == 0)
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.count <= 80 })
        let rows = lines.filter { $0.contains(" / vllm-v0") }
        #expect(rows.count == 3)
        #expect(rows[0].hasPrefix(" =round-robin") || rows[0].hasPrefix("*=round-robin"))
        #expect(rows.filter { $0.hasPrefix("*") }.count == 1)
    }

    @Test func theSameInputsGiveTheSameOutput() throws {
        let args = [
            "whatif", "default", "--at", "15", "--horizon", "5", "--local", "vllm-v0,sarathi", "--format", "csv",
        ]
        let a = clustertop(arguments: args), b = clustertop(arguments: args)
        #expect(a.status == 0 && a.output == b.output)
        let lines = a.output.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("scenario,seed,at_s,horizon_s,global,local,current,best,slo_attainment"))
    }

    @Test func forksARecordingWithItsCommands() throws {
        let path = temporaryPath("whatif.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(clustertop("run", "default", "--duration", "20", "--quiet", "--record", path).status == 0)
        let outcome = clustertop("whatif", path, "--at", "10", "--horizon", "5", "--format", "json")
        #expect(outcome.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let candidates = try #require(json["candidates"] as? [[String: Any]])
        #expect(
            candidates.count == WhatIf.defaultCandidates(for: try Simulation(scenario: loadScenario("default"))).count)
        #expect(candidates.filter { $0["best"] as? Bool == true }.count == 1)
        #expect(candidates.first?["current"] as? Bool == true)
    }

    @Test func badInputIsExplained() {
        let horizon = clustertop("whatif", "default", "--at", "5", "--horizon", "0")
        #expect(horizon.status == 2 && horizon.errors.contains("--horizon: expected seconds above 0"))
        let at = clustertop("whatif", "default", "--at=-1")
        #expect(at.status == 2 && at.errors.contains("--at: expected seconds from 0"))
        let missing = clustertop("whatif", "missing.jsonl", "--at", "5")
        #expect(missing.status == 2 && missing.errors.contains("missing.jsonl"))
        let policy = clustertop("whatif", "default", "--at", "5", "--global", "fastest")
        #expect(policy.status == 2 && policy.errors.contains("fastest"))
    }
}
