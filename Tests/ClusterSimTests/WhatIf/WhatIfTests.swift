import Foundation
import Testing

@testable import ClusterSim

@Suite struct WhatIfTests {
    /// A loaded two-instance cluster forked 10 s in.
    func base() throws -> Simulation {
        var sim = try Simulation(scenario: testScenario(count: 2, rate: 30, duration: 30, seed: 4))
        sim.run(until: Time.seconds(10))
        return sim
    }

    let candidates = WhatIf.candidates(global: ["round-robin", "least-outstanding"], local: ["vllm-v0", "sarathi"])

    /// The instants at which requests arrive in `sim` until `end`.
    func arrivalInstants(_ sim: inout Simulation, until end: SimTime) -> [SimTime] {
        var out: [SimTime] = []
        var seen = sim.metrics.arrived
        while let next = sim.nextEventTime, next <= end {
            sim.step()
            while seen < sim.metrics.arrived {
                out.append(sim.now)
                seen += 1
            }
        }
        return out
    }

    @Test func everyForkSeesTheSameArrivals() throws {
        let whatIf = WhatIf(base: try base(), candidates: candidates, horizonSeconds: 8)
        var sequences: [[SimTime]] = []
        var streamCounts: [[Int64]] = []
        for i in candidates.indices {
            var fork = try whatIf.fork(i)
            sequences.append(arrivalInstants(&fork, until: Time.seconds(18)))
            streamCounts.append(fork.streams.map(\.arrived))
        }
        #expect(sequences[0].count > 100)
        #expect(sequences.allSatisfy { $0 == sequences[0] })
        #expect(streamCounts.allSatisfy { $0 == streamCounts[0] })
    }

    @Test func forksSwitchPoliciesAndLeaveTheBaseAlone() throws {
        let sim = try base()
        let whatIf = WhatIf(base: sim, candidates: candidates, horizonSeconds: 5)
        let fork = try whatIf.fork(3)
        #expect(fork.globalPolicy.id == "least-outstanding")
        #expect(fork.localPolicy.id == "sarathi")
        #expect(whatIf.base.now == sim.now && whatIf.base.globalPolicy.id == "round-robin")
        // The candidate in force keeps the policies as they are.
        let same = try whatIf.fork(0)
        #expect(same.globalPolicy == sim.globalPolicy && same.localPolicy == sim.localPolicy)
    }

    @Test func figuresCoverTheHorizonOnly() throws {
        let sim = try base()
        let results = try WhatIf(base: sim, candidates: [candidates[0]], horizonSeconds: 6).runAll()
        var fork = sim
        fork.run(until: Time.seconds(16))
        let r = results[0]
        #expect(r.isCurrent && r.isBest)
        #expect(r.series.count == 20)
        let tokens = Double(fork.metrics.outputTokens - sim.metrics.outputTokens) / 6
        #expect(abs(r.figures.outputTokensPerSecond - tokens) < 1e-6)
        #expect(r.figures.preemptions == fork.totalPreemptions - sim.totalPreemptions)
        let horizonTTFT = fork.metrics.ttft.since(sim.metrics.ttft)
        #expect(horizonTTFT.count > 0 && horizonTTFT.count < fork.metrics.ttft.count)
        #expect(r.figures.ttftP99Milliseconds == Double(horizonTTFT.quantile(0.99)) / 1000)
    }

    @Test func theTailWithTheWaitingCountsRequestsStillQueuedAtTheEnd() throws {
        // Two instances at ten times what they serve: a queue builds that the horizon cannot clear.
        var sim = try Simulation(scenario: testScenario(count: 2, rate: 300, duration: 30, seed: 4))
        sim.run(until: Time.seconds(5))
        let r = try WhatIf(base: sim, candidates: [candidates[0]], horizonSeconds: 5).runAll()[0]
        var fork = sim
        fork.run(until: Time.seconds(10))
        var expected = fork.metrics.tenants[0].ttft.since(sim.metrics.tenants[0].ttft)
        var queued = 0
        for (id, q) in fork.requests.slots.enumerated() where fork.requests.isLive(Int32(id)) && q.firstToken < 0 {
            expected.record(fork.now - q.arrival)
            queued += 1
        }
        #expect(queued > 100)
        let tenant = r.figures.tenants[0]
        #expect(tenant.ttftP99WithWaitingMilliseconds == Double(expected.quantile(0.99)) / 1000)
        // Many queued requests: the two tails differ (the queued ones count at their waits so far).
        #expect(tenant.ttftP99WithWaitingMilliseconds != tenant.ttftP99Milliseconds)
    }

