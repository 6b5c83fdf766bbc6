/// A JSON value read back from a sweep's JSON Lines file, its numbers kept as written.
///
/// A sweep row is rendered once, when its point finishes; resuming and merging read rows back and
/// write them again, so the reader keeps every number's text and every object's key order: the
/// rewritten file is the same bytes, and its CSV the same cells as the run's. Only what the sweep
/// itself writes needs to be read (no unicode escapes beyond `\uXXXX`, no duplicate keys).
public indirect enum SweepJSON: Sendable, Hashable {
    /// A number, `true`, `false` or `null`, as written.
    case literal(String)
    case string(String)
    case object([Member])
    case array([SweepJSON])

    /// One key and its value in an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: SweepJSON
        public init(_ key: String, _ value: SweepJSON) {
            self.key = key
            self.value = value
        }
    }

    /// The value of a report's JSON tree, numbers printed as the report prints them.
    public init(_ value: JSONValue) {
        switch value {
        case .number, .integer, .bool: self = .literal(value.rendered())
        case .string(let s): self = .string(s)
        case .object(let fields): self = .object(fields.map { Member($0.0, SweepJSON($0.1)) })
        case .array(let items): self = .array(items.map(SweepJSON.init))
        }
    }

    /// On one line, without spaces: a JSON Lines row.
    public var line: String {
        switch self {
        case .literal(let text): return text
        case .string(let s): return JSONValue.quote(s)
        case .object(let members):
            return "{" + members.map { JSONValue.quote($0.key) + ":" + $0.value.line }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.line).joined(separator: ",") + "]"
        }
    }

    /// Leaves as (dotted path, text) pairs, as `JSONValue.flattened` gives them: CSV columns.
    public func flattened(prefix: String = "") -> [(String, String)] {
        switch self {
        case .object(let members):
            return members.flatMap { $0.value.flattened(prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)") }
        case .array(let items):
            return items.enumerated().flatMap { $0.1.flattened(prefix: "\(prefix)[\($0.0)]") }
        case .string(let s): return [(prefix, s)]
        case .literal(let text): return [(prefix, text)]
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> SweepJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The value at a dotted path ("ttft_ms.p99"), if any.
    public func value(at path: String) -> SweepJSON? {
        var current: SweepJSON? = self
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    /// The number this is, if it is one.
    public var number: Double? {
        guard case .literal(let text) = self else { return nil }
        return Double(text)
    }

    /// The text this is, if it is a string.
    public var text: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// Whether `text` is a JSON number (so a setting like `0.5` is written as one, and `0x10` or
    /// `inf` as text).
    public static func isNumber(_ text: String) -> Bool {
        var s = Substring(text)
        if s.hasPrefix("-") { s = s.dropFirst() }
        let integer = s.prefix { $0.isASCII && $0.isNumber }
        guard !integer.isEmpty, integer == "0" || !integer.hasPrefix("0") else { return false }
        s = s.dropFirst(integer.count)
        if s.hasPrefix(".") {
            let fraction = s.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { return false }
            s = s.dropFirst(1 + fraction.count)
        }
        if s.hasPrefix("e") || s.hasPrefix("E") {
            s = s.dropFirst()
            if s.hasPrefix("+") || s.hasPrefix("-") { s = s.dropFirst() }
            let exponent = s.prefix { $0.isASCII && $0.isNumber }
            guard !exponent.isEmpty else { return false }
            s = s.dropFirst(exponent.count)
        }
        return s.isEmpty
    }

    /// Parses one JSON text (a row); nil when it is not valid JSON (a line cut short by an
    /// interruption).
    public static func parse(_ text: String) -> SweepJSON? {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipSpace()
        return reader.index == reader.scalars.count ? value : nil
    }

    struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func skipSpace() {
            while index < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> SweepJSON? {
            skipSpace()
            guard index < scalars.count, depth < InputFile.maxNesting else { return nil }
            switch scalars[index] {
            case "{":
                index += 1
                var members: [Member] = []
                skipSpace()
                if index < scalars.count, scalars[index] == "}" {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard index < scalars.count, scalars[index] == ":" else { return nil }
                    index += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    members.append(Member(key, v))
                    skipSpace()
                    guard index < scalars.count else { return nil }
                    index += 1
                    if scalars[index - 1] == "}" { return .object(members) }
                    guard scalars[index - 1] == "," else { return nil }
                }
            case "[":
                index += 1
                var items: [SweepJSON] = []
                skipSpace()
                if index < scalars.count, scalars[index] == "]" {
                    index += 1
                    return .array(items)
                }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipSpace()
                    guard index < scalars.count else { return nil }
                    index += 1
                    if scalars[index - 1] == "]" { return .array(items) }
                    guard scalars[index - 1] == "," else { return nil }
                }
            case "\"":
                return string().map(SweepJSON.string)
            default:
                let start = index
                while index < scalars.count, !",]} \t\n\r".unicodeScalars.contains(scalars[index]) { index += 1 }
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars[start..<index])
                guard ["true", "false", "null"].contains(text) || isNumber(text) else { return nil }
                return .literal(text)
            }
        }

        mutating func string() -> String? {
            guard index < scalars.count, scalars[index] == "\"" else { return nil }
            index += 1
            var out = String.UnicodeScalarView()
            while index < scalars.count {
                let c = scalars[index]
                index += 1
                switch c {
                case "\"": return String(out)
                case "\\":
                    guard index < scalars.count else { return nil }
                    let e = scalars[index]
                    index += 1
                    switch e {
                    case "\"", "\\", "/": out.append(e)
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "u":
                        guard index + 4 <= scalars.count else { return nil }
                        var hex = ""
                        hex.unicodeScalars.append(contentsOf: scalars[index..<index + 4])
                        index += 4
                        guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
                        out.append(scalar)
                    default: return nil
                    }
                default:
                    guard c.value >= 0x20 else { return nil }
                    out.append(c)
                }
            }
            return nil
        }
    }
}
