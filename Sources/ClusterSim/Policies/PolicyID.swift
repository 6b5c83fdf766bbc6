/// A policy id the registry knows, global or local: what the dashboard's picker lists.
public protocol PolicyID: Sendable, Hashable, CustomStringConvertible {
    /// The id as written.
    var rawValue: String { get }
}

/// A global policy id the registry knows: checked once where text comes in (a scenario, the
/// command line, a recording), then built into a policy without another lookup.
///
/// Its text is the id as given (`round-robin`); recordings and reports write that text.
public struct GlobalPolicyID: PolicyID, ExpressibleByStringLiteral {
    /// The id as written.
    public let rawValue: String
    /// Its entry in `GlobalPolicy.registered`.
    let index: Int

    /// The id named `text`, or nil when no global policy has it.
    public init?(_ text: String) {
        guard let index = GlobalPolicy.ids.firstIndex(of: text) else { return nil }
        self.rawValue = text
        self.index = index
    }

    /// An id written in code; an unknown one is a programming error and stops the program.
    public init(stringLiteral text: String) {
        guard let id = GlobalPolicyID(text) else { preconditionFailure("unknown global policy \"\(text)\"") }
        self = id
    }

    /// Every global policy, in the order the dashboard cycles through them.
    public static let all: [GlobalPolicyID] = GlobalPolicy.ids.indices.map { GlobalPolicyID(index: $0) }

    /// The default global policy.
    public static let roundRobin: GlobalPolicyID = all[0]

    /// `auto`, which runs the others in turn as it learns (`AutoGlobal`).
    public var isAuto: Bool { rawValue == AutoGlobal.declaration.id }

    private init(index: Int) {
        self.rawValue = GlobalPolicy.ids[index]
        self.index = index
    }

    /// The id named `text`; throws "expected one of a, b, got "c"; did you mean "a"?" when no
    /// global policy has it.
    public init(parsing text: String) throws(UnknownID) {
        guard let id = GlobalPolicyID(text) else { throw UnknownID(unknownChoice(text, among: GlobalPolicy.ids)) }
        self = id
    }

    public var description: String { rawValue }
}

/// A local policy id the registry knows: batching mechanics, a queue order, or both
/// (`vllm-v0`, `mdd`, `sarathi+mdd`; any of `LocalPolicy.allIDs`), checked and split once where
/// text comes in, then built into a policy without another lookup.
///
/// Its text is the id as given (`vllm-v1+mdd` stays so, though the policy calls itself `mdd`).
public struct LocalPolicyID: PolicyID, ExpressibleByStringLiteral {
    /// The id as written.
    public let rawValue: String
    /// The mechanics' entry in `LocalPolicy.registered`.
    let mechanics: Int
    /// The queue order.
    public let order: QueueOrder

    /// The id named `text`, or nil when it names no local policy.
    public init?(_ text: String) {
        if text == AutoGlobal.localDeclaration.id {
            self.rawValue = text
            self.mechanics = -1
            self.order = .fcfs
            return
        }
        var base = text, order = QueueOrder.fcfs
        if let plus = text.firstIndex(of: "+") {
            base = String(text[..<plus])
            guard let named = QueueOrder(rawValue: String(text[text.index(after: plus)...])), named != .fcfs else {
                return nil
            }
            order = named
        } else if let named = QueueOrder(rawValue: text), named != .fcfs {
            base = LocalPolicy.orderMechanics
            order = named
        }
        guard let mechanics = LocalPolicy.baseIDs.firstIndex(of: base) else { return nil }
        self.rawValue = text
        self.mechanics = mechanics
        self.order = order
    }

    /// An id written in code; an unknown one is a programming error and stops the program.
    public init(stringLiteral text: String) {
        guard let id = LocalPolicyID(text) else { preconditionFailure("unknown local policy \"\(text)\"") }
        self = id
    }

    /// The local policies the dashboard cycles through: every mechanics, then every order on vLLM v1
    /// (`LocalPolicy.ids`), then `auto`.
    public static let all: [LocalPolicyID] = LocalPolicy.ids.compactMap(LocalPolicyID.init) + [auto]

    /// The default local policy.
    public static let vllmV0: LocalPolicyID = all[0]

    /// `auto`: not a batching policy but the choice among them, learned as the run goes
    /// (`AutoGlobal`, built by `PolicyRegistry.policies`).
    public static let auto = LocalPolicyID(AutoGlobal.localDeclaration.id)!

    public var isAuto: Bool { mechanics < 0 }

    /// The id named `text`; throws "expected one of a, b, got "c"; did you mean "a"?" (the short
    /// ids listed) when it names no local policy.
    public init(parsing text: String) throws(UnknownID) {
        guard let id = LocalPolicyID(text) else {
            throw UnknownID(unknownChoice(text, among: LocalPolicy.allIDs, shown: LocalPolicyID.all.map(\.rawValue)))
        }
        self = id
    }

    public var description: String { rawValue }
}

/// Text that names no known id (a policy, a GPU, a model): "expected one of a, b, got "c"; did you
/// mean "a"?", to be placed after where the text came from.
public struct UnknownID: Error, Sendable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
