/// What a cell means, not how it looks: a theme maps each role to colours and attributes
/// (htop's semantic colour roles, `CRT.c`), so meaning never depends on one palette.
public enum StyleRole: UInt8, Sendable, CaseIterable {
    case normal
    case dim
    case title
    case header
    case headerStrong
    case label
    case ok
    case warn
    case critical
    case kvUsed
    case kvCached
    case kvReserved
    case kvFree
    case queue
    case migration
    case badgeFail
    case badgeDrain
    case badgeStart
    case focus
    case hintKey
    case hint
    case spark
    case border
    case overlay
}

/// Terminal attributes a cell may carry on top of its role's look.
public struct CellAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let reverse = CellAttributes(rawValue: 1 << 1)
    public static let dim = CellAttributes(rawValue: 1 << 2)
    public static let underline = CellAttributes(rawValue: 1 << 3)
}

/// The look of a run of cells: a role and extra attributes.
public struct CellStyle: Sendable, Hashable {
    public var role: StyleRole
    public var attributes: CellAttributes

    public init(_ role: StyleRole = .normal, _ attributes: CellAttributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let normal = CellStyle()
}

/// One character cell of the screen: a single-width scalar and its style.
public struct Cell: Sendable, Hashable {
    public var scalar: Unicode.Scalar
    public var style: CellStyle

    public init(_ scalar: Unicode.Scalar = " ", _ style: CellStyle = .normal) {
        self.scalar = scalar
        self.style = style
    }

    public static let blank = Cell()
}

/// A rectangle of cells: origin at the top left, `width` columns by `height` rows.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// A box of `width` × `height`, each cut to this rectangle's, centred in it (an overlay's box).
    public func centered(width: Int, height: Int) -> Rect {
        let w = min(self.width, width), h = min(self.height, height)
        return Rect(x: x + (self.width - w) / 2, y: y + (self.height - h) / 2, width: w, height: h)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// The rectangle shrunk by `d` cells on every side.
    public func inset(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }

    /// The top `rows` rows, and what is left below them.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// The left `columns` columns, and what is left to their right.
    public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let c = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }

    /// Row `i` of the rectangle as a one-row rectangle.
    public func row(_ i: Int) -> Rect { Rect(x: x, y: y + i, width: width, height: i < height ? 1 : 0) }
}
