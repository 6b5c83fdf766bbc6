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
            id: "least-outstanding", scope: .global, summary: "each request to the instance with the fewest waiting + running",
            source: "Vidur LORGlobalScheduler", parameters: []),
        PolicyInfo(
            id: "vllm-v0", scope: .local,
            summary: "prefill-prioritizing continuous batching; whole prompts, prefill-only iterations, recompute preemption",
            source: "vLLM v0 scheduler.py (Kwon et al., SOSP'23)",
            parameters: [
                .init(name: "max_num_seqs", defaultValue: "256", meaning: "most requests running at once"),
                .init(name: "max_num_batched_tokens", defaultValue: "max(context, 2048)", meaning: "most prompt tokens per iteration"),
                .init(name: "watermark", defaultValue: "0.01", meaning: "share of KV blocks kept free at admission"),
            ]),
        PolicyInfo(
            id: "sarathi", scope: .local,
            summary: "chunked prefill, stall-free batching: decodes first, then prompt chunks, within a token budget",
            source: "Sarathi-Serve (Agrawal et al., OSDI'24), sarathi_scheduler.py",
            parameters: [
                .init(name: "token_budget", defaultValue: "512", meaning: "tokens per iteration, decodes and chunks together"),
                .init(name: "max_num_seqs", defaultValue: "128", meaning: "most requests running at once"),
                .init(name: "watermark", defaultValue: "0.01", meaning: "share of KV blocks kept free at admission"),
            ]),
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
