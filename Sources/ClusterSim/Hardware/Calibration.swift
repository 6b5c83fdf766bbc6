/// Fits the cost model's constants for one GPU type to measured iterations.
///
/// Levenberg–Marquardt (Marquardt's diagonal scaling, Nielsen's damping update) on the log of
/// predicted over measured time, so every row weighs by its relative error; the constants are
/// searched in log space, which keeps them positive. Jacobians are central differences. Everything
/// is sequential floating-point arithmetic in a fixed order: the same rows give the same constants.
/// `overhead` (host time per iteration) is never fitted: the calibration script has none.
public enum Calibration {
    /// Indices (`CostConstants.subscript(index:)`) of the fitted constants: all but `overhead`.
    public static let fitted = Array(1..<CostConstants.names.count)

    /// Bounds on each fitted constant (same order as `fitted`): far outside anything physical,
    /// they only keep a degenerate profile from sending a constant to zero or infinity.
    static let bounds: [ClosedRange<Double>] = [
        1e-9...1e-2, 1e-9...1e-2, 1e-9...1e-2, 1e-9...1e-2,
        1e-3...4, 1e-3...4, 1...64, 1e-3...4, 1e-4...4,
    ]

    /// A neutral starting point: round numbers, not the H100 fit (the refit test starts here).
    public static let neutralStart = CostConstants(
        layerOverhead: 30e-6, prefillAttentionOverhead: 10e-6, decodeAttentionOverhead: 10e-6,
        prefixAttentionOverhead: 10e-6, memoryEfficiency: 1, linearEfficiency: 0.9, rooflineSharpness: 4,
        attentionEfficiency: 0.6, prefixReadEfficiency: 0.2)

    /// Constants for `gpu` that best fit `rows` (each needs `measuredMilliseconds`).
    ///
    /// Constants the rows cannot tell apart (no prefix rows, say) stay at `start`'s values.
    public static func fit(_ rows: [ProfileRow], gpu: GPUSpec, start: CostConstants = .h100) -> CostConstants {
        let problem = Problem(rows: rows, gpu: gpu, template: start)
        var x = fitted.map { _log(start[index: $0]) }
        for k in x.indices { x[k] = problem.clamp(x[k], k) }
        var residuals = problem.residuals(x)
        var cost = sumOfSquares(residuals)
        let n = x.count
        var damping = -1.0
        var growth = 2.0
        for _ in 0..<400 {
            let jacobian = problem.jacobian(x)
            var normal = [Double](repeating: 0, count: n * n)
            var gradient = [Double](repeating: 0, count: n)
            for i in residuals.indices {
                for a in 0..<n {
                    let ja = jacobian[a][i]
                    if ja == 0 { continue }
                    gradient[a] += ja * residuals[i]
                    for b in a..<n { normal[a * n + b] += ja * jacobian[b][i] }
                }
            }
            for a in 0..<n { for b in 0..<a { normal[a * n + b] = normal[b * n + a] } }
            let diagonal = (0..<n).map { normal[$0 * n + $0] }
            let scale = max(diagonal.max() ?? 1, 1e-300)
            if damping < 0 { damping = 1e-3 }
            var improved = false
            for _ in 0..<60 {
                var system = normal
                for a in 0..<n { system[a * n + a] += damping * max(diagonal[a], 1e-12 * scale) }
                guard let step = solveSymmetric(system, gradient.map { -$0 }, n: n) else {
                    damping *= growth
                    growth *= 2
                    continue
                }
                var trial = x
                for k in 0..<n { trial[k] = problem.clamp(x[k] + step[k], k) }
                let trialResiduals = problem.residuals(trial)
                let trialCost = sumOfSquares(trialResiduals)
                // Nielsen: compare the actual reduction with the one the linear model predicted.
                var predicted = 0.0
                for k in 0..<n {
                    predicted += step[k] * (damping * max(diagonal[k], 1e-12 * scale) * step[k] - gradient[k])
                }
                if trialCost < cost {
                    let rho = predicted > 0 ? (cost - trialCost) / predicted : 1
                    let t = 2 * rho - 1
                    damping *= max(1.0 / 3, 1 - t * t * t)
                    growth = 2
                    let relative = (cost - trialCost) / max(cost, 1e-300)
                    x = trial
                    residuals = trialResiduals
                    cost = trialCost
                    improved = relative > 1e-13
                    break
                }
                damping *= growth
                growth *= 2
            }
            if !improved { break }
        }
        return problem.constants(x)
    }

