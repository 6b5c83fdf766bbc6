import ClusterSim
import Foundation

/// The UI's own state: focus, scrolling, open panels, and the settings keys adjust before they
/// are sent (spike size and length). Everything else on screen comes from the snapshot.
public struct UIState: Sendable, Equatable {
    public enum Overlay: Sendable, Equatable {
        case none, help, details, policyPicker, spikeEditor
        case eventLog, seekPrompt
        /// The `/` filter prompt (on the hint bar), the sort picker (F6), the setup screen (F2).
        case filter, sortPicker, setup
        case whatIf
    }

    public var overlay: Overlay = .none
    /// Display row of the focused instance (in the table's order, filtered).
    public var focus = 0
    /// First table line shown (group heads count as lines).
    public var scroll = 0
    /// Instance rows the table showed in the last frame (for paging and keeping the focus visible).
    public var tableRows = 10
    public var instanceCount = 0
    public var paused: Bool
    public var speed: Double
    public var spikeFactor: Double = 3
    public var spikeSeconds: Double = 30
    public var globalPolicy: String
    public var localPolicy: String
    public var globalPolicies: [GlobalPolicyID]
    public var localPolicies: [LocalPolicyID]
    /// Row selected in the policy picker: global policies first, then local ones.
    public var pickerSelection = 0
    public var recording = false
    /// First line of the help screen shown.
    public var helpScroll = 0
    /// Set by the quit keys; the loop ends.
    public var quit = false
    /// The session replays a recording: keys that would change the cluster only say so.
    public var isReplay = false
    /// A one-line message on the hint bar until the next key (a key that does nothing here).
    public var flash: String?
    /// Lines the full-screen event log is scrolled up from its newest line (0: it follows new ones).
    public var logScroll = 0
    /// Lines the full-screen event log showed in the last frame (for paging).
    public var logRows = 10
    /// The time typed after `T`, in seconds or m:ss.
    public var seekText = ""
    /// The instance table's sort, filter, grouping and columns, and the lines they give.
    public var table = TableState()
    /// The setup screen's selection, colours and what its last save said.
    public var setup = SetupState()
    /// Simulated seconds the what-if forks run ahead, and the candidate selected in its panel.
    public var whatIfHorizon = WhatIf.defaultHorizonSeconds
    public var whatIfSelection = 0

    public init(
        paused: Bool = false, speed: Double = 1, globalPolicy: String = "", localPolicy: String = "",
        globalPolicies: [GlobalPolicyID] = [], localPolicies: [LocalPolicyID] = []
    ) {
        self.paused = paused
        self.speed = speed
        self.globalPolicy = globalPolicy
        self.localPolicy = localPolicy
        self.globalPolicies = globalPolicies
        self.localPolicies = localPolicies
    }

    public static let spikeFactors: [Double] = [1.5, 2, 3, 4, 5, 8, 10, 20, 50]
    public static let spikeDurations: [Double] = [5, 10, 15, 30, 60, 120, 300, 600]
    /// Simulated seconds one `.` advances (and one `b` goes back).
    public static let stepSeconds = 0.1
    /// Simulated seconds `{` and `}` seek by.
    public static let seekSeconds = 10.0
    /// The what-if horizons `[` and `]` step through, in simulated seconds.
    public static let whatIfHorizons: [Double] = [10, 30, 60, 120, 300, 600]

    /// Seconds from what was typed after `T`: "75", "75.5", "1:15", "1:02:03"; nil when it is not a time.
    public static func seconds(typed text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 3 else { return nil }
        var total = 0.0
        for (i, part) in parts.enumerated() {
            guard let v = Double(part), v >= 0, v.isFinite else { return nil }
            // Minutes and seconds after a colon stay below 60; the last part alone may be fractional.
            if i > 0 && v >= 60 { return nil }
            if i < parts.count - 1 && v != v.rounded() { return nil }
            total = total * 60 + v
        }
        return total
    }
}

/// What the loop must do after a key: send a command to the simulation thread, repaint fully,
/// or write the settings file (the setup screen's save).
public enum Effect: Sendable, Equatable {
    case send(RunnerCommand)
    case redraw
    case saveConfig(DashboardConfig)
}

