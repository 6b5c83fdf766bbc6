import ClusterSim
import Testing

@testable import Dashboard

/// Golden screens of the instance table's own views: sorted, filtered while typing, grouped, the
/// sort picker and the setup screen (RECORD_GOLDEN=1 re-records them).
@Suite struct TableGoldenTests {
    func check(_ name: String, _ buffer: ScreenBuffer) {
        if let problem = Golden.check(name, buffer.text) { Issue.record(Comment(rawValue: problem)) }
    }

    /// The fixture's state after `keys`.
    func state(_ s: DashboardSnapshot, _ keys: [Key]) -> UIState {
        var state = Fixtures.state(for: s)
        for key in keys { _ = Reducer.handle(key, state: &state, snapshot: s) }
        return state
    }

    @Test func sortedFilteredAndGrouped() {
        let s = Fixtures.snapshot(instances: 20)
        check("table-sorted-100x30.txt", Fixtures.render(s, state(s, [">", ">", ">"]), width: 100, height: 30))
        check(
            "table-filter-prompt-100x30.txt",
            Fixtures.render(s, state(s, ["/", "h", "1", "0", "0"]), width: 100, height: 30))
        check("table-grouped-100x30.txt", Fixtures.render(s, state(s, ["t", "I"]), width: 100, height: 30))
    }

    @Test func sortPickerAndSetup80x24() {
        let s = Fixtures.snapshot()
        check(
            "table-sort-picker-80x24.txt", Fixtures.render(s, state(s, [.function(6), .down]), width: 80, height: 24))
        var setup = state(s, [.function(2), .down, .down, .down])
        setup.setup.path = "/home/user/.config/clustertop/config.yaml"
        check("table-setup-80x24.txt", Fixtures.render(s, setup, width: 80, height: 24))
    }
}
