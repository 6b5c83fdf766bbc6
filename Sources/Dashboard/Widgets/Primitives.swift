/// Small drawing pieces the widgets share: bars, sparklines, boxes, rules and fitted text lines.
public enum Draw {
    /// A smooth horizontal bar: `fraction` of `width` cells filled with partial blocks, the rest
    /// with `track`.
    public static func bar(
        _ fraction: Double, x: Int, y: Int, width: Int, glyphs: Glyphs, style: CellStyle, track: Unicode.Scalar,
        trackStyle: CellStyle, into buffer: inout ScreenBuffer
    ) {
        guard width > 0 else { return }
        let f = fraction.isFinite ? max(0, min(1, fraction)) : 0
        let eighths = Int((f * Double(width * 8)).rounded())
        let full = eighths / 8, part = eighths % 8
        for i in 0..<width {
            if i < full {
                buffer.put(glyphs.eighths[8], x: x + i, y: y, style)
            } else if i == full && part > 0 {
                buffer.put(glyphs.eighths[part], x: x + i, y: y, style)
            } else {
                buffer.put(track, x: x + i, y: y, trackStyle)
            }
        }
    }

    /// A bar of consecutive segments (value, glyph, style), each given its share of `total` and
    /// at least one cell when it is not zero; the cells are apportioned by cumulative rounding.
    public static func segments(
        _ parts: [(value: Double, glyph: Unicode.Scalar, style: CellStyle)], total: Double, x: Int, y: Int, width: Int,
        into buffer: inout ScreenBuffer
    ) {
        guard width > 0, total > 0 else { return }
        var cells: [Int] = []
        var sum = 0.0
        var previous = 0
        for p in parts {
            sum += p.value
            let boundary = min(width, Int((sum / total * Double(width)).rounded()))
            cells.append(max(0, boundary - previous))
            previous = max(previous, boundary)
        }
        // A part that is not zero gets at least one cell, taken from the largest.
        for i in parts.indices where parts[i].value > 0 && cells[i] == 0 {
            if let j = cells.indices.max(by: { cells[$0] < cells[$1] }), cells[j] > 1 {
                cells[j] -= 1
                cells[i] = 1
            }
        }
        var col = x
        for (i, p) in parts.enumerated() {
            for _ in 0..<cells[i] {
                buffer.put(p.glyph, x: col, y: y, p.style)
                col += 1
            }
        }
    }

    /// A sparkline of the last `width` values, scaled to `low...high`; NaN draws a blank. `style`
    /// picks each point's style from its value.
    public static func sparkline(
        _ values: [Double], low: Double, high: Double, x: Int, y: Int, width: Int, glyphs: Glyphs,
        style: (Double) -> CellStyle, into buffer: inout ScreenBuffer
    ) {
        guard width > 0 else { return }
        let shown = values.suffix(width)
        let start = x + width - shown.count
        let levels = glyphs.spark.count
        let span = high - low
        for (i, v) in shown.enumerated() {
            guard v.isFinite else { continue }
            let f = span > 0 ? max(0, min(1, (v - low) / span)) : 0
            let level = min(levels - 1, Int((f * Double(levels - 1)).rounded()))
            buffer.put(glyphs.spark[level], x: start + i, y: y, style(v))
        }
    }

    /// A time axis under a graph `width` points wide, newest at the right: "now" at the right end
    /// and labels such as "-30s" under the points that many seconds old, as far apart as needed
    /// to stay readable (steps of 5 s to 1 h).
    public static func timeAxis(
        pointSeconds: Double, x: Int, y: Int, width: Int, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard width >= 8, pointSeconds > 0 else { return }
        let style = CellStyle(.dim)
        let rect = Rect(x: x, y: y, width: width, height: 1)
        buffer.putRight("now", maxX: rect.maxX, y: y, style, clip: rect)
        // The smallest step whose labels are at least 10 columns apart.
        let steps: [Double] = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
        let step = steps.first { $0 / pointSeconds >= 10 } ?? steps[steps.count - 1]
        var free = rect.maxX - 4
        var age = step
        while true {
            let column = rect.maxX - 1 - Int((age / pointSeconds).rounded())
            guard column >= rect.x else { break }
            let text = "-" + (step >= 60 ? Format.fixed(age / 60, 0) + "m" : Format.fixed(age, 0) + "s")
            // The label ends at its tick; it is skipped where it would run into the one to its right.
            let start = column - Format.width(text) + 1
            if start >= rect.x && column < free {
                buffer.put(text, x: start, y: y, style, clip: rect)
                free = start - 1
            }
            age += step
        }
    }

