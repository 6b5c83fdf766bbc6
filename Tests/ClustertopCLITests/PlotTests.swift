import ClusterSim
import Foundation
import TestSupport
import Testing

@testable import ClustertopCLI

@Suite struct PlotTests {
    /// The built-in default scenario with `seed`, `duration` and policies, as the command runs it.
    func scenario(seed: UInt64, duration: Double, global: GlobalPolicyID, local: LocalPolicyID) throws -> Scenario {
        var s = try loadScenario("default")
        s.seed = seed
        s.durationSeconds = duration
        s.policy.global = global
        s.policy.local = local
        return s
    }

    /// The chart in `path`, read back.
    func chart(_ path: String) throws -> SVGReading {
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(SVGReading.read(svg), "not well-formed: \(svg.prefix(300))")
    }

    @Test func compareDrawsEachRunsLatencyCDFs() throws {
        let path = temporaryPath("compare.svg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = clustertop(
            "compare", "default", "--duration", "3", "--seed", "4", "--local", "vllm-v0,sarathi", "--quiet",
            "--plot", path)
        #expect(outcome.status == 0)
        #expect(outcome.errors == "")
        let read = try chart(path)
        #expect(read.legend == ["round-robin / vllm-v0", "round-robin / sarathi"])
        #expect(read.panels.map(\.xLabel) == ["TTFT (ms)", "TBT (ms)", "E2E (s)"])
        #expect(read.panels.allSatisfy { $0.xMap.scale == .log && $0.yMap.domain == 0...1 })
        for local: LocalPolicyID in ["vllm-v0", "sarathi"] {
            var sim = try Simulation(scenario: scenario(seed: 4, duration: 3, global: "round-robin", local: local))
            sim.runToEnd()
            let histograms = [(sim.metrics.ttft, 1e3), (sim.metrics.tbt, 1e3), (sim.metrics.e2e, 1e6)]
            for (panel, (histogram, divisor)) in zip(read.panels, histograms) {
                let points = try #require(panel.points("round-robin / \(local)"))
                let cdf = histogram.cdf
                #expect(points.count == cdf.count && cdf.count > 5)
                for (p, c) in zip(points, cdf) {
                    #expect(panel.agrees(p, .init(Double(c.value) / divisor, c.fraction)), "\(p) vs \(c)")
                }
            }
        }
    }

    @Test func sweepDrawsLatencyAgainstLoadPerCandidateFromItsRows() throws {
        let sweep = try SweepTests.sweepFile()
        let prefix = temporaryPath("plotted-sweep"), path = temporaryPath("sweep.svg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = clustertop("sweep", sweep, "--output", prefix, "--quiet", "--plot", path)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let read = try chart(path)
        // rate_scale is the load: one line per local policy, through its three loads.
        #expect(read.legend == ["local=vllm-v0", "local=sarathi", "frontier"])
        #expect(
            read.panels.map(\.xLabel) == Array(repeating: "offered load (req/s)", count: 3) + [
                "goodput (req/s within SLO)"
            ])
        let rows = SweepResult.read(try String(contentsOfFile: prefix + ".jsonl", encoding: .utf8)).rows
        #expect(rows.count == 6)
        for local in ["vllm-v0", "sarathi"] {
            let mine = rows.filter { $0.setting("local") == local }
                .map { row in
                    // Offered load: arrivals over the tiny scenario's 2 s of arrivals.
                    (rate: row.number("requests.arrived")! / 2, p99: row.number("ttft_ms.p99")!)
                }
                .sorted { $0.rate < $1.rate }
            let points = try #require(read.panels[1].points("local=\(local)"))
            #expect(points.count == 3)
            for (p, row) in zip(points, mine) { #expect(read.panels[1].agrees(p, .init(row.rate, row.p99))) }
        }
        // The frontier: the points no other has more goodput than for no more GPUs (2 each here).
        let best = rows.compactMap { $0.number("goodput_rps") }.max()!
        let frontier = try #require(read.panels[3].points("frontier"))
        #expect(frontier.count >= 1)
        #expect(read.panels[3].agrees(frontier.last!, .init(best, 2)))
    }

    @Test func runDrawsTheRunOverTimeWithoutChangingIt() throws {
        let path = temporaryPath("run.svg")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = ["run", "default", "--duration", "8", "--seed", "2", "--format", "json", "--quiet"]
        let plain = clustertop(arguments: options)
        let plotted = clustertop(arguments: options + ["--plot", path])
        #expect(plain.status == 0 && plotted.status == 0)
        func withoutWallTime(_ text: String) throws -> NSDictionary {
            var report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            report["wall_s"] = nil
            return report as NSDictionary
        }
        let report = try withoutWallTime(plotted.output)
        #expect(report == (try withoutWallTime(plain.output)))

        let read = try chart(path)
        #expect(read.panels.map(\.yLabel) == ["arrivals/s", "requests", "KV blocks used (%)", "attainment (%)"])
        #expect(
            read.panels.allSatisfy { $0.xLabel == "simulated time (s)" && $0.xMap.domain == read.panels[0].xMap.domain }
        )
        let slo = try #require(read.panels[3].points("round-robin / vllm-v0"))
        let attainment = try #require((report["slo"] as? [String: Any])?["attainment"] as? Double)
        #expect(abs(slo.last!.y - attainment * 100) < 0.01)
        let times = try #require(read.panels[0].points("round-robin / vllm-v0")).map(\.x)
        #expect(times.count > 250 && times == times.sorted())
        #expect(read.panels[2].points("round-robin / vllm-v0")!.allSatisfy { (-0.01...100.01).contains($0.y) })
    }

    @Test(arguments: ["run", "compare", "capacity"])
    func aBadPlotPathFailsBeforeAnyRun(command: String) {
        let outcome = clustertop(command, "default", "--plot", "/nonexistent/chart.svg", "--quiet")
        #expect(outcome.status == 2)
        #expect(outcome.errors == "error: --plot: cannot write /nonexistent/chart.svg: No such file or directory\n")
        #expect(outcome.output == "")
    }
}
