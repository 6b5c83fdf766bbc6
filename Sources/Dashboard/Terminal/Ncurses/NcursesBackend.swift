@preconcurrency import CNcursesw
import Foundation

/// The real terminal, through ncursesw. The only code that touches curses, always from the main
/// thread (the stock ncursesw build is not thread-safe; see `curs_threads(3X)`).
///
/// Set-up follows `ncurses(3X)`, as htop and nvtop do: `setlocale` first, UTF-8 from `nl_langinfo`, cbreak and
/// noecho, keypad, hidden cursor, 25 ms Esc delay, `use_default_colors` with -1 backgrounds,
/// 256 colours when `COLORS >= 256` else 8, none with `NO_COLOR`/`--no-color`. Each frame writes
/// only the cells that changed since the previous one, then one `doupdate`.
@MainActor
public final class NcursesBackend: TerminalBackend {
    public struct Options: Sendable {
        public var forceASCII = false
        public var noColor = false
        /// At most the 8 basic colours, even where the terminal has 256.
        public var basicColors = false
        /// Report mouse clicks and the wheel (off: the terminal keeps its own selection).
        public var mouse = true
        public init(forceASCII: Bool = false, noColor: Bool = false, basicColors: Bool = false, mouse: Bool = true) {
            self.forceASCII = forceASCII
            self.noColor = noColor
            self.basicColors = basicColors
            self.mouse = mouse
        }
    }

    public let glyphs: Glyphs
    public let colorMode: ColorMode
    let screen: OpaquePointer
    let window: UnsafeMutablePointer<WINDOW>
    var previous: ScreenBuffer?
    var pairs: [CellStyle: (attributes: attr_t, pair: Int16)] = [:]
    var lookPairs: [Look: Int16] = [:]
    var nextPair: Int16 = 1
    var closed = false
    /// Reads that found standard input readable yet gave no key, in a row (see `inputEnded`).
    var emptyReads = 0
    /// The signal that ended the session (SIGINT also for a Ctrl-C read as a key, SIGHUP when the
    /// terminal went away); nil when it ended with a quit key. The exit status is 128 + it.
    public private(set) var exitSignal: Int32?

    /// Takes over the terminal; throws when standard output is not a terminal curses can drive.
    public init(options: Options) throws {
        setlocale(LC_ALL, "")
        let utf8 = ncw_locale_is_utf8() != 0
        glyphs = utf8 && !options.forceASCII ? .unicode : .ascii
        setenv("ESCDELAY", "25", 0)
        // Refused before anything is written: without cursor addressing curses draws one line.
        guard ncw_terminal_can_address() == 1 else {
            throw TerminalError.cannotOpen(ProcessInfo.processInfo.environment["TERM"] ?? "(TERM not set)")
        }
        TerminalGuard.install()
        guard let screen = newterm(nil, stdout, stdin) else {
            TerminalGuard.restoreStderr()
            throw TerminalError.cannotOpen(ProcessInfo.processInfo.environment["TERM"] ?? "(TERM not set)")
        }
        self.screen = screen
        set_term(screen)
        guard let window = ncw_stdscr() else {
            endwin()
            delscreen(screen)
            TerminalGuard.restoreStderr()
            throw TerminalError.cannotOpen(ProcessInfo.processInfo.environment["TERM"] ?? "(TERM not set)")
        }
        self.window = window
        TerminalGuard.cursesActive.store(true, ordering: .releasing)
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        intrflush(window, false)
        curs_set(0)
        leaveok(window, true)
        if !options.noColor && has_colors() {
            start_color()
            use_default_colors()
            colorMode = ncw_colors() >= 256 && !options.basicColors ? .palette256 : .basic8
        } else {
            colorMode = .none
        }
        if options.mouse {
            // Presses come at once rather than after a click interval; endwin turns reporting off.
            mousemask(ncw_mouse_events(), nil)
            mouseinterval(0)
        }
    }

    public var size: (width: Int, height: Int) {
        var y: Int32 = 0, x: Int32 = 0
        ncw_getmaxyx(window, &y, &x)
        return (Int(x), Int(y))
    }

    public func present(_ buffer: ScreenBuffer, full: Bool) {
        if full || previous == nil {
            clearok(window, true)
            previous = nil
        }
        for span in buffer.changes(from: previous) {
            let (attributes, pair) = look(span.style)
            wattr_set(window, attributes, pair, nil)
            _ = span.text.withCString { mvwaddstr(window, Int32(span.y), Int32(span.x), $0) }
        }
        wattr_set(window, ncw_a_normal(), 0, nil)
        wnoutrefresh(window)
        doupdate()
        previous = buffer
    }

