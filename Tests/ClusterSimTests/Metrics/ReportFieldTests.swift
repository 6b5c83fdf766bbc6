import Foundation
import Testing

@testable import ClusterSim

/// The report's one list of fields drives JSON, CSV and `compare`.
@Suite struct ReportFieldTests {
    func report(tenants: [String] = ["t"]) throws -> Report {
        var s = testScenario(duration: 5)
        s.tenants = tenants.map { TenantSpec(name: $0, slo: SLO(ttftMs: 1000, tpotMs: 100)) }
        s.workload = tenants.map {
            StreamSpec(tenant: $0, arrival: .poisson(rate: 3), input: s.workload[0].input, output: s.workload[0].output)
        }
        var sim = try Simulation(scenario: s)
        sim.runToEnd()
        return Report(sim, wallSeconds: 0.5)
    }

    @Test func csvColumnsAreTheFieldsInOrderWithTenantsExpanded() throws {
        let r = try report(tenants: ["a", "b.c"])
        let header = r.csvText.split(separator: "\n")[0].split(separator: ",").map(String.init)
        var expected: [String] = []
        for f in Report.fields {
            if f.key == "slo.by_tenant" {
                for t in ["a", "b.c"] {
                    expected += [
                        "attainment", "arrived", "completed", "met", "ttft_violations", "tpot_violations",
                        "outstanding_violations", "rejected", "ttft_p99_ms", "slo_ttft_ms", "slo_tpot_ms",
                    ].map { "slo.by_tenant.\(t).\($0)" }
                }
            } else if !f.key.hasPrefix("workflows"), !f.key.hasPrefix("auto."), !f.key.hasPrefix("disaggregation") {
                // (Sections only some runs have: workflows, an auto policy, prefill/decode pools.)
                expected.append(f.key)
            }
        }
        #expect(header == expected)
        #expect(header.last == "wall_s")
    }

    @Test func jsonKeysFollowTheFieldList() throws {
        let r = try report()
        guard case .object(let top) = r.json else {
            Issue.record("not an object")
            return
        }
        var firstKeys: [String] = []
        // Workflow, auto and disaggregation figures show only where the run has them.
        for f in Report.fields
        where !firstKeys.contains(f.path[0]) && !f.key.hasPrefix("workflows") && !f.key.hasPrefix("auto.")
            && !f.key.hasPrefix("disaggregation")
        {
            firstKeys.append(f.path[0])
        }
        #expect(top.map(\.0) == firstKeys)
        #expect(r.json.value(at: "ttft_ms.p99")?.rendered() == Report.number(r.ttft.p99, 3))
        #expect(r.double("slo.by_tenant.t.completed") == Double(r.slo.byTenant[0].completed))
    }

    @Test func compareRowsAreTheFieldsMarkedForComparison() {
        let keys = Report.fields.map(\.key)
        #expect(PolicyComparison.metrics.map(\.path) == Report.fields.filter { $0.comparison != nil }.map(\.key))
        #expect(PolicyComparison.metrics.allSatisfy { keys.contains($0.path) })
        #expect(PolicyComparison.metrics.first?.label == "completed")
        let attainment = PolicyComparison.metrics.first { $0.path == "slo.attainment" }
        #expect(attainment?.unit.display(0.5) == 50)
    }

    @Test func theReportRoundTripsThroughCodable() throws {
        let r = try report(tenants: ["a", "b"])
        let data = try JSONEncoder().encode(r)
        let back = try JSONDecoder().decode(Report.self, from: data)
        #expect(back == r)
        #expect(back.jsonText == r.jsonText)
    }
}
