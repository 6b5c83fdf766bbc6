import ClusterSim

/// A panel's name in the layout. A string rather than an enum, so that a new panel declares its
/// own id next to its widget and needs no edit here.
public struct PanelID: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
}

/// How a panel takes rows from the stack or column it sits in.
public enum PanelSize: Sendable {
    /// Exactly this many rows.
    case fixed(Int)
    /// At least `minimum` rows, then as many as `rows` asks for (given the snapshot and the height
    /// of the stack or column) before any `.share` panel gets more than its minimum.
    case wanted(minimum: Int, rows: @Sendable (DashboardSnapshot, Int) -> Int)
    /// An equal share of the rows left over, at least `minimum`.
    case share(minimum: Int)
}

/// Where a panel sits on the screen.
public enum PanelPlacement: Sendable, Equatable {
    /// A full-width band of the main stack, top to bottom in registry order.
    case stack
    /// A column of the bottom band, top to bottom in registry order. The band sits in the main
    /// stack where its first panel is listed, and takes the rows the stack leaves over.
    case bottom(Column)
    /// Over the screen while `overlay` is open.
    case overlay(UIState.Overlay, OverlayArea)

    public enum Column: Sendable, Equatable {
        case left, right
    }

    public enum OverlayArea: Sendable, Equatable {
        /// Everything between the fixed rows at the top and at the bottom of the stack.
        case body
        /// The bottom band when it has at least `minimumHeight` rows, else the body.
        case bottom(minimumHeight: Int)
    }
}

/// What a panel's draw function gets: the snapshot (its text escaped), the UI state, its own
/// rectangle and the glyph set.
public struct PanelContext {
    public var snapshot: DashboardSnapshot
    public var state: UIState
    public var rect: Rect
    public var glyphs: Glyphs
}

/// One entry of the panel registry: its id, where it sits, how it sizes, and how it draws.
public struct Panel: Sendable {
    public var id: PanelID
    public var placement: PanelPlacement
    public var size: PanelSize
    public var draw: @Sendable (PanelContext, inout ScreenBuffer) -> Void

    public init(
        _ id: PanelID, _ placement: PanelPlacement, _ size: PanelSize = .share(minimum: 0),
        draw: @escaping @Sendable (PanelContext, inout ScreenBuffer) -> Void
    ) {
        self.id = id
        self.placement = placement
        self.size = size
        self.draw = draw
    }
}

/// The one panel registry: the layout places these and the frame draws them, in this order (so
/// overlays come last). A new panel is a widget file declaring its `Panel`, plus a line here.
public enum PanelRegistry {
    public static let all: [Panel] = [
        HeaderWidget.panel,
        InstanceTableWidget.panel,
        SLOPanelWidget.panel,
        MigrationPanelWidget.panel,
        EventLogWidget.panel,
        HintBarWidget.panel,
        HelpOverlay.panel,
        DetailOverlay.panel,
        PolicyPickerOverlay.panel,
        SpikeEditorOverlay.panel,
        EventLogOverlay.panel,
        SeekPromptOverlay.panel,
        SortPickerOverlay.panel,
        SetupOverlay.panel,
        WhatIfOverlay.panel,
    ]
}
