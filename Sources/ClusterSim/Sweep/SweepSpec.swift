import Foundation
import Yams

/// A sweep file read and checked: the base scenario and every point's scenario, built and
/// validated before any point runs.
///
/// The file format is in docs/sweeps.md. Points come in a stable order: each listed point (in
/// file order) crossed with the grid, whose first axis varies slowest; with no `points`, the grid
/// alone, and with no `grid`, the listed points alone.
public struct SweepSpec: Sendable {
    /// The sweep file, as named in messages.
    public var file: String
    /// The base scenario's name (its `name:` key).
    public var scenarioName: String
    /// Every axis any point sets, in the order they first appear (points first, then grid): the
    /// settings columns.
    public var axes: [SweepAxis]
    public var points: [SweepPoint]
    /// Identifies the sweep: the base scenario's text and every point's key. Rows of a results
    /// file carry it, so a resume or a merge can tell whether they belong to this sweep.
    public var id: String

    /// The most points one sweep may have.
    public static let maxPoints = 100_000
    /// A sweep file is a few lines: the same bound as a scenario.
    public static let maxBytes = ScenarioParser.Limits.maxScenarioBytes

    static let topKeys = ["scenario", "grid", "points"]

    /// Reads the sweep file at `path`; `shown` names it in errors.
    public static func load(path: String, shown: String? = nil) throws(ScenarioError) -> SweepSpec {
        let text = try InputFile.text(path, limit: maxBytes, shown: shown, sizeHint: "a sweep file is a few lines")
        return try parse(text, file: shown ?? path, baseDirectory: ScenarioParser.folder(of: path))
    }

