import Testing

@testable import ClusterSim

@Suite struct QueueOrderTests {
    /// An instance with three waiting requests: (deadline s, prompt, predicted output, arrival s).
    func queue(_ specs: [(Double, Int32, Int32, Double)]) -> (Instance, RequestTable, [Int32]) {
        var inst = bareInstance(blocks: 100_000)
        var table = RequestTable()
        var ids: [Int32] = []
        for (d, p, o, a) in specs {
            let id = enqueue(&inst, &table, prompt: p, output: o, arrival: Time.seconds(a))
            table[id].deadline = Time.seconds(d)
            table[id].predictedOutput = o
            ids.append(id)
        }
        return (inst, table, ids)
    }

    @Test func eddTakesTheEarliestDeadline() {
        let (inst, table, _) = queue([(30, 100, 10, 0), (5, 4000, 900, 0), (20, 100, 10, 0)])
        #expect(inst.nextWaiting(OrderRule(order: .edd), table, now: 0) == 1)
        #expect(inst.nextWaiting(.fcfs, table, now: 0) == 0)
    }

    @Test func mddIsEDDWithSlackAndShortestFirstWhenLate() {
        // Both far from their deadline: the earlier deadline first (EDD-like).
        let (inst, table, _) = queue([(1000, 4000, 900, 0), (900, 4000, 900, 0), (950, 100, 10, 0)])
        #expect(inst.nextWaiting(OrderRule(order: .mdd), table, now: 0) == 1)
        // At t = 2000 s every deadline has passed: max(d, t + p) = t + p, so the shortest first.
        #expect(inst.nextWaiting(OrderRule(order: .mdd), table, now: Time.seconds(2000)) == 2)
        #expect(inst.nextWaiting(OrderRule(order: .edd), table, now: Time.seconds(2000)) == 1)
    }

    @Test func srptTakesTheLeastWorkButAgingRescuesTheLongWait() {
        // A long request that arrived long ago, and a short one that just arrived.
        let (inst, table, ids) = queue([(0, 4000, 900, 0), (0, 100, 10, 300)])
        #expect(inst.nextWaiting(OrderRule(order: .srpt, aging: 0), table, now: Time.seconds(300)) == 1)
        let rates = WorkRates(inst)
        let gap = (rates.remaining(table[ids[0]]) - rates.remaining(table[ids[1]])) / 1e6
        // Aging w: the long one wins once w · 300 s exceeds its extra work.
        #expect(inst.nextWaiting(OrderRule(order: .srpt, aging: gap / 300 * 1.1), table, now: Time.seconds(300)) == 0)
        #expect(inst.nextWaiting(OrderRule(order: .srpt, aging: gap / 300 * 0.9), table, now: Time.seconds(300)) == 1)
    }

    @Test func urgencyTakesTheLeastSlack() {
        // Deadline 10 s with little work vs deadline 12 s with much more work: less slack.
        let (inst, table, ids) = queue([(10, 100, 10, 0), (12, 6000, 1500, 0)])
        let rates = WorkRates(inst)
        #expect(rates.remaining(table[ids[1]]) > 2e6, "the long request needs more than the 2 s between deadlines")
        #expect(inst.nextWaiting(OrderRule(order: .urgency), table, now: 0) == 1)
        #expect(inst.nextWaiting(OrderRule(order: .edd), table, now: 0) == 0)
    }

    @Test func deadlinesComeFromThePredictedLengthNotTheTrueOne() throws {
        // The test tenant's objectives: TTFT 1 s, TPOT 100 ms. A scheduler cannot know the true
        // output length, so the deadline EDD/MDD/urgency read stretches the predicted one.
        var sim = try Simulation(scenario: testScenario(count: 2, rate: 20, duration: 5, local: "edd"))
        var seen: [Int64: Bool] = [:]
        var wrong = 0
        while sim.step() {
            for r in sim.requests.slots where r.outputTokens > 0 && seen[r.serial] == nil {
                let predicted = r.arrival + Time.milliseconds(1000 + 100 * Double(r.predictedOutput - 1))
                if r.deadline != predicted { wrong += 1 }
                seen[r.serial] = r.predictedOutput != r.outputTokens
            }
        }
        #expect(wrong == 0)
        #expect(seen.count > 50 && seen.values.filter { $0 }.count > seen.count / 2)
    }

    @Test func latenessIsJudgedOnTheTrueLength() throws {
        // FCFS never reads deadlines, so how late requests finish cannot depend on the predictor.
        func lateness(_ error: Double) throws -> PolicyMetrics {
            var s = testScenario(gpu: "a10g", count: 1, rate: 14, duration: 10)
            s.policy.params = PolicyParams(["prediction_error": error])
            var sim = try Simulation(scenario: s)
            sim.runToEnd()
            return sim.policyMetrics
        }
        let exact = try lateness(0), noisy = try lateness(1)
        #expect(exact.deadlined > 50 && exact.late > 0)
        #expect(noisy.deadlined == exact.deadlined && noisy.late == exact.late)
        #expect(noisy.tardiness == exact.tardiness)
    }

    @Test func predictionsAreNoisyButIdenticalAcrossPolicies() throws {
        func predictions(_ local: LocalPolicyID, _ error: Double) throws -> [Int32: Int32] {
            var s = testScenario(count: 2, rate: 20, duration: 5, local: local)
            s.policy.params = PolicyParams(["prediction_error": error])
            var sim = try Simulation(scenario: s)
            var seen: [Int32: Int32] = [:]
            while sim.step() {
                for r in sim.requests.slots where r.outputTokens > 0 {
                    seen[Int32(truncatingIfNeeded: r.serial)] = r.predictedOutput
                }
            }
            return seen
        }
        let a = try predictions("vllm-v0", 0.5), b = try predictions("mdd", 0.5)
        #expect(a == b && a.count > 50)
        let exact = try predictions("vllm-v0", 0)
        #expect(exact != a)
        var s = testScenario(count: 2, rate: 20, duration: 5)
        s.policy.params = PolicyParams(["prediction_error": 0])
        var sim = try Simulation(scenario: s)
        sim.run(until: Time.seconds(2))
        #expect(sim.requests.slots.allSatisfy { $0.predictedOutput == $0.outputTokens || $0.outputTokens == 0 })
    }
}
