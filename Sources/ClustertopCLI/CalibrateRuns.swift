import ArgumentParser
import ClusterSim
import Foundation

extension CalibrateCommand {
    /// `calibrate --runs`: fits an engine calibration (host and API time) to measured serving runs
    /// and writes it; `--leave-one-out` adds each run's score under constants fitted on the others.
    func calibrateRuns() throws {
        let loaded = try runs.map(loadRun)
        let calibration: EngineCalibration
        let reports: [AccuracyReport]
        do {
            calibration = try EngineFit.fit(loaded)
            reports = try EngineFit.score(loaded, calibration: calibration)
        } catch {
            throw CommandError("\(error)")
        }
        var text = "Fitted on \(loaded.count) runs:\n\n"
        let meanings = [
            "host time per engine step", "host time per sequence in a step", "one tensor-parallel all-reduce",
            "API time per request (on TTFT and E2E)",
        ]
        for (k, key) in EngineCalibration.keyNames.enumerated() {
            text +=
                "  " + key.fitted(to: 24, ellipsis: "")
                + TextFormat.fixed(calibration.fileValue(key)!, 3, signedZero: true).fitted(to: 10, alignRight: true)
                + "  " + meanings[k] + "\n"
        }
        text += "\n" + accuracyTable(names: loaded.map(\.name), reports: reports, title: "in-sample")
        var comment = [
            "clustertop engine calibration: host and API time around the GPU (EngineCalibration).",
            "Written by `clustertop calibrate --runs` from \(loaded.count) measured runs:",
        ]
        comment += loaded.map { "  \($0.name)" }
        if leaveOneOut {
            do {
                let held = try EngineFit.leaveOneOut(loaded)
                text +=
                    "\n"
                    + accuracyTable(names: loaded.map(\.name), reports: held.map(\.report), title: "leave-one-run-out")
            } catch {
                throw CommandError("\(error)")
            }
        }
        let path = output ?? "engine-calibration.yaml"
        let written = try OutputFile(path: path)
        try written.write(calibration.yamlText(engine: "vllm", comment: comment))
        try written.close()
        let shown = path.escapingControlCharacters()
        text += "\nWrote \(shown): name it in a scenario (cluster[].engine.calibration: \(shown)).\n"
        try Console.out(text)
    }

    /// A run argument: a folder with scenario.yaml and requests.csv, or SCENARIO,CSV[,OUTPUT_TOKENS].
    func loadRun(_ argument: String) throws -> EngineRun {
        var isDirectory: ObjCBool = false
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var scenarioPath: String, csvPath: String, outputTokens: Int? = nil
        if parts.count == 1, FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            scenarioPath = "\(argument)/scenario.yaml"
            csvPath = "\(argument)/requests.csv"
        } else if (2...3).contains(parts.count) {
            scenarioPath = parts[0]
            csvPath = parts[1]
            if parts.count == 3 {
                guard let n = Int(parts[2]), (1...ScenarioParser.Limits.maxTokens).contains(n) else {
                    throw CommandError(
                        "--runs \(argument): expected a whole number of output tokens, got \"\(parts[2])\"")
                }
                outputTokens = n
            }
        } else {
            throw CommandError(
                "--runs \(argument): expected a folder with scenario.yaml and requests.csv, or SCENARIO,REQUESTS_CSV[,OUTPUT_TOKENS]"
            )
        }
        guard FileManager.default.fileExists(atPath: scenarioPath) else {
            throw CommandError("--runs \(argument): no scenario \(scenarioPath)")
        }
        let scenario = try loadScenario(scenarioPath)
        let measured: MeasuredRun
        do { measured = try MeasuredRun.load(path: csvPath) } catch { throw CommandError(error.description) }
        return EngineRun(name: scenario.name, scenario: scenario, measured: measured, outputTokens: outputTokens)
    }
}

/// Errors per run of TTFT, ITL and E2E (mean, p90, p99), then the median over runs.
func accuracyTable(names: [String], reports: [AccuracyReport], title: String) -> String {
    let columns: [(AccuracyReport.Metric, AccuracyReport.Statistic)] = [
        (.e2e, .mean), (.e2e, .p90), (.e2e, .p99), (.ttft, .mean), (.ttft, .p90), (.ttft, .p99), (.itl, .mean),
    ]
    let width = max(12, (names.map(\.count).max() ?? 0) + 2)
    func cell(_ s: String) -> String { s.fitted(to: 11, alignRight: true) }
    func signed(_ s: String) -> String { s.hasPrefix("-") ? s : "+" + s }  // printf's "%+"
    var lines = ["Relative error, \(title):"]
    lines.append(
        "run".fitted(to: width, ellipsis: "")
            + columns.map { cell("\($0.0.rawValue) \($0.1.rawValue)") }.joined())
    var errors = [[Double]](repeating: [], count: columns.count)
    for (name, r) in zip(names, reports) {
        var row = name.fitted(to: width, ellipsis: "")
        for (k, c) in columns.enumerated() {
            let e = r.line(c.0, c.1).error
            errors[k].append(abs(e))
            row += cell(signed(TextFormat.fixed(e * 100, 1, signedZero: true)) + "%")
        }
        lines.append(row)
    }
    lines.append(
        "median |error|".fitted(to: width, ellipsis: "")
            + errors.map {
                cell(TextFormat.fixed(ErrorSummary.percentile($0.sorted(), 0.5) * 100, 1, signedZero: true) + "%")
            }.joined())
    return lines.joined(separator: "\n") + "\n"
}