    /// Parses a sweep file's text: `file` names it in errors, and its `scenario:` path is read
    /// relative to `baseDirectory`. Throws the first problem, located in the sweep file (or in the
    /// base scenario, for a problem of the base scenario itself).
    public static func parse(_ text: String, file: String, baseDirectory: String) throws(ScenarioError) -> SweepSpec {
        do {
            return try parseThrowing(text, file: file, baseDirectory: baseDirectory)
        } catch let e as ScenarioError {
            throw e
        } catch {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "\(error)")
        }
    }

    static func parseThrowing(_ text: String, file: String, baseDirectory: String) throws -> SweepSpec {
        let root = try InputFile.yamlDocument(
            text, file: file, what: "a sweep", empty: "a sweep needs a scenario and a grid or points")
        let top = try root.mapping(allowed: topKeys)
        let base = try baseScenario(try top.required("scenario"), baseDirectory: baseDirectory)

        // Each setting keeps the node it came from, for errors.
        typealias Source = (axis: SweepAxis, value: String, node: YAMLValue)
        func axis(_ keyNode: YAMLValue, name: String) throws -> SweepAxis {
            switch SweepAxis.parse(name, scenario: base.scenario) {
            case .success(let axis): return axis
            case .failure(let e): throw keyNode.error(e.message)
            }
        }
        func value(_ v: YAMLValue, axis: SweepAxis) throws -> String {
            guard case .scalar(let s) = v.node, !s.string.isEmpty, s.string != "~", s.string != "null" else {
                throw v.error("expected a value for \(axis), got \(v.found)")
            }
            if axis == .rateScale {
                _ = try v.number("a positive rate scale", in: 0...1e6, openLow: true)
            }
            return s.string
        }

        var grid: [(axis: SweepAxis, values: [Source])] = []
        if let gridValue = top["grid"] {
            guard case .mapping(let m) = gridValue.node else {
                throw gridValue.error("expected a mapping of axis names to lists of values, got \(gridValue.found)")
            }
            for (k, v) in m {
                let keyNode = YAMLValue(node: k, path: gridValue.path, file: file)
                let name = try keyNode.string()
                let a = try axis(keyNode.child(k, key: name), name: name)
                guard !grid.contains(where: { $0.axis == a }) else {
                    throw keyNode.child(k, key: name).error("duplicate axis \"\(name)\"")
                }
                let list = gridValue.child(v, key: name)
                let items: [YAMLValue]
                if case .sequence = v { items = try list.sequence() } else { items = [list] }
                guard !items.isEmpty else { throw list.error("expected at least one value, got an empty list") }
                grid.append((a, try items.map { (a, try value($0, axis: a), $0) }))
            }
            guard !grid.isEmpty else { throw gridValue.error("expected at least one axis, got an empty grid") }
        }

        var listed: [[Source]] = []
        if let pointsValue = top["points"] {
            let items = try pointsValue.sequence()
            guard !items.isEmpty else { throw pointsValue.error("expected at least one point, got an empty list") }
            for item in items {
                guard case .mapping(let m) = item.node, !m.isEmpty else {
                    throw item.error("expected a mapping of axis names to values, got \(item.found)")
                }
                var settings: [Source] = []
                for (k, v) in m {
                    let keyNode = YAMLValue(node: k, path: item.path, file: file)
                    let name = try keyNode.string()
                    let located = item.child(k, key: name)
                    let a = try axis(located, name: name)
                    guard !settings.contains(where: { $0.axis == a }) else {
                        throw located.error("duplicate axis \"\(name)\"")
                    }
                    guard !grid.contains(where: { $0.axis == a }) else {
                        throw located.error(
                            "\(name) is also a grid axis; a point's settings and the grid's must be different axes")
                    }
                    settings.append((a, try value(item.child(v, key: name), axis: a), item.child(v, key: name)))
                }
                listed.append(settings)
            }
        }
        guard !grid.isEmpty || !listed.isEmpty else {
            throw root.error("expected a grid, points or both; this sweep has no points")
        }

        // Points: each listed point (or one empty one) crossed with the grid, first axis slowest.
        var count = max(1, listed.count)
        for (_, values) in grid {
            count = count.multipliedReportingOverflow(by: values.count).overflow ? Int.max : count * values.count
            if count > maxPoints {
                throw (top["grid"] ?? root).error(
                    "the sweep has over \(maxPoints) points; split it into several sweeps")
            }
        }
        var combinations: [[Source]] = listed.isEmpty ? [[]] : listed
        for (_, values) in grid {
            combinations = combinations.flatMap { prefix in values.map { prefix + [$0] } }
        }
        var axes: [SweepAxis] = []
        for settings in listed { for s in settings where !axes.contains(s.axis) { axes.append(s.axis) } }
        axes += grid.map(\.axis)

        var points: [SweepPoint] = []
        var firstProblem: ScenarioError?
        var failing = 0
        for (index, sources) in combinations.enumerated() {
            let settings = sources.map { SweepPoint.Setting(axis: $0.axis, value: $0.value) }
            var node = base.root.node
            for s in settings { node = s.axis.apply(s.value, to: node) }
            var problems: [ScenarioError] = []
            let sourceText = (try? Yams.serialize(node: node)) ?? base.text
            let scenario = ScenarioParser.scenario(
                YAMLValue(node: node, path: "", file: base.file), text: sourceText, file: base.file,
                base: base.directory, problems: &problems)
            if let scenario, problems.isEmpty {
                points.append(SweepPoint(index: index, settings: settings, scenario: scenario))
                continue
            }
            failing += 1
            guard firstProblem == nil else { continue }
            let problem =
                problems.first
                ?? ScenarioError(file: base.file, line: 0, column: 0, path: "", message: "not a scenario")
            // The axis to blame: the one whose keys hold the problem, else one that changes the load
            // (the request budget), else the first.
            func holds(_ axis: SweepAxis) -> Bool {
                let p = axis.scenarioPath
                guard problem.path.hasPrefix(p) else { return false }
                let rest = problem.path.dropFirst(p.count)
                return rest.isEmpty || rest.hasPrefix(".") || rest.hasPrefix("[")
            }
            let blamed =
                sources.first(where: { holds($0.axis) }) ?? sources.first(where: { $0.axis.changesLoad })
                ?? sources.first!
            let point = SweepPoint(index: index, settings: settings, scenario: base.scenario)
            let inner = problem.path.isEmpty ? problem.message : "\(problem.path): \(problem.message)"
            firstProblem = blamed.node.error("point \(index) (\(point.key)): \(inner)")
        }
        if var problem = firstProblem {
            if failing > 1 {
                problem.message +=
                    failing == 2 ? " (1 other point fails too)" : " (\(failing - 1) other points fail too)"
            }
            throw problem
        }
        var hasher = FNV1a()
        hasher.add("clustertop sweep 1\n")
        hasher.add(base.text)
        for p in points { hasher.add("\n" + p.key) }
        return SweepSpec(
            file: file, scenarioName: base.scenario.name, axes: axes, points: points,
            id: String(hasher.value, radix: 16).leftPadded(to: 16))
    }

    /// The base scenario `value` names: a path relative to the sweep file's folder, or a built-in.
    static func baseScenario(_ value: YAMLValue, baseDirectory: String) throws -> (
        scenario: Scenario, root: YAMLValue, text: String, file: String, directory: String
    ) {
        let name = try value.string()
        let path = name.hasPrefix("/") || baseDirectory.isEmpty ? name : "\(baseDirectory)/\(name)"
        let text: String
        let file: String
        if FileManager.default.fileExists(atPath: path) {
            text = try ScenarioParser.text(path: path)
            file = path
        } else if let builtin = BuiltinScenarios.text(name) {
            text = builtin
            file = "built-in \(name)"
        } else {
            throw value.error(
                "no scenario file \(path) and no built-in scenario named so (built-in: \(BuiltinScenarios.names.joined(separator: ", ")))"
            )
        }
        let directory = file.hasPrefix("built-in") ? "" : ScenarioParser.folder(of: file)
        let scenario = try ScenarioParser.parse(text, file: file, baseDirectory: directory)
        return (scenario, try ScenarioParser.document(text, file: file), text, file, directory)
    }

    /// The points of shard `shard`.
    public func points(in shard: SweepShard) -> [SweepPoint] { points.filter { shard.contains($0.index) } }
}

/// One point of a sweep: its settings and the scenario they give.
public struct SweepPoint: Sendable {
    /// One axis's value, as written in the sweep file.
    public struct Setting: Sendable, Hashable {
        public var axis: SweepAxis
        public var value: String
    }

    /// Its place in the sweep's order, from 0.
    public var index: Int
    public var settings: [Setting]
    public var scenario: Scenario

    /// `global=llumnix rate_scale=2`: the settings in one stable text (the base scenario's own
    /// point, with no settings, is `base`).
    public var key: String {
        settings.isEmpty ? "base" : settings.map { "\($0.axis)=\($0.value)" }.joined(separator: " ")
    }
}

/// A disjoint slice of a sweep's points for one machine: point `i` belongs to shard `i % count`,
/// so every shard gets a similar mix of the grid.
public struct SweepShard: Sendable, Hashable, CustomStringConvertible {
    /// From 0 to `count - 1`.
    public var index: Int
    public var count: Int

    public static let whole = SweepShard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public func contains(_ point: Int) -> Bool { point % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// The 64-bit FNV-1a hash: stable across runs and machines, unlike `Hasher`.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
