import Testing

@testable import ClusterSim

/// Every policy keeps the simulator's invariants, and a switch at any instant loses or duplicates
/// no request.
@Suite struct PolicySwitchingTests {
    /// A small overloaded cluster of two GPU types with shared prefixes, bursts, a high-priority
    /// tenant and a workflow stream, so every mechanism is exercised.
    static func busyScenario(
        global: GlobalPolicyID, local: LocalPolicyID, events: [TimedEvent] = [], duration: Double = 4
    ) -> Scenario {
        var workflow = StreamSpec(
            tenant: "sql", model: "mistral-7b", arrival: .poisson(rate: 0.5), input: .fixed(value: 1),
            output: .fixed(value: 1))
        workflow.workflow = WorkflowSpec(sloScale: 3)
        return Scenario(
            name: "busy", seed: 3, durationSeconds: duration,
            cluster: [
                InstanceGroup(gpu: "a10g", model: "mistral-7b", count: 2),
                InstanceGroup(gpu: "l40s", model: "mistral-7b", count: 2),
            ],
            policy: PolicySpec(global: global, local: local, params: PolicyParams(["migration_interval_ms": 20])),
            tenants: [
                TenantSpec(name: "chat", slo: SLO(ttftMs: 1000, tpotMs: 100)),
                TenantSpec(name: "vip", priority: .high, slo: SLO(ttftMs: 500, tpotMs: 50)),
                TenantSpec(name: "sql", slo: SLO(ttftMs: 5000, tpotMs: 200)),
            ],
            workload: [
                StreamSpec(
                    tenant: "chat", arrival: .gamma(rate: 10, cv: 4),
                    input: .lognormal(mean: 1200, sigma: 0.8, max: 6000),
                    output: .lognormal(mean: 300, sigma: 0.8, max: 1500),
                    sharedPrefix: SharedPrefixSpec(groups: 4, tokens: 512, skew: 1)),
                StreamSpec(
                    tenant: "vip", arrival: .poisson(rate: 1), input: .uniform(min: 100, max: 800),
                    output: .uniform(min: 20, max: 200)),
                workflow,
            ],
            events: events)
    }

    static let globals = GlobalPolicyID.all
    /// Every registered local policy (each mechanics, each order on vLLM v1) and two orders on
    /// other mechanics.
    static let locals: [LocalPolicyID] = LocalPolicyID.all + ["sarathi+mdd", "vllm-v0+mdd"]

    @Test(arguments: globals)
    func everyGlobalPolicyKeepsTheInvariants(global: GlobalPolicyID) throws {
        // With prefix caching and without, alternately (every local policy is checked below).
        let local: LocalPolicyID = Self.globals.firstIndex(of: global)! % 2 == 0 ? "vllm-v1" : "vllm-v0"
        var sim = try Simulation(scenario: Self.busyScenario(global: global, local: local))
        #expect(runChecked(&sim) == [], "\(global)/\(local)")
        #expect(sim.inFlight == 0 && sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
        #expect(sim.workflows.table.liveCount == 0)
    }

