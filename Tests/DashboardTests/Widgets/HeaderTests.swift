import ClusterSim
import Testing

@testable import Dashboard

/// The header's second row: the SLO figure counts violations as they happen, and the cluster's
/// KV occupancy, preemptions and migrations sit beside it.
@Suite struct HeaderTests {
    static let outage = """
        name: outage
        seed: 3
        duration_s: 100
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2, tp: 1}
        policy: {global: least-outstanding, local: vllm-v0}
        tenants:
          - {name: chat, priority: normal, slo: {ttft_ms: 2000, tpot_ms: 100}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 15}
            input_tokens: {dist: lognormal, mean: 512, sigma: 0.8, max: 4096}
            output_tokens: {dist: lognormal, mean: 128, sigma: 0.7, max: 1024}
        events:
          - {at_s: 10, fail: {instance: 0}}
          - {at_s: 10, fail: {instance: 1}}
        """

    func headerRow(_ s: DashboardSnapshot, width: Int = 120) -> String {
        var buffer = ScreenBuffer(width: width, height: 2)
        HeaderWidget.draw(s, UIState(), in: Rect(x: 0, y: 0, width: width, height: 2), glyphs: .unicode, into: &buffer)
        return buffer.row(1)
    }

    @Test func theSLOFigureFallsWhileEveryInstanceIsDown() throws {
        var driver = SimulationDriver(
            simulation: try Simulation(scenario: try ScenarioParser.parse(HeaderTests.outage, file: "outage")))
        driver.advance(to: Time.seconds(10))
        let before = try #require(driver.snapshot(clock: RunClock()).totals.attainment)
        driver.advance(to: Time.seconds(40))
        let s = driver.snapshot(clock: RunClock())
        #expect(s.totals.completed == driver.session.sim.metrics.completed)
        #expect(s.totals.unassigned > 300)
        let during = try #require(s.totals.attainment)
        #expect(during < before / 2)
        // Nothing completes in the window, yet everything that came due in it missed.
        #expect(s.recent.attainment == 0)
        #expect(s.tenants[0].outstandingViolations > 300)
        #expect(s.tenants[0].attainment == during)
        #expect(s.totals.kvTotal == 0)
        let row = headerRow(s)
        #expect(row.contains("SLO " + Format.percent(during) + " (last 5s 0.0%)"), "\(row)")
        #expect(row.contains("KV -"), "\(row)")
    }

    @Test func nothingDecidedShowsADashAndTheClusterFiguresShow() {
        let s = DashboardSnapshot(
            scenario: "x",
            totals: Totals(
                arrived: 12, inFlight: 12, attainment: nil, preemptions: 7, migrations: 2, kvUsed: 250, kvTotal: 1000))
        let row = headerRow(s)
        #expect(row.contains("SLO -"), "\(row)")
        #expect(!row.contains("100"), "\(row)")
        #expect(row.contains("KV 25%") && row.contains("preempt 7") && row.contains("migr 2"), "\(row)")
    }

    /// The cluster figures, read from the whole frame's header row at the widths that shorten it.
    @Test func theClusterFiguresFitAt80And64Columns() {
        var s = Fixtures.snapshot()
        let compact = ["SLO 98.1%", "queued 54", "KV 62%", "pre 12", "mig 3"]
        for width in [80, DashboardView.minimumWidth] {
            let row = Fixtures.render(s, Fixtures.state(for: s), width: width, height: 24).row(1)
            for figure in compact { #expect(row.contains(figure), "\(width) columns: \(row)") }
            #expect(row.contains("(5s 91.2%)"), "\(width) columns: \(row)")
        }
        // At 80 the arrival rate and the spike stay too.
        let row80 = Fixtures.render(s, Fixtures.state(for: s), width: 80, height: 24).row(1)
        #expect(row80.hasPrefix(" arr 43.2/s SPIKE x3  SLO"), "\(row80)")
        // During an outage the requests no instance takes join them.
        s.totals.unassigned = 412
        for width in [80, DashboardView.minimumWidth] {
            let row = Fixtures.render(s, Fixtures.state(for: s), width: width, height: 24).row(1)
            for figure in compact + ["unassigned 412"] { #expect(row.contains(figure), "\(width) columns: \(row)") }
        }
    }

    @Test func largeCountsStillFitAt80Columns() {
        var s = Fixtures.snapshot()
        s.totals.waiting = 123_456
        s.totals.unassigned = 98_765
        s.totals.preemptions = 1_234_567
        s.totals.migrations = 45_678
        s.totals.attainment = 0.5
        s.recent.attainment = 0.25
        let row = Fixtures.render(s, Fixtures.state(for: s), width: 80, height: 24).row(1)
        for figure in ["SLO 50.0%", "queued 123", "unassigned 99k", "KV 62%", "pre 1.2M", "mig 46k"] {
            #expect(row.contains(figure), "\(row)")
        }
    }
}
