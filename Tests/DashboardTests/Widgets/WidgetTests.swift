import ClusterSim
import Testing

@testable import Dashboard

/// The widgets at the edges: narrow hint bars, scrolled tables, values too long for their column.
@Suite struct WidgetTests {
    @Test func theHintBarAlwaysOffersHelpAndQuit() {
        let s = Fixtures.snapshot()
        for width in [DashboardView.minimumWidth, 72, 80, 90, 99, 100, 120, 200] {
            let frame = Fixtures.render(s, Fixtures.state(for: s), width: width, height: 24)
            let hints = frame.row(23)
            #expect(hints.contains("? help") && hints.contains("q quit"), "at \(width) columns: \(hints)")
            #expect(hints.hasPrefix("g global"), "at \(width) columns: \(hints)")
        }
    }

    @Test func theScrollPositionNamesTheRowsOnScreen() throws {
        let s = Fixtures.snapshot(instances: 64)
        for (width, height, focus) in [(80, 24, 0), (80, 24, 30), (120, 40, 64), (100, 30, 12)] {
            let frame = Fixtures.render(s, Fixtures.state(for: s, focus: focus), width: width, height: height)
            let rows = frame.text.split(separator: "\n").map(String.init)
            // The ids on screen are the rows named (ids start at 0, rows at 1).
            let ids = rows.compactMap { line -> Int? in
                let t = line.drop { $0 == " " || $0 == "▸" }
                guard let id = Int(t.prefix { $0.isNumber }), t.dropFirst(String(id).count).first == " " else {
                    return nil
                }
                return line.contains("llama3-8b") ? id : nil
            }
            let first = try #require(ids.first), last = try #require(ids.last)
            #expect(rows[3].contains("rows \(first + 1)-\(last + 1) of 65"), "\(width)x\(height): \(rows[3])")
        }
    }

    @Test func aFittedLineNarrowsTheLeastImportantFormsFirstThenDrops() {
        let fields = [
            Draw.Field(forms: [([("alpha-long", .normal)], 2), ([("alpha", .normal)], 9)]),
            Draw.Field([("beta", .normal)], priority: 1),
            Draw.Field(forms: [([("gamma-long", .normal)], 3), ([("g", .normal)], 8)]),
        ]
        func line(_ width: Int) -> String {
            var buffer = ScreenBuffer(width: width, height: 1)
            Draw.fitted(fields, separator: (" ", .normal), in: buffer.bounds, into: &buffer)
            return buffer.row(0)
        }
        #expect(line(40) == "alpha-long beta gamma-long")
        #expect(line(25) == "alpha-long gamma-long")
        #expect(line(20) == "alpha gamma-long")
        #expect(line(15) == "alpha g")
        #expect(line(6) == "alpha")
        #expect(line(4) == "")
    }

    @Test func valuesCutToFitEndWithAnEllipsis() {
        var s = Fixtures.snapshot()
        s.instances[0].gpu = "a-very-long-gpu-name"
        s.instances[0].model = "a-very-long-model-name"
        s.instances[0].migratingTo = [3, 4, 5]
        s.instances[0].status = .draining
        s.tenants[0].name = "interactive-chat"
        for (glyphs, mark) in [(Glyphs.unicode, "…"), (.ascii, "~")] {
            let text = Fixtures.render(s, Fixtures.state(for: s), width: 100, height: 30, glyphs: glyphs).text
            #expect(text.contains("a-very-long" + mark), "GPU")
            #expect(text.contains("a-very-long-m" + mark), "model")
            #expect(text.contains("intera" + mark), "tenant")
            #expect(text.contains("DRAIN MI" + mark), "badges")
        }
    }
}
