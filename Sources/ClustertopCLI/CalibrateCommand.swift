import ArgumentParser
import ClusterSim
import Foundation

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the cost model's constants for one GPU to your own measurements.",
        discussion: """
            Reads a profile CSV in the calibration script's format (docs/cost-model.md: the shape \
            columns and ms_median), fits the constants for GPU ID, prints them with the error per \
            kind of iteration (on the fitted rows, and on held-out rows by cross-validation: the \
            estimate for shapes you did not measure), and writes a calibration file. Name that file \
            in a scenario (cluster[].calibration: FILE) or with `clustertop run --calibration FILE`.

            Every row's gpu column must be ID: constants fitted to another GPU's measurements \
            land on their bounds. --skip-other-gpus leaves rows of other GPUs out; --measured-on \
            TAG takes the rows whose gpu column is TAG as ID's (the script writes a GPU it does not \
            know by its device name). A constant that ends on a bound of the fit is named on \
            standard error: the rows did not determine it.

            Example:
              clustertop calibrate --profile iterations_h100.csv --gpu h100 --output my-h100.yaml
            """)

    @Option(help: "Profile CSV: iteration shapes with measured ms_median.")
    var profile: String?

    @Option(
        help: "GPU id the measurements come from (\(GPUCatalog.ids.joined(separator: ", "))).",
        transform: optionID("--gpu"))
    var gpu: GPUID?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Measured serving runs to fit an engine calibration on (instead of --profile).",
            discussion: "Each a folder with scenario.yaml and requests.csv, or SCENARIO,REQUESTS_CSV[,OUTPUT_TOKENS]."))
    var runs: [String] = []

    @Flag(help: "With --runs: also score each run with constants fitted on the others.")
    var leaveOneOut = false

    @Option(help: "Calibration file to write (default: <gpu>-calibration.yaml).")
    var output: String?

    @Option(help: "Folds for the cross-validated error (2 to 20).")
    var folds: Int = 5

    @Option(help: "Take rows whose gpu column is TAG as measurements of --gpu (default: --gpu).")
    var measuredOn: String?

    @Flag(help: "Leave out rows of other GPUs instead of refusing the file.")
    var skipOtherGpus = false

    func run() throws {
        if !runs.isEmpty { return try calibrateRuns() }
        guard let profile, let gpuID = gpu else {
            throw CommandError("expected --profile and --gpu (a cost-model fit) or --runs (an engine fit)")
        }
        let spec = gpuID.spec, gpu = gpuID.rawValue
        guard (2...20).contains(folds) else { throw CommandError("--folds: expected 2 to 20, got \(folds)") }
        let table = try loadProfile(profile, requireMeasured: true, anyGPU: true)
        let rows: [ProfileRow]
        do {
            rows = try Calibration.rows(
                of: table, file: profile, gpu: gpu, measuredOn: measuredOn, skipOtherGPUs: skipOtherGpus)
        } catch {
            throw CommandError(error.description)
        }
        let minimum = Calibration.fitted.count + 3
        guard rows.count >= minimum else {
            throw CommandError(
                "\(profile): \(rows.count) rows for \(gpu); a fit of \(Calibration.fitted.count) constants needs at least \(minimum)"
            )
        }

        let constants = Calibration.fit(rows, gpu: spec)
        for (index, bound, upper) in Calibration.constantsAtBounds(constants) {
            let key = CalibrationFile.keyNames[index]
            let shown = key.hasSuffix("_us") ? bound * 1e6 : bound
            Console.note(
                "warning: \(key) is at the \(upper ? "upper" : "lower") bound of the fit (\(String(format: "%g", shown))): the rows do not determine it; check that they were measured on \(gpu)"
            )
        }
        let fitted = ErrorSummary(errors: Calibration.relativeErrors(rows, gpu: spec, constants: constants), rows: rows)
        let held = ErrorSummary(errors: Calibration.crossValidatedErrors(rows, gpu: spec, folds: folds), rows: rows)
        var models: [String] = []
        for row in rows where !models.contains(row.model) { models.append(row.model) }
        let counts = models.map { id in "\(id) \(rows.filter { $0.model == id }.count)" }.joined(separator: ", ")

        var text = "Fitted \(rows.count) rows (\(counts)) of \(profile) for \(gpu)"
        if rows.count < table.rows.count { text += "; \(table.rows.count - rows.count) rows of other GPUs left out" }
        text += ".\n\n" + constantsTable(constants, builtin: CostConstants.builtin(for: spec)) + "\n\n"
        let missing = IterationKind.allCases.filter { held.byKind[$0] == nil }
        if !missing.isEmpty {
            text +=
                "No \(missing.map(\.rawValue).joined(separator: " or ")) rows: the constants only they determine keep their built-in values.\n\n"
        }
        text += "Relative error of iteration time on the fitted rows:\n\(fitted.tableText)\n\n"
        text +=
            "On held-out rows (\(folds)-fold cross-validation; the estimate for shapes not measured):\n\(held.tableText)\n"

        let path = output ?? "\(gpu)-calibration.yaml"
        let file = CalibrationFile(gpu: gpu, constants: constants)
        let comment = [
            "clustertop calibration: the cost model's constants for \(gpu) (docs/cost-model.md).",
            "Written by `clustertop calibrate --gpu \(gpu)` from \(rows.count) rows of \(profile) (\(counts)).",
            "Relative error of iteration time: fitted rows median \(percent(fitted.all.median)), p90 \(percent(fitted.all.p90));",
            "held out (\(folds)-fold cross-validation) median \(percent(held.all.median)), p90 \(percent(held.all.p90)).",
            "Use it in a scenario (cluster[].calibration: FILE) or with `clustertop run --calibration FILE`.",
        ]
        let written = try OutputFile(path: path)
        try written.write(file.yamlText(comment: comment))
        try written.close()
        let shown = path.escapingControlCharacters()
        text +=
            "\nWrote \(shown): name it in a scenario (cluster[].calibration: \(shown)) or run with --calibration \(shown).\n"
        try Console.out(text)
    }

    func percent(_ v: Double) -> String { TextFormat.fixed(v * 100, 1, signedZero: true) + "%" }

    /// One line per constant: its file key, fitted value, built-in value and meaning.
    func constantsTable(_ c: CostConstants, builtin: CostConstants) -> String {
        let meanings = [
            "host time per iteration (not fitted)",
            "fixed time per transformer layer",
            "extra per layer when the batch has prefill chunks",
            "extra per layer when the batch has decodes",
            "extra per layer when a chunk has a cached prefix",
            "weight/KV/activation read rate, × measured copy bandwidth",
            "linear-layer FLOP rate, × measured matmul throughput",
            "p of the p-norm joining weight and compute times",
            "prefill attention FLOP rate, × matmul throughput",
            "cached-prefix read rate, × copy bandwidth",
        ]
        var lines = ["constant                         fitted   built-in  meaning"]
        for (index, key) in CalibrationFile.keyNames.enumerated() {
            let scale = key.hasSuffix("_us") ? 1e6 : 1
            let decimals = key.hasSuffix("_us") ? 2 : 4
            func cell(_ v: Double) -> String {
                TextFormat.fixed(v * scale, decimals, signedZero: true).fitted(to: 9, alignRight: true)
            }
            let name = key.fitted(to: 30, ellipsis: "")
            lines.append(
                name + cell(c[index: index]) + "  " + cell(builtin[index: index])
                    + "  " + meanings[index])
        }
        return lines.joined(separator: "\n")
    }
}
