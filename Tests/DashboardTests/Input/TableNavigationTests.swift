import ClusterSim
import Testing

@testable import Dashboard

/// The instance table's sort, filter, grouping and mouse, as keys and clicks in and screens out.
@Suite struct TableNavigationTests {
    let snapshot = Fixtures.snapshot()

    func start() -> UIState { Fixtures.state(for: snapshot) }

    @discardableResult
    func press(_ keys: [Key], _ state: inout UIState) -> [Effect] {
        keys.flatMap { Reducer.handle($0, state: &state, snapshot: snapshot) }
    }

    /// The ids of the shown instances, in display order.
    func ids(_ state: UIState) -> [Int] { state.table.order.map { snapshot.instances[$0].id } }

    /// The frame as the app draws it, and the state clamped to its layout.
    func render(_ state: inout UIState, width: Int = 100, height: Int = 30) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardApp.compose(snapshot, &state, glyphs: .unicode, into: &buffer)
        return buffer
    }

    /// The first instance row under the column heads.
    func firstRow(_ buffer: ScreenBuffer) -> String {
        let head = (0..<buffer.height).first { buffer.row($0).contains("QUEUE") } ?? 0
        return buffer.row(head + 1)
    }

    @Test func sortKeysCycleColumnsAndTheHeadIsMarked() {
        var state = start()
        #expect(ids(state) == [0, 1, 2, 3, 4, 5, 6])
        press([">", ">", ">"], &state)  // gpu, model, queue
        #expect(state.table.sort == .queue && state.table.descending)
        // Waiting 21, 14, 12, 7, then the empty queues by id.
        #expect(ids(state) == [3, 2, 5, 1, 0, 4, 6])
        var shown = state
        let frame = render(&shown)
        #expect(frame.text.contains("QUEUE↓"))
        #expect(firstRow(frame).hasPrefix("▸ 3 a100-80g"), "\(frame.text)")
        press(["I"], &state)
        #expect(!state.table.descending)
        #expect(ids(state) == [0, 4, 6, 1, 5, 2, 3])
        press(["<"], &state)
        #expect(state.table.sort == .model && !state.table.descending)
    }

    @Test func tiesAreBrokenByInstanceIDSoTheOrderIsStable() {
        var state = start()
        press([">"], &state)  // GPU type, A to Z: 2xh100, a100-80g, h100, l40s
        #expect(ids(state) == [6, 2, 3, 0, 1, 5, 4])
        // The same snapshot again gives the same order.
        Reducer.sync(&state, with: snapshot, pending: false)
        #expect(ids(state) == [6, 2, 3, 0, 1, 5, 4])
    }

    @Test func aNewOrderFocusesItsTopAndThenTheFocusFollowsItsInstance() {
        var state = start()
        press([.down, .down], &state)
        // Asking for an order shows its top: the longest queue, focused.
        press([">", ">", ">"], &state)
        #expect(state.focus == 0 && state.focusedInstance == 3 && state.scroll == 0)
        press([.down], &state)
        #expect(state.focusedInstance == 2)
        // A new frame where instance 2's queue is the longest: it moves up, the focus with it.
        var later = snapshot
        later.instances[2].waiting = 30
        Reducer.sync(&state, with: later, pending: false)
        #expect(state.table.order.map { later.instances[$0].id } == [2, 3, 5, 1, 0, 4, 6])
        #expect(state.focus == 0 && state.focusedInstance == 2)
        // On the first row the focus stays there, on whichever instance tops the order now.
        var emptier = later
        emptier.instances[2].waiting = 0
        Reducer.sync(&state, with: emptier, pending: false)
        #expect(state.focus == 0 && state.focusedInstance == 3)
        Reducer.sync(&state, with: later, pending: false)
        #expect(state.focus == 0 && state.focusedInstance == 2)
        // With the details open the focus stays on their instance, even from the first row.
        var details = state
        _ = Reducer.handle(.enter, state: &details, snapshot: later)
        Reducer.sync(&details, with: emptier, pending: false)
        #expect(details.focusedInstance == 2 && details.focus == 4)
        // Keys act on the focused instance, wherever it sits.
        #expect(Reducer.handle("f", state: &state, snapshot: later) == [.send(.simulation(.fail(instance: 2)))])
        #expect(Reducer.handle(.enter, state: &state, snapshot: later) == [.send(.showDetails(instance: 2))])
        // The details follow the focus in display order.
        #expect(Reducer.handle(.down, state: &state, snapshot: later) == [.send(.showDetails(instance: 3))])
    }

    @Test func thePickerSortsByTheChosenColumnAndAgainInverts() {
        var state = start()
        press([.function(6)], &state)
        #expect(state.overlay == .sortPicker)
        var shown = state
        #expect(render(&shown).text.contains("Sort by"))
        press([.down, .down, .down, .down, .down, .enter], &state)  // kv
        #expect(state.overlay == .none && state.table.sort == .kv && state.table.descending)
        let kv = snapshot.instances.map(\.kvUtilization)
        #expect(state.table.order.map { kv[$0] } == kv.sorted(by: >))
        press([.function(6), .enter], &state)
        #expect(state.table.sort == .kv && !state.table.descending)
    }

    @Test func theFilterNarrowsRowsAsItIsTyped() {
        var state = start()
        press(["/", "a", "1"], &state)
        #expect(state.overlay == .filter)
        #expect(ids(state) == [2, 3])
        var shown = state
        let typing = render(&shown)
        #expect(typing.row(typing.height - 1).hasPrefix("Filter:  a1_  2 of 7"), "\(typing.row(typing.height - 1))")
        // Keys that mean something elsewhere are text here.
        press(["q", .backspace], &state)
        #expect(!state.quit && state.table.filter == "a1")
        press([.enter], &state)
        #expect(state.overlay == .none && state.table.filter == "a1")
        shown = state
        let kept = render(&shown)
        #expect(kept.text.contains("/a1 2 of 7"))
        #expect(kept.row(kept.height - 1).contains("Esc clear filter"))
        // Esc in the prompt puts back the filter from before; Esc on the table clears it.
        press(["/", "x", "y"], &state)
        #expect(state.table.order.isEmpty)
        press([.escape], &state)
        #expect(state.table.filter == "a1" && ids(state) == [2, 3])
        press([.escape], &state)
        #expect(state.table.filter == "" && ids(state).count == 7)
        shown = state
        #expect(!render(&shown).text.contains("clear filter"))
    }

    @Test func filterWordsNameFieldsNegateAndMustAllMatch() {
        func matching(_ text: String) -> [Int] {
            let f = TableFilter(text)
            return snapshot.instances.filter(f.matches).map(\.id)
        }
        #expect(matching("H100") == [0, 1, 5, 6])
        #expect(matching("state:drain") == [2])
        #expect(matching("state:migrating") == [1, 3])
        #expect(matching("!gpu:h100") == [2, 3, 4])
        #expect(matching("gpu:a100 !state:drain") == [3])
        #expect(matching("id:1") == [1])
        #expect(matching("model:llama") == [0, 1, 2, 3, 4, 5, 6])
        #expect(matching("model:mistral").isEmpty)
        // The pool (role) of each instance: every one is mixed here.
        #expect(matching("role:mixed") == [0, 1, 2, 3, 4, 5, 6])
        #expect(matching("role:prefill").isEmpty)
        // An unknown field is a plain word.
        #expect(matching("pool:x").isEmpty)
    }

    @Test func groupingPutsAHeadOverEachGroupAndSortsInside() {
        var state = start()
        press(["t"], &state)
        #expect(state.table.grouping == .gpu)
        let heads = state.table.lines.compactMap { line -> String? in
            if case .group(let g) = line { return "\(g.key):\(g.instances)" }
            return nil
        }
        #expect(heads == ["2xh100:1", "a100-80g:2", "h100:3", "l40s:1"])
        press([">", ">", ">"], &state)  // queue, largest first, inside each group
        #expect(ids(state) == [6, 3, 2, 5, 1, 0, 4])
        var shown = state
        let frame = render(&shown)
        #expect(frame.text.contains("GPU a100-80g  2 instances  queue 35"), "\(frame.text)")
        press(["t"], &state)
        #expect(state.table.grouping == .model)
        press(["t"], &state)
        #expect(state.table.grouping == .none && !state.table.lines.contains(where: \.isGroup))
    }

    @Test func clicksFocusRowsAndSortByHeadsAndTheWheelScrolls() {
        var state = start()
        _ = render(&state)
        let table = try! #require(state.table.rect)
        // The row of instance 2 (heads on the first line).
        press([.mouse(.click(x: 10, y: table.y + 3))], &state)
        #expect(state.focusedInstance == 2)
        // The QUEUE head: sorts by it, largest first; again: inverts.
        let head = render(&state).row(table.y)
        let x = try! #require(head.range(of: "QUEUE").map { head.distance(from: head.startIndex, to: $0.lowerBound) })
        press([.mouse(.click(x: x + 1, y: table.y))], &state)
        #expect(state.table.sort == .queue && state.table.descending)
        #expect(state.focus == 0 && state.focusedInstance == 3)
        press([.mouse(.click(x: x + 1, y: table.y))], &state)
        #expect(state.table.sort == .queue && !state.table.descending)
        press([.mouse(.click(x: 10, y: table.y + 2))], &state)
        #expect(state.focus == 1 && state.focusedInstance == 4)
        let row = state.focus
        press([.mouse(.wheelDown(x: 10, y: table.y + 2))], &state)
        #expect(state.focus == min(row + 3, 6))
        press([.mouse(.wheelUp(x: 10, y: table.y + 2)), .mouse(.wheelUp(x: 10, y: table.y + 2))], &state)
        #expect(state.focus == max(0, min(row + 3, 6) - 6))
        // Outside the table, or under an open panel, a click does nothing.
        var other = state
        press([.mouse(.click(x: 10, y: table.maxY + 2))], &other)
        #expect(other == state)
        press(["?"], &other)
        _ = render(&other)
        let helpOpen = other
        press([.mouse(.click(x: 10, y: table.y + 1))], &other)
        #expect(other == helpOpen)
    }

    @Test func setupChangesSettingsAndSaveHandsThemOver() {
        var state = start()
        press([.function(2)], &state)
        #expect(state.overlay == .setup)
        var shown = state
        #expect(render(&shown).text.contains("Setup (Esc closes)"))
        // Speed up one step: sent at once.
        #expect(press([.right], &state) == [.send(.setSpeed(20))])
        press([.down, .down, .down, .right], &state)  // sort: gpu
        press([.down, .down, .right], &state)  // group: gpu
        press([.down, " "], &state)  // hide the model column
        #expect(state.table.sort == .gpu && state.table.grouping == .gpu && !state.table.columns.contains(.model))
        let effects = press(["w"], &state)
        var expected = DashboardConfig()
        expected.speed = 20
        expected.sort = .gpu
        expected.grouping = .gpu
        expected.columns = [.queue, .run, .kv, .tokens, .trend, .state]
        #expect(effects == [.saveConfig(expected)])
        shown = state
        press([.escape], &shown)
        #expect(!render(&shown).text.contains("MODEL"))
    }

    @Test func hiddenColumnsLeaveTheirRoomToTheOthers() {
        var state = start()
        state.table.columns = [.kv]
        Reducer.sync(&state, with: snapshot, pending: false)
        let frame = render(&state)
        let head = frame.row((0..<frame.height).first { frame.row($0).contains("KV CACHE") } ?? 0)
        #expect(!head.contains("QUEUE") && !head.contains("RUN") && !head.contains("TOK/S") && !head.contains("MODEL"))
        // Sorting cycles only through the shown columns.
        press([">", ">", ">"], &state)
        #expect(state.table.sort == .id)
    }

    @Test func columnsFollowTheirOrderAndShowAgainWhereTheyBelong() throws {
        var state = start()
        state.table.columns = [.kv, .queue, .state]
        Reducer.sync(&state, with: snapshot, pending: false)
        let frame = render(&state)
        let head = try #require((0..<frame.height).map(frame.row).first { $0.contains("KV CACHE") })
        let kv = try #require(head.range(of: "KV CACHE")), queue = try #require(head.range(of: "QUEUE"))
        #expect(kv.lowerBound < queue.lowerBound)
        // The badges still show in the last column (instance 2 drains).
        #expect(frame.text.contains("DRAIN"))
        // Sorting goes left to right: id, GPU, then KV.
        press([">", ">"], &state)
        #expect(state.table.sort == .kv)
        state.table.toggle(.model)
        state.table.toggle(.tokens)
        #expect(state.table.columns == [.model, .kv, .queue, .tokens, .state])
        state.table.toggle(.kv)
        #expect(state.table.columns == [.model, .queue, .tokens, .state])
    }
}