/// Key handling as a pure function of (state, key, latest snapshot) in the shape of TCA's
/// `reduce(into:action:)`: a key sequence goes in, the new state and the commands come out, so
/// tests need no terminal and no simulation thread.
public enum Reducer {
    /// Looks `key` up in the key table for the open panel and reduces its action.
    public static func handle(_ key: Key, state: inout UIState, snapshot: DashboardSnapshot?) -> [Effect] {
        if key == .resize { return [.redraw] }
        state.flash = nil
        if let effects = input(key, state: &state, snapshot: snapshot) { return effects }
        if state.overlay == .seekPrompt {
            // Typing the time: digits, '.' and ':' go into the text; Backspace takes one back.
            if case .character(let c) = key, "0123456789.:".unicodeScalars.contains(c) {
                if state.seekText.count < 12 { state.seekText.unicodeScalars.append(c) }
                return []
            }
            if key == .backspace {
                if !state.seekText.isEmpty { state.seekText.removeLast() }
                return []
            }
        }
        guard let binding = KeyTable.binding(for: key, overlay: state.overlay, replay: state.isReplay) else {
            return []
        }
        guard binding.modes.contains(replay: state.isReplay) else {
            state.flash =
                "\(key.label(.ascii)) (\(binding.help)): " + (state.isReplay ? "not in a replay" : "only in a replay")
            return []
        }
        return reduce(binding.action, state: &state, snapshot: snapshot)
    }

