/// Metric families in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): a `# HELP` and a `# TYPE` line
/// per family, then its samples; label values and help text escaped as the format says;
/// histograms as cumulative `_bucket{le=...}` samples ending with `+Inf`, then `_sum` and `_count`.
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// A label name and its value (escaped when written).
    public typealias Label = (name: String, value: String)

    public private(set) var text = ""

    public init() {}

    /// Starts the family `name`: its HELP and TYPE lines.
    public mutating func family(_ name: String, _ kind: Kind, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    /// One sample line.
    public mutating func sample(_ name: String, _ labels: [Label], _ value: Double) {
        text += name
        text += Self.labelSet(labels)
        text += " " + Self.number(value) + "\n"
    }

    /// The samples of histogram `name` (values in µs, written in seconds).
    public mutating func histogram(_ name: String, _ labels: [Label], _ h: BucketHistogram) {
        var cumulative: Int64 = 0
        for (k, bound) in h.bounds.enumerated() {
            cumulative += h.counts[k]
            sample(name + "_bucket", labels + [("le", Self.number(Time.toSeconds(bound)))], Double(cumulative))
        }
        cumulative += h.counts[h.bounds.count]
        sample(name + "_bucket", labels + [("le", "+Inf")], Double(cumulative))
        sample(name + "_sum", labels, Time.toSeconds(h.sum))
        sample(name + "_count", labels, Double(cumulative))
    }

    /// `{a="x",b="y"}`, or nothing for no labels.
    static func labelSet(_ labels: [Label]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.name)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// A label value: backslash, double quote and line feed escaped.
    public static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Help text: backslash and line feed escaped.
    public static func escapeHelp(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    /// A sample value as Go's ParseFloat reads it: `+Inf`, `-Inf`, `NaN`, or the shortest decimal
    /// (`3.0`, `0.25`), as Python's client writes them.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return "\(v)"
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// The simulated cluster as vLLM's Prometheus endpoint shows it: one engine per instance, labelled
/// `model_name` and `engine` (the instance id) as vLLM v1 labels its series, under vLLM's metric
/// names, types and bucket bounds; then clustertop's own series (prefix `clustertop:`).
///
/// A Grafana dashboard built for vLLM reads it unchanged. Instances that failed or retired keep
/// their series (counters never go back), with empty queues.
public enum ClusterExposition {
    /// vLLM's metric names that `text(_:)` serves, histograms by their base name.
    public static let vllmNames = [
        "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
        "vllm:num_preemptions_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
        "vllm:request_success_total", "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total",
        "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds", "vllm:e2e_request_latency_seconds",
        "vllm:request_queue_time_seconds",
    ]
    /// clustertop's own metric names.
    public static let clustertopNames = [
        "clustertop:simulated_seconds", "clustertop:requests_arrived_total", "clustertop:requests_rejected_total",
        "clustertop:migrations_total", "clustertop:slo_attainment", "clustertop:policy_info",
        "clustertop:instance_info", "clustertop:arrival_rate_multiplier",
    ]

    /// The exposition of `sim` at its current instant.
    public static func text(_ sim: Simulation) -> String {
        var out = PrometheusText()
        let engines = sim.engineMetrics
        let labels: [[PrometheusText.Label]] = sim.instances.map {
            [("model_name", $0.model.id), ("engine", "\($0.id)")]
        }
        func perEngine(_ name: String, _ kind: PrometheusText.Kind, _ help: String, _ value: (Int) -> Double) {
            out.family(name, kind, help: help)
            for i in sim.instances.indices { out.sample(name, labels[i], value(i)) }
        }
        func perEngine(_ name: String, _ help: String, _ histogram: (EngineMetrics) -> BucketHistogram) {
            out.family(name, .histogram, help: help)
            for i in sim.instances.indices { out.histogram(name, labels[i], histogram(engines[i])) }
        }
        let instances = sim.instances
        perEngine("vllm:num_requests_running", .gauge, "Number of requests in model execution batches.") {
            Double(instances[$0].running.count)
        }
        perEngine("vllm:num_requests_waiting", .gauge, "Number of requests waiting to be processed.") {
            Double(instances[$0].waiting.count)
        }
        perEngine("vllm:kv_cache_usage_perc", .gauge, "KV-cache usage. 1 means 100 percent usage.") {
            let kv = instances[$0].kv
            return kv.totalBlocks > 0 ? Double(kv.usedBlocks) / Double(kv.totalBlocks) : 0
        }
        perEngine("vllm:num_preemptions_total", .counter, "Cumulative number of preemption from the engine.") {
            Double(instances[$0].preemptions)
        }
        perEngine("vllm:prompt_tokens_total", .counter, "Number of prefill tokens processed.") {
            Double(engines[$0].promptTokens)
        }
        perEngine("vllm:generation_tokens_total", .counter, "Number of generation tokens processed.") {
            Double(instances[$0].tokensGenerated)
        }
        out.family("vllm:request_success_total", .counter, help: "Count of successfully processed requests.")
        for i in instances.indices {
            out.sample(
                "vllm:request_success_total", labels[i] + [("finished_reason", "stop")], Double(engines[i].completed))
        }
        perEngine(
            "vllm:prefix_cache_queries_total", .counter, "Prefix cache queries, in terms of number of queried tokens."
        ) { Double(instances[$0].prefixQueryTokens) }
        perEngine("vllm:prefix_cache_hits_total", .counter, "Prefix cache hits, in terms of number of cached tokens.") {
            Double(instances[$0].prefixHitTokens)
        }
        perEngine("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.") {
            $0.timeToFirstToken
        }
        perEngine("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.") {
            $0.interTokenLatency
        }
        perEngine("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.") {
            $0.e2eLatency
        }
        perEngine("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.") {
            $0.queueTime
        }
        clustertopSeries(sim, labels: labels, into: &out)
        return out.text
    }

    static func clustertopSeries(_ sim: Simulation, labels: [[PrometheusText.Label]], into out: inout PrometheusText) {
        out.family("clustertop:simulated_seconds", .gauge, help: "Simulated time since the start of the run.")
        out.sample("clustertop:simulated_seconds", [], Time.toSeconds(sim.now))
        out.family("clustertop:requests_arrived_total", .counter, help: "Requests that arrived, per tenant.")
        for (t, tenant) in sim.scenario.tenants.enumerated() {
            out.sample(
                "clustertop:requests_arrived_total", [("tenant", tenant.name)], Double(sim.metrics.tenants[t].arrived))
        }
        out.family(
            "clustertop:requests_rejected_total", .counter, help: "Requests rejected (too long, or cluster overloaded)."
        )
        for (t, tenant) in sim.scenario.tenants.enumerated() {
            out.sample(
                "clustertop:requests_rejected_total", [("tenant", tenant.name)], Double(sim.metrics.tenants[t].rejected)
            )
        }
        out.family("clustertop:migrations_total", .counter, help: "Live migrations committed.")
        out.sample("clustertop:migrations_total", [], Double(sim.metrics.migrations))
        out.family(
            "clustertop:slo_attainment", .gauge,
            help: "Fraction of the tenant's decided requests that met both TTFT and TPOT objectives (0 to 1).")
        for (t, tenant) in sim.scenario.tenants.enumerated() {
            guard let attainment = sim.slo(tenant: t).attainment else { continue }
            out.sample("clustertop:slo_attainment", [("tenant", tenant.name)], attainment)
        }
        out.family("clustertop:policy_info", .gauge, help: "The global and local policies in force (value 1).")
        out.sample("clustertop:policy_info", [("global", sim.globalPolicyName), ("local", sim.localPolicyName)], 1)
        out.family("clustertop:arrival_rate_multiplier", .gauge, help: "Product of the load spikes in force.")
        out.sample("clustertop:arrival_rate_multiplier", [], sim.rateMultiplier)
        out.family(
            "clustertop:instance_info", .gauge, help: "Each instance's GPU, tensor parallelism and status (value 1).")
        for (i, instance) in sim.instances.enumerated() {
            out.sample(
                "clustertop:instance_info",
                labels[i] + [
                    ("gpu", instance.gpu.id), ("tensor_parallel", "\(instance.tensorParallel)"),
                    ("status", "\(instance.status)"),
                ], 1)
        }
    }
}
