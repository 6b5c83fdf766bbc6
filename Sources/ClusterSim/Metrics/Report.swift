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
            guard case .object(let fields) = current, let next = fields.first(where: { $0.0 == part })?.1 else {
                return nil
            }
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
///
/// A plain Codable value; the printed forms all come from `Report.fields`, the one list of what
/// the report holds (its JSON key, its decimals, and how `compare` shows it), so JSON, CSV and
/// `compare` cannot drift apart. The table is laid out by hand from the same values.
public struct Report: Sendable, Hashable, Codable {
    public struct Policy: Sendable, Hashable, Codable {
        public var global: String
        public var local: String
    }

    public struct Requests: Sendable, Hashable, Codable {
        public var arrived: Int64
        public var completed: Int64
        public var rejected: Int64
        public var unfinished: Int64
    }

    /// A latency distribution in milliseconds.
    public struct Latency: Sendable, Hashable, Codable {
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double
        public var count: Int64

        init(_ h: Histogram) {
            let s = LatencySummary(h)
            (mean, p50, p90, p99, max, count) = (s.mean, s.p50, s.p90, s.p99, s.max, s.count)
        }
    }

    public struct TenantSLO: Sendable, Hashable, Codable {
        public var name: String
        /// Nil (printed null, or – in the table) when nothing completed and nothing violated.
        public var attainment: Double?
        public var arrived: Int64
        public var completed: Int64
        public var met: Int64
        public var ttftViolations: Int64
        public var tpotViolations: Int64
        public var outstandingViolations: Int64
        public var rejected: Int64
        public var ttftP99Milliseconds: Double
        public var sloTTFTMilliseconds: Double
        public var sloTPOTMilliseconds: Double
    }

    public struct SLOSummary: Sendable, Hashable, Codable {
        /// Nil (printed null, or – in the table) when nothing completed and nothing violated.
        public var attainment: Double?
        public var met: Int64
        public var violations: Int64
        public var outstandingViolations: Int64
        public var byTenant: [TenantSLO]
    }

    public struct Throughput: Sendable, Hashable, Codable {
        public var requestsPerSecond: Double
        public var outputTokensPerSecond: Double
    }

    public struct Migrations: Sendable, Hashable, Codable {
        public var count: Int64
        public var aborted: Int64
        public var downtimeP99Milliseconds: Double
    }

    public struct KV: Sendable, Hashable, Codable {
        public var meanUtilization: Double
        public var peakUtilization: Double
    }

    public struct PrefixCache: Sendable, Hashable, Codable {
        public var hitRate: Double
        public var hitTokens: Int64
        public var queryTokens: Int64
    }

    /// What went through the KV tiers below GPU memory (`KVTiers`); only when some instance has one.
    public struct KVTiersSummary: Sendable, Hashable, Codable {
        /// Share of prompt tokens looked up that lower tiers served (part of `prefixCache.hitRate`).
        public var lowerHitRate: Double
        public var cpuHitTokens: Int64
        public var poolHitTokens: Int64
        public var offloadedBlocks: Int64
        public var swapOuts: Int64
        public var swapFallbacks: Int64
        /// GB copied between GPUs and lower tiers (loads and swaps), and the seconds of copying.
        public var transferredGB: Double
        public var transferSeconds: Double
    }

    public struct Tardiness: Sendable, Hashable, Codable {
        public var totalSeconds: Double
        public var meanSeconds: Double
        public var late: Int64
    }

    /// Speculative decoding over all instances, with vLLM's names (`vllm:spec_decode_num_drafts`,
    /// `_num_draft_tokens`, `_num_accepted_tokens`; acceptance rate accepted/draft tokens, mean
    /// acceptance length 1 + accepted/drafts).
    public struct SpecDecode: Sendable, Hashable, Codable {
        public var numDrafts: Int64
        public var numDraftTokens: Int64
        public var numAcceptedTokens: Int64
        /// Nil (null) before any draft.
        public var acceptanceRate: Double?
        public var meanAcceptanceLength: Double?

