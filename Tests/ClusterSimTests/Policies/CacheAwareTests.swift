import Testing

@testable import ClusterSim

@Suite struct CacheAwareTests {
    /// Two idle H100 instances and a request of 64 blocks whose first 32 are a group prefix.
    func setup() throws -> (Simulation, Request) {
        var s = testScenario(count: 2, local: "vllm-v1", global: "cache-aware")
        s.cluster[0].engine.cpuKV = KVTierSpec(capacityGB: 10, gigabitsPerSecond: 200)
        let sim = try Simulation(scenario: s)
        var r = Request(
            serial: 0, arrival: 0, promptTokens: 1024, outputTokens: 10, tenant: 0, stream: 0, priority: .normal)
        r.prefix = PrefixRef(kind: .group, source: 3, tokens: 512)
        return (sim, r)
    }

    func hashes(_ r: Request, _ sim: Simulation) -> [UInt64] {
        (0..<32).map { Simulation.blockHash(r, block: Int32($0), streams: sim.streams)! }
    }

    @Test func anInstanceHoldingThePrefixInItsCPUTierWins() throws {
        var index = LoadIndex()
        var (sim, r) = try setup()
        for h in hashes(r, sim) { _ = sim.instances[1].kv.tiers!.cpu.offload(h) }
        let policy = try CacheAware()
        let hasher = PrefixHasher(streams: sim.streams)
        #expect(
            policy.dispatch(
                r, model: nil, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index) == 1)
        // Held in CPU memory, the 32 blocks count 0.8 each: 25.6 blocks saved. Load on instance 1
        // beyond that tips the choice back.
        sim.instances[1].kv.usedBlocks = 25
        #expect(
            policy.dispatch(
                r, model: nil, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index) == 1)
        sim.instances[1].kv.usedBlocks = 26
        #expect(
            policy.dispatch(
                r, model: nil, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index) == 0)
        // With the overlap weight at 0 only load counts.
        let loadOnly = try CacheAware(params: PolicyParams(["overlap_weight": 0]))
        sim.instances[1].kv.usedBlocks = 1
        #expect(
            loadOnly.dispatch(
                r, model: nil, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index) == 0)
    }

    @Test func queuedPromptsCountAsLoad() throws {
        var index = LoadIndex()
        var (sim, r) = try setup()
        r.prefix = .none
        let hasher = PrefixHasher(streams: sim.streams)
        sim.instances[0].waitingTokens = 1600
        #expect(
            try CacheAware().dispatch(
                r, model: nil, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index)
                == 1)
    }

    /// 16 system prompts of 4,000 tokens on 4 small A10G caches (as KVTiersTests), GPU memory only:
    /// routing by cached blocks keeps each prompt where it is, so more of the prompts are reused.
    @Test func cacheAwareRoutingRaisesTheHitRateOverLeastOutstanding() throws {
        func run(_ global: GlobalPolicyID) throws -> Report {
            var s = testScenario(
                gpu: "a10g", count: 4, rate: 5, duration: 20, local: "vllm-v1", global: global,
                input: .lognormal(mean: 300, sigma: 0.5, max: 2000),
                output: .lognormal(mean: 100, sigma: 0.5, max: 400))
            s.workload[0].sharedPrefix = SharedPrefixSpec(groups: 16, tokens: 4000, skew: 0)
            var sim = try Simulation(scenario: s)
            if global == "cache-aware" { #expect(runChecked(&sim) == []) } else { sim.runToEnd() }
            return Report(sim)
        }
        let aware = try run("cache-aware"), spread = try run("least-outstanding")
        #expect(
            aware.prefixCache.hitRate > 1.2 * spread.prefixCache.hitRate,
            "\(aware.prefixCache.hitRate) vs \(spread.prefixCache.hitRate)")
        #expect(aware.ttft.mean < spread.ttft.mean)
    }

    /// Runs `sim` (default parameters), and every `every` events dispatches up to three live requests both with a copy of
    /// the engine's load index and by the plain scan; returns how many dispatches were compared and
    /// how many of them had a shareable prefix.
    func compareWithScan(_ sim: inout Simulation, every: Int) throws -> (compared: Int, prefixed: Int) {
        let policy = try CacheAware()
        let hasher = PrefixHasher(streams: sim.streams)
        var compared = 0, prefixed = 0, events = 0
        while sim.step() {
            events += 1
            guard events % every == 0 else { continue }
            #expect(sim.loadIndex.staleKeys(instances: sim.instances, requests: sim.requests).isEmpty)
            let live = sim.requests.slots.indices.filter { sim.requests.isLive(Int32($0)) }
            for id in live.prefix(3) {
                let r = sim.requests[Int32(id)]
                let model = sim.streams[Int(r.stream)].model
                var index = sim.loadIndex
                let chosen = policy.dispatch(
                    r, model: model, instances: sim.instances, requests: sim.requests, hasher: hasher, index: &index)
                #expect(chosen == policy.dispatch(r, model: model, instances: sim.instances, hasher: hasher))
                compared += 1
                if hasher.shareableBlocks(r) > 0 { prefixed += 1 }
            }
        }
        return (compared, prefixed)
    }

    /// The shipped Mooncake trace with a CPU tier (shared conversation prefixes), on 8 instances.
    @Test func indexedDispatchMatchesTheScanOnTheMooncakeTrace() throws {
        var s = try PolicyClaimTests.shipped("mooncake-tiers")
        s.durationSeconds = 60
        s.cluster[0].count = 8
        s.policy.global = "cache-aware"
        var sim = try Simulation(scenario: s)
        let (compared, prefixed) = try compareWithScan(&sim, every: 50)
        #expect(prefixed > 1000, "\(prefixed) of \(compared) dispatches compared had a prefix")
    }

    /// A chat workload without shared prefixes on 32 instances, busy enough that loads differ.
    @Test func indexedDispatchMatchesTheScanWithoutPrefixes() throws {
        var sim = try Simulation(
            scenario: testScenario(count: 32, rate: 600, duration: 10, local: "vllm-v0", global: "cache-aware"))
        let (compared, prefixed) = try compareWithScan(&sim, every: 50)
        #expect(compared > 100 && prefixed == 0)
    }
}
