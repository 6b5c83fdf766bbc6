import Foundation

/// A request trace in memory: arrival times and token counts, and for Mooncake traces the prefix
/// block ids. Columns are stored as arrays (copy-on-write), so a copied simulation shares them.
public struct Trace: Sendable, Hashable {
    public enum Format: String, Sendable, CaseIterable {
        /// Azure LLM inference trace 2023: CSV `TIMESTAMP,ContextTokens,GeneratedTokens`.
        case azure
        /// Mooncake FAST'25 traces: JSON Lines with `timestamp` (ms), `input_length`,
        /// `output_length`, `hash_ids` (one per 512-token prefix block).
        case mooncake
        /// Plain CSV: `arrival_s,input_tokens,output_tokens`.
        case csv
    }

    /// Tokens covered by one Mooncake `hash_ids` entry.
    public static let mooncakeBlockTokens: Int32 = 512
    public static let maxRecords = 10_000_000
    /// Ten million records take well under this; a larger file is refused before it is read.
    public static let maxFileBytes = 2 << 30

    /// Arrival of each record in µs from the trace's start (its first record for Azure).
    public var arrivals: [Int64] = []
    public var inputs: [Int32] = []
    public var outputs: [Int32] = []
    /// Record i's prefix block ids are `hashIds[hashOffsets[i]..<hashOffsets[i+1]]` (Mooncake only).
    public var hashOffsets: [Int32] = [0]
    public var hashIds: [UInt32] = []
    /// FNV-1a 64 of the file's bytes, hex: recordings check a trace has not changed.
    public var digest: String = ""

    public init() {}

    public var count: Int { arrivals.count }
    public var hasPrefixes: Bool { !hashIds.isEmpty }

    public func prefixBlocks(_ i: Int) -> ArraySlice<UInt32> {
        hashOffsets.count > i + 1 ? hashIds[Int(hashOffsets[i])..<Int(hashOffsets[i + 1])] : []
    }
}

