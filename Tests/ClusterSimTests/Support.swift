@testable import ClusterSim

/// A one-tenant scenario on `count` llama3-8b instances for tests.
func testScenario(
    gpu: String = "h100", count: Int = 1, rate: Double = 5, duration: Double = 20, local: LocalPolicyID = "vllm-v0",
    global: GlobalPolicyID = "round-robin", input: LengthDistribution = .lognormal(mean: 512, sigma: 0.8, max: 4096),
    output: LengthDistribution = .lognormal(mean: 128, sigma: 0.7, max: 1024), seed: UInt64 = 1,
    arrival: ArrivalProcess? = nil, events: [TimedEvent] = []
) -> Scenario {
    Scenario(
        name: "test", seed: seed, durationSeconds: duration,
        cluster: [InstanceGroup(gpu: gpu, model: "llama3-8b", count: count)],
        policy: PolicySpec(global: global, local: local),
        tenants: [TenantSpec(name: "t", slo: SLO(ttftMs: 1000, tpotMs: 100))],
        workload: [StreamSpec(tenant: "t", arrival: arrival ?? .poisson(rate: rate), input: input, output: output)],
        events: events)
}

/// Runs to the end, checking every invariant after every event; returns the problems found.
func runChecked(_ sim: inout Simulation) -> [String] {
    while sim.step() {
        let problems = sim.invariantViolations()
        if !problems.isEmpty { return problems.map { "t=\(sim.now): \($0)" } }
    }
    return []
}

/// A bare instance with `blocks` KV blocks, for driving a local policy by hand.
func bareInstance(blocks: Int32) -> Instance {
    var inst = Instance(
        id: 0, gpu: GPUCatalog.spec("h100")!, model: ModelCatalog.spec("llama3-8b")!, tensorParallel: 1,
        constants: .default, status: .active)
    inst.kv = KVCache(totalBlocks: blocks)
    return inst
}

/// Adds a waiting request with `prompt` tokens to `inst`; returns its slot.
func enqueue(_ inst: inout Instance, _ table: inout RequestTable, prompt: Int32, output: Int32, arrival: SimTime = 0)
    -> Int32
{
    let id = table.insert(
        Request(
            serial: Int64(table.liveCount), arrival: arrival, promptTokens: prompt, outputTokens: output, tenant: 0,
            stream: 0, priority: .normal))
    inst.waiting.append(id)
    inst.waitingTokens += Int64(prompt)
    return id
}

/// Plays the end of the iteration in `inst.batch` the way the simulator does (tokens computed,
/// one sampled per caught-up request), without metrics; returns the finished slots.
func finishIteration(_ inst: inout Instance, _ table: inout RequestTable) {
    for e in inst.batch {
        table[e.request].computedTokens += e.tokens
        if table[e.request].computedTokens == table[e.request].heldTokens { table[e.request].generatedTokens += 1 }
    }
    inst.batch.removeAll()
}

extension InstanceGroup {
    /// A group of catalog ids (tests name only catalog GPUs and models).
    init(gpu: String, model: String, count: Int = 1, tensorParallel: Int = 1) {
        self.init(
            gpu: GPUCatalog.spec(gpu)!, model: ModelCatalog.spec(model)!, count: count, tensorParallel: tensorParallel)
    }
}
