/// Scenarios built into the executable, so clustertop works from any folder.
///
/// `default` is the text of `Scenarios/default.yaml`; `scripts/embed-scenarios.sh` writes this
/// file and a test checks that the two stay equal.
public enum BuiltinScenarios {
    public static let names = ["default"]

    public static func text(_ name: String) -> String? {
        name == "default" ? defaultText : nil
    }

    static let defaultText = #"""
        # default: a small heterogeneous cluster under a realistic chat load, with a load spike at 2 minutes.
        #
        # Five llama3-8b instances on three GPU types (two H100, two A100, one L40S) serve three tenants:
        # interactive chat, a premium API with a tighter SLO, and a batch summarization tenant with long
        # prompts. At 120 s the arrival rate triples for 30 s; watch the queues grow, the KV cache fill and
        # the SLO attainment dip, then recover.
        #
        # Try: `clustertop run default --local sarathi` against the default vllm-v0 (tail TBT), and
        # `--global least-outstanding` against round-robin (the slow L40S gets less work).
        name: default
        description: "heterogeneous chat cluster (H100, A100, L40S) with a 3x spike at 2 min"
        seed: 7
        duration_s: 300
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2, tp: 1}
          - {gpu: a100-80g, model: llama3-8b, count: 2, tp: 1}
          - {gpu: l40s, model: llama3-8b, count: 1, tp: 1}
        policy: {global: round-robin, local: vllm-v0}
        tenants:
          - {name: chat, priority: normal, slo: {ttft_ms: 2000, tpot_ms: 100}}
          - {name: api, priority: high, slo: {ttft_ms: 1000, tpot_ms: 50}}
          - {name: batch, priority: low, slo: {ttft_ms: 10000, tpot_ms: 200}}
        workload:
          - tenant: chat
            arrival: {process: poisson, rate: 10}
            input_tokens: {dist: lognormal, mean: 1024, sigma: 1.0, max: 6144}
            output_tokens: {dist: lognormal, mean: 256, sigma: 0.8, max: 2048}
          - tenant: api
            arrival: {process: gamma, rate: 4, cv: 2}
            input_tokens: {dist: lognormal, mean: 512, sigma: 0.7, max: 4096}
            output_tokens: {dist: uniform, min: 32, max: 256}
          - tenant: batch
            arrival: {process: poisson, rate: 1}
            input_tokens: {dist: uniform, min: 2048, max: 6144}
            output_tokens: {dist: fixed, value: 512}
        events:
          - {at_s: 120, spike: {factor: 3, duration_s: 30}}

        """#
}
