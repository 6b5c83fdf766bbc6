import Foundation

extension ScenarioParser {
    /// The scenario's own models (`models:`): each an `id` and either `config` (Hugging Face
    /// `config.json` keys inline) or `hf_config` (the file, relative to the scenario's folder).
    static func models(_ value: YAMLValue?, base: String) throws -> [ModelSpec] {
        guard let value else { return [] }
        var specs: [ModelSpec] = []
        for v in try value.sequence() {
            let m = try v.mapping(allowed: ["id", "config", "hf_config"])
            let idValue = try m.required("id")
            let id = try idValue.string()
            if specs.contains(where: { $0.id == id }) { throw idValue.error("duplicate model id \"\(id)\"") }
            switch (m["config"], m["hf_config"]) {
            case (let c?, nil):
                specs.append(try ModelConfig.spec(id: id, c))
            case (nil, let f?):
                let name = try f.string()
                let path = name.hasPrefix("/") || base.isEmpty ? name : "\(base)/\(name)"
                guard FileManager.default.fileExists(atPath: path) else {
                    throw f.error("no file \"\(path)\" (the path is relative to the scenario's folder)")
                }
                specs.append(try ModelConfig.load(id: id, path: path, shown: path))
            default:
                throw v.error("expected exactly one of config (config.json keys) or hf_config (a config.json file)")
            }
        }
        return specs
    }

    /// The scenario's own GPUs (`gpus:`): datasheet memory, bandwidth, dense FLOP/s and links.
    ///
    /// Figures that contradict each other are errors at the second one: dense FP8 below BF16 (FP8
    /// tensor cores run at least at the BF16 rate on every GPU that has them), a GPU-to-GPU link
    /// faster than the memory it reads from, or a host PCIe link faster than the GPU-to-GPU link
    /// (peers can always talk over PCIe, so the peer link is at least as fast).
    static func gpus(_ value: YAMLValue?) throws -> [GPUSpec] {
        guard let value else { return [] }
        var specs: [GPUSpec] = []
        for v in try value.sequence() {
            let m = try v.mapping(allowed: [
                "id", "name", "memory_gb", "memory_bandwidth_tbps", "bf16_tflops", "fp8_tflops", "interconnect_gbps",
                "pcie_gbps", "bandwidth_efficiency",
            ])
            let idValue = try m.required("id")
            let id = try idValue.string()
            if specs.contains(where: { $0.id == id }) { throw idValue.error("duplicate gpu id \"\(id)\"") }
            let memory = try m.required("memory_gb").number("a positive number of GB", in: 0...100_000, openLow: true)
            let bandwidth = try m.required("memory_bandwidth_tbps").number(
                "a positive bandwidth in TB/s", in: 0...1000, openLow: true)
            let bf16 = try m.required("bf16_tflops").number("a positive number of TFLOP/s", in: 0...1e6, openLow: true)
            let link = try m.required("interconnect_gbps").number(
                "a positive bandwidth in GB/s (per direction)", in: 0...1e5, openLow: true)
            var spec = GPUSpec(
                id: id, name: try m["name"]?.string() ?? id, memoryBytes: memory * 1e9,
                memoryBandwidth: bandwidth * 1e12,
                bf16Flops: bf16 * 1e12, interconnectBandwidth: link * 1e9,
                pcieBandwidth: (try m["pcie_gbps"]?.number("a positive bandwidth in GB/s", in: 0...1e5, openLow: true)
                    ?? 25) * 1e9)
            if link > bandwidth * 1000 {
                let v = m["interconnect_gbps"]!
                throw v.error(
                    "expected at most memory_bandwidth_tbps (\(shown(bandwidth * 1000)) GB/s), got \(v.found)")
            }
            if let p = m["pcie_gbps"], spec.pcieBandwidth > spec.interconnectBandwidth {
                throw p.error("expected at most interconnect_gbps (\(shown(link))), got \(p.found)")
            }
            if let f = m["fp8_tflops"] {
                let fp8 = try f.number("a positive number of TFLOP/s", in: 0...1e6, openLow: true)
                guard fp8 >= bf16 else {
                    throw f.error("expected at least bf16_tflops (\(shown(bf16))), got \(f.found)")
                }
                spec.fp8Flops = fp8 * 1e12
            }
            if let e = m["bandwidth_efficiency"] {
                spec.bandwidthRatio = try e.number("a fraction of the datasheet bandwidth", in: 0...1, openLow: true)
            }
            specs.append(spec)
        }
        return specs
    }

    /// A number as a scenario would write it: no ".0" on whole numbers.
    static func shown(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }

    /// An instance group's `engine:` settings: vLLM's engine arguments and the host-time calibration.
    static func engineSettings(
        _ value: YAMLValue?, model: ModelSpec, base: String, hardware: Hardware = Hardware()
    ) throws -> EngineSettings {
        var settings = EngineSettings()
        guard let value else { return settings }
        let m = try value.mapping(allowed: [
            "kv_blocks", "max_model_len", "gpu_memory_utilization", "block_size", "calibration", "speculative_config",
            "cpu_kv", "preemption_mode",
        ])
        if let v = m["speculative_config"] {
            settings.speculative = try speculativeConfig(v, target: model, hardware: hardware)
        }
        try kvTierSettings(m, into: &settings)
        if let v = m["kv_blocks"] {
            settings.kvBlocks = try v.integer("a whole number of KV blocks", in: 1...Int(Int32.max / 2))
        }
        if let v = m["max_model_len"] {
            let length = try v.integer("a whole number of tokens", in: 1...Limits.maxTokens)
            guard length <= model.maxContext else {
                throw v.error(
                    "expected at most the model's max_position_embeddings (\(model.maxContext)), got \(length)")
            }
            settings.maxModelLen = length
        }
        if let v = m["gpu_memory_utilization"] {
            settings.gpuMemoryUtilization = try v.number("a fraction of GPU memory", in: 0...1, openLow: true)
        }
        if let v = m["block_size"] {
            let size = try v.integer("a whole number of tokens", in: 1...1024)
            guard size == Int(KVCache.blockTokens) else {
                throw v.error("only block_size 16 (vLLM's default on CUDA) is modelled, got \(size)")
            }
            settings.blockSize = size
        }
        if let v = m["calibration"] {
            let name = try v.string()
            if let builtin = EngineCalibration.builtin[name] {
                settings.calibration = builtin
            } else {
                let path = name.hasPrefix("/") || base.isEmpty ? name : "\(base)/\(name)"
                let text: String
                do {
                    text = try InputFile.text(
                        path, limit: EngineCalibration.maxBytes, sizeHint: EngineCalibration.sizeHint)
                } catch {
                    guard error.message == InputFile.unreadable else { throw v.error("\(path): \(error.message)") }
                    throw v.error(
                        "expected a built-in calibration (\(EngineCalibration.builtin.keys.sorted().joined(separator: ", "))) or an engine calibration file, got \"\(name)\" (no file \(path))"
                    )
                }
                settings.calibration = try EngineCalibration.parse(text, file: path)
            }
        }
        return settings
    }
}
