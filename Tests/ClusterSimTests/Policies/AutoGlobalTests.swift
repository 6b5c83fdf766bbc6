import Foundation
import Testing

@testable import ClusterSim

@Suite struct AutoGlobalTests {
    func auto(_ values: [String: Double] = [:]) throws -> AutoGlobal {
        try AutoGlobal(params: PolicyParams(values))
    }

    func tenant(_ slo: Double?, ttft: Double, arrived: Int64 = 10) -> HorizonFigures.Tenant {
        HorizonFigures.Tenant(
            arrived: arrived, sloAttainment: slo, ttftP99Milliseconds: ttft, ttftP99WithWaitingMilliseconds: ttft)
    }

    func figures(_ tenants: [HorizonFigures.Tenant]) -> HorizonFigures {
        HorizonFigures(
            ttftP99Milliseconds: 0, tbtP99Milliseconds: 0, sloAttainment: nil, outputTokensPerSecond: 0,
            preemptions: 0, tenants: tenants)
    }

    @Test func candidatesAreEveryFixedPolicyOrTheSelectedOnesOrTheAlphaGrid() throws {
        #expect(try auto().names == GlobalPolicy.ids.filter { $0 != "auto" })
        #expect(try auto(["auto_candidates": 0b1010]).names == ["least-outstanding", "llumnix"])
        let grid = try auto(["auto_alpha_grid": 1])
        #expect(grid.names.count == 6)
        #expect(
            grid.candidates.map { if case .hexgen(let h) = $0 { h.alpha } else { -1 } } == [0, 0.1, 0.2, 0.3, 0.4, 0.5])
        #expect(throws: PolicyParamError.self) { try auto(["auto_candidates": 0b1000000]) }
    }

    /// The pair of policies `global` and `local` put in force with `values`.
    func built(_ global: GlobalPolicyID, _ local: LocalPolicyID, _ values: [String: Double] = [:]) throws -> (
        global: GlobalPolicy, local: LocalPolicy
    ) {
        try PolicyRegistry.policies(global: global, local: local, params: PolicyParams(values))
    }

    @Test func localCandidatesPairEveryGlobalOneWithEachLocalPolicy() throws {
        // The global and the local auto: every selected global policy with each selected local one.
        let both = try built("auto", .auto, ["auto_candidates": 0b10, "auto_locals": 0b11])
        guard case .auto(let a) = both.global else { throw Failure("not auto") }
        #expect(a.names == ["least-outstanding / vllm-v0", "least-outstanding / sarathi"])
        #expect(a.locals.map { $0?.id } == ["vllm-v0", "sarathi"])
        #expect(both.local.id == "vllm-v0")
        // The local auto under a fixed global policy: the batching mechanics by default.
        let local = try built("hexgen", .auto)
        guard case .auto(let l) = local.global else { throw Failure("not auto") }
        #expect(l.names == ["hexgen / vllm-v0", "hexgen / sarathi", "hexgen / vllm-v1"])
        // The global auto alone keeps the local policy; auto_locals applies to the local auto only.
        let global = try built("auto", "sarathi", ["auto_locals": 0b11])
        guard case .auto(let g) = global.global else { throw Failure("not auto") }
        #expect(g.locals.allSatisfy { $0 == nil } && global.local.id == "sarathi")
        #expect(throws: PolicyParamError.self) { try built("hexgen", .auto, ["auto_locals": 0b10000000]) }
        #expect(throws: PolicyParamError.self) { try LocalPolicy(id: .auto) }
    }

    struct Failure: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    @Test func aRunLearningTheLocalPolicySwitchesIt() throws {
        // Long prompts, which vLLM v0 runs whole, stalling the decodes (TPOT misses).
        var s = testScenario(
            count: 2, rate: 40, duration: 30, local: .auto, global: "least-outstanding",
            input: .lognormal(mean: 3000, sigma: 0.8, max: 4096), seed: 3)
        s.policy.params.values = ["auto_interval_s": 5, "auto_horizon_s": 3]
        var sim = try Simulation(scenario: s)
        sim.run(until: Time.seconds(1))
        // The first decision put a candidate's local policy in force.
        let first = try #require(sim.globalPolicy.autoSummary?.timeline.last?.policy)
        #expect(first.hasSuffix(" / \(sim.localPolicy.id)"))
        #expect(runChecked(&sim) == [])
        let summary = try #require(sim.globalPolicy.autoSummary)
        #expect(summary.timeline.last?.policy == "least-outstanding / \(sim.localPolicy.id)")
        #expect(summary.timeline.count > 1, "it tried more than one local policy: \(summary.timelineText)")
        // The report names the policies the scenario named, not the candidate in force.
        let report = Report(sim)
        #expect((report.policy.global, report.policy.local) == ("least-outstanding", "auto"))
    }

    /// A command turns the local auto on and off, rebuilding the global policy around it.
    @Test func aLiveSwitchTurnsTheLocalAutoOnAndOff() throws {
        var s = testScenario(count: 2, rate: 40, duration: 30, global: "llumnix", seed: 3)
        s.policy.params.values = ["auto_interval_s": 5, "auto_horizon_s": 3]
        s.events = [
            TimedEvent(atSeconds: 5, command: .setLocalPolicy(.auto)),
            TimedEvent(atSeconds: 12, command: .setGlobalPolicy("hexgen")),
            TimedEvent(atSeconds: 20, command: .setLocalPolicy("sarathi")),
        ]
        var sim = try Simulation(scenario: s)
        sim.run(until: Time.seconds(6))
        guard case .auto(let a) = sim.globalPolicy else { throw Failure("no auto at 6 s") }
        #expect(a.names.allSatisfy { $0.hasPrefix("llumnix / ") })
        #expect((sim.globalPolicyName, sim.localPolicyName) == ("llumnix", "auto"))
        sim.run(until: Time.seconds(13))
        guard case .auto(let b) = sim.globalPolicy else { throw Failure("no auto at 13 s") }
        #expect(b.names.allSatisfy { $0.hasPrefix("hexgen / ") })
        #expect(runChecked(&sim) == [])
        guard case .hexgen = sim.globalPolicy else { throw Failure("not hexgen at the end") }
        #expect((sim.globalPolicyName, sim.localPolicyName) == ("hexgen", "sarathi"))
    }

    @Test func itSwitchesToTheCandidateTheSurrogateFavoursAndAccountsRegret() throws {
        var a = try auto(["auto_candidates": 0b11, "auto_memory": 1, "auto_rate": 4])
        // Candidate 1 misses fewer SLOs for three decisions running.
        for k in 0..<3 {
            a.decide(
                [figures([tenant(0.5, ttft: 500)]), figures([tenant(1, ttft: 400)])], now: Time.seconds(Double(k) * 20),
                sloTTFT: [1000])
        }
        #expect(a.current == 1)
        // (The first decision, at 0 s, replaced the span that began then.)
        #expect(a.summary.timeline.map(\.policy) == ["least-outstanding"])
        #expect(a.summary.decisions == 3)
        // Both candidates' losses are kept; the chosen one was best every time: no regret.
        let rr = 0.75 * 0.5 + 0.25 * (500.0 / 1500), lo = 0.25 * (400.0 / 1400)
        #expect(abs(a.summary.losses[0] - 3 * rr) < 1e-9 && abs(a.summary.losses[1] - 3 * lo) < 1e-9)
        #expect(abs(a.summary.regret) < 1e-9)
        #expect(a.summary.bestFixed?.name == "least-outstanding")
    }

    @Test func tenantsWeighByTheirShareOfArrivals() throws {
        var a = try auto(["auto_candidates": 0b11, "auto_rate": 50])
        // The busy tenant prefers candidate 1, the quiet one candidate 0.
        let busyLikes1 = [
            figures([tenant(0, ttft: 5000, arrived: 90), tenant(1, ttft: 10, arrived: 10)]),
            figures([tenant(1, ttft: 10, arrived: 90), tenant(0, ttft: 5000, arrived: 10)]),
        ]
        a.decide(busyLikes1, now: 0, sloTTFT: [1000, 1000])
        #expect(a.current == 1)
    }

    @Test func theTailLossKeepsRisingPastTheObjectiveAndCountsTheWaiting() {
        func loss(_ ttft: Double, waiting: Double? = nil) -> Double {
            var t = tenant(1, ttft: ttft)
            t.ttftP99WithWaitingMilliseconds = waiting ?? ttft
            return AutoGlobal.loss(t, ttftObjective: 1000, tailWeight: 1)
        }
        #expect(loss(1000) == 0.5)
        // Far past the objective, a longer tail is still a larger loss (no cap at twice it).
        #expect(loss(4000) < loss(8000) && loss(8000) < 1)
        // Requests left waiting at the horizon's end count against the candidate.
        #expect(loss(500, waiting: 6000) == loss(6000))
        #expect(AutoGlobal.loss(tenant(0.5, ttft: 0), ttftObjective: 1000, tailWeight: 0.25) == 0.375)
    }

    @Test func theFirstDecisionReplacesTheSpanItBeganAt() throws {
        var a = try auto(["auto_candidates": 0b11])
        a.decide([figures([tenant(0.5, ttft: 500)]), figures([tenant(1, ttft: 400)])], now: 0, sloTTFT: [1000])
        #expect(a.summary.timeline == [AutoSummary.Span(startSeconds: 0, policy: "least-outstanding")])
    }

    @Test func withEqualLossesItStaysPut() throws {
        var a = try auto(["auto_candidates": 0b111])
        for _ in 0..<4 { a.decide(Array(repeating: figures([tenant(1, ttft: 10)]), count: 3), now: 0, sloTTFT: [1000]) }
        #expect(a.current == 0 && a.summary.timeline.count == 1)
    }

    @Test func aRunWithAutoDecidesSwitchesAndReportsIt() throws {
        var s = testScenario(count: 3, rate: 40, duration: 30, global: "auto", seed: 2)
        s.policy.params.values = ["auto_interval_s": 5, "auto_horizon_s": 3, "auto_candidates": 0b11]
        var sim = try Simulation(scenario: s)
        #expect(runChecked(&sim) == [])
        let report = Report(sim)
        let summary = try #require(report.auto)
        #expect(report.policy.global == "auto")
        #expect(summary.decisions >= 6)
        #expect(summary.losses.count == 2)
        #expect(report.json.value(at: "auto.regret") != nil)
        #expect(report.tableText.contains("auto: \(summary.decisions) decisions"))
        // Every other policy's report has no auto section.
        #expect(Report(try Simulation(scenario: testScenario())).json.value(at: "auto") == nil)
    }

    @Test func aRecordedSessionWithAutoReplaysExactly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auto-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text =
            RecordingTests.scenarioText.replacingOccurrences(of: "duration_s: 40", with: "duration_s: 25")
            + "\npolicy: {global: auto, params: {auto_interval_s: 4, auto_horizon_s: 2, auto_candidates: 19}}\n"
        var session = Session(try Simulation(scenario: try ScenarioParser.parse(text, file: "rec.yaml")))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 2)
        session.advance(to: Time.seconds(7))
        session.apply(.spike(factor: 2, durationSeconds: 5))
        // The local auto turned on live: the global learner is rebuilt around it.
        session.advance(to: Time.seconds(12))
        session.apply(.setLocalPolicy(.auto))
        session.runToEnd()
        let outcome = try Recording.load(path: path).replay()
        #expect(outcome.divergence == nil)
        #expect(outcome.report.auto == Report(session.sim).auto)
        #expect(outcome.report.policy.local == "auto")
        #expect(outcome.report.auto?.timelineText.contains(" / ") == true)
        #expect(outcome.report.auto?.decisions ?? 0 > 3)
    }
}
