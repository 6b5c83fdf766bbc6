import ClusterSim
import Testing

@testable import Dashboard

/// The layout before the draw: panel rectangles from the registry, and what the reducer takes
/// from them, computed without drawing.
@Suite struct LayoutTests {
    @Test func theMainScreenAt80x24() {
        let s = Fixtures.snapshot()
        let layout = DashboardView.layout(s, Fixtures.state(for: s), width: 80, height: 24)
        #expect(layout.screen == .dashboard)
        #expect(layout[HeaderWidget.id] == Rect(x: 0, y: 0, width: 80, height: 3))
        // The table gets its header and its 7 instances; the bottom band the other 12 rows.
        #expect(layout[InstanceTableWidget.id] == Rect(x: 0, y: 3, width: 80, height: 8))
        #expect(layout[SLOPanelWidget.id] == Rect(x: 1, y: 11, width: 38, height: 12))
        #expect(layout[MigrationPanelWidget.id] == Rect(x: 40, y: 11, width: 39, height: 4))
        #expect(layout[EventLogWidget.id] == Rect(x: 40, y: 15, width: 39, height: 8))
        #expect(layout[HintBarWidget.id] == Rect(x: 0, y: 23, width: 80, height: 1))
        #expect(layout.tableRows == 7)
        #expect(layout.helpMaxScroll == 0)
        // Overlays are placed only while open.
        for overlay in [
            HelpOverlay.id, DetailOverlay.id, PolicyPickerOverlay.id, SpikeEditorOverlay.id, EventLogOverlay.id,
            SeekPromptOverlay.id,
        ] {
            #expect(layout[overlay] == nil)
        }
    }

    @Test func manyInstancesLeaveTheBottomBandItsMinimum() {
        let s = Fixtures.snapshot(instances: 64)
        let layout = DashboardView.layout(s, Fixtures.state(for: s), width: 80, height: 24)
        #expect(layout[InstanceTableWidget.id] == Rect(x: 0, y: 3, width: 80, height: 11))
        #expect(layout[SLOPanelWidget.id]?.height == DashboardView.bottomMinimum)
        #expect(layout.tableRows == 10)
    }

    @Test func theDetailsCoverTheBandWhenItIsTallEnoughElseTheBody() {
        let s = Fixtures.snapshot(detail: true)
        let wide = DashboardView.layout(s, Fixtures.state(for: s, overlay: .details), width: 120, height: 40)
        #expect(wide[DetailOverlay.id] == Rect(x: 0, y: 11, width: 120, height: 28))
        let small = DashboardView.layout(s, Fixtures.state(for: s, overlay: .details), width: 80, height: 24)
        #expect(small[DetailOverlay.id] == Rect(x: 0, y: 3, width: 80, height: 20))
        #expect(small[HelpOverlay.id] == nil)
    }

    @Test func theHelpScrollComesFromTheLayoutAndMatchesTheDraw() throws {
        let s = Fixtures.snapshot()
        for (width, height) in [(64, 18), (80, 24), (120, 40), (200, 80)] {
            let layout = DashboardView.layout(s, Fixtures.state(for: s, overlay: .help), width: width, height: height)
            let area = try #require(layout[HelpOverlay.id])
            var buffer = ScreenBuffer(width: width, height: height)
            let drawn = HelpOverlay.draw(in: area, scroll: 0, glyphs: .unicode, into: &buffer)
            #expect(layout.helpMaxScroll == drawn, "\(width)x\(height)")
        }
        // Small enough to scroll, large enough not to.
        #expect(
            DashboardView.layout(s, Fixtures.state(for: s, overlay: .help), width: 80, height: 24).helpMaxScroll > 0)
        #expect(
            DashboardView.layout(s, Fixtures.state(for: s, overlay: .help), width: 200, height: 80).helpMaxScroll == 0)
    }

    @Test func tooSmallAndStartingPlaceNothing() {
        let s = Fixtures.snapshot()
        let small = DashboardView.layout(s, Fixtures.state(for: s), width: 63, height: 40)
        #expect(small.screen == .tooSmall && small.rects.isEmpty && small.tableRows == 0)
        let starting = DashboardView.layout(nil, UIState(), width: 80, height: 24)
        #expect(starting.screen == .starting && starting.rects.isEmpty)
    }

    /// The reducer clamps the state to the layout; the layout must not move when it does, or one
    /// draw would not be enough.
    @Test func theLayoutDoesNotDependOnWhatTheReducerClamps() {
        let s = Fixtures.snapshot(instances: 64)
        for overlay: UIState.Overlay in [.none, .help, .details] {
            for (width, height) in [(64, 18), (80, 24), (100, 30), (120, 40)] {
                var state = Fixtures.state(for: s, overlay: overlay, focus: 64)
                state.helpScroll = 99
                let before = DashboardView.layout(s, state, width: width, height: height)
                Reducer.layout(&state, before)
                #expect(DashboardView.layout(s, state, width: width, height: height) == before)
            }
        }
    }

    @Test func apportionGivesMinimumsThenWantsThenShares() {
        let s = Fixtures.snapshot()
        let sizes: [PanelSize] = [
            .fixed(2), .wanted(minimum: 2) { _, _ in 10 }, .share(minimum: 3), .share(minimum: 0), .fixed(1),
        ]
        #expect(DashboardView.apportion(sizes, s, height: 40) == [2, 10, 3 + 12, 12, 1])
        #expect(DashboardView.apportion(sizes, s, height: 15) == [2, 9, 3, 0, 1])
        // Not even the minimums fit: the last ones lose out.
        #expect(DashboardView.apportion(sizes, s, height: 6) == [2, 2, 2, 0, 0])
        // The wanted rows may depend on the height of the stack.
        #expect(
            DashboardView.apportion([.wanted(minimum: 0) { _, h in h / 2 }, .share(minimum: 0)], s, height: 21) == [
                10, 11,
            ])
    }

    /// A new panel is a registry entry: the layout gives it rows and the frame draws it.
    @Test func aPanelAddedToTheRegistryIsPlacedAndDrawn() throws {
        let s = Fixtures.snapshot()
        let state = Fixtures.state(for: s)
        let ticker = Panel(PanelID("ticker"), .stack, .fixed(1)) { c, buffer in
            buffer.put("ticker " + c.snapshot.scenario, x: c.rect.x, y: c.rect.y, clip: c.rect)
        }
        var panels = PanelRegistry.all
        panels.insert(ticker, at: 1)
        let layout = DashboardView.layout(s, state, width: 80, height: 24, panels: panels)
        #expect(layout[ticker.id] == Rect(x: 0, y: 3, width: 80, height: 1))
        #expect(layout[InstanceTableWidget.id] == Rect(x: 0, y: 4, width: 80, height: 8))
        var buffer = ScreenBuffer(width: 80, height: 24)
        DashboardView.draw(s, state, layout, glyphs: .unicode, into: &buffer, panels: panels)
        #expect(buffer.row(3) == "ticker fixture")
        #expect(buffer.row(4).contains("ID GPU"))
    }
}