    /// Attributes and colour pair of a style, allocated on first use and cached (nvitop).
    func look(_ style: CellStyle) -> (attr_t, Int16) {
        if let cached = pairs[style] { return cached }
        let l = Theme.look(style.role, mode: colorMode)
        let a = l.attributes.union(style.attributes)
        var attributes = ncw_a_normal()
        if a.contains(.bold) { attributes |= ncw_a_bold() }
        if a.contains(.reverse) { attributes |= ncw_a_reverse() }
        if a.contains(.dim) { attributes |= ncw_a_dim() }
        if a.contains(.underline) { attributes |= ncw_a_underline() }
        var pair: Int16 = 0
        if colorMode != .none && (l.foreground != -1 || l.background != -1) {
            let key = Look(l.foreground, l.background)
            if let p = lookPairs[key] {
                pair = p
            } else if Int32(nextPair) < ncw_color_pairs() {
                pair = nextPair
                nextPair += 1
                init_pair(pair, l.foreground, l.background)
                lookPairs[key] = pair
            }
        }
        pairs[style] = (attributes, pair)
        return (attributes, pair)
    }

    public func nextKey(timeoutMilliseconds: Int) -> Key? {
        if let signal = leaving() { return leave(signal) }
        wtimeout(window, Int32(max(0, timeoutMilliseconds)))
        let c = wgetch(window)
        if let signal = leaving() { return leave(signal) }
        if c != ERR {
            emptyReads = 0
        } else if inputEnded() {
            return leave(SIGHUP)
        }
        let key = NcursesBackend.decode(c)
        if key == .interrupt { exitSignal = SIGINT }
        return key
    }

    /// The signal to leave for: one that was caught, or SIGHUP when the terminal is gone (its
    /// window closed without a SIGHUP reaching us).
    func leaving() -> Int32? {
        if TerminalGuard.interrupted.load(ordering: .acquiring) {
            let signal = TerminalGuard.caughtSignal.load(ordering: .acquiring)
            return signal != 0 ? signal : SIGINT
        }
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) >= 0 else { return nil }
        return fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 ? SIGHUP : nil
    }

    func leave(_ signal: Int32) -> Key {
        if exitSignal == nil { exitSignal = signal }
        return .interrupt
    }

    /// True when input has ended: a read gave no key although standard input was readable (end of
    /// file), twice in a row, so that a key typed just after a timeout is not taken for it. No key
    /// can come any more, so the dashboard leaves rather than spin on a dead input.
    func inputEnded() -> Bool {
        var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) > 0, fd.revents & Int16(POLLIN) != 0 else {
            emptyReads = 0
            return false
        }
        emptyReads += 1
        return emptyReads >= 2
    }

    /// Maps a `wgetch` code to a key.
    static func decode(_ c: Int32) -> Key? {
        switch c {
        case ERR: return nil
        case KEY_RESIZE: return .resize
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER, 10, 13: return .enter
        case KEY_BACKSPACE, 127, 8: return .backspace
        case 27: return .escape
        case 9: return .tab
        case 3: return .interrupt
        case ncw_key_mouse():
            var x: Int32 = 0, y: Int32 = 0
            switch ncw_mouse_event(&x, &y) {
            case 1: return .mouse(.click(x: Int(x), y: Int(y)))
            case 2: return .mouse(.wheelUp(x: Int(x), y: Int(y)))
            case 3: return .mouse(.wheelDown(x: Int(x), y: Int(y)))
            default: return nil
            }
        default: break
        }
        if c >= ncw_key_f(1) && c <= ncw_key_f(24) { return .function(Int(c - ncw_key_f(0))) }
        if c >= 1 && c <= 26 { return .control(Unicode.Scalar(UInt8(c) + 96)) }
        if c >= 32 && c < 127 { return .character(Unicode.Scalar(UInt8(c))) }
        return nil
    }

    /// Gives the terminal back: leaves curses and replays what was written to standard error.
    public func close() {
        guard !closed else { return }
        closed = true
        TerminalGuard.cursesActive.store(false, ordering: .releasing)
        mousemask(0, nil)
        endwin()
        delscreen(screen)
        TerminalGuard.restoreStderr()
        TerminalGuard.uninstall()
    }
}

public enum TerminalError: Error, CustomStringConvertible {
    case cannotOpen(String)

    public var description: String {
        switch self {
        case .cannotOpen(let term):
            "cannot drive this terminal (TERM=\(term)); try TERM=xterm-256color, or `clustertop run` for a headless run"
        }
    }
}
