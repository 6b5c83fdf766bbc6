/// An in-memory grid of cells: what widgets draw into and what tests read as text.
///
/// Only single-width scalars are stored (the glyph table keeps to them), so one cell is one column.
/// Writes outside the grid or a clip rectangle are dropped, never wrapped.
public struct ScreenBuffer: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Blanks every cell.
    public mutating func clear() {
        for i in cells.indices { cells[i] = .blank }
    }

    /// Fills `rect` with `scalar` in `style`.
    public mutating func fill(_ rect: Rect, _ scalar: Unicode.Scalar = " ", _ style: CellStyle = .normal) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let cell = Cell(scalar, style)
        for y in y0..<y1 {
            let base = y * width
            for x in x0..<x1 { cells[base + x] = cell }
        }
    }

    /// Sets the style of every cell of `rect`, keeping their characters.
    public mutating func restyle(_ rect: Rect, _ style: CellStyle) {
        let x0 = max(0, rect.x), x1 = min(width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            let base = y * width
            for x in x0..<x1 { cells[base + x].style = style }
        }
    }

    /// Writes one scalar at (x, y) when it lies inside `clip` (the whole screen by default).
    @inline(__always)
    public mutating func put(_ scalar: Unicode.Scalar, x: Int, y: Int, _ style: CellStyle = .normal, clip: Rect? = nil)
    {
        if let clip, x < clip.x || x >= clip.maxX || y < clip.y || y >= clip.maxY { return }
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = Cell(scalar, style)
    }

    /// Writes `text` from (x, y) rightwards, at most `maxWidth` columns and never past the right edge
    /// of `clip`; returns the number of columns written. Control characters become spaces.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, _ style: CellStyle = .normal, maxWidth: Int = .max, clip: Rect? = nil
    ) -> Int {
        var limit = maxWidth >= width ? width : min(width, x + max(0, maxWidth))
        var left = 0
        if let clip {
            guard y >= clip.y, y < clip.maxY else { return 0 }
            limit = min(limit, clip.maxX)
            left = clip.x
        }
        guard y >= 0, y < height, x < limit else { return 0 }
        var column = x
        let base = y * width
        for scalar in text.unicodeScalars {
            if column >= limit { break }
            if column >= max(0, left) {
                cells[base + column] = Cell(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar, style)
            }
            column += 1
        }
        return column - x
    }

    /// Writes `text` ending at column `maxX` (exclusive): right-aligned.
    @discardableResult
    public mutating func putRight(_ text: String, maxX: Int, y: Int, _ style: CellStyle = .normal, clip: Rect? = nil)
        -> Int
    {
        let n = text.unicodeScalars.count
        return put(text, x: maxX - n, y: y, style, clip: clip)
    }

    /// Row `y` as text, trailing spaces removed.
    public func row(_ y: Int) -> String {
        var scalars = String.UnicodeScalarView()
        let base = y * width
        var end = width
        while end > 0 && cells[base + end - 1].scalar == " " { end -= 1 }
        for x in 0..<end { scalars.append(cells[base + x].scalar) }
        return String(scalars)
    }

    /// The whole screen as text: rows joined by newlines, trailing spaces removed.
    public var text: String {
        (0..<height).map(row).joined(separator: "\n")
    }

    /// Row `y` of the style plane: one letter per cell naming its role (see `StyleRole.letter`),
    /// upper case when the cell is bold or reversed; for tests that check colours apart from text.
    public func styleRow(_ y: Int) -> String {
        var out = ""
        let base = y * width
        for x in 0..<width {
            let s = cells[base + x].style
            let letter = s.role.letter
            out.append(s.attributes.isDisjoint(with: [.bold, .reverse]) ? letter : Character(letter.uppercased()))
        }
        return out
    }
}

extension StyleRole {
    /// A one-letter name for style-plane snapshots.
    public var letter: Character {
        let letters: [Character] = Array("ndthelowcuprfqmxyzgksibv")
        return letters[Int(rawValue) % letters.count]
    }
}
