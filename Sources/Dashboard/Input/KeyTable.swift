/// Everything a key can do.
public enum Action: Sendable, Hashable {
    case nextGlobalPolicy, previousGlobalPolicy, nextLocalPolicy, previousLocalPolicy, pickPolicy
    case fireSpike, editSpike, spikeStronger, spikeWeaker, spikeLonger, spikeShorter
    case failInstance, addInstance, drainInstance, moveInstancePool, nextDecodeChoice
    case togglePause, step, faster, slower
    case toggleRecording
    case focusUp, focusDown, pageUp, pageDown, focusFirst, focusLast, openDetails
    case selectPrevious, selectNext, confirm
    case close, help, redraw, quit
    case openEventLog
    case seekBackward, seekForward, previousEvent, nextEvent, stepBack, editSeekTime
    case sortNext, sortPrevious, invertSort, pickSort, editFilter, deleteBackward, cycleGrouping
    case openSetup, setupDecrease, setupIncrease, saveSetup
    /// What a mouse event does; the reducer hit-tests it (the binding only documents it).
    case mouse
    case openWhatIf, horizonLonger, horizonShorter
}

/// Where a binding applies: the main screen (and the details panel over it), or one overlay.
public enum Scope: Sendable, Hashable {
    /// Everywhere, including overlays.
    case anywhere
    /// The main screen, and the details panel (which keeps the main keys).
    case main
    case details
    case help
    case policyPicker
    case spikeEditor
    case eventLog
    case seekPrompt
    case filter, sortPicker, setup
    case whatIf
}

/// The sessions a binding works in: a live simulation, or the replay of a recording (where the
/// recording drives the cluster, so keys that would change it do nothing).
public enum Modes: Sendable, Hashable {
    case always, liveOnly, replayOnly

    /// Whether the binding works in a replay (`replay` true) or in a live session.
    public func contains(replay: Bool) -> Bool {
        switch self {
        case .always: true
        case .liveOnly: !replay
        case .replayOnly: replay
        }
    }
}

/// One row of the key table: the keys, what they do, where, and how the help screen and the hint
/// bar describe them.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var scope: Scope
    public var section: String
    /// The help screen's description.
    public var help: String
    /// The hint bar's short label (nil: not on the hint bar).
    public var hint: String?
    /// How the hint bar writes the keys, when not the first key's label (e.g. "+/-").
    public var hintKeys: String?
    /// The sessions where it works; elsewhere it is left off the hint bar and the help, and a
    /// press only says so.
    public var modes: Modes

    public init(
        _ keys: [Key], _ action: Action, _ scope: Scope, _ section: String, _ help: String, hint: String? = nil,
        hintKeys: String? = nil, modes: Modes = .always
    ) {
        self.keys = keys
        self.action = action
        self.scope = scope
        self.section = section
        self.help = help
        self.hint = hint
        self.hintKeys = hintKeys
        self.modes = modes
    }
}

