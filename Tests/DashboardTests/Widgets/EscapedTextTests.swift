import ClusterSim
import Testing

@testable import Dashboard

/// Names from scenarios and recordings reach the screen escaped, never as control characters.
@Suite struct EscapedTextTests {
    static let clear = "\u{1B}[2J"

    func hostile() -> DashboardSnapshot {
        var s = Fixtures.snapshot(detail: true)
        s.scenario = "demo" + EscapedTextTests.clear
        s.tenants[0].name = EscapedTextTests.clear
        s.instances[0].gpu = "h\u{9B}2J"  // C1: a one-character CSI
        s.instances[0].model = "m\u{07}"
        s.log.append(LogLine(time: 99_900_000, text: "tenant " + EscapedTextTests.clear + " added", kind: .info))
        s.detail?.gpuName = "gpu\u{1B}]0;title\u{07}"
        s.detail?.running[0].tenant = EscapedTextTests.clear
        return s
    }

    @Test func aTenantNamedEscClearScreenIsShownEscaped() {
        let s = hostile()
        for overlay: UIState.Overlay in [.none, .details] {
            for (width, height) in [(80, 24), (120, 40), (200, 60)] {
                let frame = Fixtures.render(
                    s, Fixtures.state(for: s, overlay: overlay, focus: 0), width: width, height: height)
                let controls = frame.cells.filter { $0.scalar.value < 0x20 || (0x7F...0x9F).contains($0.scalar.value) }
                #expect(controls.isEmpty, "\(overlay) \(width)x\(height)")
            }
        }
        let main = Fixtures.render(s, Fixtures.state(for: s), width: 200, height: 60).text
        #expect(main.contains("demo\\u{1B}[2J"), "scenario")
        #expect(main.contains("\\u{1B}[2J added"), "log line")
        #expect(main.contains("\\u{1B}… "), "tenant, cut to its column")
        #expect(main.contains("h\\u{9B}2J"), "GPU")
        let details = Fixtures.render(s, Fixtures.state(for: s, overlay: .details, focus: 3), width: 120, height: 40)
            .text
        #expect(details.contains("gpu\\u{1B}]0;title\\u{07}"), "detail GPU name")
        #expect(details.contains("r3000    \\u{1B}[2J    512"), "detail tenant")
    }

    /// Escaping is for the screen only: the reducer's snapshot keeps the raw ids it sends back.
    @Test func commandsKeepTheRawIds() {
        let s = hostile()
        var state = Fixtures.state(for: s, focus: 0)
        let effects = Reducer.reduce(.addInstance, state: &state, snapshot: s)
        #expect(effects == [.send(.simulation(.add(gpu: "h\u{9B}2J", model: "m\u{07}", tensorParallel: 1)))])
        #expect(s.escapingControlCharacters().escapingControlCharacters() == s.escapingControlCharacters())
    }
}
