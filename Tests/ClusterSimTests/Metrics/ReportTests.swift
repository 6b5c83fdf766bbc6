import Foundation
import Testing

@testable import ClusterSim

/// How the report prints names from the scenario: escaped, cut with an ellipsis, quoted in CSV.
@Suite struct ReportTests {
    /// A short run whose scenario and tenant are named `scenario` and `tenant`.
    func report(scenario: String, tenant: String) throws -> Report {
        var s = testScenario(duration: 5)
        s.name = scenario
        s.tenants[0].name = tenant
        s.workload[0].tenant = tenant
        var sim = try Simulation(scenario: s)
        sim.runToEnd()
        return Report(sim)
    }

    func hasControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }

    @Test func tableEscapesNamesAndCutsThemWithAnEllipsis() throws {
        let r = try report(scenario: "s\u{1B}]0;title\u{07}", tenant: "chat\u{1B}[2J-premium-tier")
        let table = r.tableText
        #expect(!hasControls(table))
        #expect(table.hasPrefix("scenario s\\u{1B}]0;title\\u{07}  seed"))
        let row = table.split(separator: "\n").first { $0.hasPrefix("  chat") }.map(String.init) ?? ""
        #expect(row.hasPrefix("  chat\\u{1B}[2J-…   "))
    }

    @Test func aTenantNamedWithADotShowsItsFigures() throws {
        let r = try report(scenario: "s", tenant: "team.chat")
        let row = r.tableText.split(separator: "\n").first { $0.hasPrefix("  team.chat") }.map(String.init) ?? ""
        let completed = r.json.value(at: "requests.completed")?.rendered() ?? "?"
        #expect(completed != "0")
        #expect(row.split(separator: " ").dropFirst().first.map(String.init) == "100.0%")
        #expect(row.split(separator: " ").dropFirst(2).first.map(String.init) == completed)
    }

    @Test func csvEscapesControlsAndQuotesPerRFC4180() {
        let csv = Report.csv(header: ["name", "note"], rows: [["a,b", "say \"hi\""], ["line\rbreak", "x\u{1B}[2J"]])
        #expect(!hasControls(csv))
        #expect(csv == "name,note\n\"a,b\",\"say \"\"hi\"\"\"\nline\\u{0D}break,x\\u{1B}[2J\n")
        #expect(Report.csv(header: ["h"], rows: [["\r\n"]]) == "h\n\\u{0D}\\u{0A}\n")
    }

    @Test func jsonEscapesDeleteAndC1Controls() {
        #expect(JSONValue.string("a\u{7F}b\u{9B}c\u{1B}").rendered() == "\"a\\u007fb\\u009bc\\u001b\"")
        let data = Data(JSONValue.string("a\u{7F}b\u{9B}").rendered().utf8)
        #expect(
            (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) as? String == "a\u{7F}b\u{9B}")
    }

    @Test func comparisonTableEscapesTheScenarioName() throws {
        let r = try report(scenario: "s\u{1B}[2J", tenant: "t")
        let comparison = PolicyComparison(
            scenario: "s\u{1B}[2J", seed: 1, runs: [.init(global: "round-robin", local: "vllm-v0", report: r)])
        #expect(!hasControls(comparison.tableText))
        #expect(comparison.tableText.hasPrefix("compare s\\u{1B}[2J  seed 1"))
        #expect(!hasControls(comparison.csvText))
    }
}