/// The one key table: it drives dispatch, the hint bar and the help screen (k9s's key registry).
///
/// Stable defaults scripts can rely on: `g` next global policy, `l` next local policy, `s` fire a
/// load spike, space pause, `+` and `-` speed, `?` help, `q` quit. No Ctrl-letter binding does
/// anything important (tmux prefixes), and arrows always work where `j`/`k` do.
public enum KeyTable {
    public static let bindings: [KeyBinding] = [
        // Policies
        .init(
            ["g"], .nextGlobalPolicy, .main, "Policies", "next global policy (dispatch)", hint: "global",
            modes: .liveOnly),
        .init(["G"], .previousGlobalPolicy, .main, "Policies", "previous global policy", modes: .liveOnly),
        .init(
            ["l"], .nextLocalPolicy, .main, "Policies", "next local policy (batching)", hint: "local", modes: .liveOnly),
        .init(["L"], .previousLocalPolicy, .main, "Policies", "previous local policy", modes: .liveOnly),
        .init(["p"], .pickPolicy, .main, "Policies", "pick a policy from a list", modes: .liveOnly),
        .init(
            ["D"], .nextDecodeChoice, .main, "Policies", "next decode-instance choice (disaggregated)",
            modes: .liveOnly),
        .init(
            ["w"], .openWhatIf, .main, "Policies", "what-if: fork now, run each policy ahead, compare", hint: "what-if",
            modes: .liveOnly),
        // Load and instances
        .init(
            ["s"], .fireSpike, .main, "Load and instances", "fire a load spike (as set)", hint: "spike",
            modes: .liveOnly),
        .init(["S"], .editSpike, .main, "Load and instances", "set the spike, then fire", modes: .liveOnly),
        .init(["]"], .spikeStronger, .main, "Load and instances", "stronger spike", modes: .liveOnly),
        .init(["["], .spikeWeaker, .main, "Load and instances", "weaker spike", modes: .liveOnly),
        .init(["}"], .spikeLonger, .main, "Load and instances", "longer spike", modes: .liveOnly),
        .init(["{"], .spikeShorter, .main, "Load and instances", "shorter spike", modes: .liveOnly),
        .init(
            ["f"], .failInstance, .main, "Load and instances", "fail the focused instance", hint: "fail",
            modes: .liveOnly),
        .init(
            ["a"], .addInstance, .main, "Load and instances", "add one like the focused", hint: "add", modes: .liveOnly),
        .init(
            ["d"], .drainInstance, .main, "Load and instances", "drain the focused instance", hint: "drain",
            modes: .liveOnly),
        .init(
            ["R"], .moveInstancePool, .main, "Load and instances",
            "move the focused instance to the next pool, once drained", modes: .liveOnly),
        // Time
        .init([" "], .togglePause, .main, "Time", "pause or resume the simulation", hint: "pause"),
        .init(["."], .step, .main, "Time", "step 0.1 s (pauses first)"),
        .init(["+", "="], .faster, .main, "Time", "faster: 0.1x to 1000x, then max", hint: "speed", hintKeys: "+/-"),
        .init(["-", "_"], .slower, .main, "Time", "slower"),
        .init(["r"], .toggleRecording, .main, "Time", "start or stop recording", hint: "rec", modes: .liveOnly),
        // Replay: seeking through the recording; the event log, full screen
        .init(["{"], .seekBackward, .main, "Replay", "back 10 s", hint: "-/+10s", hintKeys: "{/}", modes: .replayOnly),
        .init(["}"], .seekForward, .main, "Replay", "forward 10 s", modes: .replayOnly),
        .init(
            ["["], .previousEvent, .main, "Replay", "to the previous recorded command", hint: "event", hintKeys: "[/]",
            modes: .replayOnly),
        .init(["]"], .nextEvent, .main, "Replay", "to the next recorded command", modes: .replayOnly),
        .init(["b"], .stepBack, .main, "Replay", "step back 0.1 s (pauses first)", hint: "back", modes: .replayOnly),
        .init(
            ["T"], .editSeekTime, .main, "Replay", "go to a time typed in seconds (or m:ss)", hint: "goto",
            hintKeys: "T", modes: .replayOnly),
        .init(["e"], .openEventLog, .main, "Events", "the event log, full screen", hint: "log"),
        .init([.up, "k"], .selectPrevious, .eventLog, "Event log", "scroll up (stops following)"),
        .init([.down, "j"], .selectNext, .eventLog, "Event log", "scroll down"),
        .init([.pageUp], .pageUp, .eventLog, "Event log", "a page up"),
        .init([.pageDown], .pageDown, .eventLog, "Event log", "a page down"),
        .init([.home], .focusFirst, .eventLog, "Event log", "oldest line"),
        .init([.end], .focusLast, .eventLog, "Event log", "newest line, following new ones"),
        .init(["e"], .close, .eventLog, "Event log", "close the log"),
        .init([.enter], .confirm, .seekPrompt, "Go to time", "go there (type digits, . and :; Bksp deletes)"),
        // Navigation
        .init([.up, "k"], .focusUp, .main, "Navigation", "focus the instance above"),
        .init([.down, "j"], .focusDown, .main, "Navigation", "focus the instance below"),
        .init([.pageUp], .pageUp, .main, "Navigation", "a page up"),
        .init([.pageDown], .pageDown, .main, "Navigation", "a page down"),
        .init([.home], .focusFirst, .main, "Navigation", "first instance"),
        .init([.end], .focusLast, .main, "Navigation", "last instance"),
        .init([.enter], .openDetails, .main, "Navigation", "details: queue, requests, KV blocks", hint: "details"),
        // Instance table (htop's keys)
        .init([">"], .sortNext, .main, "Instance table", "sort by the next column", hint: "sort", hintKeys: "</>"),
        .init(["<"], .sortPrevious, .main, "Instance table", "sort by the previous column"),
        .init(["I"], .invertSort, .main, "Instance table", "invert the sort order"),
        .init([.function(6)], .pickSort, .main, "Instance table", "sort by a column picked from a list"),
        .init(
            ["/"], .editFilter, .main, "Instance table", "filter rows: h100 model:llama state:drain !id:3",
            hint: "filter"),
        .init(["t"], .cycleGrouping, .main, "Instance table", "group by: none, GPU type, model", hint: "group"),
        .init(
            [.function(2), "C"], .openSetup, .main, "Instance table", "setup: speed, colours, columns, sort (saved)",
            hint: "setup"),
        .init(
            [.mouse(.click(x: 0, y: 0))], .mouse, .main, "Instance table",
            "click a row to focus, a head to sort; wheel scrolls"),
        // Filter prompt
        .init([.enter], .confirm, .filter, "Filter prompt", "keep the filter"),
        .init([.escape], .close, .filter, "Filter prompt", "cancel (back to the previous filter)"),
        .init([.backspace], .deleteBackward, .filter, "Filter prompt", "delete a character (^U: all)"),
        // Sort picker
        .init([.up, "k"], .selectPrevious, .sortPicker, "Sort picker", "previous column"),
        .init([.down, "j", .tab], .selectNext, .sortPicker, "Sort picker", "next column"),
        .init([.enter], .confirm, .sortPicker, "Sort picker", "sort by it (again: invert)"),
        // Setup
        .init([.up, "k"], .selectPrevious, .setup, "Setup", "previous setting"),
        .init([.down, "j", .tab], .selectNext, .setup, "Setup", "next setting"),
        .init([.left, "-"], .setupDecrease, .setup, "Setup", "previous value"),
        .init([.right, "+", " "], .setupIncrease, .setup, "Setup", "next value (space: show or hide a column)"),
        .init(["w", .enter], .saveSetup, .setup, "Setup", "write the settings file"),
        // Policy picker
        .init([.up, "k"], .selectPrevious, .policyPicker, "Policy picker", "previous policy", modes: .liveOnly),
        .init([.down, "j", .tab], .selectNext, .policyPicker, "Policy picker", "next policy", modes: .liveOnly),
        .init([.enter], .confirm, .policyPicker, "Policy picker", "switch to the selected policy", modes: .liveOnly),
        // What-if panel
        .init([.up, "k"], .selectPrevious, .whatIf, "What-if panel", "previous candidate", modes: .liveOnly),
        .init([.down, "j", .tab], .selectNext, .whatIf, "What-if panel", "next candidate", modes: .liveOnly),
        .init(
            [.enter], .confirm, .whatIf, "What-if panel", "switch the live cluster to the candidate", modes: .liveOnly),
        .init(["]", "+"], .horizonLonger, .whatIf, "What-if panel", "longer horizon (forks again)", modes: .liveOnly),
        .init(
            ["[", "-"], .horizonShorter, .whatIf, "What-if panel", "shorter horizon (forks again)", modes: .liveOnly),
        .init(["w"], .openWhatIf, .whatIf, "What-if panel", "fork again from now", modes: .liveOnly),
        // Spike editor
        .init([.right, "]"], .spikeStronger, .spikeEditor, "Spike editor", "stronger", modes: .liveOnly),
        .init([.left, "["], .spikeWeaker, .spikeEditor, "Spike editor", "weaker", modes: .liveOnly),
        .init([.up, "}"], .spikeLonger, .spikeEditor, "Spike editor", "longer", modes: .liveOnly),
        .init([.down, "{"], .spikeShorter, .spikeEditor, "Spike editor", "shorter", modes: .liveOnly),
        .init([.enter, "s"], .fireSpike, .spikeEditor, "Spike editor", "fire the spike", modes: .liveOnly),
        // Help
        .init([.up, "k"], .selectPrevious, .help, "Help", "scroll up"),
        .init([.down, "j"], .selectNext, .help, "Help", "scroll down"),
        // Details panel
        .init([.enter], .close, .details, "Details panel", "close the details"),
        // Everywhere
        .init([.escape], .close, .anywhere, "Screen", "close the panel, else clear the filter", hint: "clear filter"),
        .init(["?", .function(1)], .help, .anywhere, "Screen", "this help", hint: "help"),
        .init([.control("l")], .redraw, .anywhere, "Screen", "redraw the whole screen"),
        .init(["q", .function(10), .interrupt], .quit, .anywhere, "Screen", "quit (also Ctrl-C)", hint: "quit"),
    ]

