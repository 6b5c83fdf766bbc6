import ClusterSim

/// The whole screen from a snapshot and the UI state, in two pure steps: `layout` places the
/// panels of `PanelRegistry` (and says what the reducer needs: table rows, help scroll), then
/// `draw` draws each panel into its rectangle.
///
/// The main stack is the header (two rows), the instance table (the rows it wants), the bottom
/// band (at least `bottomMinimum` rows) and the hint bar (one row). The band is split into the
/// SLO panel (left) and migrations over the event log (right).
public enum DashboardView {
    public static let minimumWidth = 64
    public static let minimumHeight = 18
    static let bottomMinimum = 9

    /// Where each panel goes in one frame, and what that tells the reducer.
    public struct Layout: Sendable, Equatable {
        public enum Screen: Sendable, Equatable {
            /// The terminal is below the minimum size: only the notice is drawn.
            case tooSmall
            /// No snapshot yet.
            case starting
            case dashboard
        }

        public var screen = Screen.dashboard
        public var rects: [PanelID: Rect] = [:]
        /// Instance rows the table shows (0 when it is not drawn).
        public var tableRows = 0
        /// How far the help can scroll (0 when it is closed).
        public var helpMaxScroll = 0
        /// Lines the full-screen event log shows, and how far it can scroll (0 when it is closed).
        public var logRows = 0
        public var logMaxScroll = 0

        public init(tableRows: Int = 0, helpMaxScroll: Int = 0) {
            self.tableRows = tableRows
            self.helpMaxScroll = helpMaxScroll
        }

        public subscript(_ id: PanelID) -> Rect? { rects[id] }
    }

    /// Places `panels` on a `width` x `height` screen. Depends only on the snapshot's counts and on
    /// which overlay is open, so the reducer's clamping to it cannot change it.
    public static func layout(
        _ s: DashboardSnapshot?, _ state: UIState, width: Int, height: Int, panels: [Panel] = PanelRegistry.all
    ) -> Layout {
        var layout = Layout()
        guard width >= minimumWidth, height >= minimumHeight else {
            layout.screen = .tooSmall
            return layout
        }
        guard let s else {
            layout.screen = .starting
            return layout
        }
        // The main stack: its panels, and the bottom band where its first panel is listed.
        var stack: [(panel: Panel?, size: PanelSize)] = []
        for panel in panels {
            switch panel.placement {
            case .stack: stack.append((panel, panel.size))
            case .bottom:
                if !stack.contains(where: { $0.panel == nil }) { stack.append((nil, .share(minimum: bottomMinimum))) }
            case .overlay: break
            }
        }
        var band: Rect?
        var body: Rect?
        var y = 0
        for (item, rows) in zip(stack, apportion(stack.map(\.size), s, height: height)) {
            let rect = Rect(x: 0, y: y, width: width, height: rows)
            y += rows
            if let panel = item.panel { layout.rects[panel.id] = rect } else { band = rect }
            if case .fixed = item.size { continue }
            body = body.map { Rect(x: 0, y: $0.y, width: width, height: rect.maxY - $0.y) } ?? rect
        }
        if let band {
            // Columns: a gutter either side of the left one, one at the right edge of the right one.
            // Wide screens give the SLO graphs more history (up to 100 columns).
            let (left, right) = band.splitLeft(max(38, min(width / 2, width >= 160 ? 100 : 72)))
            place(
                panels, in: .left, Rect(x: left.x + 1, y: left.y, width: left.width - 2, height: left.height), s,
                into: &layout)
            place(
                panels, in: .right, Rect(x: right.x, y: right.y, width: right.width - 1, height: right.height), s,
                into: &layout)
        }
        for panel in panels {
            guard case .overlay(let overlay, let area) = panel.placement, overlay == state.overlay, let body else {
                continue
            }
            switch area {
            case .body: layout.rects[panel.id] = body
            case .bottom(let minimumHeight):
                layout.rects[panel.id] = band.flatMap { $0.height >= minimumHeight ? $0 : nil } ?? body
            }
        }
        layout.tableRows = layout[InstanceTableWidget.id].map(InstanceTableWidget.visibleRows) ?? 0
        layout.helpMaxScroll = layout[HelpOverlay.id].map { HelpOverlay.maxScroll(in: $0, replay: s.isReplay) } ?? 0
        if let logRect = layout[EventLogOverlay.id] {
            layout.logRows = EventLogOverlay.visibleRows(in: logRect)
            layout.logMaxScroll = EventLogOverlay.maxScroll(s, in: logRect)
        }
        return layout
    }

    /// Stacks the panels of one column of the bottom band in `rect`.
    static func place(
        _ panels: [Panel], in column: PanelPlacement.Column, _ rect: Rect, _ s: DashboardSnapshot,
        into layout: inout Layout
    ) {
        let members = panels.filter { $0.placement == .bottom(column) }
        var y = rect.y
        for (panel, rows) in zip(members, apportion(members.map(\.size), s, height: rect.height)) {
            layout.rects[panel.id] = Rect(x: rect.x, y: y, width: rect.width, height: rows)
            y += rows
        }
    }

    /// Rows for each size out of `height`: fixed rows and minimums first, in order (the last ones
    /// lose out when even they do not fit); then what the wanted ones ask for, in order; then the
    /// rest in equal shares (the first shares take the odd rows).
    static func apportion(_ sizes: [PanelSize], _ s: DashboardSnapshot, height: Int) -> [Int] {
        var rows = [Int](repeating: 0, count: sizes.count)
        var left = max(0, height)
        func grant(_ i: Int, _ n: Int) {
            let g = max(0, min(n, left))
            rows[i] += g
            left -= g
        }
        for (i, size) in sizes.enumerated() {
            switch size {
            case .fixed(let n): grant(i, n)
            case .wanted(let minimum, _), .share(let minimum): grant(i, minimum)
            }
        }
        for (i, size) in sizes.enumerated() {
            if case .wanted(_, let wanted) = size { grant(i, wanted(s, height) - rows[i]) }
        }
        let shares = sizes.indices.filter {
            if case .share = sizes[$0] { return true }
            return false
        }
        if !shares.isEmpty {
            let each = left / shares.count
            var odd = left % shares.count
            for i in shares {
                grant(i, each + (odd > 0 ? 1 : 0))
                odd -= 1
            }
        }
        return rows
    }

    /// Draws the frame `layout` describes. Text from scenarios and recordings is escaped here, once
    /// for every panel (`DashboardSnapshot.escapingControlCharacters`).
    public static func draw(
        _ s: DashboardSnapshot?, _ state: UIState, _ layout: Layout, glyphs: Glyphs, into buffer: inout ScreenBuffer,
        panels: [Panel] = PanelRegistry.all
    ) {
        buffer.clear()
        switch layout.screen {
        case .tooSmall:
            TooSmallWidget.draw(
                width: buffer.width, height: buffer.height, minimumWidth: minimumWidth, minimumHeight: minimumHeight,
                into: &buffer)
        case .starting:
            buffer.put("clustertop: starting the simulation...", x: 1, y: 0, CellStyle(.title))
        case .dashboard:
            guard let s else { return }
            let shown = s.escapingControlCharacters()
            for panel in panels {
                guard let rect = layout[panel.id] else { continue }
                panel.draw(PanelContext(snapshot: shown, state: state, rect: rect, glyphs: glyphs), &buffer)
            }
        }
    }
}
