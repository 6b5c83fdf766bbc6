/// A problem in a shapes or profile CSV, with its line: `file:line: message`.
public struct ProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the file; 0 when the problem is the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// What an iteration holds, the way errors are reported per kind.
public enum IterationKind: String, Sendable, Hashable, CaseIterable {
    /// Prefill chunks only.
    case prefill
    /// Decodes only.
    case decode
    /// Both in one batch (continuous batching with chunked prefill).
    case mixed
}

/// One iteration shape of a shapes or profile CSV (the calibration script's format).
public struct ProfileRow: Sendable, Hashable {
    /// 1-based line in the file.
    public var line: Int
    public let gpu: String
    /// The GPU, resolved from the catalog when the row was read (nil for a GPU the catalog lacks,
    /// as in a profile read with any GPU allowed).
    public let gpuSpec: GPUSpec?
    /// The model, resolved from the catalog when the row was read.
    public var modelSpec: ModelSpec
    public var model: String { modelSpec.id }
    public var prefillSeqs: Int
    public var prefillLength: Int
    public var prefixLength: Int
    public var decodeBatch: Int
    public var decodeContext: Int
    /// The measured median iteration time (`ms_median`), when the file has one.
    public var measuredMilliseconds: Double?

    public init(
        line: Int = 0, gpu: String, model: ModelSpec, prefillSeqs: Int, prefillLength: Int, prefixLength: Int,
        decodeBatch: Int, decodeContext: Int, measuredMilliseconds: Double? = nil
    ) {
        self.line = line
        self.gpu = gpu
        self.gpuSpec = GPUCatalog.spec(gpu)
        self.modelSpec = model
        self.prefillSeqs = prefillSeqs
        self.prefillLength = prefillLength
        self.prefixLength = prefixLength
        self.decodeBatch = decodeBatch
        self.decodeContext = decodeContext
        self.measuredMilliseconds = measuredMilliseconds
    }

    public var shape: BatchShape {
        BatchShape(
            prefillSeqs: prefillSeqs, prefillLength: prefillLength, prefixLength: prefixLength,
            decodeBatch: decodeBatch,
            decodeContext: decodeContext)
    }

    public var kind: IterationKind {
        if decodeBatch == 0 { return .prefill }
        return prefillSeqs == 0 ? .decode : .mixed
    }
}

/// A CSV of iteration shapes: at least the columns gpu, model, prefill_seqs, prefill_len,
/// prefix_len, decode_batch, decode_ctx (and ms_median for a profile to fit); other columns are
/// kept as they are, so `clustertop cost-model` can print each line back with a prediction added.
public struct ProfileTable: Sendable {
    public static let shapeColumns = [
        "gpu", "model", "prefill_seqs", "prefill_len", "prefix_len", "decode_batch", "decode_ctx",
    ]
    public static let measuredColumn = "ms_median"
    /// Largest count or length accepted in a shape column (keeps products far from overflow).
    public static let maxValue = 16_777_216
    /// Profiles are one line per measured shape, a few megabytes at most.
    public static let maxFileBytes = 256 << 20
    public static let sizeHint = "a profile is one line per measured shape"

    /// Column names, in file order.
    public var columns: [String]
    /// The header line as written.
    public var headerLine: String
    /// Data lines as written, parallel to `rows`.
    public var lines: [String]
    public var rows: [ProfileRow]

    /// Parses `text`; `file` names it in errors.
    ///
    /// - Parameters:
    ///   - gpus: the accepted values of the gpu column; nil accepts any (a profile names its GPU
    ///     on the command line, and the calibration script writes unknown GPUs' names as it finds them).
    ///   - requireMeasured: every row needs a positive `ms_median`.
    public static func parse(
        _ text: String, file: String, gpus: [String]? = GPUCatalog.ids, requireMeasured: Bool = false
    ) throws(ProfileError) -> ProfileTable {
        // "\r\n" is one Character in Swift: split on either ending.
        var physical = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
        if physical.first?.hasPrefix("\u{FEFF}") == true { physical[0].removeFirst() }
        func skipped(_ line: String) -> Bool {
            let t = line.trimmingWhitespace
            return t.isEmpty || t.hasPrefix("#")
        }
        guard let headerIndex = physical.firstIndex(where: { !skipped($0) }) else {
            throw ProfileError(
                file: file, line: 0,
                message:
                    "the file is empty; expected a header line with the columns \(shapeColumns.joined(separator: ", "))"
            )
        }
        let headerLine = physical[headerIndex]
        let columns = try splitCSV(headerLine, file: file, line: headerIndex + 1).map { $0.trimmingWhitespace }
        var index: [String: Int] = [:]
        for (i, name) in columns.enumerated() where index[name] == nil { index[name] = i }
        let required = shapeColumns + (requireMeasured ? [measuredColumn] : [])
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            throw ProfileError(
                file: file, line: headerIndex + 1,
                message:
                    "missing column\(missing.count > 1 ? "s" : "") \(list) in the header (it needs \(required.joined(separator: ", ")))"
            )
        }