        init?(_ instances: [Instance]) {
            let all = instances.compactMap(\.speculation)
            guard !all.isEmpty else { return nil }
            numDrafts = all.reduce(0) { $0 + $1.drafts }
            numDraftTokens = all.reduce(0) { $0 + $1.draftTokens }
            numAcceptedTokens = all.reduce(0) { $0 + $1.acceptedTokens }
            acceptanceRate = numDraftTokens > 0 ? Double(numAcceptedTokens) / Double(numDraftTokens) : nil
            meanAcceptanceLength = numDrafts > 0 ? 1 + Double(numAcceptedTokens) / Double(numDrafts) : nil
        }
    }

    public struct Workflows: Sendable, Hashable, Codable {
        public var arrived: Int64
        public var completed: Int64
        public var failed: Int64
        public var met: Int64
        public var sloAttainment: Double
        public var e2e: Latency
    }

    public var scenario: String
    public var seed: UInt64
    public var policy: Policy
    public var instances: Int64
    public var simulatedSeconds: Double
    public var iterations: Int64
    public var requests: Requests
    public var ttft: Latency
    public var tbt: Latency
    public var tpot: Latency
    public var e2e: Latency
    public var queueing: Latency
    public var slo: SLOSummary
    public var goodputRequestsPerSecond: Double
    public var throughput: Throughput
    public var preemptions: Int64
    public var migrations: Migrations
    public var kv: KV
    public var prefixCache: PrefixCache
    public var kvTiers: KVTiersSummary?
    public var tardiness: Tardiness
    /// Only for scenarios with agentic workflows.
    public var workflows: Workflows?
    /// Only for scenarios with speculative decoding (Speculative.swift).
    public var specDecode: SpecDecode?
    /// Only when the global policy is `auto`: its timeline and regret.
    public var auto: AutoSummary?
    /// Only for runs where some instance had a prefill or decode role.
    public var disaggregation: Disaggregation?
    /// Wall-clock seconds of the run: the only field that differs between two runs of the same inputs.
    public var wallSeconds: Double?

    /// Fixed-point text of `v` with `decimals` digits ("12.500"), never exponent notation.
    public static func number(_ v: Double, _ decimals: Int = 3) -> String {
        if v == v.rounded() && decimals == 0 || (v == v.rounded() && abs(v) < 1e15 && decimals < 0) {
            return String(Int64(v))
        }
        if decimals <= 0 { return TextFormat.fixed(v, 0, signedZero: true) }
        return TextFormat.fixed(v, decimals)
    }

