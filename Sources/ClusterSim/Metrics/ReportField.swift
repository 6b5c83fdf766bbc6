/// One figure of the report: its JSON key, how it prints, and how `compare` shows it.
///
/// `Report.fields` is the one list of these: JSON (and its key order), the CSV columns and the
/// rows of `compare` all come from it. A field that repeats per tenant reads a `TenantSLO`.
public struct ReportField: Sendable {
    /// A printed value: an integer, a fixed-point number (nil or not finite prints null), text.
    public enum Value: Sendable {
        case integer(Int64)
        case number(Double?, decimals: Int)
        case string(String)

        var json: JSONValue {
            switch self {
            case .integer(let v): .integer(v)
            case .number(let v, let d): .number(v ?? .nan, decimals: d)
            case .string(let s): .string(s)
            }
        }
    }

    /// How `compare` shows a field: its row label, which way is better, and its display units.
    public struct Comparison: Sendable {
        public var label: String
        public var better: PolicyComparison.Metric.Better
        public var decimals: Int
        public var unit: Unit

        /// What a display value is in.
        public enum Unit: Sendable {
            /// As in the report.
            case same
            /// A share shown as a percentage.
            case percent
            /// Milliseconds shown as seconds.
            case seconds

            public func display(_ v: Double) -> Double {
                switch self {
                case .same: v
                case .percent: v * 100
                case .seconds: v / 1000
                }
            }
        }
    }

    enum Read: Sendable {
        /// One value, or nil where the report has no such figure (no workflows, no wall time).
        case one(@Sendable (Report) -> Value?)
        /// One object per tenant, keyed by the tenant's name, with these fields.
        case perTenant([(key: String, read: @Sendable (Report.TenantSLO) -> Value)])
    }

    /// The JSON keys from the root to this field ("ttft_ms", "p99").
    public var path: [String]
    var read: Read
    public var comparison: Comparison?

    /// The dotted path ("ttft_ms.p99"): a CSV column name and a `compare` metric.
    public var key: String { path.joined(separator: ".") }

    init(_ key: String, compare: Comparison? = nil, _ read: @escaping @Sendable (Report) -> Value?) {
        self.path = key.split(separator: ".").map(String.init)
        self.read = .one(read)
        self.comparison = compare
    }

    init(perTenant key: String, _ fields: [(key: String, read: @Sendable (Report.TenantSLO) -> Value)]) {
        self.path = key.split(separator: ".").map(String.init)
        self.read = .perTenant(fields)
    }

    /// The JSON tree of `report`: objects opened in the order their first field comes.
    static func tree(of report: Report) -> JSONValue {
        var root = Node()
        for field in Report.fields {
            switch field.read {
            case .one(let read):
                if let v = read(report) { root.insert(v.json, at: field.path[...]) }
            case .perTenant(let fields):
                // A tenant name is one key, even with a dot in it.
                root.insertEmptyObject(at: field.path[...])
                for t in report.slo.byTenant {
                    for f in fields { root.insert(f.read(t).json, at: field.path[...] + [t.name, f.key]) }
                }
            }
        }
        return root.json
    }

    /// An object being built, its keys in insertion order.
    struct Node {
        var keys: [String] = []
        var children: [String: Node] = [:]
        var leaves: [String: JSONValue] = [:]

        mutating func insert(_ value: JSONValue, at path: ArraySlice<String>) {
            let head = path.first!
            if path.count == 1 {
                if leaves[head] == nil && children[head] == nil { keys.append(head) }
                leaves[head] = value
            } else {
                if children[head] == nil { keys.append(head) }
                children[head, default: Node()].insert(value, at: path.dropFirst())
            }
        }

        mutating func insertEmptyObject(at path: ArraySlice<String>) {
            guard let head = path.first else { return }
            if children[head] == nil { keys.append(head) }
            children[head, default: Node()].insertEmptyObject(at: path.dropFirst())
        }

        var json: JSONValue { .object(keys.map { ($0, children[$0]?.json ?? leaves[$0]!) }) }
    }
}

