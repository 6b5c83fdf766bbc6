import ClusterSim

/// The setup screen's state: the selected line, the settings it edits beyond the table's, and
/// what its last save said.
public struct SetupState: Sendable, Equatable {
    public var selection = 0
    /// Applied at the next start (the terminal's colours are set up once).
    public var colors = DashboardConfig.Colors.auto
    /// Applied at the next start.
    public var mouse = true
    /// Where the settings are saved (nil: no HOME nor XDG_CONFIG_HOME to put them under).
    public var path: String?
    /// The outcome of the last save, shown on the setup screen.
    public var message: String?

    public init() {}

    /// The setup screen's lines, in order.
    public enum Line: Sendable, Equatable {
        case speed, colors, mouse, sort, order, grouping
        case column(TableColumn)
    }

    public static let lines: [Line] =
        [.speed, .colors, .mouse, .sort, .order, .grouping] + TableColumn.optional.map { .column($0) }
}

extension UIState {
    /// The snapshot index of the focused instance; nil when the table shows none.
    public var focusedInstance: Int? {
        guard instanceCount > 0 else { return nil }
        return table.instance(atRow: focus)
    }
}

/// The instance table's keys (sort, filter, group), the mouse, and the setup screen.
extension Reducer {
    /// Input that is not looked up in the key table: a mouse event, or text typed into the
    /// filter prompt. Nil: look the key up.
    static func input(_ key: Key, state: inout UIState, snapshot: DashboardSnapshot?) -> [Effect]? {
        if case .mouse(let event) = key { return mouse(event, state: &state, snapshot: snapshot) }
        guard state.overlay == .filter else { return nil }
        switch key {
        case .character(let c):
            guard state.table.filter.count < 80 else { return [] }
            state.table.filter.unicodeScalars.append(c)
        case .control("u"): state.table.filter = ""
        default: return nil
        }
        retable(&state, snapshot)
        return []
    }

    /// The table's actions; nil for the others (and for the shared ones in other panels).
    static func reduceTable(_ action: Action, state: inout UIState, snapshot: DashboardSnapshot?) -> [Effect]? {
        switch (action, state.overlay) {
        case (.sortNext, _), (.sortPrevious, _):
            let columns = sortable(state)
            let i = columns.firstIndex(of: state.table.sort) ?? 0
            return sort(
                by: columns[(i + (action == .sortNext ? 1 : columns.count - 1)) % columns.count], &state, snapshot)
        case (.invertSort, _):
            state.table.descending.toggle()
            return reorder(&state, snapshot)
        case (.pickSort, _):
            state.table.pickerSelection = TableColumn.sortable.firstIndex(of: state.table.sort) ?? 0
            return open(.sortPicker, &state)
        case (.selectPrevious, .sortPicker), (.selectNext, .sortPicker):
            let n = TableColumn.sortable.count
            state.table.pickerSelection = (state.table.pickerSelection + (action == .selectNext ? 1 : n - 1)) % n
        case (.confirm, .sortPicker):
            state.overlay = .none
            return sort(by: TableColumn.sortable[state.table.pickerSelection], &state, snapshot)
        case (.editFilter, _):
            state.table.filterBefore = state.table.filter
            return open(.filter, &state)
        case (.confirm, .filter):
            state.overlay = .none
        case (.close, .filter):
            state.overlay = .none
            state.table.filter = state.table.filterBefore
            retable(&state, snapshot)
        case (.deleteBackward, _):
            guard !state.table.filter.isEmpty else { return [] }
            state.table.filter.unicodeScalars.removeLast()
            retable(&state, snapshot)
        case (.close, .none) where !state.table.filter.isEmpty:
            state.table.filter = ""
            retable(&state, snapshot)
        case (.cycleGrouping, _):
            let all = TableGrouping.allCases
            state.table.grouping = all[((all.firstIndex(of: state.table.grouping) ?? 0) + 1) % all.count]
            return reorder(&state, snapshot)
        case (.openSetup, _):
            state.setup.message = nil
            return open(.setup, &state)
        case (.selectPrevious, .setup), (.selectNext, .setup):
            let n = SetupState.lines.count
            state.setup.selection = (state.setup.selection + (action == .selectNext ? 1 : n - 1)) % n
        case (.setupIncrease, _), (.setupDecrease, _):
            return adjust(
                SetupState.lines[state.setup.selection], by: action == .setupIncrease ? 1 : -1, &state, snapshot)
        case (.saveSetup, _):
            return [.saveConfig(DashboardConfig(state))]
        case (.mouse, _):
            break
        default:
            return nil
        }
        return []
    }

