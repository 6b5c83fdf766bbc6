import ClusterSim
import Testing

@testable import Dashboard

/// The header's meters (KV, queue, preemptions) and the replay's badge and position.
@Suite struct HeaderMetersTests {
    func header(_ s: DashboardSnapshot, width: Int = 100) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: 3)
        HeaderWidget.draw(s, UIState(), in: Rect(x: 0, y: 0, width: width, height: 3), glyphs: .unicode, into: &buffer)
        return buffer
    }

    @Test func barsAreFilledInProportionWithTheFiguresBeside() {
        let s = DashboardSnapshot(
            scenario: "x", recent: RecentRates(completionsPerSecond: 10, preemptionsPerSecond: 5),
            totals: Totals(inFlight: 200, waiting: 50, preemptions: 1234, kvUsed: 250, kvTotal: 1000))
        let row = header(s, width: 96).row(2)
        // Three meters of 30 columns: "KV [" + bar + "] 25%" and so on.
        let meters = row.split(separator: "]", omittingEmptySubsequences: false).map(String.init)
        #expect(row.contains("] 25%") && row.contains("] 50 of 200") && row.contains("] 5.0/s (1.2k)"), "\(row)")
        func marks(_ s: String) -> (Int, Int) {
            let bar = s.split(separator: "[").last.map(String.init) ?? ""
            return (bar.filter { $0 == "|" }.count, bar.count)
        }
        let (kv, kvWidth) = marks(meters[0])
        let (queue, queueWidth) = marks(meters[1])
        let (pre, preWidth) = marks(meters[2])
        #expect(kv == Int((0.25 * Double(kvWidth)).rounded()), "\(row)")
        #expect(queue == Int((0.25 * Double(queueWidth)).rounded()), "\(row)")
        #expect(pre == Int((0.5 * Double(preWidth)).rounded()), "\(row)")
    }

    @Test func anIdleClusterShowsEmptyBarsAndNoKVFigure() {
        let row = header(DashboardSnapshot(scenario: "x")).row(2)
        #expect(!row.contains("|"), "\(row)")
        #expect(row.contains("KV [") && row.contains("] -") && row.contains("] 0 of 0") && row.contains("] 0.0/s (0)"))
    }

    @Test func aReplayShowsItsBadgeAndPosition() {
        var s = DashboardSnapshot(scenario: "default", now: Time.seconds(123.4), isReplay: true)
        s.replayLength = Time.seconds(600)
        var row = header(s).row(0)
        #expect(row.contains(" REPLAY ") && row.contains("t=123.4 s / 600.0 s") && row.contains("running"), "\(row)")
        // Narrow, the badge and the position stay; the policies give way first.
        row = header(s, width: 64).row(0)
        #expect(row.contains("REPLAY") && row.contains("t=123.4 s / 600.0 s") && !row.contains("global"), "\(row)")
        s.finished = true
        row = header(s).row(0)
        #expect(row.contains("END OF RECORDING") && !row.contains("FINISHED"), "\(row)")
        // Live, none of it.
        row = header(DashboardSnapshot(scenario: "default", now: Time.seconds(123.4))).row(0)
        #expect(!row.contains("REPLAY") && !row.contains("t=") && row.contains("02:03.4"), "\(row)")
    }
}

/// Sparklines: a time axis under them, scaled to the points they show.
@Suite struct SparklineAxisTests {
    @Test func theAxisNamesAgesUnderTheirPoints() {
        var buffer = ScreenBuffer(width: 60, height: 1)
        Draw.timeAxis(pointSeconds: 1, x: 0, y: 0, width: 60, glyphs: .unicode, into: &buffer)
        let row = buffer.row(0)
        #expect(row.hasSuffix("now"), "\(row)")
        // "-10s" ends under the point 10 s old: column 59 - 10.
        for age in [10, 20, 30, 40, 50] {
            let label = "-\(age)s"
            let end = try? #require(row.range(of: label)).upperBound
            #expect(end.map { row.distance(from: row.startIndex, to: $0) - 1 } == 59 - age, "\(label) in \(row)")
        }
        // Two-second points: labels every 30 s; minutes past an hour's worth.
        buffer = ScreenBuffer(width: 60, height: 1)
        Draw.timeAxis(pointSeconds: 2, x: 0, y: 0, width: 60, glyphs: .unicode, into: &buffer)
        #expect(buffer.row(0).contains("-30s") && buffer.row(0).contains("-90s") && !buffer.row(0).contains("-10s"))
        buffer = ScreenBuffer(width: 60, height: 1)
        Draw.timeAxis(pointSeconds: 10, x: 0, y: 0, width: 60, glyphs: .unicode, into: &buffer)
        #expect(buffer.row(0).contains("-2m") && buffer.row(0).contains("-8m"), "\(buffer.row(0))")
    }

    @Test func theScaleIsThatOfThePointsShown() {
        var s = Fixtures.snapshot()
        // An old peak scrolled out of view no longer sets the scale.
        s.history.p99TTFTMilliseconds = [5000] + Array(repeating: 100, count: 100)
        let shown = SLOPanelWidget.series(s, visible: 50)
        #expect(shown[1].high == 100 && shown[1].scale == "max 100ms")
        let all = SLOPanelWidget.series(s, visible: 101)
        #expect(all[1].high == 5000 && all[1].scale == "max 5.0s")
        // And the panel says so, above an axis.
        let frame = Fixtures.render(s, Fixtures.state(for: s), width: 100, height: 30)
        #expect(frame.text.contains("p99 TTFT 100ms  per 5s, scale max 100ms"), "\(frame.text)")
        #expect(frame.text.contains("-10s") && frame.text.contains("now"))
    }
}
