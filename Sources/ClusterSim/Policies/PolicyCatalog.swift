/// One policy's entry for `clustertop policies`: what it is, where it comes from, its parameters.
public struct PolicyInfo: Sendable {
    public enum Scope: String, Sendable { case global, local }
    public struct Parameter: Sendable {
        public var name: String
        public var defaultValue: String
        public var meaning: String
    }
    public var id: String
    public var scope: Scope
    public var summary: String
    public var source: String
    public var parameters: [Parameter]
}

/// Every policy with its description; the single list the CLI, the scenario checker and the
/// dashboard read.
public enum PolicyCatalog {
    public static let all: [PolicyInfo] = [
        PolicyInfo(
            id: "round-robin", scope: .global, summary: "each request to the next accepting instance in turn",
            source: "Vidur RoundRobinGlobalScheduler", parameters: []),
        PolicyInfo(
            id: "least-outstanding", scope: .global,
            summary: "each request to the instance with the fewest waiting + running",
            source: "Vidur LORGlobalScheduler", parameters: []),
        PolicyInfo(
            id: "infaas", scope: .global,
            summary: "each request to the freest instance (Llumnix's freeness), load-based autoscaling, no migration",
            source: "INFaaS++, the baseline of Llumnix (Sun et al., OSDI'24)",
            parameters: freenessParameters + scalingParameters),
        PolicyInfo(
            id: "llumnix", scope: .global,
            summary:
                "freest-instance dispatch, live migration from the least to the most free instances, priority headroom, autoscaling by draining",
            source: "Llumnix (Sun et al., OSDI'24), llm-scheduling-artifact and AlibabaPAI/llumnix",
            parameters: freenessParameters + [
                .init(
                    name: "migrate_out_threshold", defaultValue: "3",
                    meaning: "freeness (blocks per request) below which an instance migrates out"),
                .init(name: "migration_interval_ms", defaultValue: "50", meaning: "period of migration pairing"),
                .init(
                    name: "migration_last_stage_blocks", defaultValue: "4",
                    meaning: "blocks left at which the final stop-and-copy starts"),
                .init(
                    name: "migration_max_stages", defaultValue: "3",
                    meaning: "pre-copy stages before a migration aborts"),
            ] + scalingParameters),
        PolicyInfo(
            id: "hexgen", scope: .global,
            summary:
                "workload-balanced dispatch for heterogeneous GPUs: alpha x relative speed - (1 - alpha) x relative backlog",
            source: "HexGen-Text2SQL (Peng et al., arXiv 2505.05286), Hexgen-Flow WorkloadBalancePolicy",
            parameters: [
                .init(
                    name: "hexgen_alpha", defaultValue: "0.2",
                    meaning: "weight of GPU speed against backlog (0: balance only, 1: fastest only)")
            ]),
        PolicyInfo(
            id: "prefix-affinity", scope: .global,
            summary:
                "requests sharing a prefix go to the instance holding it (else the prefix's home), within a load slack",
            source: "BatchLLM (Zheng et al., arXiv 2412.03594) prefix grouping, online",
            parameters: [
                .init(
                    name: "affinity_slack", defaultValue: "8",
                    meaning: "extra requests a prefix's instance may have over the least loaded")
            ]),
        PolicyInfo(
            id: "vllm-v0", scope: .local,
            summary:
                "prefill-prioritizing continuous batching; whole prompts, prefill-only iterations, recompute preemption",
            source: "vLLM v0 scheduler.py (Kwon et al., SOSP'23)",
            parameters: [
                .init(name: "max_num_seqs", defaultValue: "256", meaning: "most requests running at once"),
                .init(
                    name: "max_num_batched_tokens", defaultValue: "max(context, 2048)",
                    meaning: "most prompt tokens per iteration"),
                .init(name: "watermark", defaultValue: "0.01", meaning: "share of KV blocks kept free at admission"),
            ]),
        PolicyInfo(
            id: "sarathi", scope: .local,
            summary: "chunked prefill, stall-free batching: decodes first, then prompt chunks, within a token budget",
            source: "Sarathi-Serve (Agrawal et al., OSDI'24), sarathi_scheduler.py",
            parameters: [
                .init(
                    name: "token_budget", defaultValue: "512",
                    meaning: "tokens per iteration, decodes and chunks together"),
                .init(name: "max_num_seqs", defaultValue: "128", meaning: "most requests running at once"),
                .init(name: "watermark", defaultValue: "0.01", meaning: "share of KV blocks kept free at admission"),
            ]),
        PolicyInfo(
            id: "vllm-v1", scope: .local,
            summary:
                "one token budget, chunked prefill always on, automatic prefix caching (LRU), recompute preemption",
            source: "vLLM v1 scheduler.py, kv_cache_manager.py, block_pool.py (2025)",
            parameters: [
                .init(
                    name: "max_num_batched_tokens", defaultValue: "8192 on H100/H200, else 2048",
                    meaning: "tokens per iteration"),
                .init(
                    name: "max_num_seqs", defaultValue: "1024 on H100/H200, else 256",
                    meaning: "most requests running at once"),
                .init(name: "prefix_caching", defaultValue: "1", meaning: "automatic prefix caching on (1) or off (0)"),
            ]),
        PolicyInfo(
            id: "edd", scope: .local,
            summary: "earliest deadline first (waiting queue), on vllm-v1 mechanics; also sarathi+edd, vllm-v0+edd",
            source: "Jackson 1955 (EDD)", parameters: predictionParameters),
        PolicyInfo(
            id: "mdd", scope: .local,
            summary: "modified due date max(d, t + p) first, on vllm-v1 mechanics; also sarathi+mdd, vllm-v0+mdd",
            source: "Baker & Bertrand 1982 (MDD)", parameters: predictionParameters),
        PolicyInfo(
            id: "srpt", scope: .local,
            summary: "shortest predicted remaining work first, with aging, on vllm-v1 mechanics; also sarathi+srpt",
            source: "Schrage 1968 (SRPT), with predicted output lengths",
            parameters: predictionParameters + [
                .init(name: "srpt_aging", defaultValue: "0.1", meaning: "seconds of priority gained per second waited")
            ]),
        PolicyInfo(
            id: "urgency", scope: .local,
            summary: "least slack d - t - p first (HexGen's urgency queue), on vllm-v1 mechanics; also sarathi+urgency",
            source: "HexGen-Text2SQL (Peng et al., arXiv 2505.05286) local urgency-guided queue",
            parameters: predictionParameters),
    ]

