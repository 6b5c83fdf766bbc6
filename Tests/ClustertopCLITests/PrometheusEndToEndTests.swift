import Foundation
import TestSupport
import Testing

@testable import ClustertopCLI

/// A real Prometheus scrapes a running clustertop: the binary serves `run --metrics-addr`,
/// Prometheus (Debian's `prometheus`) scrapes it every second, and its query API must give back
/// what the run reported.
///
/// Skipped when `prometheus` is not installed, except under CI (env CI set), where that fails:
/// .ci/run installs it.
@Suite(.serialized) struct PrometheusEndToEndTests {
    /// The clustertop binary next to the test bundle (CLUSTERTOP_BIN overrides).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CLUSTERTOP_BIN"] { return path }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" {
            dir = dir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return dir.appendingPathComponent("clustertop").path
    }

    static var prometheus: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/prometheus" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// A child process, started with posix_spawn with every signal unblocked and at its default
    /// (the test's thread blocks most of them, and a child that inherited that would ignore SIGTERM).
    struct Child {
        let pid: pid_t

        init(_ path: String, _ arguments: [String], stdout: String, stderr: String) throws {
            pid = try spawnChild(path, arguments, stdout: stdout, stderr: stderr)
        }

        /// Sends SIGTERM, and SIGKILL if it has not ended within five seconds; reaps it.
        func stop() {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<50 {
                if waitpid(pid, &status, WNOHANG) == pid { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }

    /// A port nothing listens on right now.
    static func freePort() throws -> Int {
        let server = try MetricsServer(MetricsAddress(parsing: "127.0.0.1:0"))
        defer { close(server.listener) }
        return server.port
    }

    /// The value of the single-series PromQL `query`, or nil while there is none.
    static func query(_ query: String, port: Int) -> Double? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        guard let reply = httpGet(port: port, "/api/v1/query?query=\(encoded)"), reply.status == 200,
            let json = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
            let value = result.first?["value"] as? [Any], value.count == 2, let text = value[1] as? String
        else { return nil }
        return Double(text)
    }

    /// Polls `condition` every 200 ms for up to `timeout` seconds.
    static func poll(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    @Test func prometheusScrapesTheSimulatedCluster() throws {
        guard let prometheus = Self.prometheus else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("prometheus is not installed (apt-get install prometheus; .ci/run does it)")
            }
            return
        }
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.binary), "no clustertop binary at \(Self.binary)")
        let directory = temporaryPath("prometheus")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // clustertop (a short paced run, then its final values served until it is stopped) and
        // Prometheus, scraping it every second with its storage in the temporary folder, started
        // together.
        let port = try Self.freePort()
        var webPort = try Self.freePort()
        while webPort == port { webPort = try Self.freePort() }
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: clustertop
                static_configs:
                  - targets: ['127.0.0.1:\(port)']
            """
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        let report = "\(directory)/report.json", notes = "\(directory)/stderr.txt"
        let clustertop = try Child(
            Self.binary,
            [
                "run", "default", "--duration", "5", "--speed", "50", "--format", "json", "--quiet", "--metrics-addr",
                "127.0.0.1:\(port)",
            ], stdout: report, stderr: notes)
        defer { clustertop.stop() }
        let server = try Child(
            prometheus,
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(webPort)",
            ], stdout: "/dev/null", stderr: "\(directory)/prometheus.log")
        defer { server.stop() }
        #expect(
            Self.poll(timeout: 20) {
                ((try? String(contentsOfFile: notes, encoding: .utf8)) ?? "").contains(
                    "serving metrics at http://127.0.0.1:\(port)/metrics")
            }, "clustertop did not say where it serves")

        // The run ends (its report is written), and Prometheus's newest scrape holds its final values.
        var completed = 0.0
        #expect(
            Self.poll(timeout: 30) {
                guard let data = FileManager.default.contents(atPath: report),
                    let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let requests = json["requests"] as? [String: Any], let done = requests["completed"] as? Double
                else { return false }
                completed = done
                return true
            }, "no report from clustertop")
        #expect(completed > 0)
        let served = try #require(httpGet(port: port, "/metrics")?.body)
        let generated = served.split(separator: "\n").filter { $0.hasPrefix("vllm:generation_tokens_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        let matched = Self.poll(timeout: 40) {
            Self.query("sum(vllm:request_success_total)", port: webPort) == completed
                && Self.query("sum(vllm:generation_tokens_total)", port: webPort) == generated
        }
        #expect(matched, "Prometheus did not reach the run's final counters")
        #expect(Self.query("sum(vllm:num_requests_running)", port: webPort) == 0)
        #expect(Self.query("count(vllm:num_requests_running)", port: webPort) == 5)
        #expect(Self.query(#"count(vllm:e2e_request_latency_seconds_bucket{le="+Inf"})"#, port: webPort) == 5)
        #expect(Self.query(#"up{job="clustertop"}"#, port: webPort) == 1)
    }
}
