import ClusterSim
import Testing

@testable import Dashboard

/// Key handling as a pure function on whole states: keys in, state and commands out.
@Suite struct ReducerTests {
    let snapshot = Fixtures.snapshot()

    func start(_ overlay: UIState.Overlay = .none) -> UIState { Fixtures.state(for: snapshot, overlay: overlay) }

    /// Feeds `keys` and returns every effect in order.
    func press(_ keys: [Key], _ state: inout UIState) -> [Effect] {
        keys.flatMap { Reducer.handle($0, state: &state, snapshot: snapshot) }
    }

    @Test func theDefaultKeysScriptsRelyOn() {
        for (key, action) in [
            ("g", Action.nextGlobalPolicy), ("l", .nextLocalPolicy), ("s", .fireSpike), (" ", .togglePause),
            ("+", .faster), ("-", .slower), ("?", .help), ("q", .quit),
        ] {
            #expect(KeyTable.action(for: .character(key.unicodeScalars.first!), overlay: .none) == action, "key \(key)")
        }
        #expect(KeyTable.action(for: .function(1), overlay: .none) == .help)
        #expect(KeyTable.action(for: .function(10), overlay: .none) == .quit)
        #expect(KeyTable.action(for: .interrupt, overlay: .help) == .quit)
    }

    @Test func globalPolicyCyclesAndWraps() {
        var state = start()
        #expect(press(["g"], &state) == [.send(.simulation(.setGlobalPolicy("llumnix")))])
        #expect(state.globalPolicy == "llumnix")
        #expect(press(["g"], &state) == [.send(.simulation(.setGlobalPolicy("round-robin")))])
        #expect(press(["G"], &state) == [.send(.simulation(.setGlobalPolicy("llumnix")))])
        var expected = start()
        expected.globalPolicy = "llumnix"
        #expect(state == expected)
    }

