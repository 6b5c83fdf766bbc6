import ClusterSim
import Testing

@testable import Dashboard

/// What the dashboard shows and sends for disaggregated serving: the pool column, KV hand-off
/// badges, the decode choice in the header, and the `R` and `D` keys.
@Suite struct DisaggregationWidgetTests {
    static func disaggregated() -> DashboardSnapshot {
        var s = Fixtures.snapshot()
        for i in s.instances.indices { s.instances[i].role = i < 2 ? .prefill : .decode }
        s.instances[1].switchingTo = .decode
        s.instances[0].sendingKVTo = [5]
        s.instances[5].receivingKVFrom = [0]
        s.decodeChoice = .transferAware
        return s
    }

    @Test func thePoolColumnAndTheHandoffBadgesShowOnlyWhenTheClusterIsDisaggregated() {
        let state = Fixtures.state(for: Self.disaggregated())
        let text = Fixtures.render(Self.disaggregated(), state, width: 120, height: 40).text
        #expect(text.contains("POOL"))
        #expect(text.contains(" P>D "))
        #expect(text.contains("KV→5"))
        #expect(text.contains("KV←0"))
        #expect(text.contains("decode transfer-aware"))
        let plain = Fixtures.snapshot()
        let plainText = Fixtures.render(plain, Fixtures.state(for: plain), width: 120, height: 40).text
        #expect(!plainText.contains("POOL") && !plainText.contains("decode "))
    }

    @Test func rMovesTheFocusedInstanceToTheNextPoolAndDCyclesTheDecodeChoice() {
        let s = Self.disaggregated()
        var state = Fixtures.state(for: s, focus: 1)
        // Instance 1 is already on its way to decode: the next pool after that is mixed.
        #expect(
            Reducer.handle("R", state: &state, snapshot: s) == [.send(.simulation(.setRole(instance: 1, role: .mixed)))]
        )
        state.focus = 3
        #expect(
            Reducer.handle("R", state: &state, snapshot: s) == [.send(.simulation(.setRole(instance: 3, role: .mixed)))]
        )
        state.focus = 0
        #expect(
            Reducer.handle("R", state: &state, snapshot: s) == [
                .send(.simulation(.setRole(instance: 0, role: .decode)))
            ])
        #expect(Reducer.handle("D", state: &state, snapshot: s) == [.send(.simulation(.setDecodeChoice(.leastLoaded)))])
        #expect(state.flash == "decode choice: least-loaded")
        // Replays do not change the cluster.
        var replay = Fixtures.state(for: s)
        replay.isReplay = true
        #expect(Reducer.handle("R", state: &replay, snapshot: s).isEmpty)
    }
}
