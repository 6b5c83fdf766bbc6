import Foundation

/// A JSON value whose object keys keep their order, so reports print the same bytes every time.
public indirect enum JSONValue: Sendable, Hashable {
    case number(Double, decimals: Int)
    case integer(Int64)
    case string(String)
    case bool(Bool)
    case object([(String, JSONValue)])
    case array([JSONValue])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }
    public func hash(into h: inout Hasher) { h.combine(rendered()) }

    /// Pretty-printed with two-space indentation.
    public func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch self {
        case .number(let v, let d): return v.isFinite ? Report.number(v, d) : "null"
        case .integer(let v): return String(v)
        case .string(let s): return JSONValue.quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            let body = fields.map { "\(pad)\(JSONValue.quote($0.0)): \($0.1.rendered(indent: indent + 1))" }
            return "{\n" + body.joined(separator: ",\n") + "\n\(close)}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n\(close)]"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                // DEL and C1 too: valid raw in JSON, but a terminal would act on them.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Leaves of the tree as (dotted path, text) pairs, for CSV columns.
    public func flattened(prefix: String = "") -> [(String, String)] {
        switch self {
        case .object(let fields):
            return fields.flatMap { $0.1.flattened(prefix: prefix.isEmpty ? $0.0 : "\(prefix).\($0.0)") }
        case .array(let items):
            return items.enumerated().flatMap { $0.1.flattened(prefix: "\(prefix)[\($0.0)]") }
        case .string(let s): return [(prefix, s)]
        default: return [(prefix, rendered())]
        }
    }

    /// The value at a dotted path ("ttft_ms.p99"), if any.
    public func value(at path: String) -> JSONValue? {
        var current = self
        for part in path.split(separator: ".") {
            guard case .object(let fields) = current, let next = fields.first(where: { $0.0 == part })?.1 else { return nil }
            current = next
        }
        return current
    }

    public var doubleValue: Double? {
        switch self {
        case .number(let v, _): v.isFinite ? v : nil
        case .integer(let v): Double(v)
        default: nil
        }
    }
}

/// The final figures of a run: what `clustertop run` prints as a table, JSON or CSV.
public struct Report: Sendable {
    public var json: JSONValue

    /// Fixed-point text of `v` with `decimals` digits ("12.500"), never exponent notation.
    public static func number(_ v: Double, _ decimals: Int = 3) -> String {
        if v == v.rounded() && decimals == 0 || (v == v.rounded() && abs(v) < 1e15 && decimals < 0) {
            return String(Int64(v))
        }
        if decimals <= 0 { return String(format: "%.0f", v) }
        var s = String(format: "%.\(decimals)f", v)
        if s == "-" + String(format: "%.\(decimals)f", 0.0) { s.removeFirst() }
        return s
    }

