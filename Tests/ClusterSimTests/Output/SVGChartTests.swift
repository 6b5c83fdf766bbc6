import ClusterSim
import Foundation
import TestSupport
import Testing

struct SVGChartTests {
    /// Two panels, one linear and one log-log, with three styles of series.
    var chart: SVGChart {
        SVGChart(
            title: "Latency & load", subtitle: "seed 7",
            panels: [
                .init(
                    title: "Queue", x: .init("time (s)"), y: .init("requests"),
                    series: [
                        .init(name: "a / b", points: [.init(0, 0), .init(1.5, 3), .init(3, 7), .init(9.2, 2)]),
                        .init(name: "c / d", points: [.init(0.37, 1), .init(4, 5)], style: .markers),
                    ]),
                .init(
                    title: "Tail", x: .init("load (req/s)", scale: .log), y: .init("P99 (ms)", scale: .log),
                    series: [
                        .init(
                            name: "a / b", points: [.init(3, 40), .init(30, 400), .init(4000, 9000)],
                            style: .lineMarkers)
                    ]),
            ])
    }

    @Test func writesWellFormedSVGWhoseSeriesMapBackToTheData() throws {
        let chart = chart
        let svg = chart.render()
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let read = try #require(SVGReading.read(svg))
        #expect(read.title == "Latency & load")
        #expect(read.legend == ["a / b", "c / d"])
        #expect(read.panels.map(\.title) == ["Queue", "Tail"])
        #expect(read.panels.map(\.xLabel) == ["time (s)", "load (req/s)"])
        #expect(read.panels.map(\.yLabel) == ["requests", "P99 (ms)"])
        for (panel, expected) in zip(read.panels, chart.panels) {
            #expect(panel.series.map(\.name) == expected.series.map(\.name))
            for series in expected.series {
                let points = try #require(panel.points(series.name))
                #expect(points.count == series.points.count)
                for (p, q) in zip(points, series.points) { #expect(panel.agrees(p, q), "\(p) read back, \(q) drawn") }
            }
        }
    }

    @Test func sameChartSameBytes() {
        #expect(chart.render() == chart.render())
    }

    @Test func escapesTextForXML() throws {
        let name = "<b>\"x\" & 'y'\u{1}"
        let chart = SVGChart(
            title: "a < b",
            panels: [.init(title: "&", x: .init("x"), y: .init("y"), series: [.init(name: name, points: [])])])
        let read = try #require(SVGReading.read(chart.render()))
        #expect(read.title == "a < b")
        #expect(read.legend == ["<b>\"x\" & 'y'\u{FFFD}"])
        #expect(read.panels.first?.title == "&")
    }

    @Test func linearTicksAreNiceAndCoverTheData() {
        let (domain, ticks) = SVGChart.ticks(.init("x"), data: 0.37...9.2)
        #expect(domain == 0...10)
        #expect(ticks.map(\.label) == ["0", "2", "4", "6", "8", "10"])
        let fine = SVGChart.ticks(.init("x"), data: 0.012...0.049)
        #expect(fine.ticks.map(\.label) == ["0.01", "0.02", "0.03", "0.04", "0.05"])
        let single = SVGChart.ticks(.init("x"), data: 5...5)
        #expect(single.domain.contains(5) && single.domain.lowerBound < 5)
    }

    @Test func aFixedDomainIsKeptAndBoundsClampTheWidenedOne() {
        #expect(SVGChart.ticks(.init("x", domain: 0...1), data: 0.2...0.3).domain == 0...1)
        // A flat line at 100% is widened to 90...110 and clamped to 90...100.
        #expect(SVGChart.ticks(.init("x", bounds: 0...100), data: 100...100).domain == 90...100)
        #expect(SVGChart.ticks(.init("x"), data: 100...100).domain == 90...110)
    }

    @Test func logTicksAreDecades() {
        let wide = SVGChart.ticks(.init("x", scale: .log), data: 3...40_000)
        #expect(wide.domain == 1...100_000)
        #expect(wide.ticks.filter(\.major).map(\.label) == ["1", "10", "100", "1000", "10000", "100000"])
        let narrow = SVGChart.ticks(.init("x", scale: .log), data: 0.02...0.07)
        #expect(narrow.domain.lowerBound == 0.01 && abs(narrow.domain.upperBound - 0.1) < 1e-12)
        #expect(narrow.ticks.map(\.label) == ["0.01", "0.02", "0.05", "0.1"])
    }

    @Test func aLogAxisLeavesOutWhatItCannotShow() throws {
        let chart = SVGChart(
            title: "t",
            panels: [
                .init(
                    title: "p", x: .init("x", scale: .log), y: .init("y"),
                    series: [.init(name: "s", points: [.init(0, 1), .init(-1, 2), .init(10, 3), .init(.nan, 4)])])
            ])
        let read = try #require(SVGReading.read(chart.render()))
        let points = try #require(read.panels.first?.points("s"))
        #expect(points.count == 1)
        #expect(read.panels[0].agrees(points[0], .init(10, 3)))
    }

    @Test func seriesLookDifferentInGreyscale() {
        let names = (0..<6).map { "series \($0)" }
        let chart = SVGChart(
            title: "t",
            panels: [.init(title: "p", x: .init("x"), y: .init("y"), series: names.map { .init(name: $0, points: []) })]
        )
        let svg = chart.render()
        // Each of the first six series has its own dash pattern (one solid) and marker shape.
        let dashes = names.indices.map { i in
            svg.components(separatedBy: "data-series=\"series \(i)\"")[1].prefix(while: { $0 != "\n" })
        }
        let patterns = dashes.map { line in line.components(separatedBy: "stroke-dasharray=\"").dropFirst().first ?? ""
        }
        #expect(Set(patterns).count == 6)
    }
}
