import DequeModule

/// What an instance serves: whole requests, or one phase of disaggregated serving.
///
/// Disaggregated prefill/decode after DistServe (Zhong et al., OSDI'24) and Splitwise (Patel et
/// al., ISCA'24): a prompt runs on a `prefill` instance, its KV cache is sent to a `decode`
/// instance, which generates the rest. `mixed` is co-located serving (every instance does both),
/// the default. `Simulation+Transfers.swift` runs the hand-off.
public enum InstanceRole: String, Sendable, Hashable, CaseIterable {
    case mixed, prefill, decode

    /// Takes new prompts from dispatch (prefill or mixed).
    public var takesPrompts: Bool { self != .decode }
    /// Takes requests handed off after their prefill (decode or mixed).
    public var takesDecodes: Bool { self != .prefill }

    /// One letter for narrow tables: M, P, D.
    public var letter: String {
        switch self {
        case .mixed: "M"
        case .prefill: "P"
        case .decode: "D"
        }
    }
}

/// How the engine picks the decode instance a prefilled request's KV cache is sent to (the
/// prefill instance is picked by the global policy, among the instances that take prompts).
///
/// Both consider only decode-capable active instances with room for the request's blocks now;
/// ties go to the lowest instance id.
public enum DecodeChoice: String, Sendable, Hashable, CaseIterable {
    /// Fewest requests there: running, waiting and being sent (join-the-shortest-queue, as
    /// Splitwise's cluster-level scheduler does for its token pool).
    case leastLoaded = "least-loaded"
    /// Earliest estimated next token: the transfer's end (queued behind the transfers already
    /// using either instance's port, at the pair's bandwidth, NVLink inside a node) plus one
    /// iteration of the instance's current batch with the request added. After Mooncake's
    /// conductor (FAST'25), which weighs the KV transfer against the decode instance's load.
    case transferAware = "transfer-aware"

    /// The choices, as `--decode-choice`, the scenario and the dashboard name them.
    public static let ids = allCases.map(\.rawValue)
}

/// One KV hand-off waiting for a decode instance with room: the request stays stopped on its
/// prefill instance, holding its blocks, until one frees enough (backpressure, as DistServe's
/// decode instances pull KV caches only when they have memory for them).
struct PendingHandoff: Sendable, Hashable {
    var slot: Int32
    var serial: Int64
    var source: Int32
    var preemptions: Int32
    var since: SimTime
}

/// What the engine keeps for disaggregated serving: the decode choice in force, each instance's
/// KV transfer port calendar, hand-offs waiting for room, and the figures of the report.
public struct TransferBook: Sendable {
    public internal(set) var decodeChoice: DecodeChoice = .leastLoaded
    /// When each instance's transfer port is free again (µs); indexed by instance id.
    var portFreeAt: [SimTime] = []
    /// Hand-offs waiting for a decode instance with room, oldest first.
    var pending = Deque<PendingHandoff>()
    /// Requests on their way to each instance (hand-offs in flight), by instance id.
    var incoming: [Int32] = []
    /// Requests of the iteration being ended that go to a decode instance (scratch).
    var prefilled: [Int32] = []
    /// Some instance has had a prefill or decode role (the report then shows the hand-offs).
    public internal(set) var used = false

    // Report figures.
    /// Hand-offs committed, aborted, and those that waited for room.
    public internal(set) var committed: Int64 = 0
    public internal(set) var aborted: Int64 = 0
    public internal(set) var waited: Int64 = 0
    /// KV bytes sent, over every rank.
    public internal(set) var bytes: Double = 0
    /// TTFT of handed-off requests split in three: arrival to first scheduled (queue), first
    /// scheduled to prefill end (prefill), prefill end to arrival at the decode instance (transfer:
    /// waiting for room, waiting for the port, setup and bytes).
    public internal(set) var queue = Histogram()
    public internal(set) var prefill = Histogram()
    public internal(set) var transfer = Histogram()
    /// Time a hand-off waited for a port before its bytes started to move.
    public internal(set) var portWait = Histogram()

    mutating func growTo(_ count: Int) {
        while portFreeAt.count < count {
            portFreeAt.append(0)
            incoming.append(0)
        }
    }
}
