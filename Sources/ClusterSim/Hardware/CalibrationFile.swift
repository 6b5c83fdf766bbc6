import Foundation
import Yams

/// A calibration file: the cost model's constants for one GPU type, as `clustertop calibrate`
/// writes them. YAML; constants it leaves out keep their built-in values.
///
///     format: clustertop-calibration-1
///     gpu: h100
///     constants:
///       layer_overhead_us: 37.51
///       memory_efficiency: 1.043
///       ...
///
/// Scenarios name one per instance group (`cluster[].calibration: FILE`, relative to the
/// scenario's folder), `clustertop run` takes one with `--calibration FILE`; either applies to every
/// instance of that GPU type.
public struct CalibrationFile: Sendable, Hashable {
    public static let format = "clustertop-calibration-1"
    /// Calibration files are a dozen lines; anything past this is not one.
    public static let maxBytes = 64 << 10
    static let sizeHint = "a calibration file is a dozen lines"

    public var gpu: String
    public var constants: CostConstants

    public init(gpu: String, constants: CostConstants) {
        self.gpu = gpu
        self.constants = constants
    }

    /// File keys, in `CostConstants.subscript(index:)` order, with the factor from the file's unit
    /// to the constant's and the range accepted in the file's unit.
    static let keys: [(name: String, scale: Double, range: ClosedRange<Double>)] = [
        ("overhead_us", 1e-6, 0...1e6),
        ("layer_overhead_us", 1e-6, 0...1e4),
        ("prefill_attention_overhead_us", 1e-6, 0...1e4),
        ("decode_attention_overhead_us", 1e-6, 0...1e4),
        ("prefix_attention_overhead_us", 1e-6, 0...1e4),
        ("memory_efficiency", 1, 1e-4...4),
        ("linear_efficiency", 1, 1e-4...4),
        ("roofline_sharpness", 1, 1...64),
        ("attention_efficiency", 1, 1e-4...4),
        ("prefix_read_efficiency", 1, 1e-5...4),
    ]

    /// The file's constant keys, in `CostConstants.subscript(index:)` order (`_us`: microseconds).
    public static var keyNames: [String] { keys.map(\.name) }

    /// Parses a calibration file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> CalibrationFile {
        do {
            let root = try InputFile.yamlDocument(
                text, file: file, what: "a calibration file", limit: maxBytes, sizeHint: sizeHint,
                empty: "expected format, gpu and constants")
            let top = try root.mapping(allowed: ["format", "gpu", "constants"])
            let formatValue = try top.required("format")
            guard try formatValue.string() == format else {
                throw formatValue.error(
                    "expected \(format), got \(formatValue.found) (not a clustertop calibration file?)")
            }
            let gpuValue = try top.required("gpu")
            let gpu = try gpuValue.string(oneOf: GPUCatalog.ids)
            guard let gpuSpec = GPUCatalog.spec(gpu) else { throw gpuValue.error("unknown GPU \"\(gpu)\"") }
            var constants = CostConstants.builtin(for: gpuSpec)
            let m = try top.required("constants").mapping(allowed: keys.map(\.name))
            for (index, entry) in keys.enumerated() {
                guard let v = m[entry.name] else { continue }
                constants[index: index] = try v.number(in: entry.range) * entry.scale
            }
            return CalibrationFile(gpu: gpu, constants: constants)
        } catch let e as ScenarioError {
            throw e
        } catch {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "\(error)")
        }
    }

    /// Reads and parses the file at `path`; `name` is how errors call it.
    public static func load(path: String, name: String? = nil) throws(ScenarioError) -> CalibrationFile {
        let text = try InputFile.text(path, limit: maxBytes, shown: name, sizeHint: sizeHint)
        return try parse(text, file: name ?? path)
    }

    /// `value` as the file writes it: 15 significant digits, which drops the rounding error of the
    /// unit change (10000.000000000002 µs is 10000), and never outside `range`, so what is
    /// written reads back.
    static func text(_ value: Double, in range: ClosedRange<Double>) -> String {
        let rounded = Double(String(format: "%.15g", value)) ?? value
        return "\(min(max(rounded, range.lowerBound), range.upperBound))"
    }

    /// The file's text; `comment` lines (without `#`) go first.
    public func yamlText(comment: [String] = []) -> String {
        var lines = comment.map { $0.isEmpty ? "#" : "# \($0)" }
        lines.append("format: \(CalibrationFile.format)")
        lines.append("gpu: \(gpu)")
        lines.append("constants:")
        for (index, entry) in CalibrationFile.keys.enumerated() {
            lines.append(
                "  \(entry.name): \(CalibrationFile.text(constants[index: index] / entry.scale, in: entry.range))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ScenarioParser {
    /// Reads the `calibration` key of instance group `group` (on `gpu`), if it has one, into
    /// `calibrations`. The path is relative to `baseDirectory` (the scenario's folder), as traces are.
    static func readCalibration(
        _ group: YAMLValue, gpu: String, baseDirectory base: String, into calibrations: inout [String: CostConstants]
    ) throws {
        guard case .mapping(let m) = group.node,
            let node = m.first(where: { if case .scalar(let k) = $0.key { k.string == "calibration" } else { false } })?
                .value
        else { return }
        let value = group.child(node, key: "calibration")
        let name = try value.string()
        let path = name.hasPrefix("/") || base.isEmpty ? name : "\(base)/\(name)"
        guard FileManager.default.fileExists(atPath: path) else {
            throw value.error("no calibration file \"\(path)\" (the path is relative to the scenario's folder)")
        }
        let file = try CalibrationFile.load(path: path)
        guard file.gpu == gpu else {
            throw value.error("\(path) calibrates gpu \(file.gpu), but this group runs on \(gpu)")
        }
        if let existing = calibrations[gpu], existing != file.constants {
            throw value.error("another group already names a different calibration for \(gpu); one per GPU type")
        }
        calibrations[gpu] = file.constants
    }
}

extension CalibrationFile {
    /// The first constant outside the range a calibration file accepts, as its file key and a
    /// message; nil when all are in range. Recordings carry constants and are checked by this.
    public static func problem(_ constants: CostConstants) -> (key: String, message: String)? {
        for (index, entry) in keys.enumerated() {
            let value = constants[index: index] / entry.scale
            if let message = rangeProblem("a number", value, entry.range) { return (entry.name, message) }
        }
        return nil
    }
}
