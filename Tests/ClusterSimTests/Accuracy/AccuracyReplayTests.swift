import Foundation
import Testing

@testable import ClusterSim

struct AccuracyReplayTests {
    /// A small run on llama2-7b: 300 requests at 6 req/s, prompts sharing 8 system prompts.
    func scenario(engine: EngineCalibration) -> Scenario {
        var group = InstanceGroup(gpu: "h100", model: "llama2-7b")
        group.engine.calibration = engine
        var s = Scenario(
            name: "synthetic", seed: 3, durationSeconds: 50, cluster: [group],
            policy: PolicySpec(
                local: "vllm-v1", params: PolicyParams(["max_num_batched_tokens": 2048, "max_num_seqs": 128])),
            tenants: [TenantSpec(name: "t", slo: SLO(ttftMs: 1000, tpotMs: 100))],
            workload: [
                StreamSpec(
                    tenant: "t", arrival: .poisson(rate: 6), input: .uniform(min: 200, max: 800),
                    output: .uniform(min: 20, max: 200), sharedPrefix: SharedPrefixSpec(groups: 8, tokens: 100))
            ])
        s.sourceText = ""
        return s
    }

    /// Runs `scenario` and writes what it measured as a `MeasuredRun`, the way a client would.
    func measure(_ s: Scenario) throws -> MeasuredRun {
        var sim = try Simulation(scenario: s)
        sim.completionLog = []
        var arrivals: [Int64: (SimTime, Int32, Int32)] = [:]
        while sim.step() {
            for id in sim.requests.slots.indices where sim.requests.slots[id].arrival >= 0 {
                let r = sim.requests.slots[id]
                if arrivals[r.serial] == nil { arrivals[r.serial] = (r.arrival, r.promptTokens, r.outputTokens) }
            }
        }
        var run = MeasuredRun()
        for record in sim.completionLog!.sorted(by: { $0.serial < $1.serial }) {
            let (arrival, input, output) = arrivals[record.serial]!
            run.arrivals.append(Time.toSeconds(arrival))
            run.inputs.append(input)
            run.outputs.append(output)
            run.ttft.append(Time.toSeconds(record.ttft))
            run.e2e.append(Time.toSeconds(record.e2e))
        }
        return run
    }

    @Test func aRunTheSimulatorMadeScoresNearZeroError() throws {
        let engine = EngineCalibration(
            stepOverhead: 300e-6, sequenceOverhead: 0, allReduceLatency: 10e-6, requestOverhead: 0.010)
        let s = scenario(engine: engine)
        let run = try measure(s)
        #expect(run.count > 250)
        let text = run.csvText
        let reread = try MeasuredRun.parse(Data(text.utf8), file: "r.csv")
        let report = AccuracyReport(run: reread, prediction: try AccuracyReplay.predict(s, run: reread))
        // Same arrivals, lengths and engine; only the shared-prefix groups are drawn anew.
        #expect(report.missing == 0)
        #expect(abs(report.line(.e2e, .mean).error) < 0.02)
        #expect(abs(report.line(.itl, .mean).error) < 0.02)
        #expect(abs(report.line(.ttft, .mean).error) < 0.05)
        // Without the engine's host and API time the same replay is clearly off.
        let bare = AccuracyReport(
            run: reread, prediction: try AccuracyReplay.predict(s, run: reread, engine: EngineCalibration.none))
        #expect(bare.line(.ttft, .mean).error < -0.2)
    }

    @Test func calibrateRecoversTheOverheadsAGeneratedRunWasMadeWith() throws {
        let truth = EngineCalibration(
            stepOverhead: 800e-6, sequenceOverhead: 0, allReduceLatency: 10e-6, requestOverhead: 0.012)
        let run = try measure(scenario(engine: truth))
        let runs = [EngineRun(name: "synthetic", scenario: scenario(engine: .none), measured: run)]
        let fitted = try EngineFit.fit(runs, evaluations: 30)
        #expect(abs(fitted.requestOverhead - truth.requestOverhead) < 0.002)
        // Step and per-sequence time trade off on one run; together they give the same step time
        // for the batches the run had (about 10 sequences).
        let step = fitted.stepOverhead + 10 * fitted.sequenceOverhead
        #expect(abs(step - truth.stepOverhead) < 300e-6)
        let reports = try EngineFit.score(runs, calibration: fitted)
        #expect(abs(reports[0].line(.e2e, .mean).error) < 0.02)
    }

    @Test func measuredRunErrorsAreLocated() {
        let e = #expect(throws: ScenarioError.self) {
            _ = try MeasuredRun.parse(
                Data("arrival_s,input_tokens,output_tokens,ttft_s,e2e_s\n0,10,5,0.1,0.5\n1,ten,5,0.1,0.5\n".utf8),
                file: "r.csv")
        }
        #expect(
            e?.description
                == "r.csv:3:3: input_tokens: expected a whole number of tokens from 1 to 1048576, got \"ten\"")
        let order = #expect(throws: ScenarioError.self) {
            _ = try MeasuredRun.parse(
                Data("arrival_s,input_tokens,output_tokens,ttft_s,e2e_s\n0,10,5,0.6,0.5\n".utf8), file: "r.csv")
        }
        #expect(order?.path == "e2e_s")
    }
}
