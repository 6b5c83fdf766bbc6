import Foundation
import Testing

@testable import ClusterSim

/// The text exposition format 0.0.4, and the simulated cluster under vLLM's metric names.
struct PrometheusExpositionTests {
    /// A sample line: a metric name, optional labels (values quoted, escapes allowed), one value.
    static var samplePattern: Regex<(Substring, Substring?, Substring?, Substring?, Substring, Substring?)> {
        #/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (\+Inf|-Inf|NaN|-?[0-9.]+(e[-+]?[0-9]+)?)$/#
    }

    /// Checks every line of `text` against the format: comments are HELP or TYPE, each family's
    /// TYPE comes before its samples and once; returns the problems.
    static func formatProblems(_ text: String) -> [String] {
        var problems: [String] = []
        var typed: [String: String] = [:]
        guard text.hasSuffix("\n") else { return ["the text does not end with a line feed"] }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram"].contains(parts[3]) else {
                    problems.append("bad TYPE line: \(line)")
                    continue
                }
                if typed[String(parts[2])] != nil { problems.append("family typed twice: \(line)") }
                typed[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("# HELP ") {
                continue
            } else if (try? samplePattern.wholeMatch(in: String(line))) == nil {
                problems.append("bad sample line: \(line)")
            } else {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                let base = ["_bucket", "_sum", "_count"].reduce(name) { n, suffix in
                    n.hasSuffix(suffix) && typed[String(n.dropLast(suffix.count))] == "histogram"
                        ? String(n.dropLast(suffix.count)) : n
                }
                if typed[base] == nil { problems.append("sample before its TYPE: \(line)") }
            }
        }
        return problems
    }

    /// The value of the sample `name` whose labels include every pair of `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> [Double] {
        text.split(separator: "\n").compactMap { line -> Double? in
            guard !line.hasPrefix("#"), line.hasPrefix(name + "{") || line.hasPrefix(name + " ") else { return nil }
            guard labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }) else { return nil }
            let v = line.split(separator: " ").last.map(String.init) ?? ""
            return v == "+Inf" ? .infinity : Double(v)
        }
    }

    @Test func labelValuesAndHelpAreEscaped() {
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == #"a\"b\\c\nd"#)
        #expect(PrometheusText.escapeHelp("x\\y\nz \"q\"") == #"x\\y\nz "q""#)
        var out = PrometheusText()
        out.family("m", .gauge, help: "two\nlines")
        out.sample("m", [("tenant", "say \"hi\"")], 2)
        #expect(out.text == "# HELP m two\\nlines\n# TYPE m gauge\nm{tenant=\"say \\\"hi\\\"\"} 2.0\n")
        #expect(Self.formatProblems(out.text).isEmpty)
    }

    @Test func numbersReadAsGoFloats() {
        #expect(PrometheusText.number(3) == "3.0")
        #expect(PrometheusText.number(0.25) == "0.25")
        #expect(PrometheusText.number(.infinity) == "+Inf")
        #expect(PrometheusText.number(-.infinity) == "-Inf")
        #expect(PrometheusText.number(.nan) == "NaN")
    }

    @Test func histogramBucketsAreCumulativeAndEndWithInf() {
        var h = BucketHistogram(boundsSeconds: [0.1, 1])
        for v in [Time.milliseconds(50), Time.milliseconds(100), Time.milliseconds(500), Time.seconds(3)] {
            h.record(v)
        }
        #expect(h.counts == [2, 1, 1] && h.count == 4)
        var out = PrometheusText()
        out.family("lat_seconds", .histogram, help: "latency")
        out.histogram("lat_seconds", [("engine", "0")], h)
        #expect(
            out.text == """
                # HELP lat_seconds latency
                # TYPE lat_seconds histogram
                lat_seconds_bucket{engine="0",le="0.1"} 2.0
                lat_seconds_bucket{engine="0",le="1.0"} 3.0
                lat_seconds_bucket{engine="0",le="+Inf"} 4.0
                lat_seconds_sum{engine="0"} 3.65
                lat_seconds_count{engine="0"} 4.0

                """)
        #expect(Self.formatProblems(out.text).isEmpty)
    }

    @Test func theClusterReadsAsVLLMEngines() throws {
        var sim = try Simulation(scenario: testScenario(count: 3, rate: 12, duration: 20, local: "vllm-v1"))
        sim.run(until: Time.seconds(10))
        let midway = ClusterExposition.text(sim)
        #expect(Self.formatProblems(midway) == [])
        // The gauges follow the instances' queues and caches at the instant.
        let running = Self.value(midway, "vllm:num_requests_running")
        #expect(running == sim.instances.map { Double($0.running.count) })
        #expect(running.reduce(0, +) > 0)
        let usage = Self.value(midway, "vllm:kv_cache_usage_perc", ["engine": "1"])
        #expect(usage == [Double(sim.instances[1].kv.usedBlocks) / Double(sim.instances[1].kv.totalBlocks)])
        sim.runToEnd()
        let text = ClusterExposition.text(sim)
        #expect(Self.formatProblems(text) == [])
        for name in ClusterExposition.vllmNames + ClusterExposition.clustertopNames {
            #expect(text.contains("# TYPE \(name) "), "\(name) is not served")
        }
        #expect(text.contains(#"vllm:num_requests_running{model_name="llama3-8b",engine="2"} 0.0"#))
        // Counters add up to the cluster's totals.
        #expect(Self.value(text, "vllm:generation_tokens_total").reduce(0, +) == Double(sim.metrics.outputTokens))
        #expect(Self.value(text, "vllm:request_success_total").reduce(0, +) == Double(sim.metrics.completed))
        #expect(
            Self.value(text, "vllm:e2e_request_latency_seconds_count").reduce(0, +) == Double(sim.metrics.completed))
        #expect(
            Self.value(text, "vllm:time_to_first_token_seconds_count").reduce(0, +) == Double(sim.metrics.ttft.count))
        #expect(
            Self.value(text, "vllm:inter_token_latency_seconds_count").reduce(0, +) == Double(sim.metrics.tbt.count))
        #expect(
            Self.value(text, "vllm:num_preemptions_total").reduce(0, +)
                == Double(sim.instances.reduce(0) { $0 + $1.preemptions }))
        #expect(Self.value(text, "vllm:prompt_tokens_total").reduce(0, +) > 0)
        // Buckets are cumulative: the +Inf bucket is the count, and no bucket exceeds the next.
        let buckets = Self.value(text, "vllm:e2e_request_latency_seconds_bucket", ["engine": "0"])
        #expect(buckets.count == EngineMetrics.requestLatencyBounds.count + 1)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(buckets.last == Self.value(text, "vllm:e2e_request_latency_seconds_count", ["engine": "0"]).first)
        #expect(text.contains(#"clustertop:policy_info{global="round-robin",local="vllm-v1"} 1.0"#))
        let attainment = try #require(sim.slo(tenant: 0).attainment)
        #expect(Self.value(text, "clustertop:slo_attainment", ["tenant": "t"]) == [attainment])
        #expect(Self.value(text, "clustertop:simulated_seconds") == [Time.toSeconds(sim.now)])
    }

    @Test func engineMetricsAddUpToTheClusterTotals() throws {
        // The engine counters only add what the cluster-wide metrics already count.
        var a = try Simulation(scenario: testScenario(count: 2, rate: 10, duration: 15))
        a.runToEnd()
        let perEngine = a.engineMetrics
        #expect(perEngine.count == 2)
        #expect(perEngine.reduce(0) { $0 + $1.completed } == a.metrics.completed)
        #expect(perEngine.reduce(0) { $0 + $1.timeToFirstToken.sum } == Int64(a.metrics.ttft.sum))
    }
}