    /// The columns `<` and `>` cycle through: the shown ones, left to right.
    static func sortable(_ state: UIState) -> [TableColumn] {
        ([.id, .gpu] + state.table.columns).filter(TableColumn.sortable.contains)
    }

    /// Sorts by `column` in its usual direction; sorting by the current column again inverts it.
    static func sort(by column: TableColumn, _ state: inout UIState, _ snapshot: DashboardSnapshot?) -> [Effect] {
        if column == state.table.sort {
            state.table.descending.toggle()
        } else {
            state.table.sort = column
            state.table.descending = column.descendingFirst
        }
        return reorder(&state, snapshot)
    }

    /// Rebuilds the lines after the user asked for another order, and focuses the first row: the
    /// top of the new order (the most loaded instance, sorted by load) is what was asked to see.
    /// Between frames the focus follows its instance instead (`sync`).
    static func reorder(_ state: inout UIState, _ snapshot: DashboardSnapshot?) -> [Effect] {
        retable(&state, snapshot)
        state.scroll = 0
        return moveFocus(&state, to: 0)
    }

    /// Opens `overlay`, closing the details first (the runner stops sending them).
    static func open(_ overlay: UIState.Overlay, _ state: inout UIState) -> [Effect] {
        leave(&state, for: overlay)
    }

    /// Rebuilds the table's lines from `snapshot` after a setting changed, the focus staying
    /// on the same instance when it is still shown.
    static func retable(_ state: inout UIState, _ snapshot: DashboardSnapshot?) {
        guard let snapshot else { return }
        let focused = state.focusedInstance
        state.table.rebuild(snapshot.instances)
        state.instanceCount = state.table.order.count
        if let focused, let row = state.table.order.firstIndex(of: focused) { state.focus = row }
        clampFocus(&state)
    }

    /// One setup line changed by one step.
    static func adjust(
        _ line: SetupState.Line, by delta: Int, _ state: inout UIState, _ snapshot: DashboardSnapshot?
    ) -> [Effect] {
        func cycled<T: Equatable>(_ all: [T], _ value: T) -> T {
            all[((all.firstIndex(of: value) ?? 0) + delta + all.count) % all.count]
        }
        switch line {
        case .speed:
            let next = step(RunClock.speedSteps, from: state.speed, by: delta)
            guard next != state.speed else { return [] }
            state.speed = next
            return [.send(.setSpeed(next))]
        case .colors: state.setup.colors = cycled(DashboardConfig.Colors.allCases, state.setup.colors)
        case .mouse: state.setup.mouse.toggle()
        case .sort:
            state.table.sort = cycled(TableColumn.sortable, state.table.sort)
            state.table.descending = state.table.sort.descendingFirst
            return reorder(&state, snapshot)
        case .order:
            state.table.descending.toggle()
            return reorder(&state, snapshot)
        case .grouping:
            state.table.grouping = cycled(TableGrouping.allCases, state.table.grouping)
            return reorder(&state, snapshot)
        case .column(let c):
            state.table.toggle(c)
        }
        retable(&state, snapshot)
        return []
    }

    /// A click focuses the row under it or sorts by the column head under it (again: inverts);
    /// the wheel moves the focus three rows. Only on the table, and not under an open panel.
    static func mouse(_ event: MouseEvent, state: inout UIState, snapshot: DashboardSnapshot?) -> [Effect] {
        guard state.overlay == .none || state.overlay == .details, let rect = state.table.rect, let snapshot,
            event.x >= rect.x, event.x < rect.maxX, event.y >= rect.y, event.y < rect.maxY
        else { return [] }
        switch event {
        case .wheelUp: return moveFocus(&state, to: state.focus - 3)
        case .wheelDown: return moveFocus(&state, to: state.focus + 3)
        case .click(let x, let y):
            if y == rect.y {
                guard let column = InstanceTableWidget.column(atX: x, snapshot, state, in: rect),
                    TableColumn.sortable.contains(column)
                else { return [] }
                return sort(by: column, &state, snapshot)
            }
            let lines = state.table.displayLines(snapshot.instances.count)
            let visible = rect.height - 1
            let start = max(0, min(state.scroll, lines.count - visible))
            let line = start + y - rect.y - 1
            guard lines.indices.contains(line), case .row(let i) = lines[line] else { return [] }
            let row = state.table.order.firstIndex(of: i) ?? i
            return moveFocus(&state, to: row)
        }
    }
}