    /// A bar graph of the last `rect.width` values over `rect.height` rows, scaled to `low...high`,
    /// each column built from eighth blocks; NaN draws an empty column.
    public static func graph(
        _ values: [Double], low: Double, high: Double, in rect: Rect, glyphs: Glyphs, style: (Double) -> CellStyle,
        into buffer: inout ScreenBuffer
    ) {
        guard !rect.isEmpty else { return }
        let shown = values.suffix(rect.width)
        let start = rect.x + rect.width - shown.count
        let span = high - low
        let total = rect.height * 8
        for (i, v) in shown.enumerated() {
            guard v.isFinite else { continue }
            let f = span > 0 ? max(0, min(1, (v - low) / span)) : 0
            let eighths = max(1, Int((f * Double(total)).rounded()))
            let st = style(v)
            for r in 0..<rect.height {
                let fill = min(8, eighths - r * 8)
                guard fill > 0 else { break }
                buffer.put(glyphs.spark[fill - 1], x: start + i, y: rect.maxY - 1 - r, st)
            }
        }
    }

    /// A box with a title in its top border; the inside is blanked.
    public static func box(_ rect: Rect, title: String, glyphs: Glyphs, into buffer: inout ScreenBuffer) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = CellStyle(.border)
        buffer.fill(rect, " ", CellStyle(.overlay))
        for x in rect.x + 1..<rect.maxX - 1 {
            buffer.put(glyphs.horizontal, x: x, y: rect.y, border)
            buffer.put(glyphs.horizontal, x: x, y: rect.maxY - 1, border)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            buffer.put(glyphs.vertical, x: rect.x, y: y, border)
            buffer.put(glyphs.vertical, x: rect.maxX - 1, y: y, border)
        }
        buffer.put(glyphs.topLeft, x: rect.x, y: rect.y, border)
        buffer.put(glyphs.topRight, x: rect.maxX - 1, y: rect.y, border)
        buffer.put(glyphs.bottomLeft, x: rect.x, y: rect.maxY - 1, border)
        buffer.put(glyphs.bottomRight, x: rect.maxX - 1, y: rect.maxY - 1, border)
        if !title.isEmpty {
            buffer.put(" " + title + " ", x: rect.x + 2, y: rect.y, CellStyle(.title), maxWidth: rect.width - 4)
        }
    }

    /// A panel title: the text, then a rule to the end of the row.
    public static func title(
        _ parts: [(String, CellStyle)], in rect: Rect, glyphs: Glyphs, into buffer: inout ScreenBuffer
    ) {
        guard !rect.isEmpty else { return }
        var x = rect.x
        for (text, style) in parts { x += buffer.put(text, x: x, y: rect.y, style, clip: rect) }
        if x < rect.maxX { x += buffer.put(" ", x: x, y: rect.y, clip: rect) }
        while x < rect.maxX {
            buffer.put(glyphs.horizontal, x: x, y: rect.y, CellStyle(.border))
            x += 1
        }
    }

    /// A field of a fitted line: atomic pieces of text that are shown together or not at all, in
    /// one of its forms (a wide one, and narrower ones with shorter labels or less detail).
    public struct Field {
        public typealias Form = (pieces: [(String, CellStyle)], priority: Int)

        /// Widest first. A form's priority is how much it matters to keep it rather than give it up
        /// for the next form (or, for the last, drop the field); lower is given up first.
        public var forms: [Form]

        /// A field of one form.
        public init(_ pieces: [(String, CellStyle)], priority: Int = 0) {
            forms = [(pieces, priority)]
        }

        public init(forms: [Form]) {
            self.forms = forms
        }

        static func width(_ pieces: [(String, CellStyle)]) -> Int { pieces.reduce(0) { $0 + Format.width($1.0) } }
    }

    /// Writes `fields` left to right with `separator` between. Until the line fits `rect`'s first
    /// row, the field whose shown form has the lowest priority (the leftmost among equals) moves to
    /// its next form, or is dropped after its last.
    public static func fitted(
        _ fields: [Field], separator: (String, CellStyle), in rect: Rect, into buffer: inout ScreenBuffer
    ) {
        guard !rect.isEmpty else { return }
        var kept = fields.filter { !$0.forms.isEmpty }.map { ($0, form: 0) }
        let sepWidth = Format.width(separator.0)
        func total() -> Int {
            kept.reduce(0) { $0 + Field.width($1.0.forms[$1.form].pieces) } + max(0, kept.count - 1) * sepWidth
        }
        func priority(_ i: Int) -> Int { kept[i].0.forms[kept[i].form].priority }
        while total() > rect.width, let give = kept.indices.min(by: { priority($0) < priority($1) }) {
            if kept[give].form + 1 < kept[give].0.forms.count {
                kept[give].form += 1
            } else {
                kept.remove(at: give)
            }
        }
        var x = rect.x
        for (i, (field, form)) in kept.enumerated() {
            if i > 0 { x += buffer.put(separator.0, x: x, y: rect.y, separator.1, clip: rect) }
            for (text, style) in field.forms[form].pieces { x += buffer.put(text, x: x, y: rect.y, style, clip: rect) }
        }
    }
}
