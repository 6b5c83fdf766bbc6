import ClusterSim

/// The whole screen from a snapshot and the UI state: header, instance table, SLO panel,
/// migrations, event log, hint bar, and the open overlay. A pure function into a buffer.
///
/// Layout: the header takes two rows and the hint bar one; the instance table takes what it needs
/// while the bottom panels keep at least `bottomMinimum` rows; the bottom is split into the SLO
/// panel (left) and migrations over the event log (right).
public enum DashboardView {
    public static let minimumWidth = 64
    public static let minimumHeight = 18
    static let bottomMinimum = 9

    /// What the frame's layout tells the reducer: instance rows shown (0 when too small), and how
    /// far the help can scroll.
    public struct Layout: Sendable, Equatable {
        public var tableRows = 0
        public var helpMaxScroll = 0
    }

    /// Draws the frame.
    @discardableResult
    public static func render(_ s: DashboardSnapshot?, _ state: UIState, glyphs: Glyphs, into buffer: inout ScreenBuffer) -> Layout {
        buffer.clear()
        let w = buffer.width, h = buffer.height
        guard w >= minimumWidth, h >= minimumHeight else {
            TooSmallWidget.draw(width: w, height: h, minimumWidth: minimumWidth, minimumHeight: minimumHeight, into: &buffer)
            return Layout()
        }
        guard let s else {
            buffer.put("clustertop: starting the simulation...", x: 1, y: 0, CellStyle(.title))
            return Layout()
        }
        let screen = buffer.bounds
        let (header, belowHeader) = screen.splitTop(2)
        let body = Rect(x: 0, y: belowHeader.y, width: w, height: belowHeader.height - 1)
        let hint = Rect(x: 0, y: h - 1, width: w, height: 1)
        HeaderWidget.draw(s, state, in: header, glyphs: glyphs, into: &buffer)

        let wantedTable = 1 + s.instances.count
        var bottomHeight = max(bottomMinimum, body.height - wantedTable)
        bottomHeight = min(bottomHeight, body.height - 2)
        let (tableRect, bottom) = body.splitTop(body.height - bottomHeight)
        var layout = Layout()
        layout.tableRows = InstanceTableWidget.draw(s, state, in: tableRect, glyphs: glyphs, into: &buffer)

        let leftWidth = max(38, min(w / 2, 72))
        let (left, right) = bottom.splitLeft(leftWidth)
        SLOPanelWidget.draw(s, in: Rect(x: left.x + 1, y: left.y, width: left.width - 2, height: left.height), glyphs: glyphs, into: &buffer)
        let rightInner = Rect(x: right.x, y: right.y, width: right.width - 1, height: right.height)
        let migrationRows = min(MigrationPanelWidget.wantedHeight(s), max(2, rightInner.height / 2))
        let (migrations, events) = rightInner.splitTop(migrationRows)
        MigrationPanelWidget.draw(s, in: migrations, glyphs: glyphs, into: &buffer)
        EventLogWidget.draw(s, in: events, glyphs: glyphs, into: &buffer)
        HintBarWidget.draw(state, in: hint, glyphs: glyphs, into: &buffer)

        switch state.overlay {
        case .none: break
        case .help: layout.helpMaxScroll = HelpOverlay.draw(in: body, scroll: state.helpScroll, glyphs: glyphs, into: &buffer)
        case .details:
            let area = bottom.height >= 14 ? bottom : body
            DetailOverlay.draw(s, in: area, glyphs: glyphs, into: &buffer)
        case .policyPicker: PolicyPickerOverlay.draw(state, in: body, glyphs: glyphs, into: &buffer)
        case .spikeEditor: SpikeEditorOverlay.draw(s, state, in: body, glyphs: glyphs, into: &buffer)
        }
        return layout
    }
}