    public static func reduce(_ action: Action, state: inout UIState, snapshot: DashboardSnapshot?) -> [Effect] {
        if let effects = reduceTable(action, state: &state, snapshot: snapshot) { return effects }
        switch action {
        case .nextGlobalPolicy, .previousGlobalPolicy:
            guard
                let id = cycle(state.globalPolicies, from: state.globalPolicy, by: action == .nextGlobalPolicy ? 1 : -1)
            else { return [] }
            state.globalPolicy = id.rawValue
            return [.send(.simulation(.setGlobalPolicy(id)))]
        case .nextLocalPolicy, .previousLocalPolicy:
            guard let id = cycle(state.localPolicies, from: state.localPolicy, by: action == .nextLocalPolicy ? 1 : -1)
            else { return [] }
            state.localPolicy = id.rawValue
            return [.send(.simulation(.setLocalPolicy(id)))]
        case .pickPolicy:
            state.overlay = .policyPicker
            state.pickerSelection = state.globalPolicies.firstIndex { $0.rawValue == state.globalPolicy } ?? 0
            return []
        case .selectPrevious, .selectNext:
            if state.overlay == .whatIf {
                let n = snapshot?.whatIf?.rows.count ?? 0
                guard n > 0 else { return [] }
                state.whatIfSelection = (state.whatIfSelection + (action == .selectNext ? 1 : n - 1)) % n
                return []
            }
            if state.overlay == .eventLog { return scrollLog(&state, by: action == .selectPrevious ? 1 : -1) }
            if state.overlay == .help {
                state.helpScroll = max(0, state.helpScroll + (action == .selectNext ? 1 : -1))
                return []
            }
            let n = state.globalPolicies.count + state.localPolicies.count
            guard n > 0 else { return [] }
            state.pickerSelection = (state.pickerSelection + (action == .selectNext ? 1 : n - 1)) % n
            return []
        case .confirm:
            if state.overlay == .seekPrompt {
                guard let seconds = UIState.seconds(typed: state.seekText) else {
                    state.flash = "not a time: \"\(state.seekText)\" (seconds, or m:ss)"
                    return []
                }
                state.overlay = .none
                return [.send(.seek(.to(seconds: seconds)))]
            }
            if state.overlay == .whatIf { return switchToWhatIf(&state, snapshot) }
            state.overlay = .none
            let g = state.globalPolicies.count
            if state.pickerSelection < g {
                let id = state.globalPolicies[state.pickerSelection]
                state.globalPolicy = id.rawValue
                return [.send(.simulation(.setGlobalPolicy(id)))]
            }
            let l = state.pickerSelection - g
            guard state.localPolicies.indices.contains(l) else { return [] }
            let id = state.localPolicies[l]
            state.localPolicy = id.rawValue
            return [.send(.simulation(.setLocalPolicy(id)))]
        case .fireSpike:
            if state.overlay == .spikeEditor { state.overlay = .none }
            return [.send(.simulation(.spike(factor: state.spikeFactor, durationSeconds: state.spikeSeconds)))]
        case .editSpike:
            state.overlay = .spikeEditor
            return []
        case .spikeStronger, .spikeWeaker:
            state.spikeFactor = step(
                UIState.spikeFactors, from: state.spikeFactor, by: action == .spikeStronger ? 1 : -1)
            return []
        case .spikeLonger, .spikeShorter:
            state.spikeSeconds = step(
                UIState.spikeDurations, from: state.spikeSeconds, by: action == .spikeLonger ? 1 : -1)
            return []
        case .failInstance:
            guard let row = focused(state, snapshot) else { return [] }
            return [.send(.simulation(.fail(instance: row.id)))]
        case .drainInstance:
            guard let row = focused(state, snapshot) else { return [] }
            return [.send(.simulation(.drain(instance: row.id)))]
        case .moveInstancePool:
            guard let row = focused(state, snapshot) else { return [] }
            let roles = InstanceRole.allCases
            let current = row.switchingTo ?? row.role
            let next = roles[(roles.firstIndex(of: current)! + 1) % roles.count]
            return [.send(.simulation(.setRole(instance: row.id, role: next)))]
        case .nextDecodeChoice:
            let choices = DecodeChoice.allCases
            let current = snapshot?.decodeChoice ?? .leastLoaded
            let next = choices[(choices.firstIndex(of: current)! + 1) % choices.count]
            state.flash = "decode choice: " + next.rawValue
            return [.send(.simulation(.setDecodeChoice(next)))]
        case .addInstance:
            guard let row = focused(state, snapshot) else { return [] }
            return [.send(.simulation(.add(gpu: row.gpu, model: row.model, tensorParallel: row.tensorParallel)))]
        case .togglePause:
            state.paused.toggle()
            return [.send(.setPaused(state.paused))]
        case .step:
            var effects: [Effect] = []
            if !state.paused {
                state.paused = true
                effects.append(.send(.setPaused(true)))
            }
            effects.append(.send(.step(seconds: UIState.stepSeconds)))
            return effects
        case .faster, .slower:
            let next = step(RunClock.speedSteps, from: state.speed, by: action == .faster ? 1 : -1)
            guard next != state.speed else { return [] }
            state.speed = next
            return [.send(.setSpeed(next))]
        case .toggleRecording:
            state.recording.toggle()
            return [.send(state.recording ? .startRecording : .stopRecording)]
        case .pageUp where state.overlay == .eventLog: return scrollLog(&state, by: max(1, state.logRows - 1))
        case .pageDown where state.overlay == .eventLog: return scrollLog(&state, by: -max(1, state.logRows - 1))
        case .focusFirst where state.overlay == .eventLog: return scrollLog(&state, by: Int(Int32.max))
        case .focusLast where state.overlay == .eventLog: return scrollLog(&state, by: -Int(Int32.max))
        case .focusUp: return moveFocus(&state, to: state.focus - 1)
        case .focusDown: return moveFocus(&state, to: state.focus + 1)
        case .pageUp: return moveFocus(&state, to: state.focus - max(1, state.tableRows - 1))
        case .pageDown: return moveFocus(&state, to: state.focus + max(1, state.tableRows - 1))
        case .focusFirst: return moveFocus(&state, to: 0)
        case .focusLast: return moveFocus(&state, to: state.instanceCount - 1)
        case .openDetails:
            guard let instance = state.focusedInstance else { return [] }
            state.overlay = .details
            return [.send(.showDetails(instance: instance))]
        case .close:
            return leave(&state, for: .none)
        case .help:
            let effects = leave(&state, for: state.overlay == .help ? .none : .help)
            state.helpScroll = 0
            return effects
        case .openEventLog:
            let effects = leave(&state, for: .eventLog)
            state.logScroll = 0
            return effects
        case .openWhatIf:
            let effects = leave(&state, for: .whatIf)
            state.whatIfSelection = 0
            return effects + [.send(.startWhatIf(horizonSeconds: state.whatIfHorizon))]
        case .horizonLonger, .horizonShorter:
            let next = step(UIState.whatIfHorizons, from: state.whatIfHorizon, by: action == .horizonLonger ? 1 : -1)
            guard next != state.whatIfHorizon else { return [] }
            state.whatIfHorizon = next
            return [.send(.startWhatIf(horizonSeconds: next))]
        case .seekBackward: return [.send(.seek(.by(seconds: -UIState.seekSeconds)))]
        case .seekForward: return [.send(.seek(.by(seconds: UIState.seekSeconds)))]
        case .previousEvent: return [.send(.seek(.previousCommand))]
        case .nextEvent: return [.send(.seek(.nextCommand))]
        case .stepBack:
            var effects: [Effect] = []
            if !state.paused {
                state.paused = true
                effects.append(.send(.setPaused(true)))
            }
            effects.append(.send(.seek(.by(seconds: -UIState.stepSeconds))))
            return effects
        case .editSeekTime:
            state.overlay = .seekPrompt
            state.seekText = ""
            return []
        case .redraw:
            return [.redraw]
        case .quit:
            state.quit = true
            return []
        case .sortNext, .sortPrevious, .invertSort, .pickSort, .editFilter, .deleteBackward,
            .cycleGrouping, .openSetup, .setupDecrease, .setupIncrease, .saveSetup, .mouse:
            // Reduced by `reduceTable` above.
            return []
        }
    }

