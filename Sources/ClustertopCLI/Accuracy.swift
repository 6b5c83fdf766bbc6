import ArgumentParser
import ClusterSim
import Foundation

struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Replay a measured run and compare the simulator's latencies with the measured ones.",
        discussion: """
            The scenario describes the cluster, its engine settings (cluster[].engine) and the \
            policies; the requests come from --truth, a CSV with the columns \
            arrival_s,input_tokens,output_tokens,ttft_s,e2e_s as a client measured them. Prints, \
            for TTFT, ITL and E2E, the mean, p50, p90 and p99 measured and predicted with the \
            relative error, then request-level error and bias. docs/accuracy.md shows the figures \
            on published vLLM runs.
            """)

    @Argument(help: "Scenario file, or a name in ./Scenarios.")
    var scenario: String

    @Option(help: "Measured requests: CSV with arrival_s,input_tokens,output_tokens,ttft_s,e2e_s.")
    var truth: String

    @Option(help: "Engine calibration: a file from `calibrate --runs` or a built-in name (overrides the scenario's).")
    var engine: String?

    @Option(
        help: ArgumentHelp(
            "Replay every request with this many output tokens instead of the CSV's counts.",
            discussion:
                "For runs with ignore_eos whose client under-counted streamed tokens: give the load generator's max_tokens."
        ))
    var outputTokens: Int?

    @Option(help: "Output format: table or json.")
    var format: ReportFormat = .table

    func run() throws {
        guard format != .csv else { throw CommandError("--format: expected table or json, got csv") }
        let scenario = try loadScenario(self.scenario)
        let measured: MeasuredRun
        do { measured = try MeasuredRun.load(path: truth) } catch { throw CommandError(error.description) }
        let calibration = try engine.map(loadEngineCalibration)
        if let outputTokens, !(1...ScenarioParser.Limits.maxTokens).contains(outputTokens) {
            throw CommandError(
                "--output-tokens: expected a whole number from 1 to \(ScenarioParser.Limits.maxTokens), got \(outputTokens)"
            )
        }
        let report: AccuracyReport
        do {
            let prediction = try AccuracyReplay.predict(
                scenario, run: measured, engine: calibration, outputTokens: outputTokens)
            report = AccuracyReport(run: measured, prediction: prediction)
        } catch {
            throw CommandError("\(scenario.source): \(error)")
        }
        switch format {
        case .json: try Console.out(accuracyJSON(report) + "\n")
        default: try Console.out(report.tableText + "\n")
        }
    }
}

/// A built-in engine calibration name or a file; bad input throws a `CommandError`.
func loadEngineCalibration(_ name: String) throws -> EngineCalibration {
    if let builtin = EngineCalibration.builtin[name] { return builtin }
    do {
        return try EngineCalibration.load(path: name)
    } catch  where error.message == InputFile.unreadable {
        throw CommandError(
            "--engine: expected a built-in calibration (\(EngineCalibration.builtin.keys.sorted().joined(separator: ", "))) or a readable file, got \"\(name)\""
        )
    } catch {
        throw CommandError(error.description)
    }
}

/// The report as JSON: `metrics` (one object per metric and statistic) and `requests`.
func accuracyJSON(_ report: AccuracyReport) -> String {
    func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "null" }
    let lines = report.lines.map {
        "{\"metric\":\"\($0.metric.rawValue)\",\"stat\":\"\($0.statistic.rawValue)\",\"measured_ms\":\(number($0.measured)),\"predicted_ms\":\(number($0.predicted)),\"error\":\(number($0.error))}"
    }
    let levels = report.requestLevel.map {
        "{\"metric\":\"\($0.metric.rawValue)\",\"mean_abs_error\":\(number($0.meanAbsoluteError)),\"bias\":\(number($0.bias))}"
    }
    return
        "{\"requests\":\(report.requests),\"missing\":\(report.missing),\"metrics\":[\(lines.joined(separator: ","))],\"request_level\":[\(levels.joined(separator: ","))]}"
}
