import Foundation
import Testing

@testable import ClusterSim

/// Every file in fixtures/invalid is a broken scenario; each must give exactly its message.
@Suite struct InvalidFixturesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/invalid")

    static let expected: [String: String] = [
        "bad-tp":
            "bad-tp.yaml:5:49: cluster[0].tp: expected a tensor-parallel degree of 1, 2, 4 or 8 that divides the model's 8 KV heads, got 3",
        "bad-yaml": "bad-yaml.yaml:9:1: not valid YAML: while parsing a flow mapping: did not find expected ',' or '}'",
        "cpu-tier-bandwidth":
            "cpu-tier-bandwidth.yaml:5:77: cluster[0].engine.cpu_kv.gbps: expected a positive bandwidth in Gbit/s, got \"fast\"",
        "cv-on-poisson":
            "cv-on-poisson.yaml:11:46: workload[0].arrival.cv: cv applies to gamma arrivals only (a Poisson process has cv 1)",
        "duration-too-long":
            "duration-too-long.yaml:3:13: duration_s: expected a positive number of seconds above 0 to 604800, got 1e15",
        "event-two-kinds":
            "event-two-kinds.yaml:15:5: events[0]: expected exactly one of spike, policy, fail, add, drain, role, decode_choice beside at_s, got spike and drain",
        "fail-unknown-instance":
            "fail-unknown-instance.yaml:15:5: events[0]: instance 7 does not exist at 10 s (instances 0 to 1)",
        "kv-remote-without-cpu-tier":
            "kv-remote-without-cpu-tier.yaml:6:12: kv_remote: the shared pool receives blocks evicted from CPU tiers, and no instance group has one: add engine: {cpu_kv: {gb: ..., gbps: ...}} to a group",
        "missing-trace-file":
            "missing-trace-file.yaml:11:34: workload[0].trace.file: cannot read trace file \(folder.path)/no-such-trace.csv",
        "missing-workload": "missing-workload.yaml:1:1: missing key \"workload\"",
        "model-does-not-fit":
            "model-does-not-fit.yaml:5:5: cluster[0]: llama3-70b needs 141.1 GB of weights per GPU at tp 1, which leaves no room for KV cache on a10g (24 GB); raise tp or pick a larger GPU",
        "negative-seed":
            "negative-seed.yaml:2:7: seed: expected a non-negative whole number from 0 to 9223372036854775807, got -4",
        "rate-not-a-number":
            "rate-not-a-number.yaml:11:39: workload[0].arrival.rate: expected a positive number of requests per second, got \"fast\"",
        "rate-too-high":
            "rate-too-high.yaml:11:39: workload[0].arrival.rate: expected a positive number of requests per second above 0 to 100000, got 1e12",
        "swap-without-cpu-tier":
            "swap-without-cpu-tier.yaml:5:71: cluster[0].engine.preemption_mode: swap needs a CPU tier to swap into: add cpu_kv: {gb: ..., gbps: ...} beside it",
        "too-many-instances":
            "too-many-instances.yaml:5:42: cluster[0].count: expected a whole number of instances from 1 to 4096, got 10000000",
        "uniform-inverted":
            "uniform-inverted.yaml:13:51: workload[0].output_tokens.max: expected max ≥ min (500), got 100",
        // The GPU catalog grows too.
        "unknown-gpu":
            "unknown-gpu.yaml:5:11: cluster[0].gpu: expected one of \(GPUCatalog.ids.joined(separator: ", ")), got \"h10\"; did you mean \"h100\"?",
        "unknown-key":
            "unknown-key.yaml:3:1: unknown key \"duraton_s\"; did you mean \"duration_s\"? (expected one of: name, description, seed, duration_s, models, gpus, cluster, link, policy, tenants, workload, events, kv_remote)",
        // The list of choices grows with the policies, so it is taken from the registry.
        "unknown-policy":
            "unknown-policy.yaml:6:38: policy.local: expected one of \(LocalPolicy.ids.joined(separator: ", ")), auto, got \"vllm-v9\"; did you mean \"vllm-v0\"?",
        "unknown-tenant":
            "unknown-tenant.yaml:10:13: workload[0].tenant: expected one of chat, got \"chatt\"; did you mean \"chat\"?",
        "workload-rate-overflow":
            "workload-rate-overflow.yaml:3:13: duration_s: the workload would bring about 54000000000 requests; at most 200000000 are supported (lower the rates or the duration)",
        "wrong-dist-key":
            "wrong-dist-key.yaml:13:40: workload[0].output_tokens.mean: \"mean\" does not apply to a fixed distribution (it takes value)",
    ]

    static var fixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }
            .sorted()
    }

    @Test func everyFixtureHasItsMessage() {
        #expect(Set(Self.fixtures.map { String($0.dropLast(5)) }) == Set(Self.expected.keys))
    }

    @Test(arguments: fixtures)
    func fixtureGivesItsExactMessage(_ file: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
        do {
            _ = try ScenarioParser.parse(text, file: file, baseDirectory: Self.folder.path)
            Issue.record("\(file) parsed without an error")
        } catch {
            #expect(error.description == Self.expected[String(file.dropLast(5))])
        }
    }
}