    /// Builds the report of `sim` as it stands; `wallSeconds` is the only field that differs
    /// between two runs of the same inputs.
    public init(_ sim: Simulation, wallSeconds: Double? = nil) {
        let m = sim.metrics
        let simulated = Time.toSeconds(m.lastCompletion)
        let makespan = max(simulated, 1e-9)
        let pm = sim.policyMetrics
        let hits = sim.instances.reduce(Int64(0)) { $0 + $1.prefixHitTokens }
        let queried = sim.instances.reduce(Int64(0)) { $0 + $1.prefixQueryTokens }
        let slo = sim.slo()
        var byTenant: [TenantSLO] = []
        for (i, t) in m.tenants.enumerated() {
            let spec = sim.scenario.tenants[i]
            let account = sim.slo(tenant: i)
            byTenant.append(
                TenantSLO(
                    name: spec.name, attainment: account.attainment, arrived: t.arrived, completed: t.completed,
                    met: t.sloMet, ttftViolations: account.ttftViolations, tpotViolations: t.tpotViolations,
                    outstandingViolations: account.outstandingViolations, rejected: t.rejected,
                    ttftP99Milliseconds: Double(t.ttft.quantile(0.99)) / 1000, sloTTFTMilliseconds: spec.slo.ttftMs,
                    sloTPOTMilliseconds: spec.slo.tpotMs))
        }
        scenario = sim.scenario.name
        seed = sim.scenario.seed
        policy = Policy(global: sim.globalPolicyName, local: sim.localPolicyName)
        instances = Int64(sim.instances.count)
        simulatedSeconds = simulated
        iterations = sim.instances.reduce(Int64(0)) { $0 + $1.iterations }
        requests = Requests(
            arrived: m.arrived, completed: m.completed, rejected: m.rejected, unfinished: Int64(sim.inFlight))
        ttft = Latency(m.ttft)
        tbt = Latency(m.tbt)
        tpot = Latency(m.tpot)
        e2e = Latency(m.e2e)
        queueing = Latency(m.queue)
        self.slo = SLOSummary(
            attainment: slo.attainment, met: slo.met, violations: slo.violations,
            outstandingViolations: slo.outstandingViolations, byTenant: byTenant)
        goodputRequestsPerSecond = Double(m.sloMet) / makespan
        throughput = Throughput(
            requestsPerSecond: Double(m.completed) / makespan, outputTokensPerSecond: Double(m.outputTokens) / makespan)
        preemptions = sim.instances.reduce(Int64(0)) { $0 + $1.preemptions }
        migrations = Migrations(
            count: m.migrations, aborted: pm.migrationsAborted,
            downtimeP99Milliseconds: Double(pm.migrationDowntime.quantile(0.99)) / 1000)
        kv = KV(meanUtilization: m.kvMeanUtilization, peakUtilization: m.kvPeakUtilization)
        prefixCache = PrefixCache(
            hitRate: queried > 0 ? Double(hits) / Double(queried) : 0, hitTokens: hits, queryTokens: queried)
        kvTiers = Report.kvTiers(sim, queried: queried)
        tardiness = Tardiness(
            totalSeconds: Double(pm.tardiness) / 1e6,
            meanSeconds: pm.deadlined > 0 ? Double(pm.tardiness) / 1e6 / Double(pm.deadlined) : 0, late: pm.late)
        workflows =
            sim.scenario.workload.contains(where: { $0.workflow != nil })
            ? Workflows(
                arrived: pm.workflowsArrived, completed: pm.workflowsCompleted, failed: pm.workflowsFailed,
                met: pm.workflowsMet, sloAttainment: pm.workflowAttainment, e2e: Latency(pm.workflowE2E))
            : nil
        specDecode = SpecDecode(sim.instances)
        auto = sim.globalPolicy.autoSummary
        disaggregation = sim.transfers.used ? Disaggregation(sim.transfers) : nil
        self.wallSeconds = wallSeconds
    }

    static func kvTiers(_ sim: Simulation, queried: Int64) -> KVTiersSummary? {
        let tiers = sim.instances.compactMap(\.kv.tiers)
        guard !tiers.isEmpty else { return nil }
        let cpu = tiers.reduce(Int64(0)) { $0 + $1.cpuHitTokens }
        let pool = tiers.reduce(Int64(0)) { $0 + $1.poolHitTokens }
        return KVTiersSummary(
            lowerHitRate: queried > 0 ? Double(cpu + pool) / Double(queried) : 0, cpuHitTokens: cpu,
            poolHitTokens: pool,
            offloadedBlocks: tiers.reduce(Int64(0)) { $0 + $1.cpu.offloadedBlocks },
            swapOuts: tiers.reduce(Int64(0)) { $0 + $1.swapOuts },
            swapFallbacks: tiers.reduce(Int64(0)) { $0 + $1.swapFallbacks },
            transferredGB: tiers.reduce(0.0) { $0 + $1.transferredBytes } / 1e9,
            transferSeconds: tiers.reduce(0.0) { $0 + $1.transferSeconds })
    }

    /// Adds the `wall_s` field (the only one that differs between two runs of the same inputs).
    public mutating func addWallTime(_ seconds: Double) {
        if wallSeconds == nil { wallSeconds = seconds }
    }

