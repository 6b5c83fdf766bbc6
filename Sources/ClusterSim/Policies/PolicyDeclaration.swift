/// One tunable of a policy, declared once beside the policy that reads it: its name under
/// `policy.params`, its default, its allowed range and what it means.
///
/// The policy reads its value through this declaration (`PolicyParams.integer(_:)`,
/// `PolicyParams.number(_:)`), so the default and the range written here are the ones in force;
/// `clustertop policies`, the scenario parser and `compare --param` read the same declaration.
public struct PolicyParameter: Sendable, Hashable {
    public enum Kind: String, Sendable { case integer, number }

    public var name: String
    public var kind: Kind
    public var defaultValue: Double
    public var range: ClosedRange<Double>
    public var help: String
    /// How `clustertop policies` shows the default when the number alone would mislead (a 0 that
    /// stands for a computed default); nil shows the number.
    public var defaultNote: String?

    /// A whole-number parameter.
    public static func integer(
        _ name: String, default value: Int, in range: ClosedRange<Int>, help: String, shown note: String? = nil
    ) -> PolicyParameter {
        PolicyParameter(
            name: name, kind: .integer, defaultValue: Double(value),
            range: Double(range.lowerBound)...Double(range.upperBound), help: help, defaultNote: note)
    }

    /// A real-valued parameter.
    public static func number(
        _ name: String, default value: Double, in range: ClosedRange<Double>, help: String, shown note: String? = nil
    ) -> PolicyParameter {
        PolicyParameter(name: name, kind: .number, defaultValue: value, range: range, help: help, defaultNote: note)
    }

    /// The default as `clustertop policies` shows it.
    public var defaultText: String {
        if let defaultNote { return defaultNote }
        return defaultValue == defaultValue.rounded() && abs(defaultValue) < 1e15
            ? String(Int(defaultValue)) : "\(defaultValue)"
    }

    /// The range as error messages show it: `0...4096` for whole numbers, `0.0...0.5` otherwise.
    public var rangeText: String {
        kind == .integer
            ? "\(Int(range.lowerBound))...\(Int(range.upperBound))" : "\(range.lowerBound)...\(range.upperBound)"
    }

    /// Why `value` is not allowed, or nil.
    public func problem(_ value: Double) -> String? {
        switch kind {
        case .integer:
            guard value == value.rounded(), range.contains(value) else {
                return "expected a whole number in \(rangeText), got \(value)"
            }
        case .number:
            guard range.contains(value) else { return "expected a number in \(rangeText), got \(value)" }
        }
        return nil
    }
}

/// What `clustertop policies` says about one policy, declared once in the policy's own file
/// (`static let declaration`); the registry (`PolicyRegistry`) lists them.
public struct PolicyDeclaration: Sendable, Hashable {
    public enum Scope: String, Sendable { case global, local }

    public var id: String
    public var scope: Scope
    public var summary: String
    public var source: String
    public var parameters: [PolicyParameter]

    public init(id: String, scope: Scope, summary: String, source: String, parameters: [PolicyParameter] = []) {
        self.id = id
        self.scope = scope
        self.summary = summary
        self.source = source
        self.parameters = parameters
    }

    public func parameter(_ name: String) -> PolicyParameter? { parameters.first { $0.name == name } }
}

/// Named numeric parameters of a policy (`policy.params` in a scenario).
public struct PolicyParams: Sendable, Hashable {
    public var values: [String: Double]
    public init(_ values: [String: Double] = [:]) { self.values = values }

    /// The value of whole-number parameter `p`, or its default; checks it against the declared range.
    public func integer(_ p: PolicyParameter) throws -> Int {
        Int(try number(p))
    }

    /// The value of parameter `p`, or its default; checks it against the declared range.
    public func number(_ p: PolicyParameter) throws -> Double {
        guard let v = values[p.name] else { return p.defaultValue }
        if let message = p.problem(v) { throw PolicyParamError(key: p.name, message: message) }
        return v
    }
}

public struct PolicyParamError: Error, Sendable {
    public var key: String
    public var message: String
}
