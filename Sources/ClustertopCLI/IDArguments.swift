import ArgumentParser
import ClusterSim
import Foundation

// Ids on the command line are parsed by ArgumentParser into the simulator's id types. An unknown
// one is reported as every bad input is, with exit status 2: `optionID` builds the parse with its
// message, and `Clustertop.run(arguments:)` prints the `CommandError` it throws as it is.

extension GlobalPolicyID: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { GlobalPolicy.ids }
}

extension LocalPolicyID: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { LocalPolicy.allIDs }
}

extension GPUID: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { GPUCatalog.ids }
}

/// An id type the command line takes, with the words its unknown-id message uses.
protocol CommandLineID: ExpressibleByArgument {
    /// "policy", "GPU".
    static var noun: String { get }
    /// The closing list: " (choose from: a, b)".
    static var choices: String { get }
}

extension GlobalPolicyID: CommandLineID {
    static var noun: String { "policy" }
    static var choices: String { " (choose from: \(allValueStrings.joined(separator: ", ")))" }
}

extension LocalPolicyID: CommandLineID {
    static var noun: String { "policy" }
    static var choices: String { " (choose from: \(allValueStrings.joined(separator: ", ")))" }
}

extension GPUID: CommandLineID {
    static var noun: String { "GPU" }
    static var choices: String { " (known: \(allValueStrings.joined(separator: ", ")))" }
}

/// The message for `text`, no known id, given to `option`:
/// `--global: unknown policy "rr"; did you mean "…"? (choose from: …)`.
func unknownIDError<ID: CommandLineID>(_: ID.Type, _ text: String, option: String) -> CommandError {
    let message = "\(option): unknown \(ID.noun) \"\(text)\"" + didYouMean(text, among: ID.allValueStrings)
    return CommandError(message + ID.choices)
}

/// The parse of an id option (`transform:`): the id, or the `CommandError` naming `option`.
func optionID<ID: CommandLineID>(_ option: String) -> @Sendable (String) throws -> ID {
    { text in
        guard let id = ID(argument: text) else { throw unknownIDError(ID.self, text, option: option) }
        return id
    }
}

/// The ids of a comma-separated option (`transform:`), each parsed as `optionID` does.
func optionIDList<ID: CommandLineID>(_ option: String) -> @Sendable (String) throws -> [ID] {
    { value in
        let parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            throw CommandError("\(option): expected one or more policy ids separated by commas")
        }
        return try parts.map(optionID(option))
    }
}

extension Clustertop {
    /// The `CommandError` an option's parse threw, which ArgumentParser hands on wrapped in its
    /// own error (whose message would start "The value … is invalid"); nil when there is none.
    static func commandError(wrappedIn error: Error, depth: Int = 0) -> CommandError? {
        if let error = error as? CommandError { return error }
        return commandError(in: error, depth: depth)
    }

    private static func commandError(in value: Any, depth: Int) -> CommandError? {
        guard depth < 6 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let found = child.value as? CommandError { return found }
            if let found = commandError(in: child.value, depth: depth + 1) { return found }
        }
        return nil
    }
}
