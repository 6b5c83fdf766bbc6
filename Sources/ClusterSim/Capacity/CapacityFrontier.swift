/// What `clustertop capacity` found: per candidate, the highest arrival rate it sustains within
/// the SLO target, and the fewest instances that carry the scenario's own rate.
public struct CapacityFrontier: Sendable {
    /// One run the search made: the load and what the report said.
    public struct Probe: Sendable, Hashable {
        public var scale: Double
        /// Arrivals per second offered (the scenario's base rate × scale).
        public var rate: Double
        public var report: Report
        public var meets: Bool

        public init(scale: Double, rate: Double, report: Report, meets: Bool) {
            self.scale = scale
            self.rate = rate
            self.report = report
            self.meets = meets
        }
    }

    /// A policy combination on a cluster size.
    public struct Candidate: Sendable, Hashable {
        public var global: String
        public var local: String
        /// Instances in the resized group (nil: the scenario's own cluster).
        public var instances: Int?
        /// GPUs in the whole cluster: instances × tensor parallel, summed over the groups.
        public var gpus: Int
        /// The rate search's runs, in the order it made them.
        public var probes: [Probe]
        /// The highest passing scale, and the lowest failing one above it (nil: not found in range).
        public var boundary: CapacitySearch.Boundary
        /// The fewest instances of the group that carry the scenario's rate with these policies
        /// (nil: not even the most tried).
        public var instancesNeeded: Int?

        public init(
            global: String, local: String, instances: Int?, gpus: Int, probes: [Probe],
            boundary: CapacitySearch.Boundary, instancesNeeded: Int?
        ) {
            self.global = global
            self.local = local
            self.instances = instances
            self.gpus = gpus
            self.probes = probes
            self.boundary = boundary
            self.instancesNeeded = instancesNeeded
        }

        public var label: String { "\(global) / \(local)" + (instances.map { " / \($0) inst" } ?? "") }

        /// The run at the highest passing scale.
        public var atCapacity: Probe? {
            guard let scale = boundary.passing else { return nil }
            return probes.first { $0.scale == scale && $0.meets }
        }

        /// GPU-hours to serve a million requests at the highest sustainable rate.
        public var gpuHoursPerMillion: Double? {
            guard let rate = atCapacity?.rate, rate > 0 else { return nil }
            return Double(gpus) / rate / 3600 * 1_000_000
        }
    }

    public var scenario: String
    public var seed: UInt64
    /// The SLO attainment a run must reach, 0...1.
    public var target: Double
    /// Relative width of the final bracket of the rate search.
    public var tolerance: Double
    /// Arrivals per second of the scenario as written (scale 1).
    public var baseRate: Double
    /// The instance group that `instances` resizes (index into the scenario's cluster).
    public var group: Int
    public var candidates: [Candidate]

    public init(
        scenario: String, seed: UInt64, target: Double, tolerance: Double, baseRate: Double, group: Int,
        candidates: [Candidate]
    ) {
        self.scenario = scenario
        self.seed = seed
        self.target = target
        self.tolerance = tolerance
        self.baseRate = baseRate
        self.group = group
        self.candidates = candidates
    }

    /// Indices of the candidates with the fewest GPU-hours per million requests at capacity
    /// (compared as printed); none when fewer than two candidates sustain a rate.
    public var best: [Int] {
        let costs = candidates.map { $0.gpuHoursPerMillion.map { Report.number($0, 3) } }
        let values = candidates.compactMap(\.gpuHoursPerMillion)
        guard values.count > 1, let top = values.min().map({ Report.number($0, 3) }) else { return [] }
        return costs.indices.filter { costs[$0] == top }
    }

    /// The highest sustainable rate as text: "≥" when no failing rate was found above it.
    static func rateText(_ c: Candidate, _ rate: Double) -> String {
        (c.boundary.failing == nil ? ">" : "") + Report.number(rate, 2)
    }

