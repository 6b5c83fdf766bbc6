import Testing

@testable import ClusterSim

@Suite struct HexGenTests {
    func cluster() -> [Instance] {
        ["a100-80g", "a6000", "l40s"].enumerated().map { i, gpu in
            Instance(
                id: Int32(i), gpu: GPUCatalog.spec(gpu)!, model: ModelCatalog.spec("qwen2.5-14b")!, tensorParallel: 1,
                constants: .default, status: .active)
        }
    }

    let call = Request(
        serial: 0, arrival: 0, promptTokens: 11000, outputTokens: 700, tenant: 0, stream: 0, priority: .normal)

    @Test func balancesSpeedAgainstBacklog() throws {
        var instances = cluster()
        var r = call
        r.predictedOutput = 700
        let t = instances.map { $0.estimatedSeconds(prompt: 11000, output: 700) }
        #expect(t[0] < t[1] && t[0] < t[2], "the A100 is the fastest for this call")
        // An idle reference takes the call.
        let hexgen = try HexGen(params: PolicyParams(["hexgen_alpha": 0.2]))
        #expect(hexgen.dispatch(r, model: nil, instances: instances) == 0)
        // With the reference loaded, score_i = α·T_ref/T_i − (1−α)·W_i/W_ref picks the best.
        instances[0].backlog = 100
        instances[1].backlog = 10
        instances[2].backlog = 50
        let scores = (0..<3).map { 0.2 * t[0] / t[$0] - 0.8 * instances[$0].backlog / 100 }
        let best = Int32(scores.indices.max { scores[$0] < scores[$1] }!)
        #expect(hexgen.dispatch(r, model: nil, instances: instances) == best)
        #expect(best == 1)
        // α = 1: always the fastest GPU.
        #expect(
            try HexGen(params: PolicyParams(["hexgen_alpha": 1])).dispatch(r, model: nil, instances: instances) == 0)
    }

    @Test func theBacklogGrowsAtDispatchAndShrinksAtCompletion() throws {
        var s = testScenario(count: 2, rate: 10, duration: 10, global: "hexgen")
        s.policy.params = PolicyParams(["prediction_error": 0])
        var sim = try Simulation(scenario: s)
        var peak = 0.0
        while sim.step() {
            for inst in sim.instances {
                peak = max(peak, inst.backlog)
                // The backlog is the estimated work of the requests there.
                let expected = (inst.running + Array(inst.waiting)).reduce(0.0) {
                    $0 + Double(sim.requests[$1].workEstimate)
                }
                #expect(abs(inst.backlog - expected) < 1e-3 * max(1, expected))
            }
        }
        #expect(peak > 0)
        #expect(sim.instances.allSatisfy { $0.backlog < 1e-6 })
    }
}