    /// The scopes whose bindings apply in `overlay`, most specific first.
    static func scopes(for overlay: UIState.Overlay) -> [Scope] {
        switch overlay {
        case .none: [.main, .anywhere]
        case .details: [.details, .main, .anywhere]
        case .help: [.help, .anywhere]
        case .policyPicker: [.policyPicker, .anywhere]
        case .spikeEditor: [.spikeEditor, .anywhere]
        case .eventLog: [.eventLog, .anywhere]
        case .seekPrompt: [.seekPrompt, .anywhere]
        case .filter: [.filter, .anywhere]
        case .sortPicker: [.sortPicker, .anywhere]
        case .setup: [.setup, .anywhere]
        case .whatIf: [.whatIf, .anywhere]
        }
    }

    /// The binding `key` triggers with `overlay` open: the first, in the most specific scope, that
    /// works in this session; failing that, the first that does not (its press only says so).
    public static func binding(for key: Key, overlay: UIState.Overlay, replay: Bool = false) -> KeyBinding? {
        var unavailable: KeyBinding?
        for scope in scopes(for: overlay) {
            for b in bindings where b.scope == scope && b.keys.contains(key) {
                if b.modes.contains(replay: replay) { return b }
                unavailable = unavailable ?? b
            }
        }
        return unavailable
    }

