import ClusterSim
import Foundation

/// Nanoseconds per cost-model prediction, and the calibration fit's wall time.
///
/// The simulator asks the cost model once per iteration of every instance, so a prediction must
/// stay far below a microsecond. The shapes cycle through prefill, decode and mixed batches (with
/// and without cached prefixes) of both measured models, so no branch is always taken the same way.
/// Call `costModelBenchmark()` from main.swift (`clustertop-bench cost-model`).
func costModelBenchmark(predictions: Int = 20_000_000) {
    let gpu = GPUCatalog.spec("h100")!
    let models = [
        CostModel(gpu: gpu, model: ModelCatalog.spec("llama3-8b")!),
        CostModel(gpu: gpu, model: ModelCatalog.spec("qwen2.5-14b")!),
    ]
    var shapes: [BatchShape] = []
    for seed in 0..<64 {
        var shape = BatchShape()
        if seed % 3 != 1 { shape.addPrefill(tokens: 64 << (seed % 6), cached: seed % 4 == 0 ? 1024 * (seed % 5) : 0) }
        if seed % 3 != 0 { for d in 0..<(1 + seed % 32) { shape.addDecode(context: 128 + 97 * d + 31 * seed) } }
        shapes.append(shape)
    }
    // Warm up, then time whole passes; the sum keeps the optimizer from dropping the work.
    var sum = 0.0
    for shape in shapes { sum += models[0].seconds(shape) }
    let passes = max(1, predictions / (shapes.count * models.count))
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<passes {
        for model in models {
            for shape in shapes { sum += model.seconds(shape) }
        }
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
    let count = passes * shapes.count * models.count
    print(
        "cost-model: \(count) predictions, \(Report.number(elapsed / Double(count), 1)) ns each (checksum \(Report.number(sum, 3)))"
    )

    let rows = Calibration.h100Rows()
    let fitStart = DispatchTime.now().uptimeNanoseconds
    let constants = Calibration.fit(rows, gpu: gpu, start: Calibration.neutralStart)
    let fitSeconds = Double(DispatchTime.now().uptimeNanoseconds - fitStart) / 1e9
    let cvStart = DispatchTime.now().uptimeNanoseconds
    let held = ErrorSummary(errors: Calibration.crossValidatedErrors(rows, gpu: gpu), rows: rows)
    let cvSeconds = Double(DispatchTime.now().uptimeNanoseconds - cvStart) / 1e9
    print(
        "calibration: fit of \(rows.count) rows in \(Report.number(fitSeconds * 1e3, 1)) ms (memory efficiency \(Report.number(constants.memoryEfficiency, 4))); 5-fold cross-validation in \(Report.number(cvSeconds * 1e3, 1)) ms, held-out median \(Report.number(held.all.median * 100, 2))%, p90 \(Report.number(held.all.p90 * 100, 2))%"
    )
}