    /// An 80-column table: a legend of the candidates, then one row each, the best marked with `*`.
    public var tableText: String {
        var lines = [
            "capacity \(scenario.escapingControlCharacters())  seed \(seed)  target SLO attainment \(Report.number(target * 100, 1))%",
            "base rate \(Report.number(baseRate, 2)) req/s; highest rate found to within \(Report.number(tolerance * 100, 1))%",
            "",
        ]
        for (i, c) in candidates.enumerated() {
            lines.append("  \(PolicyComparison.column(i))  \(c.label.escapingControlCharacters())")
        }
        lines.append("")
        let widths = [6, 11, 10, 10, 9, 9, 6, 10]
        func row(_ cells: [String]) -> String {
            cells.enumerated().map { i, text in text.fitted(to: widths[i], alignRight: i > 0) }.joined()
        }
        lines.append(row(["", "max rate", "goodput", "p99 TTFT", "SLO", "inst.", "GPUs", "GPU-h"]))
        lines.append(row(["", "req/s", "req/s", "ms", "attain", "needed", "", "per 1M"]))
        let winners = best
        for (i, c) in candidates.enumerated() {
            let probe = c.atCapacity
            lines.append(
                row([
                    (winners.contains(i) ? "* " : "  ") + PolicyComparison.column(i),
                    probe.map { CapacityFrontier.rateText(c, $0.rate) } ?? "-",
                    probe.map { Report.number($0.report.goodputRequestsPerSecond, 2) } ?? "-",
                    probe.map { Report.number($0.report.ttft.p99, 0) } ?? "-",
                    probe.map { p in p.report.slo.attainment.map { Report.number($0 * 100, 1) + "%" } ?? "-" } ?? "-",
                    c.instancesNeeded.map(String.init) ?? "-", String(c.gpus),
                    c.gpuHoursPerMillion.map { Report.number($0, 2) } ?? "-",
                ]))
        }
        lines.append("")
        lines.append("*: fewest GPU-hours per million requests at the highest sustainable rate")
        lines.append("inst. needed: fewest instances in cluster group \(group) that carry the base rate")
        lines.append("within the target with these policies (other groups as in the scenario)")
        if candidates.contains(where: { $0.boundary.passing != nil && $0.boundary.failing == nil }) {
            lines.append(">: still within the target at the highest rate tried (a lower bound)")
        }
        if candidates.contains(where: { $0.boundary.passing == nil }) {
            lines.append("-: misses the target even at the lowest rate tried")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number, or JSON null when absent.
    static func number(_ v: Double?, _ decimals: Int) -> JSONValue { .number(v ?? .nan, decimals: decimals) }

    /// Every candidate with its search's runs.
    public var json: JSONValue {
        let winners = best
        let rows: [JSONValue] = candidates.enumerated().map { i, c in
            let probe = c.atCapacity
            return .object([
                ("global", .string(c.global)), ("local", .string(c.local)),
                ("instances", c.instances.map { .integer(Int64($0)) } ?? .number(.nan, decimals: 0)),
                ("gpus", .integer(Int64(c.gpus))),
                ("max_rate", CapacityFrontier.number(probe?.rate, 4)),
                ("max_rate_is_lower_bound", .bool(c.boundary.passing != nil && c.boundary.failing == nil)),
                ("scale", CapacityFrontier.number(c.boundary.passing, 6)),
                ("goodput_rps", CapacityFrontier.number(probe?.report.goodputRequestsPerSecond, 4)),
                ("ttft_p99_ms", CapacityFrontier.number(probe?.report.ttft.p99, 3)),
                ("slo_attainment", CapacityFrontier.number(probe?.report.slo.attainment, 6)),
                ("instances_needed", c.instancesNeeded.map { .integer(Int64($0)) } ?? .number(.nan, decimals: 0)),
                ("gpu_hours_per_million", CapacityFrontier.number(c.gpuHoursPerMillion, 4)),
                ("best", .bool(winners.contains(i))),
                (
                    "probes",
                    .array(
                        c.probes.map { p in
                            .object([
                                ("scale", .number(p.scale, decimals: 6)), ("rate", .number(p.rate, decimals: 4)),
                                ("meets", .bool(p.meets)),
                                ("slo_attainment", CapacityFrontier.number(p.report.slo.attainment, 6)),
                                ("goodput_rps", .number(p.report.goodputRequestsPerSecond, decimals: 4)),
                                ("ttft_p50_ms", .number(p.report.ttft.p50, decimals: 3)),
                                ("ttft_p99_ms", .number(p.report.ttft.p99, decimals: 3)),
                                ("tbt_p99_ms", .number(p.report.tbt.p99, decimals: 3)),
                            ])
                        })
                ),
            ])
        }
        return .object([
            ("scenario", .string(scenario)), ("seed", .integer(Int64(bitPattern: seed))),
            ("slo_attainment_target", .number(target, decimals: 4)), ("tolerance", .number(tolerance, decimals: 4)),
            ("base_rate", .number(baseRate, decimals: 4)), ("group", .integer(Int64(group))),
            ("candidates", .array(rows)),
        ])
    }

    /// One row per candidate (the search's runs are in the JSON only).
    public var csvText: String {
        let keys = [
            "global", "local", "instances", "gpus", "max_rate", "max_rate_is_lower_bound", "scale", "goodput_rps",
            "ttft_p99_ms", "slo_attainment", "instances_needed", "gpu_hours_per_million", "best",
        ]
        guard case .object(let top) = json, case .array(let rows)? = top.first(where: { $0.0 == "candidates" })?.1
        else { return "" }
        let cells = rows.map { row in
            keys.map { key -> String in
                guard let value = row.value(at: key) else { return "" }
                if case .string(let s) = value { return s }
                let text = value.rendered()
                return text == "null" ? "" : text
            }
        }
        return Report.csv(header: keys, rows: cells)
    }
}
