import Foundation
import Testing

@testable import ClusterSim

/// The registry is the single source of policy ids and parameters, and global policies' periodic
/// work reaches the engine only as `PolicyAction`s.
@Suite struct PolicyRegistryTests {
    /// A policy built from `params`, global or local (a local one with round-robin: the local
    /// `auto` is built as the global policy that learns it), and the id it goes by.
    static func build(_ d: PolicyDeclaration, _ params: [String: Double]) throws -> (AnyHashable, id: String)? {
        switch d.scope {
        case .global:
            return try GlobalPolicyID(d.id).map {
                let p = try GlobalPolicy(id: $0, params: PolicyParams(params))
                return (AnyHashable(p), p.id)
            }
        case .local:
            guard let id = LocalPolicyID(d.id) else { return nil }
            let (g, l) = try PolicyRegistry.policies(global: .roundRobin, local: id, params: PolicyParams(params))
            return (AnyHashable([AnyHashable(g), AnyHashable(l)]), id.isAuto ? id.rawValue : l.id)
        }
    }

    static func isEngineParameter(_ p: PolicyParameter) -> Bool {
        PolicyRegistry.engineParameters.contains { $0.name == p.name }
    }

    @Test func theRegistryListsExactlyThePoliciesThatCanBeBuilt() throws {
        #expect(PolicyRegistry.global.map(\.id) == GlobalPolicy.ids)
        #expect(PolicyRegistry.local.map(\.id) == LocalPolicy.ids + ["auto"])
        #expect(Set(PolicyRegistry.all.map { "\($0.scope) \($0.id)" }).count == PolicyRegistry.all.count)
        for d in PolicyRegistry.all {
            let built = try #require(try Self.build(d, [:]), "\(d.id)")
            #expect(built.id == d.id)
            #expect(!d.summary.isEmpty && !d.source.isEmpty)
        }
    }

    /// What a policy uses when the scenario omits a parameter is the declared default, and every
    /// declared parameter changes the policy it is declared for.
    @Test func everyDeclaredDefaultIsTheOneInForce() throws {
        for d in PolicyRegistry.all {
            let omitted = try Self.build(d, [:])?.0
            for p in d.parameters {
                #expect(p.range.contains(p.defaultValue), "\(d.id).\(p.name)")
                #expect(p.problem(p.defaultValue) == nil, "\(d.id).\(p.name)")
                #expect(try Self.build(d, [p.name: p.defaultValue])?.0 == omitted, "\(d.id).\(p.name)")
                if Self.isEngineParameter(p) { continue }
                let other =
                    p.defaultValue < p.range.upperBound
                    ? min(p.range.upperBound, p.defaultValue + 1) : p.range.lowerBound
                #expect(try Self.build(d, [p.name: other])?.0 != omitted, "\(d.id).\(p.name) is declared but not read")
            }
        }
    }

    @Test func theEngineReadsItsParametersThroughTheirDeclarations() throws {
        let p = QueueOrder.predictionErrorParameter
        #expect(try Simulation(scenario: testScenario(duration: 1)).policyRuntime.predictionError == p.defaultValue)
        var s = testScenario(duration: 1)
        s.policy.params = PolicyParams([p.name: 1.25])
        #expect(try Simulation(scenario: s).policyRuntime.predictionError == 1.25)
    }

    /// An out-of-range value is reported where it is written, with the declared range.
    @Test func anOutOfRangeParameterNamesItsDeclaredRange() throws {
        for d in PolicyRegistry.all {
            for p in d.parameters {
                let bad = p.range.upperBound + (p.kind == .integer ? 1 : max(1, abs(p.range.upperBound)))
                let global = d.scope == .global ? d.id : "round-robin"
                let local = d.scope == .local ? d.id : "vllm-v0"
                let text = """
                    seed: 1
                    duration_s: 10
                    cluster: [{gpu: h100, model: llama3-8b, count: 1}]
                    policy: {global: \(global), local: \(local), params: {\(p.name): \(bad)}}
                    tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
                    workload: [{tenant: t, arrival: {process: poisson, rate: 1}, input_tokens: {dist: fixed, value: 10}, output_tokens: {dist: fixed, value: 10}}]
                    """
                do {
                    _ = try ScenarioParser.parse(text, file: "x.yaml")
                    Issue.record("\(d.id).\(p.name) = \(bad) was accepted")
                } catch {
                    #expect(error.description.hasPrefix("x.yaml:4:"), "\(error.description)")
                    #expect(error.description.contains("policy.params.\(p.name): "), "\(error.description)")
                    #expect(error.description.contains("in \(p.rangeText), got"), "\(error.description)")
                }
            }
        }
    }

