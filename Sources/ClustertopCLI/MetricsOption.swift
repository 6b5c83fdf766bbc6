import ArgumentParser
import ClusterSim
import Foundation

/// `--metrics-addr`, shared by `run` and `watch`: serves the simulated cluster to Prometheus under
/// vLLM's metric names (`ClusterExposition`, docs/metrics.md).
struct MetricsOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve the cluster's metrics to Prometheus at http://HOST:PORT/metrics, under vLLM's metric names (docs/metrics.md). PORT 0 takes a free port.",
            valueName: "HOST:PORT"))
    var metricsAddr: String?

    /// Listens on the address, if one was given, and says where on standard error.
    func startServer() throws -> MetricsServer? {
        guard let metricsAddr else { return nil }
        let server = try MetricsServer(MetricsAddress(parsing: metricsAddr))
        server.start()
        Console.note("serving metrics at \(server.url)")
        return server
    }
}

extension MetricsServer {
    /// Serves `sim` as it is now (built at most four times a second unless `force`).
    func publish(_ sim: Simulation, force: Bool = false) {
        update(force: force) { ClusterExposition.text(sim) }
    }
}