    @Test func localPolicyCycles() {
        var state = start()
        #expect(
            press(["l", "l"], &state) == [
                .send(.simulation(.setLocalPolicy("sarathi"))), .send(.simulation(.setLocalPolicy("vllm-v0"))),
            ])
    }

    @Test func aQuickSecondPressCyclesFromTheFirstOnesResult() {
        var state = start()
        _ = press(["g"], &state)
        // The snapshot still shows the old policy: the command is in flight.
        Reducer.sync(&state, with: snapshot, pending: true)
        #expect(press(["g"], &state) == [.send(.simulation(.setGlobalPolicy("round-robin")))])
        // Once applied, the snapshot is the truth again.
        Reducer.sync(&state, with: snapshot, pending: false)
        #expect(state.globalPolicy == "least-outstanding")
    }

    @Test func policyPickerPicksAnyPolicy() {
        var state = start()
        #expect(press(["p"], &state).isEmpty)
        #expect(state.overlay == .policyPicker)
        #expect(state.pickerSelection == 1)
        // Down past the global policies to the local ones (the list wraps).
        #expect(press([.down, .down, .down, .enter], &state) == [.send(.simulation(.setLocalPolicy("sarathi")))])
        #expect(state.overlay == .none)
        #expect(state.localPolicy == "sarathi")
        _ = press(["p", .up, .up], &state)
        #expect(state.pickerSelection == 4)
        #expect(press([.escape], &state).isEmpty)
        #expect(state.overlay == .none)
    }

    @Test func spikeIsAdjustedThenFired() {
        var state = start()
        #expect(press(["s"], &state) == [.send(.simulation(.spike(factor: 3, durationSeconds: 30)))])
        #expect(press(["]", "]", "}", "[", "{", "{"], &state).isEmpty)
        #expect(state.spikeFactor == 4)
        #expect(state.spikeSeconds == 15)
        _ = press(["S"], &state)
        #expect(state.overlay == .spikeEditor)
        #expect(
            press([.right, .right, .up, .enter], &state) == [.send(.simulation(.spike(factor: 8, durationSeconds: 30)))]
        )
        #expect(state.overlay == .none)
        // Clamped at the ends.
        _ = press(Array(repeating: "]", count: 20), &state)
        #expect(state.spikeFactor == UIState.spikeFactors.last)
    }

    @Test func instanceActionsUseTheFocusedRow() {
        var state = start()
        _ = press([.down, .down, .down], &state)
        #expect(state.focus == 3)
        #expect(press(["f"], &state) == [.send(.simulation(.fail(instance: 3)))])
        #expect(press(["d"], &state) == [.send(.simulation(.drain(instance: 3)))])
        #expect(
            press(["a"], &state) == [.send(.simulation(.add(gpu: "a100-80g", model: "llama3-8b", tensorParallel: 1)))])
        // Nothing to act on without a snapshot.
        var empty = UIState()
        #expect(Reducer.handle("f", state: &empty, snapshot: nil).isEmpty)
    }

    @Test func pauseStepAndSpeed() {
        var state = start()
        #expect(press([" "], &state) == [.send(.setPaused(true))])
        #expect(press(["."], &state) == [.send(.step(seconds: 0.1))])
        #expect(press([" "], &state) == [.send(.setPaused(false))])
        // Step while running pauses first.
        #expect(press(["."], &state) == [.send(.setPaused(true)), .send(.step(seconds: 0.1))])
        #expect(state.paused)
        // 10x is the fixture's speed.
        #expect(press(["+", "+"], &state) == [.send(.setSpeed(20)), .send(.setSpeed(50))])
        #expect(press(["-", "_", "-"], &state) == [.send(.setSpeed(20)), .send(.setSpeed(10)), .send(.setSpeed(5))])
        state.speed = 1000
        #expect(press(["+", "+"], &state) == [.send(.setSpeed(.infinity))])
        state.speed = 0.1
        #expect(press(["-"], &state).isEmpty)
        state.speed = 3  // between steps: the nearest step, then one up
        #expect(press(["+"], &state) == [.send(.setSpeed(5))])
    }

    @Test func focusPagingAndScrollOn64Instances() {
        let big = Fixtures.snapshot(instances: 64)
        var state = Fixtures.state(for: big)
        Reducer.layout(&state, DashboardView.Layout(tableRows: 10, helpMaxScroll: 0))
        _ = Reducer.handle(.pageDown, state: &state, snapshot: big)
        #expect(state.focus == 9)
        #expect(state.scroll == 0)
        _ = Reducer.handle(.down, state: &state, snapshot: big)
        #expect(state.focus == 10)
        #expect(state.scroll == 1)
        _ = Reducer.handle(.end, state: &state, snapshot: big)
        #expect(state.focus == 64)
        #expect(state.scroll == 55)
        _ = Reducer.handle("k", state: &state, snapshot: big)
        _ = Reducer.handle(.home, state: &state, snapshot: big)
        #expect(state.focus == 0)
        #expect(state.scroll == 0)
        _ = Reducer.handle(.up, state: &state, snapshot: big)
        #expect(state.focus == 0)
        // A taller terminal shows more rows: the scroll follows.
        _ = Reducer.handle(.end, state: &state, snapshot: big)
        Reducer.layout(&state, DashboardView.Layout(tableRows: 40, helpMaxScroll: 0))
        #expect(state.scroll == 25)
    }

    @Test func detailsFollowTheFocusAndClose() {
        var state = start()
        #expect(press([.enter], &state) == [.send(.showDetails(instance: 0))])
        #expect(state.overlay == .details)
        // Main keys still work under the details panel.
        #expect(press(["j"], &state) == [.send(.showDetails(instance: 1))])
        #expect(press(["g"], &state) == [.send(.simulation(.setGlobalPolicy("llumnix")))])
        #expect(press([.escape], &state) == [.send(.showDetails(instance: nil))])
        #expect(state.overlay == .none)
        _ = press([.enter], &state)
        #expect(press([.enter], &state) == [.send(.showDetails(instance: nil))])
    }

    @Test func helpOpensClosesScrollsAndBlocksMainKeys() {
        var state = start()
        _ = press(["?"], &state)
        #expect(state.overlay == .help)
        #expect(press(["g", "s", "f"], &state).isEmpty)
        _ = press(["j", "j", "j", "k"], &state)
        #expect(state.helpScroll == 2)
        Reducer.layout(&state, DashboardView.Layout(tableRows: 10, helpMaxScroll: 1))
        #expect(state.helpScroll == 1)
        _ = press([.function(1)], &state)
        #expect(state.overlay == .none)
        _ = press(["?", .escape], &state)
        #expect(state.overlay == .none)
    }

    @Test func quitFromAnywhere() {
        for overlay: UIState.Overlay in [.none, .help, .details, .policyPicker, .spikeEditor] {
            for key: Key in ["q", .function(10), .interrupt] {
                var state = start(overlay)
                _ = press([key], &state)
                #expect(state.quit, "\(key) in \(overlay)")
            }
        }
    }

    @Test func recordingToggles() {
        var state = start()
        // The fixture is recording: r stops it.
        #expect(press(["r"], &state) == [.send(.stopRecording)])
        #expect(press(["r"], &state) == [.send(.startRecording)])
    }

    @Test func redrawAndResizeAskForAFullRepaint() {
        var state = start()
        #expect(press([.control("l")], &state) == [.redraw])
        #expect(press([.resize], &state) == [.redraw])
        #expect(state == start())
    }

    @Test func unknownKeysDoNothing() {
        var state = start()
        #expect(press(["z", "Z", .tab, .control("a")], &state).isEmpty)
        #expect(state == start())
    }
}

