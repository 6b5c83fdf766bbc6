/// A node of a small YAML settings file (the dashboard's config.yaml) with the scenario
/// reader's located checks: every error says file:line:col, the key, what was expected and
/// what was found, with "did you mean" for a misspelt key or choice.
public struct SettingsValue {
    let value: YAMLValue

    /// The root of `text`, refused over `limit` bytes, too deeply nested, or empty.
    public static func document(_ text: String, file: String, what: String, limit: Int) throws(ScenarioError)
        -> SettingsValue
    {
        SettingsValue(
            value: try InputFile.yamlDocument(
                text, file: file, what: what, limit: limit, sizeHint: "\(what) is a few lines",
                empty: "write at least one setting, or delete the file"))
    }

    /// The error `message` located at this node.
    public func error(_ message: String) -> ScenarioError { value.error(message) }

    /// The mapping's entries, in file order; an unknown or repeated key is an error.
    public func mapping(allowed: [String]) throws -> [(key: String, value: SettingsValue)] {
        try value.mapping(allowed: allowed).entries.map { ($0.0, SettingsValue(value: $0.1)) }
    }

    public func sequence() throws -> [SettingsValue] { try value.sequence().map(SettingsValue.init) }

    public func string() throws -> String { try value.string() }

    public func string(oneOf choices: [String]) throws -> String { try value.string(oneOf: choices) }

    public func number(_ what: String, in range: ClosedRange<Double>) throws -> Double {
        try value.number(what, in: range)
    }

    /// true/false (also yes/no, on/off).
    public func bool() throws -> Bool {
        switch try value.string(oneOf: ["true", "false", "yes", "no", "on", "off"]) {
        case "true", "yes", "on": return true
        default: return false
        }
    }
}
