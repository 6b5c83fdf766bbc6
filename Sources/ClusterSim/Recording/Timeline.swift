/// A run's iterations and request lifecycles in the Chrome trace-event format
/// (https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU), which
/// Perfetto (ui.perfetto.dev) and chrome://tracing open.
///
/// Bounded: only the first `limit` requests by arrival are traced, and instance iterations are
/// kept only while at least one traced request is in the cluster (arrived, not yet finished or
/// rejected), which is the context their slices need. The simulation feeds it
/// (Simulation+Timeline.swift); it never changes what the simulation does.
///
/// Layout: one process per instance (pid 1000 + id) whose main thread holds its iterations
/// ("X" slices with batch size and prefill/decode tokens); one "requests" process (pid 1) with a
/// thread per traced request: an enclosing slice from arrival to the end, and inside it "queued",
/// "prefill" chunks, merged "decode" runs, "preempted" instants; migrations as async slices; and a
/// flow arrow from an instance's iteration to the next instance's whenever a request moves.
public struct TimelineRecorder: Sendable {
    /// What is known of one traced request.
    struct Traced: Sendable {
        var slot: Int32 = -1
        var alive = false
        var queuedSince: SimTime = -1
        var decodeStart: SimTime = -1
        var decodeEnd: SimTime = 0
        var decodeTokens: Int64 = 0
        var decodeInstance: Int32 = -1
        /// The last iteration it was in: where, and its middle instant (a flow leaves from there).
        var lastInstance: Int32 = -1
        var lastIterationMiddle: SimTime = 0
        var preemptions: Int32 = 0
    }

    /// One event, its JSON object written once; sorted by time at the end.
    struct Event: Sendable {
        var ts: SimTime
        var duration: SimTime
        var sequence: Int
        var json: String
    }

    public let limit: Int
    var traced: [Traced]
    /// Traced requests in the cluster now.
    var alive = 0
    var events: [Event] = []
    var metadata: [String] = []
    var named: [Bool] = []
    var nextFlow = 1

    static let requestsPid = 1

    /// Traces the first `limit` requests by arrival.
    public init(limit: Int) {
        self.limit = limit
        traced = [Traced](repeating: Traced(), count: limit)
        metadata.append(Self.meta("process_name", pid: Self.requestsPid, tid: 0, "requests"))
        metadata.append(Self.meta("process_sort_index", pid: Self.requestsPid, tid: 0, value: -1))
    }

    /// Events kept so far (metadata aside).
    public var eventCount: Int { events.count }

    /// Whether request `serial` is traced.
    @inline(__always)
    func isTraced(_ serial: Int64) -> Bool { serial < Int64(limit) }

    static func instancePid(_ i: Int32) -> Int { 1000 + Int(i) }
    static func requestTid(_ serial: Int64) -> Int { Int(serial) + 2 }

    static func meta(_ kind: String, pid: Int, tid: Int, _ name: String) -> String {
        #"{"name":"\#(kind)","ph":"M","pid":\#(pid),"tid":\#(tid),"args":{"name":\#(jsonString(name))}}"#
    }

    static func meta(_ kind: String, pid: Int, tid: Int, value: Int) -> String {
        #"{"name":"\#(kind)","ph":"M","pid":\#(pid),"tid":\#(tid),"args":{"sort_index":\#(value)}}"#
    }

    /// `s` as a JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where c.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count)
                    + String(c.value, radix: 16)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    mutating func add(_ ts: SimTime, duration: SimTime = 0, _ json: String) {
        events.append(Event(ts: ts, duration: duration, sequence: events.count, json: json))
    }

    /// A complete ("X") slice.
    mutating func slice(
        _ name: String, pid: Int, tid: Int, from start: SimTime, to end: SimTime, args: String, category: String
    ) {
        let duration = max(0, end - start)
        add(
            start, duration: duration,
            #"{"name":\#(Self.jsonString(name)),"cat":"\#(category)","ph":"X","pid":\#(pid),"tid":\#(tid),"ts":\#(start),"dur":\#(duration),"args":{\#(args)}}"#
        )
    }

    /// An instant ("i") event on a request's thread.
    mutating func instant(_ name: String, serial: Int64, at t: SimTime, args: String) {
        add(
            t,
            #"{"name":"\#(name)","cat":"request","ph":"i","s":"t","pid":\#(Self.requestsPid),"tid":\#(Self.requestTid(serial)),"ts":\#(t),"args":{\#(args)}}"#
        )
    }

    /// Names instance `i`'s process (`description`: its GPU and model) and thread, once.
    mutating func nameInstance(_ i: Int32, _ description: String) {
        while named.count <= Int(i) { named.append(false) }
        guard !named[Int(i)] else { return }
        named[Int(i)] = true
        let pid = Self.instancePid(i)
        metadata.append(Self.meta("process_name", pid: pid, tid: 0, "instance \(i) (\(description))"))
        metadata.append(Self.meta("process_sort_index", pid: pid, tid: 0, value: Int(i)))
        metadata.append(Self.meta("thread_name", pid: pid, tid: pid, "iterations"))
    }

    /// The file: `{"traceEvents":[...],"displayTimeUnit":"ms"}`, metadata first, then events by
    /// time (an enclosing slice before the slices it holds).
    public func json() -> String {
        let sorted = events.sorted {
            ($0.ts, -$0.duration, $0.sequence) < ($1.ts, -$1.duration, $1.sequence)
        }
        var out = #"{"displayTimeUnit":"ms","otherData":{"generator":"clustertop"},"traceEvents":["#
        out += "\n"
        var first = true
        for line in metadata + sorted.map(\.json) {
            if !first { out += ",\n" }
            out += line
            first = false
        }
        return out + "\n]}\n"
    }
}
