import Foundation
import Testing

@testable import ClusterSim

@Suite struct WorkflowTests {
    @Test func text2SQLPlansHaveTheStageShapes() {
        let plan = Text2SQLPlan(revisions: 3, evaluations: 5)
        let steps = (0..<plan.stepCount).map { plan.step($0) }
        #expect(
            steps.map(\.stage.name) == [
                "keyword_extraction", "information_retrieval", "information_retrieval", "information_retrieval",
                "information_retrieval", "candidate_generation", "revision", "revision", "revision",
                "unit_test_generation",
                "evaluation", "selection",
            ])
        #expect(steps.map(\.calls) == [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 5, 1])
        #expect(plan.callCount == 17)
        #expect(Text2SQLPlan(revisions: 0, evaluations: 4).callCount == 13)
        #expect(Text2SQLPlan(revisions: 9, evaluations: 6).callCount == 24)
        #expect(WorkflowSpec.maxCallTokens == 12740)
    }

    static let yaml = """
        name: sql
        seed: 4
        duration_s: 120
        cluster:
          - {gpu: a100-80g, model: qwen2.5-14b, count: 1}
          - {gpu: l40s, model: qwen2.5-14b, count: 1}
        policy: {global: hexgen, local: urgency}
        tenants:
          - {name: analyst, slo: {ttft_ms: 10000, tpot_ms: 200}}
        workload:
          - tenant: analyst
            workflow: text2sql
            arrival: {process: poisson, rate: 0.1}
            slo_scale: 3
        """

    @Test func stagesAreReleasedInOrderWithStageDeadlines() throws {
        var sim = try Simulation(scenario: try ScenarioParser.parse(Self.yaml, file: "sql.yaml"))
        // Per workflow, the stages of the calls in the order they arrive, and their deadlines.
        var calls: [Int64: [(stage: UInt8, arrival: SimTime, deadline: SimTime)]] = [:]
        var known = Set<Int64>()
        while sim.step() {
            #expect(sim.invariantViolations() == [])
            for inst in sim.instances {
                for id in inst.waiting where !known.contains(sim.requests[id].serial) {
                    let r = sim.requests[id]
                    known.insert(r.serial)
                    let w = sim.workflows.table[r.workflow]
                    calls[w.serial, default: []].append((r.stage, r.arrival, r.deadline))
                    #expect(r.deadline > r.arrival && r.deadline <= max(w.deadline, r.arrival + 1))
                }
            }
        }
        #expect(sim.policyMetrics.workflowsCompleted >= 3)
        #expect(sim.policyMetrics.workflowsCompleted == sim.policyMetrics.workflowsArrived)
        for (_, list) in calls {
            // Stages never go backwards, and the two candidates arrive together.
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.stage <= $1.stage && $0.arrival <= $1.arrival })
            let candidates = list.filter { $0.stage == Text2SQLStage.candidateGeneration.rawValue }
            #expect(candidates.count == 2 && candidates[0].arrival == candidates[1].arrival)
            #expect(list.count >= 13 && list.count <= 24)
        }
        let report = Report(sim)
        #expect(report.double("workflows.completed") == Double(sim.policyMetrics.workflowsCompleted))
        #expect(report.double("workflows.slo_attainment") != nil && report.double("workflows.e2e_ms.p50")! > 0)
        #expect(report.tableText.contains("workflows"))
    }

    @Test func workflowsAreIdenticalWhateverThePolicies() throws {
        // The calls' lengths come from each workflow's own stream: the same under every policy.
        func callLengths(_ global: GlobalPolicyID, _ local: LocalPolicyID) throws -> [Int64: [Int32]] {
            var s = try ScenarioParser.parse(Self.yaml, file: "sql.yaml")
            s.policy = PolicySpec(global: global, local: local)
            var sim = try Simulation(scenario: s)
            var lengths: [Int64: [Int32]] = [:]
            var known = Set<Int64>()
            while sim.step() {
                for inst in sim.instances {
                    for id in inst.waiting where !known.contains(sim.requests[id].serial) {
                        known.insert(sim.requests[id].serial)
                        lengths[sim.workflows.table[sim.requests[id].workflow].serial, default: []].append(
                            sim.requests[id].promptTokens)
                    }
                }
            }
            return lengths.mapValues { $0.sorted() }
        }
        let a = try callLengths("round-robin", "vllm-v0"), b = try callLengths("hexgen", "urgency")
        #expect(a == b && !a.isEmpty)
    }

    @Test func reportsWithoutWorkflowsHaveNoWorkflowSection() throws {
        var sim = try Simulation(scenario: testScenario(duration: 2))
        sim.runToEnd()
        #expect(Report(sim).json.value(at: "workflows") == nil)
        #expect(Report(sim).double("tardiness.total_s") != nil && Report(sim).double("prefix_cache.hit_rate") == 0)
    }

    @Test func aModelWithTooShortAContextIsRefused() {
        let text = Self.yaml.replacingOccurrences(of: "qwen2.5-14b", with: "llama3-8b")
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse(text, file: "sql.yaml") }
        do {
            _ = try ScenarioParser.parse(text, file: "sql.yaml")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "sql.yaml:12:15: workload[0].workflow: text2sql calls need up to 12740 tokens of context, but llama3-8b has 8192"
                ))
        }
        let both = Self.yaml.replacingOccurrences(of: "slo_scale: 3", with: "slo_scale: 3\n    deadline_s: 60")
        #expect(throws: ScenarioError.self) { try ScenarioParser.parse(both, file: "sql.yaml") }
    }
}