    @Test(arguments: locals)
    func everyLocalPolicyKeepsTheInvariants(local: LocalPolicyID) throws {
        var sim = try Simulation(scenario: Self.busyScenario(global: "llumnix", local: local))
        #expect(runChecked(&sim) == [], "\(local)")
        #expect(sim.inFlight == 0 && sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
        #expect(
            sim.policyMetrics.workflowsArrived == sim.policyMetrics.workflowsCompleted
                + sim.policyMetrics.workflowsFailed)
    }

    @Test func switchingBackAndForthLosesNothing() throws {
        // Switch both kinds of policy every second, through every id, while migrations are in flight.
        var events: [TimedEvent] = []
        for k in 0..<12 {
            events.append(
                TimedEvent(
                    atSeconds: Double(k) * 0.5 + 0.25, command: .setGlobalPolicy(Self.globals[k % Self.globals.count])))
            events.append(
                TimedEvent(
                    atSeconds: Double(k) * 0.5 + 0.4, command: .setLocalPolicy(Self.locals[(k * 3) % Self.locals.count])
                ))
        }
        var sim = try Simulation(scenario: Self.busyScenario(global: "llumnix", local: "vllm-v1", events: events))
        #expect(runChecked(&sim) == [])
        #expect(sim.inFlight == 0)
        #expect(sim.metrics.completed + sim.metrics.rejected == sim.metrics.arrived)
        #expect(sim.activeMigrations.isEmpty)
        #expect(sim.log.contains { $0.text.contains("global policy -> hexgen") })
        // The last switch of each kind is in force at the end.
        #expect(sim.globalPolicy.id == Self.globals[11 % Self.globals.count].rawValue)
        #expect(sim.localPolicy.id == Self.locals[33 % Self.locals.count].rawValue)
    }

    @Test func aSwitchReordersTheQueueAtTheNextDecision() throws {
        // One overloaded instance with a long queue, forked mid-run: the copy switched FCFS -> SRPT
        // names the new policy and admits a different request first from the same queue.
        var sim = try Simulation(
            scenario: testScenario(
                count: 1, rate: 30, duration: 20, local: "vllm-v1",
                input: .lognormal(mean: 1500, sigma: 0.9, max: 6000),
                output: .lognormal(mean: 300, sigma: 1.2, max: 4000)))
        sim.run(until: Time.seconds(8))
        let queued = Array(sim.instances[0].waiting)
        #expect(queued.count > 3, "no queue to reorder")
        var kept = sim, switched = sim
        switched.apply(.setLocalPolicy("srpt"))
        func firstAdmitted(_ s: inout Simulation) -> Int32? {
            while s.step() {
                if let id = s.instances[0].running.first(where: queued.contains) { return id }
            }
            return nil
        }
        let fcfsFirst = firstAdmitted(&kept), srptFirst = firstAdmitted(&switched)
        #expect(kept.localPolicy.id == "vllm-v1" && switched.localPolicy.id == "srpt")
        #expect(fcfsFirst == queued.first)
        #expect(
            srptFirst != nil && srptFirst != fcfsFirst, "the switched copy admitted \(String(describing: srptFirst))")
    }

    @Test func sameInputsGiveIdenticalReportsWithMigrationsAndWorkflows() throws {
        func run() throws -> String {
            let events = [TimedEvent(atSeconds: 3, command: .setLocalPolicy("sarathi+urgency"))]
            var sim = try Simulation(scenario: Self.busyScenario(global: "llumnix", local: "vllm-v1", events: events))
            sim.runToEnd()
            #expect(sim.metrics.migrations > 0)
            return Report(sim).jsonText
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a.contains("\"workflows\"") && a.contains("\"prefix_cache\""))
    }

    @Test func aComparisonMarksTheBestOfEachRow() throws {
        var runs: [PolicyComparison.Run] = []
        for local: LocalPolicyID in ["vllm-v0", "sarathi"] {
            var sim = try Simulation(scenario: testScenario(count: 1, rate: 4, duration: 10, local: local))
            sim.runToEnd()
            runs.append(PolicyComparison.Run(global: "round-robin", local: local.rawValue, report: Report(sim)))
        }
        let c = PolicyComparison(scenario: "test", seed: 1, runs: runs)
        let tbt = PolicyComparison.metrics.first { $0.path == "tbt_ms.p99" }!
        let sarathiBetter = runs[1].report.double("tbt_ms.p99")! < runs[0].report.double("tbt_ms.p99")!
        #expect(c.best(tbt) == [sarathiBetter ? 1 : 0])
        // Equal rows mark nothing; every line fits 80 columns.
        let completed = PolicyComparison.metrics.first { $0.path == "requests.completed" }!
        #expect(c.best(completed) == [])
        #expect(c.tableText.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(c.tableText.contains("A  round-robin / vllm-v0") && c.tableText.contains("*"))
        #expect(c.csvText.hasPrefix("metric,better,round-robin / vllm-v0,round-robin / sarathi\n"))
        #expect(c.json.value(at: "rows") != nil)
        #expect(c.json.rendered() == PolicyComparison(scenario: "test", seed: 1, runs: runs).json.rendered())
    }

    @Test func policyIdsParse() throws {
        for text in LocalPolicy.allIDs where text != LocalPolicyID.auto.rawValue {
            let p = try LocalPolicy(id: try #require(LocalPolicyID(text), "\(text)"))
            // The canonical id names the same policy.
            #expect(try LocalPolicy(id: try #require(LocalPolicyID(p.id))) == p, "\(text) -> \(p.id)")
        }
        #expect(try LocalPolicy(id: "mdd").id == "mdd")
        #expect(try LocalPolicy(id: "vllm-v1+mdd").id == "mdd")
        #expect(try LocalPolicy(id: "sarathi+mdd").id == "sarathi+mdd")
        #expect(LocalPolicyID("sarathi+fifo" as String) == nil)
        #expect(LocalPolicyID("edd+sarathi" as String) == nil)
        for id in GlobalPolicyID.all { #expect(try GlobalPolicy(id: id).id == id.rawValue) }
        // Every id and parameter is in the catalog.
        for id in GlobalPolicy.ids + LocalPolicy.ids { #expect(PolicyRegistry.declaration(id) != nil, "\(id)") }
    }
}