    static let freenessParameters: [PolicyInfo.Parameter] = [
        .init(
            name: "priority_headroom_tokens", defaultValue: "1600",
            meaning: "room an instance hosting high-priority requests keeps")
    ]

    static let scalingParameters: [PolicyInfo.Parameter] = [
        .init(name: "max_instances", defaultValue: "0 (off)", meaning: "autoscaling: most instances; 0 turns it off"),
        .init(name: "min_instances", defaultValue: "1", meaning: "autoscaling: fewest active instances"),
        .init(
            name: "scale_out_threshold", defaultValue: "10", meaning: "cluster freeness below which instances are added"
        ),
        .init(
            name: "scale_in_threshold", defaultValue: "60",
            meaning: "cluster freeness above which one instance is drained"),
        .init(name: "scaling_interval_s", defaultValue: "10", meaning: "period of the scaling decision"),
    ]

    static let predictionParameters: [PolicyInfo.Parameter] = [
        .init(
            name: "prediction_error", defaultValue: "0.5",
            meaning: "log-space sigma of the output-length predictor's error")
    ]

    public static func info(_ id: String) -> PolicyInfo? { all.first { $0.id == id } }

    /// Every parameter name any policy takes (a scenario may set parameters for policies it
    /// switches to later).
    public static var parameterNames: [String] {
        var names: [String] = []
        for p in all { for q in p.parameters where !names.contains(q.name) { names.append(q.name) } }
        return names
    }
}