    /// Opens `overlay` in place of the one open, with what closing that one takes: the details
    /// stop being sent, the what-if forks are cancelled and dropped.
    static func leave(_ state: inout UIState, for overlay: UIState.Overlay) -> [Effect] {
        let was = state.overlay
        state.overlay = overlay
        switch was {
        case .details: return [.send(.showDetails(instance: nil))]
        case .whatIf where overlay != .whatIf: return [.send(.stopWhatIf)]
        default: return []
        }
    }

    /// Switches the live cluster to the what-if candidate selected, once its fork has finished:
    /// the ordinary policy-switch commands (so a recording carries them), then a note saying where
    /// the choice came from; the panel closes and its forks go.
    static func switchToWhatIf(_ state: inout UIState, _ snapshot: DashboardSnapshot?) -> [Effect] {
        guard let status = snapshot?.whatIf, status.rows.indices.contains(state.whatIfSelection) else { return [] }
        let row = status.rows[state.whatIfSelection]
        guard let note = status.switchNote(state.whatIfSelection) else {
            state.flash =
                "\(row.candidate.label): its fork is still running (\(Format.percent(row.progress, decimals: 0)))"
            return []
        }
        var effects = leave(&state, for: .none)
        if row.candidate.global.rawValue != state.globalPolicy {
            state.globalPolicy = row.candidate.global.rawValue
            effects.append(.send(.simulation(.setGlobalPolicy(row.candidate.global))))
        }
        if row.candidate.local.rawValue != state.localPolicy {
            state.localPolicy = row.candidate.local.rawValue
            effects.append(.send(.simulation(.setLocalPolicy(row.candidate.local))))
        }
        effects.append(.send(.simulation(.note(note))))
        return effects
    }

