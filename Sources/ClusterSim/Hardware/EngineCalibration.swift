import Foundation
import Yams

/// What a real serving engine spends around the GPU's forward pass, which the cost model (fitted
/// on CUDA-graph replays of bare iterations) leaves out.
///
/// Four named constants, each fitted by `clustertop calibrate --runs` on measured runs (request by
/// request `ttft_s,e2e_s` at the client) and each with its place in the simulator:
///
/// - `stepOverhead`: host time per engine step the GPU waits for: vLLM V1's scheduler pass, input
///   preparation, sampling and output processing in the engine core's busy loop
///   (`vllm/v1/engine/core.py`). Added to every iteration.
/// - `sequenceOverhead`: the part of that host time that grows with the batch: per-request input
///   tensors, block tables, per-request sampling and detokenisation state. Added per sequence in
///   the batch.
/// - `allReduceLatency`: the latency of one tensor-parallel all-reduce (NCCL on NVLink, two per
///   layer: after attention and after the MLP, Megatron-LM's split), beyond the bytes it moves.
///   Replaces the cost model's 10 µs guess when the instance is tensor-parallel.
/// - `requestOverhead`: time outside the engine per request, on both TTFT and E2E: the HTTP
///   round trip, the API server's tokenisation and request setup, and the streamed response's way
///   back (detokenisation of the last chunk, server-sent events). A request reaches the engine this
///   long after the client sent it.
///
/// `none` is the cost model alone (no host time, the 10 µs all-reduce guess): the default, so that
/// scenarios without an engine calibration keep their figures. `vllm0151H100` is the fit on
/// measured runs of vLLM 0.15.1 on H100 published by the BLIS project (docs/accuracy.md).
public struct EngineCalibration: Sendable, Hashable {
    public var stepOverhead: Double
    public var sequenceOverhead: Double
    public var allReduceLatency: Double
    public var requestOverhead: Double

    public init(stepOverhead: Double, sequenceOverhead: Double, allReduceLatency: Double, requestOverhead: Double) {
        self.stepOverhead = stepOverhead
        self.sequenceOverhead = sequenceOverhead
        self.allReduceLatency = allReduceLatency
        self.requestOverhead = requestOverhead
    }

    /// The cost model alone: nothing around the GPU, the cost model's 10 µs per all-reduce.
    public static let none = EngineCalibration(
        stepOverhead: 0, sequenceOverhead: 0, allReduceLatency: 10e-6, requestOverhead: 0)

    /// Fitted by `clustertop calibrate --runs` on the five measured runs of vLLM 0.15.1 on H100
    /// published by the BLIS project (Llama-2-7B TP1 ×3, CodeLlama-34B TP2, Llama-2-70B TP4);
    /// `Benchmarks/accuracy/run.sh` refits and scores it.
    public static let vllm0151H100 = EngineCalibration(
        stepOverhead: 2.567e-6, sequenceOverhead: 6.471e-6,
        allReduceLatency: 6.763e-6, requestOverhead: 15.779e-3)

    /// Named calibrations a scenario may give instead of a file.
    public static let builtin: [String: EngineCalibration] = ["none": .none, "vllm-0.15.1-h100": .vllm0151H100]

    /// Host seconds an iteration of `shape` spends on top of the GPU's time.
    @inline(__always)
    public func hostSeconds(_ shape: BatchShape) -> Double {
        stepOverhead + sequenceOverhead * Double(shape.prefillSeqs + shape.decodeSeqs)
    }

    // MARK: - Files

    public static let format = "clustertop-engine-1"
    /// Engine calibration files are a few lines, as cost-model calibration files are.
    public static let maxBytes = 64 << 10
    static let sizeHint = "an engine calibration file is a few lines"

    /// File keys with the factor from the file's unit to seconds and the range accepted.
    /// In `subscript(index:)` order.
    static let keys: [(name: String, scale: Double, range: ClosedRange<Double>)] = [
        ("step_overhead_us", 1e-6, 0...1e6),
        ("sequence_overhead_us", 1e-6, 0...1e5),
        ("all_reduce_latency_us", 1e-6, 0...1e4),
        ("request_overhead_ms", 1e-3, 0...1e5),
    ]

