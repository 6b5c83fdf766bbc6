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
///
/// A 4-ary min-heap in one array (the children of slot k are 4k+1 ... 4k+4): at thousands of
/// instances it holds an event per instance, and a heap half as deep as a binary one, whose four
/// children share a cache line or two, costs fewer comparisons and misses per event. Keys are
/// unique (the sequence breaks every tie), so the order events come out in is the order above,
/// whatever the heap's shape.
public struct EventQueue: Sendable {
    var events: [Event] = []
    var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { events.count }
    public var isEmpty: Bool { events.isEmpty }
    public var nextTime: SimTime? { events.first?.time }
    /// The next event, left in the queue.
    public var next: Event? { events.first }

    /// Calls `body` with each event `depth` levels below the earliest in the heap, in no
    /// particular order: events due soon, the sooner the shallower (the one after the next is
    /// among the earliest's children, at depth 1).
    @inline(__always)
    func forEach(atDepth depth: Int, _ body: (Event) -> Void) {
        // Depth d of a 4-ary heap holds slots (4^d - 1) / 3 ..< (4^(d+1) - 1) / 3.
        let first = ((1 << (2 * depth)) - 1) / 3
        let end = min(((1 << (2 * depth + 2)) - 1) / 3, events.count)
        for k in first..<max(first, end) { body(events[k]) }
    }

    public mutating func push(at time: SimTime, _ kind: EventKind, target: Int32, generation: UInt32 = 0) {
        let event = Event(time: time, kind: kind, sequence: nextSequence, target: target, generation: generation)
        nextSequence &+= 1
        events.append(event)
        events.withUnsafeMutableBufferPointer { heap in
            // Move parents down into the hole until the new event's place is found.
            var hole = heap.count - 1
            while hole > 0 {
                let parent = (hole - 1) / 4
                guard event < heap[parent] else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = event
        }
    }

    public mutating func pop() -> Event? {
        guard let first = events.first else { return nil }
        let last = events.removeLast()
        guard !events.isEmpty else { return first }
        events.withUnsafeMutableBufferPointer { heap in
            // Move the smallest child up into the hole until the last event fits there.
            var hole = 0
            while true {
                let firstChild = 4 * hole + 1
                guard firstChild < heap.count else { break }
                var smallest = firstChild
                for child in (firstChild + 1)..<min(firstChild + 4, heap.count) where heap[child] < heap[smallest] {
                    smallest = child
                }
                guard heap[smallest] < last else { break }
                heap[hole] = heap[smallest]
                hole = smallest
            }
            heap[hole] = last
        }
        return first
    }
}
