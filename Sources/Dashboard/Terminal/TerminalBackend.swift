/// A terminal the dashboard can draw on and read keys from. The ncurses backend is the real one;
/// `InMemoryBackend` lets tests drive the whole loop without a terminal.
@MainActor
public protocol TerminalBackend: AnyObject {
    /// Current size in cells.
    var size: (width: Int, height: Int) { get }
    /// Writes what changed since the previous frame; `full` writes everything (after a resize or Ctrl-L).
    func present(_ buffer: ScreenBuffer, full: Bool)
    /// The next key, waiting at most `timeoutMilliseconds` (0: do not wait); nil when none came.
    func nextKey(timeoutMilliseconds: Int) -> Key?
}

/// A terminal in memory: keys are queued by the test and typed one per frame (as a user types
/// after seeing the screen); frames are kept.
@MainActor
public final class InMemoryBackend: TerminalBackend {
    public var size: (width: Int, height: Int)
    public var keys: [Key]
    public private(set) var frames: [ScreenBuffer] = []
    public private(set) var writtenSpans = 0
    var previous: ScreenBuffer?
    var framesAtLastKey = -1
    /// Keys are typed only once a frame containing this text was shown (the dashboard is up).
    public var typeAfter: String?
    /// Each key typed, with the number of frames shown before it: `frames[n]` is the first
    /// frame drawn after the key.
    public private(set) var typed: [(key: Key, framesBefore: Int)] = []

    public init(width: Int, height: Int, keys: [Key] = [], typeAfter: String? = nil) {
        size = (width, height)
        self.keys = keys
        self.typeAfter = typeAfter
    }

    public func present(_ buffer: ScreenBuffer, full: Bool) {
        writtenSpans += buffer.changes(from: full ? nil : previous).count
        previous = buffer
        frames.append(buffer)
        if let wanted = typeAfter, buffer.text.contains(wanted) { typeAfter = nil }
    }

    public func nextKey(timeoutMilliseconds: Int) -> Key? {
        guard !keys.isEmpty, typeAfter == nil, frames.count > framesAtLastKey else { return nil }
        framesAtLastKey = frames.count
        let key = keys.removeFirst()
        typed.append((key, frames.count))
        return key
    }

    public var lastFrame: ScreenBuffer? { frames.last }
}
