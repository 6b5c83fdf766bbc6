/// A run of changed cells on one row that share a style: what a backend writes in one call.
public struct Span: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var style: CellStyle
    public var text: String

    public init(x: Int, y: Int, style: CellStyle, text: String) {
        self.x = x
        self.y = y
        self.style = style
        self.text = text
    }
}

extension ScreenBuffer {
    /// The cells that differ from `previous`, grouped into same-style runs per row, left to right
    /// (tcell's dirty cells). With no previous frame, or one of another size, every cell is a change.
    ///
    /// Two changed runs of the same style separated by at most `gap` unchanged cells are joined,
    /// which costs a few redundant characters but saves a cursor move.
    public func changes(from previous: ScreenBuffer?, gap: Int = 2) -> [Span] {
        let full = previous == nil || previous!.width != width || previous!.height != height
        var spans: [Span] = []
        var scalars = String.UnicodeScalarView()
        cells.withUnsafeBufferPointer { now in
            let old: [Cell] = full ? [] : previous!.cells
            old.withUnsafeBufferPointer { before in
                for y in 0..<height {
                    let base = y * width
                    var x = 0
                    while x < width {
                        if !full && now[base + x] == before[base + x] {
                            x += 1
                            continue
                        }
                        // A run starts at x: extend it while cells change (or the gap is short) and the style holds.
                        let style = now[base + x].style
                        scalars.removeAll(keepingCapacity: true)
                        let start = x
                        var end = x  // one past the last changed cell taken
                        var probe = x
                        while probe < width {
                            let cell = now[base + probe]
                            if cell.style != style { break }
                            let changed = full || cell != before[base + probe]
                            if changed {
                                end = probe + 1
                            } else if probe - end >= gap {
                                break
                            }
                            probe += 1
                        }
                        for i in start..<end { scalars.append(now[base + i].scalar) }
                        spans.append(Span(x: start, y: y, style: style, text: String(scalars)))
                        x = end
                    }
                }
            }
        }
        return spans
    }
}
