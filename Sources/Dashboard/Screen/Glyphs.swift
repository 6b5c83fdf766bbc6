/// Every non-ASCII character the dashboard draws, in one table with an ASCII twin (htop's UTF-8 and
/// ASCII tables, nvitop's single translation table): drawing code never branches on the terminal.
/// All glyphs are single-width.
public struct Glyphs: Sendable, Hashable {
    /// Partial blocks for smooth bars: index k draws k eighths of a cell (0 is blank, 8 is full).
    public var eighths: [Unicode.Scalar]
    /// Sparkline levels, lowest first.
    public var spark: [Unicode.Scalar]
    /// KV-cache bar segments: used, reserved for an incoming migration, prefix-cached, free.
    public var kvUsed: Unicode.Scalar
    public var kvReserved: Unicode.Scalar
    public var kvCached: Unicode.Scalar
    public var kvFree: Unicode.Scalar
    /// Queue bar fill and its empty track.
    public var queueEmpty: Unicode.Scalar
    public var horizontal: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var topLeft: Unicode.Scalar
    public var topRight: Unicode.Scalar
    public var bottomLeft: Unicode.Scalar
    public var bottomRight: Unicode.Scalar
    public var arrowRight: String
    public var arrowLeft: String
    public var arrowUp: String
    public var arrowDown: String
    public var ellipsis: String
    public var playing: String
    public var paused: String
    public var recording: String
    public var focusMarker: Unicode.Scalar
    public var enterKey: String
    public var isUnicode: Bool

    public static let unicode = Glyphs(
        eighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        kvUsed: "█", kvReserved: "▓", kvCached: "▒", kvFree: "░", queueEmpty: "·",
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        arrowRight: "→", arrowLeft: "←", arrowUp: "↑", arrowDown: "↓", ellipsis: "…",
        playing: "▶", paused: "‖", recording: "●", focusMarker: "▸", enterKey: "⏎", isUnicode: true)

    public static let ascii = Glyphs(
        eighths: [" ", " ", " ", "|", "|", "|", "|", "|", "="],
        spark: ["_", ".", ",", "-", "~", "=", "+", "#"],
        kvUsed: "#", kvReserved: "%", kvCached: "+", kvFree: ".", queueEmpty: ".",
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        arrowRight: ">", arrowLeft: "<", arrowUp: "^", arrowDown: "v", ellipsis: "~",
        playing: ">", paused: "||", recording: "REC", focusMarker: ">", enterKey: "Enter", isUnicode: false)
}