    /// The action `key` triggers with `overlay` open in this session, if any.
    public static func action(for key: Key, overlay: UIState.Overlay, replay: Bool = false) -> Action? {
        guard let b = binding(for: key, overlay: overlay, replay: replay), b.modes.contains(replay: replay) else {
            return nil
        }
        return b.action
    }

    /// Hint-bar entries (keys, label, action) for the main screen of this session, in table order.
    public static func hints(_ glyphs: Glyphs, replay: Bool = false) -> [(keys: String, label: String, action: Action)]
    {
        bindings.compactMap { b in
            guard let hint = b.hint, b.modes.contains(replay: replay) else { return nil }
            return (b.hintKeys ?? b.keys[0].label(glyphs), hint, b.action)
        }
    }

    /// Whether the hint of `action` applies now: Esc's only while a filter is on (it clears it).
    public static func hintApplies(_ action: Action, _ state: UIState) -> Bool {
        action != .close || !state.table.filter.isEmpty
    }

    /// Hints the bar always shows, however narrow: how to get help and how to leave, and how to
    /// clear a filter while one hides rows.
    public static let essentialHints: Set<Action> = [.help, .quit, .close]

    /// Help-screen sections in table order: title, then (keys, description) rows.
    public static func helpSections(
        _ glyphs: Glyphs, replay: Bool = false
    ) -> [(title: String, rows: [(keys: String, text: String)])] {
        var sections: [(title: String, rows: [(keys: String, text: String)])] = []
        for b in bindings where b.modes.contains(replay: replay) {
            let keys = b.keys.filter { $0 != .interrupt }.map { $0.label(glyphs) }.joined(separator: " ")
            if let i = sections.firstIndex(where: { $0.title == b.section }) {
                sections[i].rows.append((keys, b.help))
            } else {
                sections.append((b.section, [(keys, b.help)]))
            }
        }
        return sections
    }
}