    /// Signed relative error of each row's prediction: predicted / measured − 1.
    public static func relativeErrors(_ rows: [ProfileRow], gpu: GPUSpec, constants: CostConstants) -> [Double] {
        var models: [String: CostModel] = [:]
        return rows.map { row in
            let model =
                models[row.model] ?? CostModel(gpu: gpu, model: row.modelSpec, constants: constants)
            models[row.model] = model
            return model.seconds(row.shape) * 1e3 / row.measuredMilliseconds! - 1
        }
    }

    /// Errors on held-out rows: row i is in fold i mod `folds`; each fold is predicted by constants
    /// fitted on the other folds. An estimate of the error on shapes the fit has not seen.
    public static func crossValidatedErrors(
        _ rows: [ProfileRow], gpu: GPUSpec, folds: Int = 5, start: CostConstants = .h100
    ) -> [Double] {
        var errors = [Double](repeating: 0, count: rows.count)
        for fold in 0..<folds {
            let held = rows.indices.filter { $0 % folds == fold }
            guard !held.isEmpty else { continue }
            let training = rows.indices.filter { $0 % folds != fold }.map { rows[$0] }
            let constants = fit(training, gpu: gpu, start: start)
            let e = relativeErrors(held.map { rows[$0] }, gpu: gpu, constants: constants)
            for (i, index) in held.enumerated() { errors[index] = e[i] }
        }
        return errors
    }

    /// Errors of each model's rows predicted by constants fitted on the other models' rows.
    public static func leaveOneModelOutErrors(_ rows: [ProfileRow], gpu: GPUSpec, start: CostConstants = .h100)
        -> [Double]
    {
        var errors = [Double](repeating: 0, count: rows.count)
        var modelIDs: [String] = []
        for row in rows where !modelIDs.contains(row.model) { modelIDs.append(row.model) }
        guard modelIDs.count > 1 else { return crossValidatedErrors(rows, gpu: gpu, start: start) }
        for id in modelIDs {
            let constants = fit(rows.filter { $0.model != id }, gpu: gpu, start: start)
            let held = rows.indices.filter { rows[$0].model == id }
            let e = relativeErrors(held.map { rows[$0] }, gpu: gpu, constants: constants)
            for (i, index) in held.enumerated() { errors[index] = e[i] }
        }
        return errors
    }

    /// The rows of `table` (read from `file`) to fit the constants of `gpu` to: every row must name
    /// `measuredOn` (default `gpu`) in its gpu column, or be left out when `skipOtherGPUs`. A fit
    /// of one GPU's constants to another's measurements pins them at their bounds, so a row of
    /// another GPU is an error unless the caller says otherwise.
    public static func rows(
        of table: ProfileTable, file: String, gpu: String, measuredOn: String? = nil, skipOtherGPUs: Bool = false
    ) throws(ProfileError) -> [ProfileRow] {
        let tag = measuredOn ?? gpu
        let rows = table.rows.filter { $0.gpu == tag }
        if !skipOtherGPUs, let other = table.rows.first(where: { $0.gpu != tag }) {
            let count = table.rows.count - rows.count
            var message = "gpu: the row was measured on \(other.gpu), not \(tag)"
            if count > 1 { message += " (and \(count - 1) more rows of other GPUs)" }
            message += "; pass --skip-other-gpus to leave them out"
            if rows.isEmpty { message += ", or --measured-on \(other.gpu) to fit \(gpu) to them anyway" }
            throw ProfileError(file: file, line: other.line, message: message)
        }
        guard !rows.isEmpty else { throw ProfileError(file: file, line: 0, message: "no row has gpu \(tag)") }
        return rows
    }

    /// Fitted constants that ended on one of their bounds (the rows could not place them), with
    /// the bound and whether it is the upper one, in `CostConstants.names` order.
    public static func constantsAtBounds(_ c: CostConstants) -> [(index: Int, bound: Double, upper: Bool)] {
        var found: [(index: Int, bound: Double, upper: Bool)] = []
        for (k, index) in fitted.enumerated() {
            // The fit clamps in log space; a constant on a bound sits within rounding of it.
            let v = _log(c[index: index])
            if abs(v - _log(bounds[k].lowerBound)) < 1e-9 { found.append((index, bounds[k].lowerBound, false)) }
            if abs(v - _log(bounds[k].upperBound)) < 1e-9 { found.append((index, bounds[k].upperBound, true)) }
        }
        return found
    }

