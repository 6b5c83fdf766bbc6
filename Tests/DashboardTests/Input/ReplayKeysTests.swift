import ClusterSim
import Testing

@testable import Dashboard

/// Keys in a replay: the keys that would change the cluster only say so, the seek keys send
/// seeks, and the full-screen log scrolls and follows.
@Suite struct ReplayKeysTests {
    func replayState(_ overlay: UIState.Overlay = .none) -> (UIState, DashboardSnapshot) {
        var s = Fixtures.snapshot()
        s.isReplay = true
        return (Fixtures.state(for: s, overlay: overlay), s)
    }

    func press(_ keys: [Key], _ state: inout UIState, _ s: DashboardSnapshot) -> [Effect] {
        keys.flatMap { Reducer.handle($0, state: &state, snapshot: s) }
    }

    @Test func liveOnlyKeysDoNothingInAReplayAndSaySo() {
        var (state, s) = replayState()
        let before = state
        for key: Key in ["g", "l", "s", "f", "a", "d", "r", "p", "S"] {
            #expect(press([key], &state, s).isEmpty, "\(key)")
            #expect(state.flash?.hasSuffix("not in a replay") == true, "\(key): \(state.flash ?? "nil")")
            #expect(state.overlay == .none)
        }
        #expect(state.globalPolicy == before.globalPolicy && state.localPolicy == before.localPolicy)
        // The next key clears the message.
        _ = press([.down], &state, s)
        #expect(state.flash == nil)
        // The hint bar says it, then the way to help and out.
        _ = press(["g"], &state, s)
        let bar = Fixtures.render(s, state, width: 100, height: 30).row(29)
        #expect(bar.hasPrefix("g (next global policy (dispatch)): not in a replay"), "\(bar)")
        #expect(bar.hasSuffix("? help  q quit"), "\(bar)")
    }

    @Test func seekKeysSendSeeksInAReplayAndAreSpikeKeysLive() {
        var (state, s) = replayState()
        #expect(press(["{"], &state, s) == [.send(.seek(.by(seconds: -10)))])
        #expect(press(["}"], &state, s) == [.send(.seek(.by(seconds: 10)))])
        #expect(press(["["], &state, s) == [.send(.seek(.previousCommand))])
        #expect(press(["]"], &state, s) == [.send(.seek(.nextCommand))])
        // Step back pauses first.
        state.paused = false
        #expect(press(["b"], &state, s) == [.send(.setPaused(true)), .send(.seek(.by(seconds: -0.1)))])
        #expect(press(["b"], &state, s) == [.send(.seek(.by(seconds: -0.1)))])
        // Live, the same keys size the spike, and b only says it works in a replay.
        var live = Fixtures.state(for: Fixtures.snapshot())
        #expect(press(["]", "}"], &live, Fixtures.snapshot()).isEmpty)
        #expect(live.spikeFactor == 4 && live.spikeSeconds == 60)
        #expect(press(["b"], &live, Fixtures.snapshot()).isEmpty)
        #expect(live.flash?.hasSuffix("only in a replay") == true)
    }

    @Test func goToATypedTime() {
        var (state, s) = replayState()
        #expect(press(["T", "1", ":", "1", "5", "x", .backspace, ".", "5"], &state, s).isEmpty)
        #expect(state.overlay == .seekPrompt && state.seekText == "1:1.5")
        _ = press([.backspace, .backspace, "5"], &state, s)
        #expect(state.seekText == "1:15")
        #expect(press([.enter], &state, s) == [.send(.seek(.to(seconds: 75)))])
        #expect(state.overlay == .none)
        // A bad time keeps the prompt open and says why.
        _ = press(["T", ":", ":", ":"], &state, s)
        #expect(press([.enter], &state, s).isEmpty)
        #expect(state.overlay == .seekPrompt && state.flash?.hasPrefix("not a time") == true)
        _ = press([.escape], &state, s)
        #expect(state.overlay == .none)
    }

    @Test func typedTimes() {
        #expect(UIState.seconds(typed: "75") == 75)
        #expect(UIState.seconds(typed: "75.5") == 75.5)
        #expect(UIState.seconds(typed: "1:15") == 75)
        #expect(UIState.seconds(typed: "1:02:03") == 3723)
        #expect(UIState.seconds(typed: "1:75") == nil)
        #expect(UIState.seconds(typed: "1.5:00") == nil)
        #expect(UIState.seconds(typed: "") == nil)
        #expect(UIState.seconds(typed: "1:2:3:4") == nil)
    }
}

/// The full-screen event log: newest at the bottom, following until scrolled up.
@Suite struct EventLogOverlayTests {
    func snapshot(lines: Int) -> DashboardSnapshot {
        var s = Fixtures.snapshot()
        s.log = (0..<lines).map { LogLine(time: SimTime($0) * 1_000_000, text: "line \($0)", kind: .info) }
        return s
    }

    func press(_ keys: [Key], _ state: inout UIState, _ s: DashboardSnapshot) {
        for key in keys {
            _ = Reducer.handle(key, state: &state, snapshot: s)
            // As the app does after every key: the frame's layout clamps the state.
            var buffer = ScreenBuffer(width: 80, height: 24)
            DashboardApp.compose(s, &state, glyphs: .unicode, into: &buffer)
        }
    }

    @Test func opensFollowsScrollsAndCloses() {
        let s = snapshot(lines: 100)
        var state = Fixtures.state(for: s)
        press(["e"], &state, s)
        #expect(state.overlay == .eventLog)
        var screen = Fixtures.render(s, state, width: 80, height: 24)
        // The body between the header (3 rows) and the hint bar: a box of 20 rows, 18 lines inside.
        #expect(state.logRows == 18)
        #expect(screen.text.contains("Event log: following"))
        #expect(screen.row(21).contains("line 99") && screen.row(4).contains("line 82"), "\(screen.text)")
        press(["k", "k"], &state, s)
        screen = Fixtures.render(s, state, width: 80, height: 24)
        #expect(state.logScroll == 2)
        #expect(screen.row(21).contains("line 97") && screen.text.contains("lines 81-98 of 100, 2 newer below"))
        press([.pageUp], &state, s)
        #expect(state.logScroll == 19)
        press([.home], &state, s)
        screen = Fixtures.render(s, state, width: 80, height: 24)
        #expect(state.logScroll == 82)
        #expect(screen.row(4).contains("line 0 ") && screen.row(21).contains("line 17"), "\(screen.text)")
        press(["j"], &state, s)
        #expect(state.logScroll == 81)
        press([.end], &state, s)
        #expect(state.logScroll == 0)
        press(["e"], &state, s)
        #expect(state.overlay == .none)
    }
}
