import Testing

@testable import ClusterSim

/// `gpus:` in a scenario: GPUs defined by their datasheet figures (`ScenarioParser+Hardware.swift`).
@Suite struct ScenarioGPUsTests {
    static func scenario(gpus: String, cluster: String) -> String {
        """
        duration_s: 20
        gpus:
        \(gpus)
        cluster: [\(cluster)]
        tenants: [{name: t, slo: {ttft_ms: 1000, tpot_ms: 100}}]
        workload:
          - tenant: t
            arrival: {process: poisson, rate: 4}
            input_tokens: {dist: lognormal, mean: 600, sigma: 0.8, max: 4000}
            output_tokens: {dist: lognormal, mean: 150, sigma: 0.7, max: 1000}
        """
    }

    /// The L40S and the A10 as a user would copy them from their datasheets (as the catalog has them).
    static let copies = """
          - {id: my-l40s, name: L40S copy, memory_gb: 48, memory_bandwidth_tbps: 0.864, bf16_tflops: 362.05, fp8_tflops: 733, interconnect_gbps: 25, pcie_gbps: 25}
          - {id: my-a10, memory_gb: 24, memory_bandwidth_tbps: 0.6, bf16_tflops: 125, interconnect_gbps: 25}
        """

    func error(_ gpus: String) -> String {
        do {
            _ = try ScenarioParser.parse(
                Self.scenario(gpus: gpus, cluster: "{gpu: g, model: llama3-8b}"), file: "g.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func aScenarioDefiningAGPURunsOnIt() throws {
        let text = Self.scenario(
            gpus: "  - {id: g, memory_gb: 64, memory_bandwidth_tbps: 1.2, bf16_tflops: 200, interconnect_gbps: 100}",
            cluster: "{gpu: g, model: llama3-8b, count: 2}")
        let s = try ScenarioParser.parse(text, file: "g.yaml")
        let spec = try #require(s.gpuSpec("g"))
        #expect(spec.memoryBytes == 64e9 && spec.memoryBandwidth == 1.2e12 && spec.bf16Flops == 200e12)
        #expect(spec.interconnectBandwidth == 100e9 && spec.pcieBandwidth == 25e9 && spec.fp8Flops == nil)
        var sim = try Simulation(scenario: s)
        #expect(sim.instances.allSatisfy { $0.gpu.id == "g" })
        #expect(runChecked(&sim) == [])
        #expect(sim.metrics.completed > 40 && sim.metrics.completed == sim.metrics.arrived)
    }

    @Test func aUserGPUEqualToACatalogOneGivesIdenticalIterationTimes() throws {
        let s = try ScenarioParser.parse(
            Self.scenario(
                gpus: Self.copies, cluster: "{gpu: my-l40s, model: llama3-8b}, {gpu: my-a10, model: llama3-8b}"),
            file: "g.yaml")
        for (mine, catalog) in [("my-l40s", "l40s"), ("my-a10", "a10")] {
            let user = try #require(s.gpuSpec(mine)), builtIn = try #require(GPUCatalog.spec(catalog))
            for model in ["llama3-8b", "qwen2.5-14b"] {
                let spec = try #require(ModelCatalog.spec(model))
                let a = CostModel(gpu: user, model: spec), b = CostModel(gpu: builtIn, model: spec)
                var shapes: [BatchShape] = []
                for (prefill, decodes) in [(0, 1), (0, 64), (512, 0), (2048, 0), (256, 32)] {
                    var shape = BatchShape()
                    if prefill > 0 { shape.addPrefill(tokens: prefill, cached: prefill / 2) }
                    shape.decodeSeqs = decodes
                    shape.decodeContextTokens = decodes * 1500
                    shapes.append(shape)
                }
                for shape in shapes { #expect(a.seconds(shape) == b.seconds(shape), "\(mine) \(model)") }
            }
            // The whole run too: same KV blocks, same iterations, same latencies.
            func report(_ gpu: String) throws -> String {
                var copy = s
                // The scenario's own GPU or the catalog's, as the parser resolves it.
                copy.cluster = [
                    InstanceGroup(gpu: try #require(s.gpuSpec(gpu)), model: ModelCatalog.spec("llama3-8b")!)
                ]
                var sim = try Simulation(scenario: copy)
                sim.runToEnd()
                return
                    "\(sim.instances[0].kv.totalBlocks) \(sim.metrics.completed) \(sim.metrics.ttft.quantile(0.99)) \(sim.metrics.tbt.quantile(0.99))"
            }
            #expect(try report(mine) == report(catalog))
        }
    }

    @Test func bandwidthEfficiencyScalesTheDatasheetBandwidth() throws {
        let s = try ScenarioParser.parse(
            Self.scenario(
                gpus: Self.copies
                    + "\n  - {id: slow-a10, memory_gb: 24, memory_bandwidth_tbps: 0.6, bf16_tflops: 125, interconnect_gbps: 25, bandwidth_efficiency: 0.5}",
                cluster: "{gpu: slow-a10, model: llama3-8b}"),
            file: "g.yaml")
        let slow = try #require(s.gpuSpec("slow-a10")), plain = try #require(s.gpuSpec("my-a10"))
        #expect(slow.effectiveBandwidth == 0.3e12)
        #expect(plain.effectiveBandwidth == 0.6e12 * GPUCatalog.h100BandwidthRatio)
        var decode = BatchShape()
        decode.decodeSeqs = 8
        decode.decodeContextTokens = 8 * 1000
        let model = try #require(ModelCatalog.spec("llama3-8b"))
        #expect(
            CostModel(gpu: slow, model: model).seconds(decode) > CostModel(gpu: plain, model: model).seconds(decode))
    }

    @Test func badOrInconsistentFiguresGiveLocatedErrors() {
        let base = "memory_gb: 48, memory_bandwidth_tbps: 0.864, bf16_tflops: 362"
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: fast}")
                == "g.yaml:3:95: gpus[0].interconnect_gbps: expected a positive bandwidth in GB/s (per direction), got \"fast\""
        )
        #expect(
            error("  - {id: g, \(base)}")
                == "g.yaml:3:5: gpus[0]: missing key \"interconnect_gbps\"")
        #expect(
            error("  - {id: g, memory_gb: 0, memory_bandwidth_tbps: 1, bf16_tflops: 1, interconnect_gbps: 1}")
                .hasPrefix("g.yaml:3:24: gpus[0].memory_gb: expected a positive number of GB above 0"))
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: 25, tflops: 1}").hasPrefix(
                "g.yaml:3:99: gpus[0]: unknown key \"tflops\""))
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: 25, bandwidth_efficiency: 1.5}")
                == "g.yaml:3:121: gpus[0].bandwidth_efficiency: expected a fraction of the datasheet bandwidth above 0 to 1, got 1.5"
        )
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: 25}\n  - {id: g, \(base), interconnect_gbps: 25}")
                == "g.yaml:4:10: gpus[1].id: duplicate gpu id \"g\"")
        // Figures that contradict each other: the error is at the second one.
        #expect(
            error("  - {id: g, \(base), fp8_tflops: 181, interconnect_gbps: 25}")
                == "g.yaml:3:88: gpus[0].fp8_tflops: expected at least bf16_tflops (362), got \"181\"")
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: 900}")
                == "g.yaml:3:95: gpus[0].interconnect_gbps: expected at most memory_bandwidth_tbps (864 GB/s), got \"900\""
        )
        #expect(
            error("  - {id: g, \(base), interconnect_gbps: 25, pcie_gbps: 64}")
                == "g.yaml:3:110: gpus[0].pcie_gbps: expected at most interconnect_gbps (25), got \"64\"")
        // A GPU too small for the model is caught where the cluster uses it.
        #expect(
            error("  - {id: g, memory_gb: 8, memory_bandwidth_tbps: 1, bf16_tflops: 100, interconnect_gbps: 25}")
                .contains("cluster[0]"))
    }
}