extension Report {
    /// Every figure of the report, in JSON order.
    public static let fields: [ReportField] = {
        typealias F = ReportField
        @Sendable func n(_ v: Double, _ d: Int = 3) -> F.Value { .number(v, decimals: d) }
        @Sendable func i(_ v: Int64) -> F.Value { .integer(v) }
        func compare(
            _ label: String, _ better: PolicyComparison.Metric.Better, _ decimals: Int, unit: F.Comparison.Unit = .same
        ) -> F.Comparison { F.Comparison(label: label, better: better, decimals: decimals, unit: unit) }
        func latency(
            _ key: String, _ get: @escaping @Sendable (Report) -> Latency?, compare: [String: F.Comparison] = [:]
        ) -> [F] {
            [
                F("\(key).mean", compare: compare["mean"]) { get($0).map { n($0.mean) } },
                F("\(key).p50", compare: compare["p50"]) { get($0).map { n($0.p50) } },
                F("\(key).p90", compare: compare["p90"]) { get($0).map { n($0.p90) } },
                F("\(key).p99", compare: compare["p99"]) { get($0).map { n($0.p99) } },
                F("\(key).max", compare: compare["max"]) { get($0).map { n($0.max) } },
                F("\(key).count", compare: compare["count"]) { get($0).map { i($0.count) } },
            ]
        }
        var fields: [F] = [
            F("scenario") { .string($0.scenario) },
            F("seed") { i(Int64(bitPattern: $0.seed)) },
            F("policy.global") { .string($0.policy.global) },
            F("policy.local") { .string($0.policy.local) },
            F("instances") { i($0.instances) },
            F("simulated_s") { n($0.simulatedSeconds) },
            F("iterations") { i($0.iterations) },
            F("requests.arrived") { i($0.requests.arrived) },
            F("requests.completed", compare: compare("completed", .higher, 0)) { i($0.requests.completed) },
            F("requests.rejected") { i($0.requests.rejected) },
            F("requests.unfinished") { i($0.requests.unfinished) },
        ]
        fields += latency(
            "ttft_ms", { $0.ttft },
            compare: ["p50": compare("TTFT p50 ms", .lower, 1), "p99": compare("TTFT p99 ms", .lower, 1)])
        fields += latency("tbt_ms", { $0.tbt }, compare: ["p99": compare("TBT p99 ms", .lower, 1)])
        fields += latency("tpot_ms", { $0.tpot }, compare: ["p50": compare("TPOT p50 ms", .lower, 1)])
        fields += latency(
            "e2e_ms", { $0.e2e },
            compare: ["p50": compare("E2E p50 ms", .lower, 0), "p99": compare("E2E p99 ms", .lower, 0)])
        fields += latency("queue_ms", { $0.queueing }, compare: ["p99": compare("queueing p99 ms", .lower, 0)])
        fields += [
            F("slo.attainment", compare: compare("SLO attainment %", .higher, 1, unit: .percent)) {
                .number($0.slo.attainment, decimals: 4)
            },
            F("slo.met") { i($0.slo.met) },
            F("slo.violations") { i($0.slo.violations) },
            F("slo.outstanding_violations") { i($0.slo.outstandingViolations) },
            F(
                perTenant: "slo.by_tenant",
                [
                    ("attainment", { .number($0.attainment, decimals: 4) }),
                    ("arrived", { i($0.arrived) }),
                    ("completed", { i($0.completed) }),
                    ("met", { i($0.met) }),
                    ("ttft_violations", { i($0.ttftViolations) }),
                    ("tpot_violations", { i($0.tpotViolations) }),
                    ("outstanding_violations", { i($0.outstandingViolations) }),
                    ("rejected", { i($0.rejected) }),
                    ("ttft_p99_ms", { n($0.ttftP99Milliseconds) }),
                    ("slo_ttft_ms", { n($0.sloTTFTMilliseconds, 1) }),
                    ("slo_tpot_ms", { n($0.sloTPOTMilliseconds, 1) }),
                ]),
            F("goodput_rps", compare: compare("goodput req/s", .higher, 2)) { n($0.goodputRequestsPerSecond) },
            F("throughput.requests_per_s") { n($0.throughput.requestsPerSecond) },
            F("throughput.output_tokens_per_s", compare: compare("output tok/s", .higher, 0)) {
                n($0.throughput.outputTokensPerSecond, 1)
            },
            F("preemptions", compare: compare("preemptions", .lower, 0)) { i($0.preemptions) },
            F("migrations.count", compare: compare("migrations", .none, 0)) { i($0.migrations.count) },
            F("migrations.aborted") { i($0.migrations.aborted) },
            F("migrations.downtime_p99_ms") { n($0.migrations.downtimeP99Milliseconds) },
            F("kv.mean_utilization") { n($0.kv.meanUtilization, 4) },
            F("kv.peak_utilization") { n($0.kv.peakUtilization, 4) },
            F("prefix_cache.hit_rate", compare: compare("prefix hit %", .higher, 1, unit: .percent)) {
                n($0.prefixCache.hitRate, 4)
            },
            F("prefix_cache.hit_tokens") { i($0.prefixCache.hitTokens) },
            F("prefix_cache.query_tokens") { i($0.prefixCache.queryTokens) },
            F("tardiness.total_s", compare: compare("tardiness s", .lower, 1)) { n($0.tardiness.totalSeconds) },
            F("tardiness.mean_s") { n($0.tardiness.meanSeconds, 4) },
            F("tardiness.late") { i($0.tardiness.late) },
            F("workflows.arrived") { $0.workflows.map { i($0.arrived) } },
            F("workflows.completed") { $0.workflows.map { i($0.completed) } },
            F("workflows.failed") { $0.workflows.map { i($0.failed) } },
            F("workflows.met") { $0.workflows.map { i($0.met) } },
            F("workflows.slo_attainment", compare: compare("workflow SLO %", .higher, 1, unit: .percent)) {
                $0.workflows.map { n($0.sloAttainment, 4) }
            },
        ]
        fields += [
            F("disaggregation.handoffs") { $0.disaggregation.map { i($0.handoffs) } },
            F("disaggregation.aborted") { $0.disaggregation.map { i($0.aborted) } },
            F("disaggregation.waited_for_room") { $0.disaggregation.map { i($0.waitedForRoom) } },
            F("disaggregation.transfer_gb", compare: compare("KV sent GB", .none, 1)) {
                $0.disaggregation.map { n($0.transferGigabytes) }
            },
            F("disaggregation.port_wait_p99_ms") { $0.disaggregation.map { n($0.portWaitP99Milliseconds) } },
        ]
        fields += latency("disaggregation.ttft_queue_ms", { $0.disaggregation?.ttftQueue })
        fields += latency("disaggregation.ttft_prefill_ms", { $0.disaggregation?.ttftPrefill })
        fields += latency(
            "disaggregation.ttft_transfer_ms", { $0.disaggregation?.ttftTransfer },
            compare: ["p99": compare("KV transfer p99 ms", .lower, 1)])
        fields += latency(
            "workflows.e2e_ms", { $0.workflows?.e2e },
            compare: ["p99": compare("workflow E2E p99 s", .lower, 1, unit: .seconds)])
        // Only when the global policy is `auto`: what it chose when, and its regret (AutoSummary).
        fields += [
            F("auto.decisions") { $0.auto.map { i($0.decisions) } },
            F("auto.switches") { $0.auto.map { i(Int64(max(0, $0.timeline.count - 1))) } },
            F("auto.timeline") { $0.auto.map { .string($0.timelineText) } },
            F("auto.surrogate_loss") { $0.auto.map { n($0.incurred, 4) } },
            F("auto.best_fixed") { $0.auto?.bestFixed.map { .string($0.name) } },
            F("auto.best_fixed_loss") { $0.auto?.bestFixed.map { n($0.loss, 4) } },
            F("auto.regret") { $0.auto.map { n($0.regret, 4) } },
        ]
        fields.append(F("wall_s") { $0.wallSeconds.map { n($0) } })
        return fields
    }()
}