    @Test func theParallelRunMatchesTheSequentialOneInCandidateOrder() throws {
        let whatIf = WhatIf(base: try base(), candidates: candidates, horizonSeconds: 5)
        let sequential = try whatIf.runAll()
        let run = WhatIfRun(whatIf)
        let parallel = try #require(run.wait())
        #expect(parallel == sequential)
        #expect(parallel.map(\.candidate) == candidates)
        #expect(parallel.filter(\.isBest).count == 1)
        #expect(run.progress == [1, 1, 1, 1])
        #expect(run.isDone && !run.isCancelled)
    }

    @Test func workersOfOnesOwnRunEachCandidateOnceInCandidateOrder() throws {
        let whatIf = WhatIf(base: try base(), candidates: candidates, horizonSeconds: 4)
        let sequential = try whatIf.runAll()
        // One worker, as the dashboard has on two cores: the same results as all at once.
        #expect(WhatIfRun(whatIf).wait(workers: 1) == sequential)
        // Three threads of one's own, pulling candidates until none is left.
        let run = WhatIfRun(whatIf)
        let group = DispatchGroup()
        for _ in 0..<3 {
            Thread {
                group.enter()
                run.work()
                group.leave()
            }.start()
        }
        while !run.isDone { usleep(1000) }
        group.wait()
        #expect(run.results.map { $0! } == sequential)
        #expect(run.progress == [1, 1, 1, 1])
    }

    @Test func aCancelledRunStopsAndGivesNothing() throws {
        let run = WhatIfRun(WhatIf(base: try base(), candidates: candidates, horizonSeconds: 60))
        run.cancel()
        #expect(run.wait() == nil)
        #expect(run.isDone && run.isCancelled)
        #expect(run.progress.allSatisfy { $0 <= 1.0 / 20 })
    }

    @Test func theBackgroundRunReportsThroughItsCompletion() throws {
        let run = WhatIfRun(WhatIf(base: try base(), candidates: candidates, horizonSeconds: 3))
        let finished = DispatchSemaphore(value: 0)
        run.start { results in
            #expect(results?.count == 4)
            finished.signal()
        }
        finished.wait()
        #expect(run.isDone && run.results.allSatisfy { $0 != nil })
    }

    @Test func theBestRuleRanksAttainmentThenTailTTFT() {
        func figures(_ slo: Double?, _ ttft: Double) -> HorizonFigures {
            HorizonFigures(
                ttftP99Milliseconds: ttft, tbtP99Milliseconds: 0, sloAttainment: slo, outputTokensPerSecond: 0,
                preemptions: 0, tenants: [])
        }
        #expect(WhatIf.ranks(figures(0.9, 900), before: figures(0.8, 100)))
        #expect(WhatIf.ranks(figures(0.9, 100), before: figures(0.9, 200)))
        #expect(WhatIf.ranks(figures(nil, 100), before: figures(0.99, 100)))
        #expect(!WhatIf.ranks(figures(0.9, 200), before: figures(0.9, 100)))
    }

    @Test func aRecordingRebuiltAtAnInstantIsTheLiveClusterThen() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whatif-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = RecordingTests.scenarioText.replacingOccurrences(of: "duration_s: 40", with: "duration_s: 20")
        var session = Session(try Simulation(scenario: try ScenarioParser.parse(text, file: "rec.yaml")))
        try session.startRecording(path: path, baseDirectory: "/", checkpointSeconds: 5)
        session.advance(to: Time.seconds(4))
        session.apply(.setLocalPolicy("sarathi"))
        session.advance(to: Time.seconds(9))
        session.apply(.setGlobalPolicy("least-outstanding"))
        session.advance(to: Time.seconds(12))
        let live = session.sim
        session.runToEnd()
        let rebuilt = try Recording.load(path: path).simulation(at: Time.seconds(12))
        #expect(rebuilt.localPolicy.id == "sarathi" && rebuilt.globalPolicy.id == "least-outstanding")
        #expect(Recording.figures(rebuilt).map(\.value) == Recording.figures(live).map(\.value))
    }
}