    /// Takes what the snapshot knows better than the UI. Settings with commands still in flight
    /// (`pending`) keep the UI's value, so a quick second key press cycles from the first one's result.
    public static func sync(_ state: inout UIState, with snapshot: DashboardSnapshot, pending: Bool) {
        // The focus stays on the same instance when the order changes (snapshot indices last),
        // except on the first row, which it keeps: a table sorted by load keeps showing its top.
        // With the details open it always stays on their instance.
        let keepsTop = state.focus == 0 && state.overlay != .details && state.table.order.count > 1
        let focused = keepsTop ? nil : state.focusedInstance
        state.table.rebuild(snapshot.instances)
        state.instanceCount = state.table.order.count
        if let focused, let row = state.table.order.firstIndex(of: focused) { state.focus = row }
        state.isReplay = snapshot.isReplay
        state.globalPolicies = snapshot.globalPolicies
        state.localPolicies = snapshot.localPolicies
        if !pending {
            state.globalPolicy = snapshot.globalPolicy
            state.localPolicy = snapshot.localPolicy
            state.paused = snapshot.clock.paused
            state.speed = snapshot.clock.speed
            if case .on = snapshot.recording { state.recording = true } else { state.recording = false }
        }
        if let rows = snapshot.whatIf?.rows.count {
            state.whatIfSelection = max(0, min(state.whatIfSelection, rows - 1))
        }
        clampFocus(&state)
    }

    /// Takes what the last frame's layout says: how many instance rows the table shows (keeping
    /// the focus visible) and how far the help scrolls.
    public static func layout(_ state: inout UIState, _ layout: DashboardView.Layout) {
        // Clicks reach the table only where no open panel covers it.
        state.table.rect = layout[InstanceTableWidget.id].flatMap { table in
            let covered = PanelRegistry.all.contains { panel in
                guard case .overlay = panel.placement, let r = layout[panel.id] else { return false }
                return r.y < table.maxY && table.y < r.maxY
            }
            return covered ? nil : table
        }
        if layout.tableRows > 0 {
            state.tableRows = layout.tableRows
            clampFocus(&state)
        }
        state.helpScroll = min(state.helpScroll, layout.helpMaxScroll)
        if layout.logRows > 0 { state.logRows = layout.logRows }
        state.logScroll = max(0, min(state.logScroll, layout.logMaxScroll))
    }

    /// Scrolls the full-screen log `lines` up (negative: down); the layout clamps it.
    static func scrollLog(_ state: inout UIState, by lines: Int) -> [Effect] {
        state.logScroll = max(0, state.logScroll + lines)
        return []
    }

    static func clampFocus(_ state: inout UIState) {
        state.focus = max(0, min(state.focus, state.instanceCount - 1))
        let line = state.table.line(ofRow: state.focus)
        // The head of the focused row's group stays in sight with it.
        let top = state.table.lines.indices.contains(line - 1) && state.table.lines[line - 1].isGroup ? line - 1 : line
        if top < state.scroll { state.scroll = top }
        if line >= state.scroll + state.tableRows { state.scroll = line - state.tableRows + 1 }
        let lines = state.table.total == 0 && state.table.lines.isEmpty ? state.instanceCount : state.table.lines.count
        state.scroll = max(0, min(state.scroll, lines - state.tableRows))
    }

    static func moveFocus(_ state: inout UIState, to index: Int) -> [Effect] {
        let before = state.focus
        state.focus = index
        clampFocus(&state)
        if state.overlay == .details && state.focus != before, let instance = state.focusedInstance {
            return [.send(.showDetails(instance: instance))]
        }
        return []
    }

    static func focused(_ state: UIState, _ snapshot: DashboardSnapshot?) -> InstanceRow? {
        guard let snapshot, let i = state.focusedInstance, snapshot.instances.indices.contains(i) else { return nil }
        return snapshot.instances[i]
    }

    /// The id after (or before) `current` in `ids`, wrapping around.
    static func cycle<ID: PolicyID>(_ ids: [ID], from current: String, by delta: Int) -> ID? {
        guard !ids.isEmpty else { return nil }
        let i = ids.firstIndex { $0.rawValue == current } ?? (delta > 0 ? -1 : 0)
        return ids[((i + delta) % ids.count + ids.count) % ids.count]
    }

    /// The step of `steps` after (or before) the one nearest to `value`, clamped to the ends.
    static func step(_ steps: [Double], from value: Double, by delta: Int) -> Double {
        var nearest = 0
        for (i, s) in steps.enumerated()
        where abs(log(s) - log(value)) < abs(log(steps[nearest]) - log(value)) || s == value {
            nearest = i
            if s == value { break }
        }
        return steps[max(0, min(steps.count - 1, nearest + delta))]
    }
}