/// The key table is the single source of dispatch, hints and help.
@Suite struct KeyTableTests {
    @Test(arguments: [false, true]) func noBindingIsShadowedInItsOwnScope(replay: Bool) {
        for binding in KeyTable.bindings where binding.modes.contains(replay: replay) {
            let overlays: [UIState.Overlay]
            switch binding.scope {
            case .main: overlays = [.none]
            case .anywhere:
                overlays = [
                    .none, .help, .policyPicker, .spikeEditor, .eventLog, .seekPrompt, .sortPicker, .setup, .whatIf,
                ]
            case .details: overlays = [.details]
            case .help: overlays = [.help]
            case .policyPicker: overlays = [.policyPicker]
            case .spikeEditor: overlays = [.spikeEditor]
            case .eventLog: overlays = [.eventLog]
            case .seekPrompt: overlays = [.seekPrompt]
            case .filter: overlays = [.filter]
            case .sortPicker: overlays = [.sortPicker]
            case .setup: overlays = [.setup]
            case .whatIf: overlays = [.whatIf]
            }
            for overlay in overlays {
                for key in binding.keys {
                    #expect(
                        KeyTable.action(for: key, overlay: overlay, replay: replay) == binding.action,
                        "\(key) in \(overlay), replay \(replay)")
                }
            }
        }
    }

    @Test(arguments: [false, true]) func helpAndHintsComeFromTheTable(replay: Bool) {
        let available = KeyTable.bindings.filter { $0.modes.contains(replay: replay) }
        let help = KeyTable.helpSections(.unicode, replay: replay)
        let helpTexts = help.flatMap { $0.rows.map(\.text) }
        #expect(helpTexts == available.map(\.help))
        let hints = KeyTable.hints(.unicode, replay: replay).map(\.label)
        #expect(hints == available.compactMap(\.hint))
        #expect(hints.contains("quit") && hints.contains("help") && hints.contains("pause"))
        #expect(hints.contains("spike") == !replay)
        #expect(hints.contains("back") == replay)
        // The help screen shows them, and only them.
        var s = Fixtures.snapshot()
        s.isReplay = replay
        let text = Fixtures.render(s, Fixtures.state(for: s, overlay: .help), width: 200, height: 80).text
        for binding in KeyTable.bindings {
            #expect(
                text.contains(binding.help) == binding.modes.contains(replay: replay),
                "help and \(binding.help), replay \(replay)")
        }
    }

    @Test func noCtrlLetterDoesAnythingImportant() {
        for binding in KeyTable.bindings
        where binding.keys.contains(where: { if case .control = $0 { true } else { false } }) {
            #expect(binding.action == .redraw)
        }
    }
}

/// The what-if panel's keys: fork, change the horizon (which forks again), choose, switch, close.
@Suite struct WhatIfKeysTests {
    @Test func wForksTheHorizonKeysForkAgainAndEscDropsTheForks() {
        let snapshot = Fixtures.snapshot()
        var state = Fixtures.state(for: snapshot)
        func press(_ keys: [Key]) -> [Effect] { keys.flatMap { Reducer.handle($0, state: &state, snapshot: snapshot) } }
        #expect(press(["w"]) == [.send(.startWhatIf(horizonSeconds: 60))])
        #expect(state.overlay == .whatIf)
        #expect(press(["]"]) == [.send(.startWhatIf(horizonSeconds: 120))])
        #expect(press(["[", "[", "["]) == [60, 30, 10].map { .send(.startWhatIf(horizonSeconds: $0)) })
        #expect(press(["["]).isEmpty)  // the shortest already
        #expect(press([.escape]) == [.send(.stopWhatIf)])
        #expect(state.overlay == .none)
        // Opening the help from the panel closes it, and its forks go too.
        _ = press(["w"])
        #expect(press(["?"]) == [.send(.stopWhatIf)])
        #expect(state.overlay == .help)
    }

    @Test func enterSwitchesToAFinishedCandidateWithANote() throws {
        var snapshot = Fixtures.snapshot()
        let status = try WhatIfOverlayTests.status(done: false)
        snapshot.whatIf = status
        var state = Fixtures.state(for: snapshot)
        func press(_ keys: [Key]) -> [Effect] { keys.flatMap { Reducer.handle($0, state: &state, snapshot: snapshot) } }
        _ = press(["w"])
        // The third candidate's fork is still running: Enter only says so.
        #expect(press(["j", "j", .enter]).isEmpty)
        #expect(state.flash == "round-robin / sarathi: its fork is still running (42%)")
        #expect(state.overlay == .whatIf)
        // Down wraps to the first, up to the last; the first is a global policy not in force.
        #expect(press(["j", "k", "j"]).isEmpty && state.whatIfSelection == 0)
        #expect(state.globalPolicy != "round-robin" && state.localPolicy == "vllm-v0")
        let note = try #require(status.switchNote(0))
        #expect(note.hasPrefix("what-if: switched to round-robin / vllm-v0 (projected over 3 s from 00:05.0: SLO "))
        #expect(
            press([.enter]) == [
                .send(.stopWhatIf), .send(.simulation(.setGlobalPolicy("round-robin"))),
                .send(.simulation(.note(note))),
            ])
        #expect(state.overlay == .none && state.globalPolicy == "round-robin")
    }

    @Test func notOfferedInAReplay() {
        var snapshot = Fixtures.snapshot()
        snapshot.isReplay = true
        var state = Fixtures.state(for: snapshot)
        #expect(Reducer.handle("w", state: &state, snapshot: snapshot).isEmpty)
        #expect(state.overlay == .none)
        #expect(state.flash?.contains("not in a replay") == true)
        #expect(!KeyTable.hints(.ascii, replay: true).contains { $0.action == .openWhatIf })
    }
}
