import Testing

@testable import Dashboard

@Suite struct ScreenBufferTests {
    @Test func putClipsAtTheEdgeAndToAClipRectangle() {
        var b = ScreenBuffer(width: 6, height: 2)
        #expect(b.put("abcdefg", x: 3, y: 0) == 3)
        #expect(b.put("xyz", x: -1, y: 1) == 3)
        b.put("long text", x: 0, y: 1, clip: Rect(x: 3, y: 1, width: 2, height: 1))
        #expect(b.text == "   abc\nyz g")
    }

    @Test func putNeverOverflowsWithAHugeMaxWidth() {
        var b = ScreenBuffer(width: 4, height: 1)
        b.put("abcdef", x: 1, y: 0, maxWidth: .max)
        #expect(b.row(0) == " abc")
    }

    @Test func controlCharactersBecomeSpaces() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.put("a\tb\nc", x: 0, y: 0)
        #expect(b.row(0) == "a b c")
    }

    @Test func stylePlaneMarksRolesAndEmphasis() {
        var b = ScreenBuffer(width: 3, height: 1)
        b.put("a", x: 0, y: 0, CellStyle(.critical))
        b.put("b", x: 1, y: 0, CellStyle(.critical, [.bold]))
        #expect(b.styleRow(0) == "cCn")
    }
}

@Suite struct DiffTests {
    @Test func firstFrameWritesEveryRowGroupedByStyle() {
        var b = ScreenBuffer(width: 4, height: 2)
        b.put("ab", x: 0, y: 0, CellStyle(.warn))
        let spans = b.changes(from: nil)
        #expect(
            spans == [
                Span(x: 0, y: 0, style: CellStyle(.warn), text: "ab"), Span(x: 2, y: 0, style: .normal, text: "  "),
                Span(x: 0, y: 1, style: .normal, text: "    "),
            ])
    }

    @Test func onlyChangedCellsAreWritten() {
        var a = ScreenBuffer(width: 20, height: 3)
        a.put("clock 00:01.0", x: 0, y: 0)
        var b = a
        b.put("clock 00:01.1", x: 0, y: 0)
        b.put("!", x: 19, y: 2)
        let spans = b.changes(from: a)
        #expect(spans == [Span(x: 12, y: 0, style: .normal, text: "1"), Span(x: 19, y: 2, style: .normal, text: "!")])
        #expect(a.changes(from: a).isEmpty)
    }

    @Test func nearbyChangesJoinAcrossAShortGap() {
        let a = ScreenBuffer(width: 10, height: 1)
        var b = a
        b.put("x", x: 1, y: 0)
        b.put("y", x: 3, y: 0)
        #expect(b.changes(from: a) == [Span(x: 1, y: 0, style: .normal, text: "x y")])
    }

    @Test func aStyleChangeAloneIsAChange() {
        var a = ScreenBuffer(width: 3, height: 1)
        a.put("abc", x: 0, y: 0)
        var b = a
        b.restyle(Rect(x: 1, y: 0, width: 1, height: 1), CellStyle(.focus))
        #expect(b.changes(from: a) == [Span(x: 1, y: 0, style: CellStyle(.focus), text: "b")])
    }

    @Test func aResizeRewritesEverything() {
        let a = ScreenBuffer(width: 3, height: 1)
        let b = ScreenBuffer(width: 4, height: 1)
        #expect(b.changes(from: a).count == 1)
    }

    @Test func applyingTheSpansToTheOldFrameGivesTheNewOne() {
        var old = ScreenBuffer(width: 80, height: 24)
        var new = ScreenBuffer(width: 80, height: 24)
        for i in 0..<200 {
            old.put(
                String(i % 10), x: (i * 7) % 80, y: (i * 3) % 24,
                CellStyle(StyleRole.allCases[i % StyleRole.allCases.count]))
            new.put(
                String(i % 9), x: (i * 11) % 80, y: (i * 5) % 24,
                CellStyle(StyleRole.allCases[(i * 3) % StyleRole.allCases.count]))
        }
        var replayed = old
        for span in new.changes(from: old) {
            for (k, scalar) in span.text.unicodeScalars.enumerated() {
                replayed[span.x + k, span.y] = Cell(scalar, span.style)
            }
        }
        #expect(replayed == new)
    }
}

@Suite struct FormatTests {
    @Test func numbers() {
        #expect(Format.fixed(3.14159, 2) == "3.14")
        #expect(Format.fixed(-0.04, 1) == "0.0")
        #expect(Format.fixed(2.5, 0) == "2")  // printf: the exact tie goes to the even digit
        #expect(Format.fixed(3.5, 0) == "4")
        #expect(Format.fixed(1.05, 3) == "1.050")
        #expect(Format.compact(999) == "999")
        #expect(Format.compact(1234) == "1.2k")
        #expect(Format.compact(45_678) == "46k")
        #expect(Format.compact(2_345_678) == "2.3M")
        #expect(Format.compact(3.5) == "3.5")
        #expect(Format.percent(0.9734) == "97.3%")
        #expect(Format.duration(milliseconds: 4.25) == "4.2ms")  // an exact tie: printf rounds to even
        #expect(Format.duration(milliseconds: 850) == "850ms")
        #expect(Format.duration(milliseconds: 1_240) == "1.2s")
        #expect(Format.speed(0.25) == "0.25x")
        #expect(Format.speed(0.1) == "0.1x")
        #expect(Format.speed(1000) == "1000x")
        #expect(Format.speed(.infinity) == "max")
        #expect(Format.padLeft("7", 3, ellipsis: "…") == "  7")
        #expect(Format.padRight("abc", 3, ellipsis: "…") == "abc")
    }

    @Test func aCutValueEndsWithTheEllipsis() {
        #expect(Format.padRight("abcdef", 4, ellipsis: "…") == "abc…")
        #expect(Format.padLeft("abcdef", 4, ellipsis: "~") == "abc~")
        #expect(Format.fit("abcdef", 6, ellipsis: "…") == "abcdef")
        #expect(Format.fit("abcdef", 1, ellipsis: "…") == "…")
        #expect(Format.fit("abcdef", 0, ellipsis: "…") == "")
    }
}

@Suite struct DrawTests {
    @Test func segmentsFillTheWidthAndKeepSmallPartsVisible() {
        var b = ScreenBuffer(width: 10, height: 1)
        Draw.segments(
            [(50, "#", .normal), (1, "%", .normal), (10, "+", .normal), (39, ".", .normal)], total: 100, x: 0, y: 0,
            width: 10, into: &b)
        #expect(b.row(0) == "####%+....")
    }

    @Test func barsUseEighths() {
        var b = ScreenBuffer(width: 4, height: 1)
        Draw.bar(
            0.5 + 1.0 / 32, x: 0, y: 0, width: 4, glyphs: .unicode, style: .normal, track: "·", trackStyle: .normal,
            into: &b)
        #expect(b.row(0) == "██▏·")
    }

    @Test func sparklineScalesAndLeavesGapsForMissingPoints() {
        var b = ScreenBuffer(width: 5, height: 1)
        Draw.sparkline(
            [0, 0.5, .nan, 1, 2], low: 0, high: 1, x: 0, y: 0, width: 5, glyphs: .unicode, style: { _ in .normal },
            into: &b)
        #expect(b.row(0) == "▁▅ ██")
    }
}
