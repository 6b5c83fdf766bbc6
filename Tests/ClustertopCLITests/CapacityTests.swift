import ClusterSim
import Foundation
import TestSupport
import Testing

@testable import ClustertopCLI

@Suite struct CapacityTests {
    static let options = [
        "capacity", "default", "--duration", "4", "--seed", "3", "--global", "round-robin,least-outstanding",
        "--tolerance", "0.1", "--max-instances", "8", "--quiet",
    ]

    /// The JSON frontier of `options`, run once for the tests that read it.
    static let json = clustertop(arguments: options + ["--format", "json"])

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func findsABoundaryBetweenAPassingAndAFailingRate() throws {
        let outcome = CapacityTests.json
        #expect(outcome.status == 0)
        let frontier = try object(outcome.output)
        let base = try #require(frontier["base_rate"] as? Double)
        let candidates = try #require(frontier["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["global"] as? String } == ["round-robin", "least-outstanding"])
        for c in candidates {
            let probes = try #require(c["probes"] as? [[String: Any]])
            let scale = try #require(c["scale"] as? Double)
            let passing = probes.filter { $0["meets"] as? Bool == true }.compactMap { $0["scale"] as? Double }
            let failing = probes.filter { $0["meets"] as? Bool == false }.compactMap { $0["scale"] as? Double }
            // The answer is the highest passing probe, and the lowest failing one is within 10% above it.
            #expect(passing.max() == scale)
            let above = try #require(failing.filter { $0 > scale }.min())
            #expect(above / scale <= 1.1 + 1e-9)
            #expect(abs((c["max_rate"] as? Double ?? 0) - base * scale) < 1e-3)
            for p in probes {
                let attainment = try #require(p["slo_attainment"] as? Double)
                #expect((attainment >= 0.99) == (p["meets"] as? Bool))
            }
        }
    }

    @Test func theInstancesNeededAreTheFewestThatMeetTheTarget() throws {
        let outcome = CapacityTests.json
        let candidates = try #require(try object(outcome.output)["candidates"] as? [[String: Any]])
        for c in candidates {
            let needed = try #require(c["instances_needed"] as? Int)
            func meets(_ count: Int) throws -> Bool {
                var s = try loadScenario("default")
                (s.seed, s.durationSeconds) = (3, 4)
                s.policy.global = try #require(GlobalPolicyID(argument: c["global"] as? String ?? ""))
                s.cluster[0].count = count
                var sim = try Simulation(scenario: s)
                sim.runToEnd()
                return (Report(sim).slo.attainment ?? 1) >= 0.99
            }
            #expect(try meets(needed))
            if needed > 1 { #expect(try !meets(needed - 1)) }
        }
    }

    @Test func theTableMarksTheCheapestAndTheChartMatchesIt() throws {
        let path = temporaryPath("capacity.svg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = clustertop(arguments: CapacityTests.options + ["--instances", "1,3", "--plot", path])
        let json = clustertop(arguments: CapacityTests.options + ["--instances", "1,3", "--format", "json"])
        #expect(table.status == 0 && json.status == 0)
        #expect(table.output.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let candidates = try #require(try object(json.output)["candidates"] as? [[String: Any]])
        #expect(candidates.count == 4)
        let costs = candidates.map { $0["gpu_hours_per_million"] as? Double ?? .infinity }
        let best = try #require(costs.indices.min { costs[$0] < costs[$1] })
        #expect(candidates[best]["best"] as? Bool == true)
        let row = try #require(table.output.split(separator: "\n").first { $0.hasPrefix("* ") })
        #expect(row.hasPrefix("* \(PolicyComparison.column(best)) "))

        let read = try #require(SVGReading.read(try String(contentsOfFile: path, encoding: .utf8)))
        #expect(read.panels.map(\.yLabel) == ["P50 TTFT (ms)", "P99 TTFT (ms)", "P99 TBT (ms)", "GPUs"])
        // Panel 2: each candidate's P99 TTFT at each rate its search ran, in order of rate.
        for c in candidates {
            let label = "\(c["global"]!) / \(c["local"]!) / \(c["instances"]!) inst"
            let probes = try #require(c["probes"] as? [[String: Any]]).sorted {
                ($0["rate"] as! Double) < ($1["rate"] as! Double)
            }
            let points = try #require(read.panels[1].points(label))
            #expect(points.count == probes.count)
            for (p, probe) in zip(points, probes) {
                let data = SVGChart.Point(probe["rate"] as! Double, probe["ttft_p99_ms"] as! Double)
                #expect(read.panels[1].agrees(p, data), "\(label): \(p) vs \(data)")
            }
        }
        // Panel 4: per policy pair, GPUs against goodput at capacity: the table's figures.
        for global in ["round-robin", "least-outstanding"] {
            let points = try #require(read.panels[3].points("\(global) / vllm-v0"))
            let expected = candidates.filter { $0["global"] as? String == global && $0["goodput_rps"] is Double }
                .map { SVGChart.Point($0["goodput_rps"] as! Double, Double($0["gpus"] as! Int)) }
                .sorted { $0.x < $1.x }
            #expect(points.count == expected.count)
            for (p, q) in zip(points, expected) { #expect(read.panels[3].agrees(p, q), "\(p) vs \(q)") }
        }
    }

    @Test func sameInputsSameOutput() {
        let csv = clustertop(arguments: CapacityTests.options + ["--format", "csv"])
        let again = clustertop(arguments: CapacityTests.options + ["--format", "json"])
        #expect(csv.status == 0)
        #expect(again.output == CapacityTests.json.output)
        #expect(csv.output.hasPrefix("global,local,instances,gpus,max_rate,"))
        #expect(csv.output.split(separator: "\n").count == 3)
    }

    @Test(arguments: [
        (["--slo-attainment", "99"], "--slo-attainment: expected a share above 0 and up to 1 (0.99 is 99%), got 99.0"),
        (["--instances", "0,4"], "--instances: expected counts from 1 to 4093 as 2,4,8 or a range 2-6, got \"0,4\""),
        (["--instances", "8-2"], "--instances: expected counts from 1 to 4093 as 2,4,8 or a range 2-6, got \"8-2\""),
        (["--group", "3"], "--group: expected a group index from 0 to 2, got 3"),
        (["--tolerance", "0"], "--tolerance: expected a share from 0.001 to 0.5, got 0.0"),
    ])
    func badInputIsALocatedOneLineError(arguments: [String], message: String) {
        let outcome = clustertop(arguments: ["capacity", "default", "--quiet"] + arguments)
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: \(message)\n")
    }
}