    /// Builds the report of `sim` as it stands; `wallSeconds` is the only field that differs
    /// between two runs of the same inputs.
    public init(_ sim: Simulation, wallSeconds: Double? = nil) {
        let m = sim.metrics
        let simulated = Time.toSeconds(m.lastCompletion)
        let makespan = max(simulated, 1e-9)
        let preemptions = sim.instances.reduce(Int64(0)) { $0 + $1.preemptions }
        let iterations = sim.instances.reduce(Int64(0)) { $0 + $1.iterations }
        let pm = sim.policyMetrics
        let hits = sim.instances.reduce(Int64(0)) { $0 + $1.prefixHitTokens }
        let queried = sim.instances.reduce(Int64(0)) { $0 + $1.prefixQueryTokens }
        func latency(_ h: Histogram) -> JSONValue {
            let s = LatencySummary(h)
            return .object([
                ("mean", .number(s.mean, decimals: 3)), ("p50", .number(s.p50, decimals: 3)),
                ("p90", .number(s.p90, decimals: 3)), ("p99", .number(s.p99, decimals: 3)),
                ("max", .number(s.max, decimals: 3)), ("count", .integer(s.count)),
            ])
        }
        // Attainment is null (not 100%) when nothing completed and nothing violated.
        func attainment(_ a: SLOAccount) -> JSONValue { .number(a.attainment ?? .nan, decimals: 4) }
        let slo = sim.slo()
        var byTenant: [(String, JSONValue)] = []
        for (i, t) in m.tenants.enumerated() {
            let spec = sim.scenario.tenants[i]
            let account = sim.slo(tenant: i)
            byTenant.append(
                (spec.name, .object([
                    ("attainment", attainment(account)),
                    ("arrived", .integer(t.arrived)), ("completed", .integer(t.completed)),
                    ("met", .integer(t.sloMet)), ("ttft_violations", .integer(account.ttftViolations)),
                    ("tpot_violations", .integer(t.tpotViolations)),
                    ("outstanding_violations", .integer(account.outstandingViolations)), ("rejected", .integer(t.rejected)),
                    ("ttft_p99_ms", .number(Double(t.ttft.quantile(0.99)) / 1000, decimals: 3)),
                    ("slo_ttft_ms", .number(spec.slo.ttftMs, decimals: 1)), ("slo_tpot_ms", .number(spec.slo.tpotMs, decimals: 1)),
                ])))
        }
        var fields: [(String, JSONValue)] = [
            ("scenario", .string(sim.scenario.name)),
            ("seed", .integer(Int64(bitPattern: sim.scenario.seed))),
            ("policy", .object([("global", .string(sim.globalPolicy.id)), ("local", .string(sim.localPolicy.id))])),
            ("instances", .integer(Int64(sim.instances.count))),
            ("simulated_s", .number(simulated, decimals: 3)),
            ("iterations", .integer(iterations)),
            ("requests", .object([
                ("arrived", .integer(m.arrived)), ("completed", .integer(m.completed)),
                ("rejected", .integer(m.rejected)), ("unfinished", .integer(Int64(sim.inFlight))),
            ])),
            ("ttft_ms", latency(m.ttft)), ("tbt_ms", latency(m.tbt)), ("tpot_ms", latency(m.tpot)),
            ("e2e_ms", latency(m.e2e)), ("queue_ms", latency(m.queue)),
            ("slo", .object([
                ("attainment", attainment(slo)),
                ("met", .integer(slo.met)), ("violations", .integer(slo.violations)),
                ("outstanding_violations", .integer(slo.outstandingViolations)),
                ("by_tenant", .object(byTenant)),
            ])),
            ("goodput_rps", .number(Double(m.sloMet) / makespan, decimals: 3)),
            ("throughput", .object([
                ("requests_per_s", .number(Double(m.completed) / makespan, decimals: 3)),
                ("output_tokens_per_s", .number(Double(m.outputTokens) / makespan, decimals: 1)),
            ])),
            ("preemptions", .integer(preemptions)),
            ("migrations", .object([
                ("count", .integer(m.migrations)), ("aborted", .integer(pm.migrationsAborted)),
                ("downtime_p99_ms", .number(Double(pm.migrationDowntime.quantile(0.99)) / 1000, decimals: 3)),
            ])),
            ("kv", .object([
                ("mean_utilization", .number(m.kvMeanUtilization, decimals: 4)),
                ("peak_utilization", .number(m.kvPeakUtilization, decimals: 4)),
            ])),
            ("prefix_cache", .object([
                ("hit_rate", .number(queried > 0 ? Double(hits) / Double(queried) : 0, decimals: 4)),
                ("hit_tokens", .integer(hits)), ("query_tokens", .integer(queried)),
            ])),
            ("tardiness", .object([
                ("total_s", .number(Double(pm.tardiness) / 1e6, decimals: 3)),
                ("mean_s", .number(pm.deadlined > 0 ? Double(pm.tardiness) / 1e6 / Double(pm.deadlined) : 0, decimals: 4)),
                ("late", .integer(pm.late)),
            ])),
        ]
        if sim.scenario.workload.contains(where: { $0.workflow != nil }) {
            fields.append(
                ("workflows", .object([
                    ("arrived", .integer(pm.workflowsArrived)), ("completed", .integer(pm.workflowsCompleted)),
                    ("failed", .integer(pm.workflowsFailed)), ("met", .integer(pm.workflowsMet)),
                    ("slo_attainment", .number(pm.workflowAttainment, decimals: 4)), ("e2e_ms", latency(pm.workflowE2E)),
                ])))
        }
        if let wallSeconds { fields.append(("wall_s", .number(wallSeconds, decimals: 3))) }
        json = .object(fields)
    }

    /// Adds the `wall_s` field (the only one that differs between two runs of the same inputs).
    public mutating func addWallTime(_ seconds: Double) {
        if case .object(var fields) = json, !fields.contains(where: { $0.0 == "wall_s" }) {
            fields.append(("wall_s", .number(seconds, decimals: 3)))
            json = .object(fields)
        }
    }

    /// The value at a dotted path as a number (for tests and comparisons).
    public func double(_ path: String) -> Double? { json.value(at: path)?.doubleValue }

    public var jsonText: String { json.rendered() + "\n" }

    /// One header line and one value line; nested keys become dotted column names.
    public var csvText: String {
        let pairs = json.flattened()
        return Report.csv(header: pairs.map(\.0), rows: [pairs.map(\.1)])
    }

