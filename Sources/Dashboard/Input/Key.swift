/// A key press, decoded by the backend; the reducer and the key table see only this.
public enum Key: Sendable, Hashable {
    case character(Unicode.Scalar)
    /// Ctrl plus a letter (given in lower case).
    case control(Unicode.Scalar)
    case function(Int)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backspace
    /// The terminal changed size.
    case resize
    /// Ctrl-C, SIGINT, SIGTERM or SIGHUP: leave now.
    case interrupt
    /// A mouse click or wheel turn (see `MouseEvent`).
    case mouse(MouseEvent)

    /// How the help screen and the hint bar write the key.
    public func label(_ glyphs: Glyphs) -> String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .control(let c): return "^" + String(c).uppercased()
        case .function(let n): return "F\(n)"
        case .up: return glyphs.arrowUp
        case .down: return glyphs.arrowDown
        case .left: return glyphs.isUnicode ? "←" : "Left"
        case .right: return glyphs.isUnicode ? "→" : "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return glyphs.enterKey
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backspace: return "Bksp"
        case .resize: return "resize"
        case .interrupt: return "^C"
        case .mouse: return "mouse"
        }
    }
}

extension Key: ExpressibleByUnicodeScalarLiteral {
    public init(unicodeScalarLiteral value: Unicode.Scalar) { self = .character(value) }
}