    /// The report as a JSON tree, keys in `fields` order.
    public var json: JSONValue { ReportField.tree(of: self) }

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
        /// A share as a percentage, or "–" where the report has none (JSON null).
        func percent(_ value: Double?) -> String { value.map { Report.number($0 * 100, 1) + "%" } ?? "–" }
        func pad(_ text: String, _ width: Int, right: Bool = true) -> String {
            text.fitted(to: width, alignRight: right)
        }
        let seedText = String(Int64(bitPattern: seed))
        var lines: [String] = []
        lines.append(
            "scenario \(scenario.escapingControlCharacters())  seed \(seedText)  policy \(policy.global.escapingControlCharacters()) / \(policy.local.escapingControlCharacters())"
        )
        lines.append(
            "simulated \(Report.number(simulatedSeconds, 1)) s on \(instances) instances, \(iterations) iterations"
                + (wallSeconds.map { ", wall \(Report.number($0, 2)) s" } ?? ""))
        lines.append("")
        lines.append(
            "requests  arrived \(requests.arrived)  completed \(requests.completed)  rejected \(requests.rejected)  unfinished \(requests.unfinished)"
        )
        lines.append("")
        lines.append(
            pad("latency (ms)", 14, right: false) + ["mean", "p50", "p90", "p99", "max"].map { pad($0, 12) }.joined())
        for (label, l) in [("TTFT", ttft), ("TBT", tbt), ("TPOT", tpot), ("E2E", e2e), ("queueing", queueing)] {
            lines.append(
                pad(label, 14, right: false)
                    + [l.mean, l.p50, l.p90, l.p99, l.max].map { pad(Report.number($0, 1), 12) }.joined())
        }
        lines.append("")
        lines.append(
            "SLO attainment \(percent(slo.attainment))   goodput \(Report.number(goodputRequestsPerSecond, 2)) req/s"
                + (slo.outstandingViolations > 0 ? "   (\(slo.outstandingViolations) unfinished past TTFT)" : ""))
        lines.append(
            pad("  tenant", 18, right: false)
                + ["attain", "done", "TTFT miss", "TPOT miss", "p99 TTFT"].map { pad($0, 12) }.joined())
        for t in slo.byTenant {
            let cells = [
                percent(t.attainment), String(t.completed), String(t.ttftViolations), String(t.tpotViolations),
                Report.number(t.ttftP99Milliseconds, 0) + " ms",
            ]
            let label = "  " + t.name.escapingControlCharacters().fitted(to: 15, ellipsis: "…", pad: false)
            lines.append(pad(label, 18, right: false) + cells.map { pad($0, 12) }.joined())
        }
        lines.append("")
        lines.append(
            "throughput \(Report.number(throughput.requestsPerSecond, 2)) req/s, \(Report.number(throughput.outputTokensPerSecond, 0)) output tok/s"
        )
        lines.append(
            "preemptions \(preemptions)  migrations \(migrations.count)  KV mean \(Report.number(kv.meanUtilization * 100, 1))%  peak \(Report.number(kv.peakUtilization * 100, 1))%"
        )
        lines.append(
            "prefix hit \(Report.number(prefixCache.hitRate * 100, 1))%  tardiness \(Report.number(tardiness.totalSeconds, 1)) s (\(tardiness.late) late)"
        )
        if let d = disaggregation { lines += d.tableLines }
        if let s = specDecode {
            let rate = s.acceptanceRate.map { Report.number($0 * 100, 1) + "%" } ?? "–"
            let length = s.meanAcceptanceLength.map { Report.number($0, 2) } ?? "–"
            lines.append(
                "spec decode acceptance \(rate)  mean length \(length)  accepted \(s.numAcceptedTokens)/\(s.numDraftTokens)"
            )
        }
        if let w = workflows {
            lines.append(
                "workflows \(w.completed) done, SLO \(Report.number(w.sloAttainment * 100, 1))%, E2E p50 \(Report.number(w.e2e.p50 / 1000, 1)) s  p99 \(Report.number(w.e2e.p99 / 1000, 1)) s"
            )
        }
        if let a = auto {
            lines.append(
                "auto: \(a.decisions) decisions, \(max(0, a.timeline.count - 1)) switches, regret \(Report.number(a.regret, 3)) vs \(a.bestFixed?.name ?? "–") (surrogate losses)"
            )
            lines.append("  " + a.timelineText)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
