/// How many colours the terminal can show, or none at all (`NO_COLOR`, `--no-color`).
public enum ColorMode: Sendable, Hashable {
    case none
    case basic8
    case palette256
}

/// The colours and attributes of a role: -1 is the terminal's own colour (transparent background).
public struct Look: Sendable, Hashable {
    public var foreground: Int16
    public var background: Int16
    public var attributes: CellAttributes

    public init(_ foreground: Int16 = -1, _ background: Int16 = -1, _ attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Role-to-look maps for 256 colours, 8 colours and none (htop's colour schemes, k9s's severity
/// colours). Without colour every role that carries meaning gets an attribute instead, and the
/// widgets already say everything in text or glyph shape, so nothing rests on colour alone.
public enum Theme {
    public static func look(_ role: StyleRole, mode: ColorMode) -> Look {
        switch mode {
        case .none: mono(role)
        case .basic8: basic(role)
        case .palette256: rich(role)
        }
    }

    static func mono(_ role: StyleRole) -> Look {
        switch role {
        case .normal, .hint, .overlay, .kvUsed, .kvCached, .kvReserved, .queue, .spark, .ok, .badgeStart, .border:
            Look()
        case .dim, .kvFree: Look(-1, -1, [.dim])
        case .title, .label, .migration, .warn, .badgeDrain: Look(-1, -1, [.bold])
        case .critical: Look(-1, -1, [.bold, .underline])
        case .header: Look(-1, -1, [.reverse])
        case .headerStrong: Look(-1, -1, [.reverse, .bold])
        case .badgeFail, .focus, .hintKey: Look(-1, -1, [.reverse])
        }
    }

    static func basic(_ role: StyleRole) -> Look {
        switch role {
        case .normal, .hint, .overlay: Look()
        case .dim, .kvFree, .border: Look(-1, -1, [.dim])
        case .title: Look(6, -1, [.bold])
        case .header: Look(7, 4)
        case .headerStrong: Look(3, 4, [.bold])
        case .label: Look(6, -1)
        case .ok: Look(2)
        case .warn: Look(3, -1, [.bold])
        case .critical: Look(1, -1, [.bold])
        case .kvUsed: Look(6)
        case .kvCached: Look(2)
        case .kvReserved: Look(5, -1, [.bold])
        case .queue: Look(3)
        case .migration: Look(5, -1, [.bold])
        case .badgeFail: Look(7, 1, [.bold])
        case .badgeDrain: Look(3, -1, [.bold])
        case .badgeStart: Look(6, -1, [.bold])
        case .focus: Look(-1, -1, [.reverse])
        case .hintKey: Look(0, 6)
        case .spark: Look(6)
        }
    }

    static func rich(_ role: StyleRole) -> Look {
        switch role {
        case .normal, .overlay: Look()
        case .hint: Look(250)
        case .dim: Look(244)
        case .kvFree: Look(238)
        case .border: Look(240)
        case .title: Look(81, -1, [.bold])
        case .header: Look(255, 24)
        case .headerStrong: Look(229, 24, [.bold])
        case .label: Look(110)
        case .ok: Look(114)
        case .warn: Look(214, -1, [.bold])
        case .critical: Look(203, -1, [.bold])
        case .kvUsed: Look(39)
        case .kvCached: Look(72)
        case .kvReserved: Look(170)
        case .queue: Look(221)
        case .migration: Look(177, -1, [.bold])
        case .badgeFail: Look(231, 160, [.bold])
        case .badgeDrain: Look(214, -1, [.bold])
        case .badgeStart: Look(117, -1, [.bold])
        case .focus: Look(-1, 238, [.bold])
        case .hintKey: Look(16, 81)
        case .spark: Look(81)
        }
    }
}
