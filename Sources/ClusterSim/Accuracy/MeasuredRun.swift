import Foundation

/// One completed request of a simulation: its arrival index, time to first token and end-to-end
/// latency (µs, from the client's send when an engine calibration adds API time).
public struct CompletionRecord: Sendable, Hashable {
    public var serial: Int64
    public var ttft: SimTime
    public var e2e: SimTime
}

/// A measured serving run, request by request: what the client saw.
///
/// A CSV with the columns `arrival_s,input_tokens,output_tokens,ttft_s,e2e_s` (others, such as
/// `index`, are ignored): arrival from the run's start, the prompt and output token counts, and the
/// measured time to first token and end-to-end latency in seconds. Rows are kept in arrival order
/// (stably sorted when the file is not). An output of 0 tokens (a request cut short) is replayed
/// as one token, the least an engine produces before answering.
public struct MeasuredRun: Sendable, Hashable {
    public var arrivals: [Double] = []
    public var inputs: [Int32] = []
    public var outputs: [Int32] = []
    public var ttft: [Double] = []
    public var e2e: [Double] = []
    /// Where it came from, for messages.
    public var source: String = ""

    public init() {}

    public var count: Int { arrivals.count }

    public static let columns = ["arrival_s", "input_tokens", "output_tokens", "ttft_s", "e2e_s"]
    /// A million requests take about 60 MB; anything past this is not one run.
    public static let maxFileBytes = 256 << 20

    /// Parses the CSV `data`; errors are located (`file:line:column: column: problem`).
    public static func parse(_ data: Data, file: String) throws(ScenarioError) -> MeasuredRun {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "not UTF-8 text")
        }
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> Substring in
            let s = Substring(line)
            return s.hasSuffix("\r") ? s.dropLast() : s
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "the file is empty")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var index: [Int] = []
        for name in columns {
            guard let i = header.firstIndex(of: name) else {
                throw ScenarioError(
                    file: file, line: 1, column: 1, path: "",
                    message:
                        "missing column \"\(name)\" (expected the columns \(columns.joined(separator: ",")), got \"\(headerLine.prefix(80))\")"
                )
            }
            index.append(i)
        }
        var rows: [(Double, Int32, Int32, Double, Double)] = []
        for (n, line) in lines.enumerated().dropFirst() {
            let lineNumber = n + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= header.count else {
                throw ScenarioError(
                    file: file, line: lineNumber, column: line.count + 1, path: "",
                    message: "expected \(header.count) fields, got \(fields.count)")
            }
            func column(_ k: Int) -> Int { fields[..<index[k]].reduce(1) { $0 + $1.count + 1 } }
            func seconds(_ k: Int, positive: Bool) throws(ScenarioError) -> Double {
                let t = fields[index[k]].trimmingCharacters(in: .whitespaces)
                guard let v = Double(t), v.isFinite, positive ? v > 0 : v >= 0,
                    v <= ScenarioParser.Limits.maxDurationSeconds
                else {
                    throw ScenarioError(
                        file: file, line: lineNumber, column: column(k), path: columns[k],
                        message:
                            "expected \(positive ? "a positive" : "a non-negative") number of seconds, got \"\(t.prefix(40))\""
                    )
                }
                return v
            }
            func tokens(_ k: Int, least: Int) throws(ScenarioError) -> Int32 {
                let t = fields[index[k]].trimmingCharacters(in: .whitespaces)
                guard let v = Int(t), v >= least, v <= ScenarioParser.Limits.maxTokens else {
                    throw ScenarioError(
                        file: file, line: lineNumber, column: column(k), path: columns[k],
                        message:
                            "expected a whole number of tokens from \(least) to \(ScenarioParser.Limits.maxTokens), got \"\(t.prefix(40))\""
                    )
                }
                return Int32(v)
            }
            let arrival = try seconds(0, positive: false)
            let input = try tokens(1, least: 1), output = try tokens(2, least: 0)
            let ttft = try seconds(3, positive: true), e2e = try seconds(4, positive: true)
            guard e2e >= ttft else {
                throw ScenarioError(
                    file: file, line: lineNumber, column: column(4), path: columns[4],
                    message: "expected an end-to-end latency at least the TTFT (\(ttft) s), got \(e2e)")
            }
            rows.append((arrival, input, output, ttft, e2e))
        }
        guard !rows.isEmpty else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "no requests")
        }
        if !zip(rows, rows.dropFirst()).allSatisfy({ $0.0 <= $1.0 }) {
            rows = rows.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        }
        var run = MeasuredRun()
        run.source = file
        for (a, i, o, t, e) in rows {
            run.arrivals.append(a)
            run.inputs.append(i)
            run.outputs.append(o)
            run.ttft.append(t)
            run.e2e.append(e)
        }
        return run
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ScenarioError) -> MeasuredRun {
        let data = try InputFile.read(path, limit: maxFileBytes, sizeHint: "a measured run is one line per request")
        return try parse(data, file: path)
    }

    /// The run's arrivals and token counts as a trace (what a replay feeds the simulator).
    public var trace: Trace {
        var t = Trace()
        t.arrivals = arrivals.map { Time.seconds($0) }
        t.inputs = inputs
        t.outputs = outputs
        return t
    }

    /// The CSV text of this run (`arrival_s,input_tokens,output_tokens,ttft_s,e2e_s`).
    public var csvText: String {
        var lines = [MeasuredRun.columns.joined(separator: ",")]
        for i in 0..<count {
            lines.append("\(arrivals[i]),\(inputs[i]),\(outputs[i]),\(ttft[i]),\(e2e[i])")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