/// Reads trace files, with located errors (`file:line:column: column-name: problem`).
public enum TraceReader {
    public static func read(_ data: Data, format: Trace.Format, file: String) throws(ScenarioError) -> Trace {
        var trace: Trace
        switch format {
        case .azure:
            trace = try readCSV(
                data, file: file, columns: ["TIMESTAMP", "ContextTokens", "GeneratedTokens"], azureTime: true)
        case .csv:
            trace = try readCSV(
                data, file: file, columns: ["arrival_s", "input_tokens", "output_tokens"], azureTime: false)
        case .mooncake: trace = try readMooncake(data, file: file)
        }
        trace.digest = fnv1a64(data)
        guard trace.count > 0 else {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "the trace has no requests")
        }
        return trace
    }

    static func fail(_ file: String, _ line: Int, _ column: Int, _ key: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: line, column: column, path: key, message: message)
    }

    static func tokens(_ text: Substring, _ file: String, _ line: Int, _ column: Int, _ key: String)
        throws(ScenarioError) -> Int32
    {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let v = Int(t), v >= 0, v <= ScenarioParser.Limits.maxTokens else {
            throw fail(
                file, line, column, key,
                "expected a whole number of tokens from 0 to \(ScenarioParser.Limits.maxTokens), got \"\(t.prefix(40))\""
            )
        }
        return Int32(v)
    }

    static func readCSV(_ data: Data, file: String, columns: [String], azureTime: Bool) throws(ScenarioError) -> Trace {
        guard let text = String(data: data, encoding: .utf8) else {
            throw fail(file, 0, 0, "", "not UTF-8 text")
        }
        // Split on the byte, not the Character: "\r\n" is a single Character in Swift.
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> Substring in
            let s = Substring(line)
            return s.hasSuffix("\r") ? s.dropLast() : s
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else { throw fail(file, 1, 1, "", "the file is empty") }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var index: [Int] = []
        for name in columns {
            guard let i = header.firstIndex(of: name) else {
                // The line is not quoted: a path to some other file must not print its content.
                throw fail(
                    file, 1, 1, "",
                    "missing column \"\(name)\" (expected the header \(columns.joined(separator: ",")) on line 1)")
            }
            index.append(i)
        }
        guard lines.count - 1 <= Trace.maxRecords else {
            throw fail(file, 0, 0, "", "more than \(Trace.maxRecords) requests")
        }
        var trace = Trace()
        trace.arrivals.reserveCapacity(lines.count)
        var origin: Int64? = nil
        var records: [(Int64, Int32, Int32)] = []
        records.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated().dropFirst() {
            let lineNumber = n + 1
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= header.count else {
                throw fail(file, lineNumber, line.count + 1, "", "expected \(header.count) fields, got \(fields.count)")
            }
            func column(_ k: Int) -> Int {
                fields[..<index[k]].reduce(1) { $0 + $1.count + 1 }
            }
            let timeText = fields[index[0]].trimmingCharacters(in: .whitespaces)
            var time: Int64
            if azureTime {
                guard let t = parseAzureTimestamp(timeText) else {
                    throw fail(
                        file, lineNumber, column(0), columns[0],
                        "expected a time like 2023-11-16 18:17:03.9799600, got \"\(timeText.prefix(40))\"")
                }
                time = t
            } else {
                guard let s = Double(timeText), s.isFinite, s >= 0, s <= ScenarioParser.Limits.maxDurationSeconds else {
                    throw fail(
                        file, lineNumber, column(0), columns[0],
                        "expected seconds from 0 to \(Int(ScenarioParser.Limits.maxDurationSeconds)), got \"\(timeText.prefix(40))\""
                    )
                }
                time = Time.seconds(s)
            }
            let input = try tokens(fields[index[1]], file, lineNumber, column(1), columns[1])
            let output = try tokens(fields[index[2]], file, lineNumber, column(2), columns[2])
            if azureTime {
                if origin == nil { origin = time }
                time -= origin!
                // Arrivals are bounded like csv ones: a trace spans at most a scenario's duration.
                guard abs(time) <= Time.seconds(ScenarioParser.Limits.maxDurationSeconds) else {
                    throw fail(
                        file, lineNumber, column(0), columns[0],
                        "expected a time within \(Int(ScenarioParser.Limits.maxDurationSeconds)) s of the first request, got \"\(timeText.prefix(40))\""
                    )
                }
            }
            records.append((time, input, output))
        }
        // Real traces are sorted; a hand-made CSV may not be: order it by time, stably.
        if !zip(records, records.dropFirst()).allSatisfy({ $0.0 <= $1.0 }) {
            records = records.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(
                \.element)
        }
        if azureTime, let first = records.first?.0, first < 0 {
            records = records.map { ($0.0 - first, $0.1, $0.2) }
        }
        for (t, i, o) in records {
            trace.arrivals.append(t)
            trace.inputs.append(i)
            trace.outputs.append(o)
        }
        return trace
    }

    /// `YYYY-MM-DD HH:MM:SS.fffffff` to µs since 1970 (no time zone: the trace's own clock).
    static func parseAzureTimestamp(_ s: String) -> Int64? {
        let parts = s.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts[1].split(separator: ":")
        guard date.count == 3, clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]) else { return nil }
        let secondParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
        guard let sec = Int(secondParts[0]), (1...9999).contains(date[0]), (1...12).contains(date[1]),
            (1...31).contains(date[2]), (0..<24).contains(h),
            (0..<60).contains(m), (0..<61).contains(sec)
        else { return nil }
        var micros: Int64 = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isNumber) else { return nil }
            let padded = (String(digits) + "000000").prefix(6)
            micros = Int64(padded)!
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = date[1] <= 2 ? date[0] - 1 : date[0]
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (date[1] + 9) % 12
        let doy = (153 * mp + 2) / 5 + date[2] - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = Int64(era * 146_097 + doe - 719_468)
        return ((days * 24 + Int64(h)) * 60 + Int64(m)) * 60_000_000 + Int64(sec) * 1_000_000 + micros
    }

    static func readMooncake(_ data: Data, file: String) throws(ScenarioError) -> Trace {
        var trace = Trace()
        var lineNumber = 0
        var previous: Int64 = 0
        var start = data.startIndex
        while start < data.endIndex {
            lineNumber += 1
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            let line = data[start..<end]
            start = end < data.endIndex ? data.index(after: end) : end
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            guard trace.count < Trace.maxRecords else {
                throw fail(file, lineNumber, 1, "", "more than \(Trace.maxRecords) requests")
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)),
                let record = object as? [String: Any]
            else {
                throw fail(file, lineNumber, 1, "", "expected a JSON object on this line")
            }
            func number(_ key: String) throws(ScenarioError) -> Double {
                guard let value = record[key] else { throw fail(file, lineNumber, 1, key, "missing field") }
                guard let n = value as? NSNumber, Swift.type(of: value) != Bool.self, n.doubleValue.isFinite else {
                    throw fail(
                        file, lineNumber, 1, key, "expected a number, got \(String(describing: value).prefix(40))")
                }
                return n.doubleValue
            }
            func count(_ key: String) throws(ScenarioError) -> Int32 {
                let v = try number(key)
                guard v >= 0, v <= Double(ScenarioParser.Limits.maxTokens), v == v.rounded() else {
                    throw fail(
                        file, lineNumber, 1, key,
                        "expected a whole number of tokens from 0 to \(ScenarioParser.Limits.maxTokens), got \(compact(v))"
                    )
                }
                return Int32(v)
            }
            let ms = try number("timestamp")
            guard ms >= 0, ms <= ScenarioParser.Limits.maxDurationSeconds * 1000 else {
                throw fail(
                    file, lineNumber, 1, "timestamp",
                    "expected milliseconds from 0 to \(Int(ScenarioParser.Limits.maxDurationSeconds * 1000)), got \(compact(ms))"
                )
            }
            let time = Time.milliseconds(ms)
            guard time >= previous else {
                throw fail(
                    file, lineNumber, 1, "timestamp",
                    "arrivals must not go back in time (\(compact(ms)) ms after \(compact(Double(previous) / 1000)) ms)"
                )
            }
            previous = time
            let input = try count("input_length")
            let output = try count("output_length")
            var hashes: [UInt32] = []
            if let list = record["hash_ids"] {
                guard let ids = list as? [Any] else {
                    throw fail(file, lineNumber, 1, "hash_ids", "expected a list of block ids")
                }
                guard ids.count <= Int(input) / Int(Trace.mooncakeBlockTokens) + 1 else {
                    throw fail(
                        file, lineNumber, 1, "hash_ids", "\(ids.count) blocks of 512 tokens for \(input) input tokens")
                }
                for id in ids {
                    guard let n = id as? NSNumber, Swift.type(of: id) != Bool.self, n.doubleValue >= 0,
                        n.doubleValue <= Double(UInt32.max), n.doubleValue == n.doubleValue.rounded()
                    else {
                        throw fail(
                            file, lineNumber, 1, "hash_ids",
                            "expected whole-number block ids, got \(String(describing: id).prefix(40))")
                    }
                    hashes.append(UInt32(n.doubleValue))
                }
            }
            trace.arrivals.append(time)
            trace.inputs.append(input)
            trace.outputs.append(output)
            trace.hashIds.append(contentsOf: hashes)
            trace.hashOffsets.append(Int32(trace.hashIds.count))
        }
        return trace
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: a cheap fingerprint to notice a changed file.
public func fnv1a64(_ data: Data) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in data {
        h ^= UInt64(byte)
        h = h &* 0x100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