    /// The embedded H100 measurements (`MeasuredData.h100IterationsCSV`).
    public static func h100Rows() -> [ProfileRow] {
        // The embedded text is checked by the tests; it cannot fail to parse.
        (try? ProfileTable.parse(MeasuredData.h100IterationsCSV, file: "h100_iterations.csv", requireMeasured: true))!
            .rows
    }

    // MARK: - The least-squares problem

    struct Problem {
        let rows: [ProfileRow]
        let gpu: GPUSpec
        let template: CostConstants
        let logMeasured: [Double]

        init(rows: [ProfileRow], gpu: GPUSpec, template: CostConstants) {
            self.rows = rows
            self.gpu = gpu
            self.template = template
            logMeasured = rows.map { _log($0.measuredMilliseconds! * 1e-3) }
        }

        func clamp(_ v: Double, _ k: Int) -> Double {
            min(max(v, _log(bounds[k].lowerBound)), _log(bounds[k].upperBound))
        }

        func constants(_ x: [Double]) -> CostConstants {
            var c = template
            for (k, index) in fitted.enumerated() { c[index: index] = _exp(x[k]) }
            return c
        }

        func residuals(_ x: [Double]) -> [Double] {
            let c = constants(x)
            var models: [String: CostModel] = [:]
            var r = [Double](repeating: 0, count: rows.count)
            for (i, row) in rows.enumerated() {
                let model = models[row.model] ?? CostModel(gpu: gpu, model: row.modelSpec, constants: c)
                models[row.model] = model
                r[i] = _log(model.seconds(row.shape)) - logMeasured[i]
            }
            return r
        }

        /// ∂residual/∂x by central differences, one column per constant.
        func jacobian(_ x: [Double]) -> [[Double]] {
            let h = 1e-5
            return x.indices.map { k in
                var up = x
                var down = x
                up[k] += h
                down[k] -= h
                let ru = residuals(up)
                let rd = residuals(down)
                return ru.indices.map { (ru[$0] - rd[$0]) / (2 * h) }
            }
        }
    }

    static func sumOfSquares(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }

    /// Solves the symmetric positive-definite system `a`·x = `b` (Cholesky); nil when it is not.
    static func solveSymmetric(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}

/// Median and 90th percentile of absolute relative errors, overall and per iteration kind.
public struct ErrorSummary: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var rows: Int
        /// Fractions (0.03 is 3%).
        public var median: Double
        public var p90: Double
        public var max: Double
    }

    public var all: Line
    public var byKind: [IterationKind: Line]

    /// Summarizes signed relative `errors`, parallel to `rows`.
    public init(errors: [Double], rows: [ProfileRow]) {
        all = ErrorSummary.line(errors.map { abs($0) })
        var byKind: [IterationKind: Line] = [:]
        for kind in IterationKind.allCases {
            let e = zip(errors, rows).filter { $0.1.kind == kind }.map { abs($0.0) }
            if !e.isEmpty { byKind[kind] = ErrorSummary.line(e) }
        }
        self.byKind = byKind
    }

    static func line(_ values: [Double]) -> Line {
        let sorted = values.sorted()
        return Line(
            rows: sorted.count, median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: sorted.last ?? 0)
    }

    /// Linear interpolation between closest ranks (numpy's default), of sorted `values`.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let position = q * Double(sorted.count - 1)
        let low = Int(position)
        let high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// A small table: one line per kind, then all rows.
    public var tableText: String {
        func pct(_ v: Double) -> String { Report.number(v * 100, 1) + "%" }
        var lines = ["kind       rows  median     p90     max"]
        func add(_ name: String, _ l: Line) {
            let cells = [pct(l.median), pct(l.p90), pct(l.max)].map {
                $0.fitted(to: 8, alignRight: true)
            }
            let rows = String(l.rows)
            lines.append(
                name.fitted(to: 9) + rows.fitted(to: 6, alignRight: true) + cells.joined())
        }
        for kind in IterationKind.allCases { if let l = byKind[kind] { add(kind.rawValue, l) } }
        add("all", all)
        return lines.joined(separator: "\n")
    }
}
