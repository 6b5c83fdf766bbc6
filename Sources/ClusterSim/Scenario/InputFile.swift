import CYaml
import Foundation
import Yams

/// Reading input files within bounds: a size checked before the bytes are read, and YAML whose
/// nesting is measured before Yams' composer (which recurses once per level) builds the tree.
/// Every input file (scenarios, calibration files, model configs, traces, profiles, measured
/// runs, recordings) is read by `read` or `text`, and every YAML reader goes through `composeYAML`.
public enum InputFile {
    /// Lists and mappings may nest this deep; real files nest about 5 levels.
    public static let maxNesting = 64
    /// The message of a file that is missing, not a regular file, or cannot be opened.
    public static let unreadable = "cannot read the file"

    /// Reads at most `limit` bytes of `path`; a larger file is refused without being read whole.
    /// `shown` names the file in errors, `sizeHint` says how large it should be.
    public static func read(_ path: String, limit: Int, shown: String? = nil, sizeHint: String) throws(ScenarioError)
        -> Data
    {
        let name = shown ?? path
        // Regular files only: a folder, a FIFO or /dev/zero would fail, block or fill memory.
        guard
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: (path as NSString).resolvingSymlinksInPath),
            attributes[.type] as? FileAttributeType == .typeRegular, let handle = FileHandle(forReadingAtPath: path)
        else {
            throw ScenarioError(file: name, line: 0, column: 0, path: "", message: unreadable)
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw ScenarioError(file: name, line: 0, column: 0, path: "", message: unreadable)
        }
        guard data.count <= limit else {
            throw ScenarioError(
                file: name, line: 0, column: 0, path: "",
                message: "the file is over \(sizeText(limit)); \(sizeHint)")
        }
        return data
    }

    /// `read`, as UTF-8 text.
    public static func text(_ path: String, limit: Int, shown: String? = nil, sizeHint: String) throws(ScenarioError)
        -> String
    {
        let data = try read(path, limit: limit, shown: shown, sizeHint: sizeHint)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: shown ?? path, line: 0, column: 0, path: "", message: "not UTF-8 text")
        }
        return text
    }

    /// `4 MB`, `1 GB`: a byte limit as people write it.
    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? "\(bytes >> 30) GB" : bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes >> 10) KB"
    }

    /// The root of a one-document YAML text that is `what`: refused over `limit` bytes (with
    /// `sizeHint`), too deeply nested, or empty ("the file is empty; `empty`"), with located errors.
    static func yamlDocument(
        _ text: String, file: String, what: String, limit: Int? = nil, sizeHint: String = "", empty: String
    ) throws(ScenarioError) -> YAMLValue {
        if let limit, text.utf8.count > limit {
            throw ScenarioError(
                file: file, line: 0, column: 0, path: "", message: "the file is over \(sizeText(limit)); \(sizeHint)")
        }
        guard let root = try composeYAML(text, file: file, what: what) else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "the file is empty; \(empty)")
        }
        return YAMLValue(node: root, path: "", file: file)
    }

    /// The node tree of a one-document YAML text (nil when it is empty), with located errors.
    /// Nesting deeper than `maxNesting` is refused from libyaml's event stream, which is read
    /// without recursion: it counts what the composer would recurse into, whatever the shape
    /// (`[[[`, `- - -`, `? ? ?`, quotes, block scalars).
    static func composeYAML(_ text: String, file: String, what: String) throws(ScenarioError) -> Node? {
        if let mark = firstTooDeep(text) {
            throw ScenarioError(
                file: file, line: mark.line, column: mark.column, path: "",
                message: "lists or mappings nested deeper than \(maxNesting) levels; \(what) is never that deep")
        }
        do {
            return try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw ScenarioParser.yamlError(e, file: file)
        } catch {
            throw ScenarioError(file: file, line: 0, column: 0, path: "", message: "not valid YAML: \(error)")
        }
    }

    /// Where the first list or mapping deeper than `maxNesting` starts (1-based), or nil. A
    /// syntax error ends the scan early: the composer stops at the same event and reports it.
    static func firstTooDeep(_ text: String) -> (line: Int, column: Int)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int, column: Int)? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                let type = event.type
                let mark = (line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                yaml_event_delete(&event)
                switch type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > maxNesting { return mark }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }
}