    /// The constants in file order, so fits and files can walk them.
    public subscript(index index: Int) -> Double {
        get {
            switch index {
            case 0: stepOverhead
            case 1: sequenceOverhead
            case 2: allReduceLatency
            default: requestOverhead
            }
        }
        set {
            switch index {
            case 0: stepOverhead = newValue
            case 1: sequenceOverhead = newValue
            case 2: allReduceLatency = newValue
            default: requestOverhead = newValue
            }
        }
    }

    public static var keyNames: [String] { keys.map(\.name) }

    /// The constant's value in the file's unit, by file key.
    public func fileValue(_ key: String) -> Double? {
        guard let k = EngineCalibration.keys.firstIndex(where: { $0.name == key }) else { return nil }
        return self[index: k] / EngineCalibration.keys[k].scale
    }

    /// Parses an engine calibration file; `file` names it in errors. Keys left out keep `none`'s values.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> EngineCalibration {
        do {
            let root = try InputFile.yamlDocument(
                text, file: file, what: "an engine calibration file", empty: "expected format and constants")
            let top = try root.mapping(allowed: ["format", "engine", "constants"])
            let formatValue = try top.required("format")
            guard try formatValue.string() == format else {
                throw formatValue.error(
                    "expected \(format), got \(formatValue.found) (not a clustertop engine calibration?)")
            }
            _ = try top["engine"]?.string()
            var calibration = EngineCalibration.none
            let m = try top.required("constants").mapping(allowed: keys.map(\.name))
            for (k, entry) in keys.enumerated() {
                guard let v = m[entry.name] else { continue }
                calibration[index: k] = try v.number(in: entry.range) * entry.scale
            }
            return calibration
        } catch let e as ScenarioError {
            throw e
        } catch let e as YamlError {
            throw ScenarioParser.yamlError(e, file: file)
        } catch {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "\(error)")
        }
    }

    /// Reads and parses the file at `path`; `name` is how errors call it.
    public static func load(path: String, name: String? = nil) throws(ScenarioError) -> EngineCalibration {
        let text = try InputFile.text(path, limit: maxBytes, shown: name, sizeHint: sizeHint)
        return try parse(text, file: name ?? path)
    }

    /// The file's text; `comment` lines (without `#`) go first.
    public func yamlText(engine: String, comment: [String] = []) -> String {
        var lines = comment.map { $0.isEmpty ? "#" : "# \($0)" }
        lines.append("format: \(EngineCalibration.format)")
        lines.append("engine: \(engine)")
        lines.append("constants:")
        for (k, entry) in EngineCalibration.keys.enumerated() {
            lines.append("  \(entry.name): \(self[index: k] / entry.scale)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Engine settings of an instance group (`cluster[].engine`), after vLLM's engine arguments.
public struct EngineSettings: Sendable, Hashable {
    /// KV-cache blocks on each GPU as the engine logs them (`kv_blocks`); nil: computed from memory.
    public var kvBlocks: Int? = nil
    /// `max_model_len`: the longest prompt plus output accepted; nil: the model's context.
    public var maxModelLen: Int? = nil
    /// `gpu_memory_utilization`: share of GPU memory the engine may use; nil: 0.90.
    public var gpuMemoryUtilization: Double? = nil
    /// `block_size`: tokens per KV block (16, the only size modelled).
    public var blockSize: Int = 16
    /// Host and API time around the GPU (`calibration`: a built-in name or a file).
    public var calibration: EngineCalibration = .none
    /// `speculative_config`: speculative decoding (Speculative.swift); nil: none.
    public var speculative: SpeculativeConfig? = nil
    /// `cpu_kv`: a CPU tier below GPU memory for evicted and swapped KV (`KVTiers`); nil: none.
    public var cpuKV: KVTierSpec? = nil
    /// `preemption_mode: swap`: preemption copies KV to the CPU tier instead of recomputing it.
    public var preemptionSwap = false

    public init() {}
}
