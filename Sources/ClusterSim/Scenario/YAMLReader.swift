import Yams

/// A YAML node with its key path and file, whose accessors throw located `ScenarioError`s.
///
/// Every check says what was expected and what was found, at the node's line and column.
struct YAMLValue {
    let node: Node
    let path: String
    let file: String

    func error(_ message: String) -> ScenarioError {
        ScenarioError(
            file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, path: path, message: message)
    }

    /// How the value looks, for "got …" in messages.
    var found: String {
        switch node {
        case .scalar(let s):
            if s.string.isEmpty || s.string == "~" || s.string == "null" { return "nothing" }
            return "\"\(s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    func child(_ node: Node, key: String) -> YAMLValue {
        YAMLValue(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The mapping's entries; keys outside `allowed` are errors with a "did you mean" hint.
    func mapping(allowed: [String]) throws -> YAMLMapping {
        var problems: [ScenarioError] = []
        let m = try mapping(allowed: allowed, problems: &problems)
        if let first = problems.first { throw first }
        return m
    }

    /// The mapping's entries in `allowed`; an unknown or repeated key is added to `problems`
    /// and left out, so the rest can still be checked.
    func mapping(allowed: [String], problems: inout [ScenarioError]) throws -> YAMLMapping {
        guard case .mapping(let m) = node else { throw error("expected a mapping, got \(found)") }
        var entries: [(String, YAMLValue)] = []
        for (k, v) in m {
            let keyNode = YAMLValue(node: k, path: path, file: file)
            guard case .scalar(let ks) = k else {
                problems.append(keyNode.error("expected a key name, got \(keyNode.found)"))
                continue
            }
            let key = ks.string
            guard allowed.contains(key) else {
                var message = "unknown key \"\(key)\""
                message += didYouMean(key, among: allowed)
                message += " (expected one of: \(allowed.joined(separator: ", ")))"
                problems.append(keyNode.error(message))
                continue
            }
            if entries.contains(where: { $0.0 == key }) {
                problems.append(
                    YAMLValue(node: k, path: path.isEmpty ? key : "\(path).\(key)", file: file).error(
                        "duplicate key \"\(key)\""))
                continue
            }
            entries.append((key, child(v, key: key)))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    func sequence() throws -> [YAMLValue] {
        guard case .sequence(let s) = node else { throw error("expected a list, got \(found)") }
        return s.enumerated().map { i, n in YAMLValue(node: n, path: "\(path)[\(i)]", file: file) }
    }

    func string() throws -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else { throw error("expected text, got \(found)") }
        return s.string
    }

    func string(oneOf choices: [String]) throws -> String {
        let s = try string()
        if let message = choiceProblem(s, among: choices) { throw error(message) }
        return s
    }

    /// The case of `T` the text names, with "did you mean" when it names none.
    func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws -> T where T.RawValue == String {
        let s = try string(oneOf: T.allCases.map(\.rawValue))
        guard let value = T(rawValue: s) else {
            throw error("expected one of \(T.allCases.map(\.rawValue)), got \(found)")
        }
        return value
    }

    func number(_ what: String = "a number", in range: ClosedRange<Double>, openLow: Bool = false) throws -> Double {
        guard case .scalar(let s) = node, let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite
        else {
            throw error("expected \(what), got \(found)")
        }
        if let message = rangeProblem(what, v, range, openLow: openLow, got: s.string) { throw error(message) }
        return v
    }

    func integer(_ what: String = "a whole number", in range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let s) = node, let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            if case .scalar(let s) = node, let d = Double(s.string), d.isFinite {
                throw error("expected \(what), got \(s.string)")
            }
            throw error("expected \(what), got \(found)")
        }
        guard range.contains(v) else {
            throw error("expected \(what) from \(range.lowerBound) to \(range.upperBound), got \(s.string)")
        }
        return v
    }
}

struct YAMLMapping {
    let owner: YAMLValue
    let entries: [(String, YAMLValue)]

    subscript(_ key: String) -> YAMLValue? { entries.first { $0.0 == key }?.1 }

    func required(_ key: String) throws -> YAMLValue {
        guard let v = self[key] else { throw owner.error("missing key \"\(key)\"") }
        return v
    }

    var keys: [String] { entries.map(\.0) }
}
