import Foundation
import Testing

@testable import ClusterSim

/// docs/grafana/clustertop-vllm.json only asks for series the endpoint serves.
struct GrafanaDashboardTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "docs/grafana/clustertop-vllm.json"
        )
        .path

    /// Every PromQL expression of the dashboard's panels and variables.
    static func expressions() throws -> [String] {
        let data = try #require(FileManager.default.contents(atPath: path), "no dashboard at \(path)")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var found: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, v) in object {
                    if key == "expr" || key == "definition", let text = v as? String { found.append(text) }
                    walk(v)
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(json)
        return found
    }

    @Test func everyMetricTheDashboardQueriesIsServed() throws {
        let served = Set(ClusterExposition.vllmNames + ClusterExposition.clustertopNames)
        let expressions = try Self.expressions()
        #expect(expressions.count >= 20)
        var used = Set<String>()
        for expression in expressions {
            for match in expression.matches(of: #/(vllm|clustertop):[a-zA-Z0-9_:]*/#) {
                var name = String(match.output.0)
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && !served.contains(name) {
                    name = String(name.dropLast(suffix.count))
                }
                used.insert(name)
                #expect(served.contains(name), "\(name) in \(expression) is not served")
            }
        }
        // The panels a vLLM dashboard has: latency histograms, throughput, scheduler state, cache.
        for name in [
            "vllm:e2e_request_latency_seconds", "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
            "vllm:prompt_tokens_total", "vllm:generation_tokens_total", "vllm:num_requests_running",
            "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "clustertop:slo_attainment",
            "clustertop:migrations_total", "clustertop:policy_info",
        ] {
            #expect(used.contains(name), "the dashboard has no panel on \(name)")
        }
    }
}
