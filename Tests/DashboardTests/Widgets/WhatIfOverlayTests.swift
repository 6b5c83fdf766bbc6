import ClusterSim
import Testing

@testable import Dashboard

/// The what-if panel read off the screen as text: the candidates, their figures, the best and
/// the current one marked, each fork's progress, and the keys.
@Suite struct WhatIfOverlayTests {
    /// The default scenario forked 5 s in, three candidates run 3 s ahead; the last one's fork is
    /// shown still running at 42% unless `done`.
    static func status(done: Bool) throws -> WhatIfStatus {
        var sim = try Simulation(scenario: try defaultScenario())
        sim.run(until: Time.seconds(5))
        let candidates =
            WhatIf.candidates(global: ["round-robin", "least-outstanding"], local: ["vllm-v0"]) + [
                WhatIf.Candidate(global: "round-robin", local: "sarathi")
            ]
        let results = try WhatIf(base: sim, candidates: candidates, horizonSeconds: 3).runAll()
        var rows = results.map { WhatIfStatus.Row(candidate: $0.candidate, progress: 1, result: $0) }
        if !done {
            rows[2].progress = 0.42
            rows[2].result = nil
            for i in rows.indices { rows[i].result?.isBest = false }
        }
        return WhatIfStatus(
            forkedAt: Time.seconds(5), horizonSeconds: 3, rows: rows, current: candidates[0], workers: 1, done: done)
    }

    func frame(_ status: WhatIfStatus?, width: Int = 100, height: Int = 30, selection: Int = 0) -> [String] {
        var s = Fixtures.snapshot()
        s.whatIf = status
        var state = Fixtures.state(for: s, overlay: .whatIf)
        state.whatIfSelection = selection
        return Fixtures.render(s, state, width: width, height: height).text.split(separator: "\n").map(String.init)
    }

    @Test func eachCandidateShowsItsFiguresOrItsProgress() throws {
        let status = try Self.status(done: false)
        let lines = frame(status)
        let title = try #require(lines.first { $0.contains("What-if from") })
        #expect(title.contains("What-if from 00:05.0, next 3 s"))
        #expect(title.contains("3 forks on 1 thread"))
        #expect(title.contains("81%"))  // (1 + 1 + 0.42) / 3
        let current = try #require(lines.first { $0.contains("round-robin / vllm-v0") })
        #expect(current.contains("▸ =round-robin / vllm-v0"))
        let f = try #require(status.rows[0].result?.figures)
        #expect(current.contains(Format.duration(milliseconds: f.ttftP99Milliseconds)))
        #expect(current.contains("100%"))
        #expect(current.contains { "▁▂▃▄▅▆▇█".contains($0) }, "no sparkline: \(current)")
        let running = try #require(lines.first { $0.contains("round-robin / sarathi") })
        #expect(running.contains("42%"))
        #expect(!running.contains("ms"))
        #expect(lines.contains { $0.contains("⏎ switch to it") && $0.contains("Esc close") })
        // Nothing is marked best until every fork has finished.
        #expect(!lines.contains { $0.contains(" * ") || $0.contains("▸* ") })
    }

    @Test func theBestIsMarkedOnceAllHaveFinished() throws {
        let status = try Self.status(done: true)
        let best = try #require(status.rows.firstIndex { $0.result?.isBest == true })
        let lines = frame(status, selection: 1)
        #expect(try #require(lines.first { $0.contains("What-if from") }).contains("done"))
        let row = try #require(lines.first { $0.contains(status.rows[best].candidate.label) })
        #expect(row.contains("*"), "the best row is not marked: \(row)")
        #expect(lines.filter { $0.contains("│▸") }.count == 1)
        #expect(lines.first { $0.contains("│▸") }?.contains(status.rows[1].candidate.label) == true)
    }

    @Test func itFitsEightyColumnsAndSaysWhenItIsStarting() throws {
        let lines = frame(try Self.status(done: true), width: 80, height: 24)
        let row = try #require(lines.first { $0.contains("least-outstanding / vllm-v0") })
        #expect(row.contains("%") && row.contains("ms"), "figures cut at 80 columns: \(row)")
        #expect(frame(nil).contains { $0.contains("forking the cluster...") })
    }
}