        var table = ProfileTable(columns: columns, headerLine: headerLine, lines: [], rows: [])
        for number in (headerIndex + 1)..<physical.count where !skipped(physical[number]) {
            let lineNumber = number + 1
            let fields = try splitCSV(physical[number], file: file, line: lineNumber)
            func field(_ name: String) throws(ProfileError) -> String {
                let i = index[name]!
                guard i < fields.count else {
                    throw ProfileError(
                        file: file, line: lineNumber,
                        message:
                            "\(fields.count) fields, but the header has \(columns.count); column \(name) is missing")
                }
                return fields[i].trimmingWhitespace
            }
            func count(_ name: String) throws(ProfileError) -> Int {
                let s = try field(name)
                guard let v = Int(s), v >= 0, v <= maxValue else {
                    throw ProfileError(
                        file: file, line: lineNumber,
                        message: "\(name): expected a whole number from 0 to \(maxValue), got \"\(s)\"")
                }
                return v
            }
            let gpu = try field("gpu")
            let model = try field("model")
            if let gpus, !gpus.contains(gpu) {
                var message = "gpu: unknown GPU \"\(gpu)\""
                message += didYouMean(gpu, among: gpus)
                throw ProfileError(
                    file: file, line: lineNumber, message: message + " (known: \(gpus.joined(separator: ", ")))")
            }
            guard let modelSpec = ModelCatalog.spec(model) else {
                var message = "model: unknown model \"\(model)\""
                message += didYouMean(model, among: ModelCatalog.ids)
                throw ProfileError(
                    file: file, line: lineNumber,
                    message: message + " (known: \(ModelCatalog.ids.joined(separator: ", ")))")
            }
            var row = ProfileRow(
                line: lineNumber, gpu: gpu, model: modelSpec, prefillSeqs: try count("prefill_seqs"),
                prefillLength: try count("prefill_len"), prefixLength: try count("prefix_len"),
                decodeBatch: try count("decode_batch"), decodeContext: try count("decode_ctx"))
            if row.prefillSeqs > 0 && row.prefillLength == 0 {
                throw ProfileError(
                    file: file, line: lineNumber,
                    message: "prefill_len: expected at least 1 token per prefill chunk, got 0")
            }
            if row.prefillSeqs == 0 && row.decodeBatch == 0 {
                throw ProfileError(
                    file: file, line: lineNumber,
                    message: "an empty iteration: prefill_seqs and decode_batch are both 0")
            }
            if index[measuredColumn] != nil {
                let s = try field(measuredColumn)
                if let v = Double(s), v.isFinite, v > 0 {
                    row.measuredMilliseconds = v
                } else if requireMeasured || !s.isEmpty {
                    throw ProfileError(
                        file: file, line: lineNumber,
                        message: "\(measuredColumn): expected a positive number of milliseconds, got \"\(s)\"")
                }
            }
            table.rows.append(row)
            table.lines.append(physical[number])
        }
        guard !table.rows.isEmpty else {
            throw ProfileError(file: file, line: headerIndex + 1, message: "no rows after the header")
        }
        return table
    }

    /// The fields of one CSV line; double quotes group a field and `""` inside them is a quote.
    static func splitCSV(_ line: String, file: String, line number: Int) throws(ProfileError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        current.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        guard !quoted else { throw ProfileError(file: file, line: number, message: "a quoted field is not closed") }
        fields.append(current)
        return fields
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
