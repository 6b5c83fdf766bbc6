import ArgumentParser
import ClusterSim
import Foundation

struct CostModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost-model",
        abstract: "Predict iteration times for the shapes in a CSV.",
        discussion: """
            Reads a CSV with at least the columns gpu, model, prefill_seqs, prefill_len, prefix_len, \
            decode_batch, decode_ctx (the calibration script's format, docs/cost-model.md) and prints \
            the same lines with a predicted_ms column added; other columns are kept as they are. When \
            the file has measured times (ms_median), the error summary goes to standard error.

            Examples:
              clustertop cost-model --shapes shapes.csv > predicted.csv
              clustertop cost-model --shapes h200.csv --calibration my-h200.yaml
            """)

    @Option(help: "CSV of iteration shapes.")
    var shapes: String

    @Option(
        help: "Calibration file (from `clustertop calibrate`) for its GPU type; other GPUs keep the built-in constants."
    )
    var calibration: String?

    @Option(help: "Tensor-parallel degree of every row.")
    var tp: Int = 1

    func run() throws {
        guard [1, 2, 4, 8].contains(tp) else { throw CommandError("--tp: expected 1, 2, 4 or 8, got \(tp)") }
        let table = try loadProfile(shapes, requireMeasured: false)
        let calibrationFile = try calibration.map(loadCalibration)
        var output = table.headerLine + ",predicted_ms\n"
        var errors: [Double] = []
        var measured: [ProfileRow] = []
        for (row, line) in zip(table.rows, table.lines) {
            guard let gpu = row.gpuSpec else {
                throw CommandError("\(shapes):\(row.line): gpu: unknown GPU \"\(row.gpu)\"")
            }
            let constants =
                calibrationFile?.gpu == row.gpu ? calibrationFile!.constants : CostConstants.builtin(for: gpu)
            let model = CostModel(
                gpu: gpu, model: row.modelSpec, tensorParallel: tp, constants: constants)
            let predicted = model.seconds(row.shape) * 1e3
            output += line + "," + TextFormat.fixed(predicted, 4, signedZero: true) + "\n"
            if let ms = row.measuredMilliseconds {
                errors.append(predicted / ms - 1)
                measured.append(row)
            }
        }
        try Console.out(output)
        if !measured.isEmpty {
            let summary = ErrorSummary(errors: errors, rows: measured)
            let note =
                "relative error of predicted_ms against ms_median (\(measured.count) rows):\n\(summary.tableText)\n"
            Console.err(note)
        }
    }
}

/// Reads a shapes or profile CSV named on the command line, or throws the located error.
func loadProfile(_ path: String, requireMeasured: Bool, anyGPU: Bool = false) throws -> ProfileTable {
    let text: String
    do {
        text = try InputFile.text(path, limit: ProfileTable.maxFileBytes, sizeHint: ProfileTable.sizeHint)
    } catch {
        throw CommandError(error.message == InputFile.unreadable ? "cannot read \(path)" : error.description)
    }
    do {
        return try ProfileTable.parse(
            text, file: path, gpus: anyGPU ? nil : GPUCatalog.ids, requireMeasured: requireMeasured)
    } catch {
        throw CommandError(error.description)
    }
}

/// Reads a calibration file named on the command line, or throws the located error.
func loadCalibration(_ path: String) throws -> CalibrationFile {
    do {
        return try CalibrationFile.load(path: path)
    } catch {
        throw CommandError(error.description)
    }
}