    /// CSV text per RFC 4180: fields with a comma, a quote or a line break are quoted; control
    /// characters are escaped first, so the file is safe to print to a terminal.
    public static func csv(header: [String], rows: [[String]]) -> String {
        func field(_ text: String) -> String {
            let s = text.escapingControlCharacters()
            return s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// A table that fits 80 columns; names from the scenario are printed with controls escaped,
    /// and a name cut to fit its column ends with an ellipsis.
    public var tableText: String {
        func d(_ path: String) -> Double { double(path) ?? 0 }
        func text(_ value: JSONValue?) -> String {
            if case .string(let v)? = value { return v.escapingControlCharacters() }
            return value?.rendered() ?? ""
        }
        func s(_ path: String) -> String { text(json.value(at: path)) }
        /// A share as a percentage, or "–" where the report has none (JSON null).
        func percent(_ value: Double?) -> String { value.map { Report.number($0 * 100, 1) + "%" } ?? "–" }
        func percent(_ path: String) -> String { percent(double(path)) }
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            text.padded(to: width, alignRight: right)
        }
        var lines: [String] = []
        lines.append("scenario \(s("scenario"))  seed \(s("seed"))  policy \(s("policy.global")) / \(s("policy.local"))")
        lines.append(
            "simulated \(Report.number(d("simulated_s"), 1)) s on \(s("instances")) instances, \(s("iterations")) iterations"
                + (json.value(at: "wall_s") != nil ? ", wall \(Report.number(d("wall_s"), 2)) s" : ""))
        lines.append("")
        lines.append(
            "requests  arrived \(s("requests.arrived"))  completed \(s("requests.completed"))  rejected \(s("requests.rejected"))  unfinished \(s("requests.unfinished"))"
        )
        lines.append("")
        lines.append(pad("latency (ms)", 14, right: false) + ["mean", "p50", "p90", "p99", "max"].map { pad($0, 12) }.joined())
        for (label, key) in [("TTFT", "ttft_ms"), ("TBT", "tbt_ms"), ("TPOT", "tpot_ms"), ("E2E", "e2e_ms"), ("queueing", "queue_ms")] {
            lines.append(pad(label, 14, right: false) + ["mean", "p50", "p90", "p99", "max"].map { pad(Report.number(d("\(key).\($0)"), 1), 12) }.joined())
        }
        lines.append("")
        lines.append(
            "SLO attainment \(percent("slo.attainment"))   goodput \(Report.number(d("goodput_rps"), 2)) req/s"
                + (d("slo.outstanding_violations") > 0 ? "   (\(s("slo.outstanding_violations")) unfinished past TTFT)" : ""))
        if case .object(let tenants)? = json.value(at: "slo.by_tenant") {
            lines.append(pad("  tenant", 18, right: false) + ["attain", "done", "TTFT miss", "TPOT miss", "p99 TTFT"].map { pad($0, 12) }.joined())
            // Read from each tenant's object, not by dotted path: a tenant name may hold a dot.
            for (name, figures) in tenants {
                func f(_ key: String) -> Double { figures.value(at: key)?.doubleValue ?? 0 }
                let cells = [
                    percent(figures.value(at: "attainment")?.doubleValue), text(figures.value(at: "completed")),
                    text(figures.value(at: "ttft_violations")), text(figures.value(at: "tpot_violations")),
                    Report.number(f("ttft_p99_ms"), 0) + " ms",
                ]
                let label = "  " + name.escapingControlCharacters().cut(toWidth: 15)
                lines.append(pad(label, 18, right: false) + cells.map { pad($0, 12) }.joined())
            }
        }
        lines.append("")
        lines.append(
            "throughput \(Report.number(d("throughput.requests_per_s"), 2)) req/s, \(Report.number(d("throughput.output_tokens_per_s"), 0)) output tok/s"
        )
        lines.append(
            "preemptions \(s("preemptions"))  migrations \(s("migrations.count"))  KV mean \(Report.number(d("kv.mean_utilization") * 100, 1))%  peak \(Report.number(d("kv.peak_utilization") * 100, 1))%"
        )
        lines.append(
            "prefix hit \(Report.number(d("prefix_cache.hit_rate") * 100, 1))%  tardiness \(Report.number(d("tardiness.total_s"), 1)) s (\(s("tardiness.late")) late)"
        )
        if json.value(at: "workflows") != nil {
            lines.append(
                "workflows \(s("workflows.completed")) done, SLO \(Report.number(d("workflows.slo_attainment") * 100, 1))%, E2E p50 \(Report.number(d("workflows.e2e_ms.p50") / 1000, 1)) s  p99 \(Report.number(d("workflows.e2e_ms.p99") / 1000, 1)) s"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