    @Test func everyParameterNameIsKnownToTheParser() {
        let names = Set(PolicyRegistry.all.flatMap(\.parameters).map(\.name))
        #expect(Set(PolicyRegistry.parameterNames) == names.union(PolicyRegistry.engineParameters.map(\.name)))
    }

    // MARK: - Periodic work as actions

    /// A cluster for a policy's `tick`: records what it is asked to do and does none of it.
    struct RecordingCluster: PolicyContext {
        var now: SimTime = Time.seconds(30)
        var instances: [Instance]
        var requests = RequestTable()
        var activeMigrations: [MigrationInfo] = []
        var addableInstanceBlocks: Int32? = 1000
        var performed: [PolicyAction] = []
        mutating func perform(_ action: PolicyAction) { performed.append(action) }
    }

    /// Instance 0 nearly full with two decoding requests (freeness 1.5), instance 1 empty.
    static func unevenCluster() -> RecordingCluster {
        var full = bareInstance(blocks: 100)
        let idle = bareInstance(blocks: 100)
        var table = RequestTable()
        for _ in 0..<2 {
            let id = enqueue(&full, &table, prompt: 720, output: 100)
            _ = full.admitHead(blocks: 48, &table, now: 0)
            table[id].computedTokens = 720
            table[id].generatedTokens = 1
        }
        var cluster = RecordingCluster(instances: [full, idle])
        cluster.requests = table
        return cluster
    }

    @Test func llumnixPairsTheLeastFreeWithTheFreestAndMigratesTheYoungest() throws {
        var cluster = Self.unevenCluster()
        #expect(cluster.requests[cluster.instances[0].running[1]].isDecoding)
        var policy = try #require(try GlobalPolicy(id: "llumnix"))
        policy.start(at: 0)
        policy.tick(&cluster)
        let youngest = cluster.instances[0].running[1]
        #expect(
            cluster.performed == [.migrate(request: youngest, from: 0, to: 1, lastStageBlocks: 4, maxStages: 3)])
        // An instance already in a migration takes part in no other.
        cluster.performed = []
        cluster.activeMigrations = [MigrationInfo(request: 0, source: 0, destination: 1, blocksTotal: 1, started: 0)]
        policy.tick(&cluster)
        #expect(cluster.performed.isEmpty)
    }

    @Test func scalingActsOnlyWhenDueAndOnlyThroughActions() throws {
        var cluster = Self.unevenCluster()
        let params = PolicyParams([
            "max_instances": 4, "scaling_interval_s": 10, "scale_out_threshold": 60, "scale_in_threshold": 100,
        ])
        var policy = try #require(try GlobalPolicy(id: "infaas", params: params))
        #expect(policy.tickPeriod == Time.seconds(10))
        policy.start(at: Time.seconds(25))
        policy.tick(&cluster)  // at 30 s: the first decision is due at 35 s
        #expect(cluster.performed.isEmpty)
        cluster.now = Time.seconds(35)
        policy.tick(&cluster)
        // Freeness (3 + 99 blocks available) / 2 requests = 51 < 60: one instance of 1,000 blocks is enough.
        #expect(cluster.performed == [.scaleOut(count: 1, freeness: 51, threshold: 60)])
        // The next decision is one interval later.
        cluster.performed = []
        cluster.now = Time.seconds(40)
        policy.tick(&cluster)
        #expect(cluster.performed.isEmpty)
        // Without scaling, infaas has no periodic work; round-robin never has any.
        #expect(try GlobalPolicy(id: "infaas").tickPeriod == nil)
        #expect(try GlobalPolicy(id: "round-robin").tickPeriod == nil)
    }

    /// The engine carries out actions without knowing which policy asked: no engine file names a
    /// policy (its id or its case).
    @Test func theEngineNamesNoPolicy() throws {
        let engine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/ClusterSim/Engine")
        let files = try FileManager.default.contentsOfDirectory(atPath: engine.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 5)
        // Each policy's id, enum case and type, read from the registry.
        var names: [String] = []
        for d in PolicyRegistry.global {
            let policy = try GlobalPolicy(id: try #require(GlobalPolicyID(d.id)))
            let child = try #require(Mirror(reflecting: policy).children.first)
            names += ["\"\(d.id)\"", ".\(child.label ?? "?")", "\(type(of: child.value))."]
        }
        #expect(names.contains(".llumnix") && names.contains("Llumnix."))
        for file in files {
            let code = try String(contentsOf: engine.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .joined(separator: "\n")
            for name in names { #expect(!code.contains(name), "\(file) names \(name)") }
        }
    }
}
