import ClusterSim
import Foundation
import Testing

@testable import Dashboard

/// The details panel shows an instance's speculative decoding: method, k and acceptance.
@Suite struct SpeculativeDetailTests {
    static func driver(speculative: Bool) throws -> SimulationDriver {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Scenarios/speculative-decoding.yaml")
        var s = try ScenarioParser.parse(
            try String(contentsOf: url, encoding: .utf8), file: "speculative-decoding.yaml")
        if !speculative { s.cluster[0].engine.speculative = nil }
        var driver = SimulationDriver(simulation: try Simulation(scenario: s))
        driver.advance(to: Time.seconds(20))
        return driver
    }

    @Test func theDetailsCarryTheAcceptanceOfTheInstance() throws {
        let driver = try Self.driver(speculative: true)
        let spec = try #require(driver.snapshot(clock: RunClock(), detail: 0).detail?.speculative)
        #expect(spec.method == "eagle" && spec.tokens == 4)
        #expect(spec.draftTokens > 0 && spec.acceptedTokens < spec.draftTokens)
        let instance = try #require(driver.session.sim.instances[0].speculation)
        #expect(spec.acceptanceRate == instance.acceptanceRate)
        var state = UIState()
        state.overlay = .details
        state.focus = 0
        let text = DashboardApp.frame(driver, width: 100, height: 30, glyphs: .unicode, state: state).text
        #expect(text.contains("speculative eagle k=4  acceptance \(Format.percent(spec.acceptanceRate!))"))
    }

    @Test func anInstanceWithoutSpeculationShowsNoSuchLine() throws {
        let driver = try Self.driver(speculative: false)
        #expect(driver.snapshot(clock: RunClock(), detail: 0).detail?.speculative == nil)
        var state = UIState()
        state.overlay = .details
        let text = DashboardApp.frame(driver, width: 100, height: 30, glyphs: .unicode, state: state).text
        #expect(text.contains("iterations"))
        #expect(!text.contains("acceptance"))
    }
}
