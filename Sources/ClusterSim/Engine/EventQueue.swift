import HeapModule

/// What an event does, and its rank among events at the same instant.
///
/// Same-instant order is written down here, never left to the heap (vidur's `EventType` ranks):
/// 1. `control`: scenario events and user commands (a policy switch, a spike, a failure) act first,
///    so everything else at that instant sees the new state;
/// 2. `iterationEnd`: finished iterations release tokens and KV blocks;
/// 3. `arrival`: new requests are dispatched after completions freed room;
/// 4. `tick`: periodic policy work (migration pairing, autoscaling) sees the instant's arrivals;
/// 5. `schedule`: an idle instance forms its next batch last, so it batches every request that
///    arrived at this instant rather than only the first.
/// Ties within a rank go by insertion sequence.
public enum EventKind: UInt8, Sendable {
    case control = 0
    case iterationEnd = 1
    case arrival = 2
    case tick = 3
    case schedule = 4
}

/// One pending event: when, what, for whom (an instance, a stream or a control index), and
/// a generation that lets a rescheduled event supersede an older copy without searching the heap.
public struct Event: Comparable, Sendable {
    public var time: SimTime
    public var kind: EventKind
    public var sequence: UInt64
    public var target: Int32
    public var generation: UInt32

    public static func < (a: Event, b: Event) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.kind != b.kind { return a.kind.rawValue < b.kind.rawValue }
        return a.sequence < b.sequence
    }

    public static func == (a: Event, b: Event) -> Bool {
        a.time == b.time && a.kind == b.kind && a.sequence == b.sequence
    }
}

/// The pending events, ordered by (time, kind rank, insertion sequence).
public struct EventQueue: Sendable {
    var heap = Heap<Event>()
    var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    public var nextTime: SimTime? { heap.min?.time }

    public mutating func push(at time: SimTime, _ kind: EventKind, target: Int32, generation: UInt32 = 0) {
        heap.insert(Event(time: time, kind: kind, sequence: nextSequence, target: target, generation: generation))
        nextSequence &+= 1
    }

    public mutating func pop() -> Event? { heap.popMin() }
}
