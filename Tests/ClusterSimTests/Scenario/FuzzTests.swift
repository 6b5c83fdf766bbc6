import Foundation
import Testing

@testable import ClusterSim

/// Thousands of malformed scenarios and traces: each must give an error or a valid scenario,
/// never a crash (a crash would end the test process).
@Suite struct FuzzTests {
    static let valid = """
        name: fuzz
        seed: 3
        duration_s: 30
        cluster:
          - {gpu: h100, model: llama3-8b, count: 2, tp: 1}
          - {gpu: a10g, model: mistral-7b, count: 1}
        link: {gbps: 100, setup_ms: 2}
        policy: {global: least-outstanding, local: sarathi, params: {token_budget: 256}}
        tenants:
          - {name: chat, priority: high, slo: {ttft_ms: 500, tpot_ms: 50}}
          - {name: batch, priority: low, slo: {ttft_ms: 9000, tpot_ms: 200}}
        workload:
          - tenant: chat
            model: llama3-8b
            arrival: {process: gamma, rate: 4, cv: 3}
            input_tokens: {dist: zipf, s: 1.1, max: 3000}
            output_tokens: {dist: uniform, min: 10, max: 200}
            shared_prefix: {groups: 4, tokens: 256, skew: 1}
          - tenant: batch
            arrival: {process: poisson, rate: 1}
            input_tokens: {dist: lognormal, mean: 900, sigma: 0.5, max: 4000}
            output_tokens: {dist: fixed, value: 64}
        events:
          - {at_s: 5, spike: {factor: 3, duration_s: 4}}
          - {at_s: 8, policy: {local: vllm-v0}}
          - {at_s: 9, fail: {instance: 0}}
          - {at_s: 10, add: {gpu: h100, model: llama3-8b}}
          - {at_s: 12, drain: {instance: 3}}
        """

    static let fragments = [
        "", " ", ":", "-", "{", "}", "[", "]", ",", "\"", "'", "#", "&a", "*a", "!!str", "\n", "\t", "0", "-1", "1e308",
        "nan",
        ".inf", "99999999999999999999", "null", "~", "true", "h100", "gpu", "rate", "count: 0", "max: 0", "tp: 8",
        "\u{0}",
        "é", "🙂", "- {}", "[1, 2]", "{a: b}", "duration_s: 1", "at_s: -5",
    ]

    /// Replaces, deletes or inserts random pieces of `text`.
    static func mutate(_ text: String, _ rng: inout RandomStream) -> String {
        var chars = Array(text.unicodeScalars)
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let at = Int(rng.next() % UInt64(max(1, chars.count)))
            switch rng.next() % 5 {
            case 0 where !chars.isEmpty:
                chars.remove(at: min(at, chars.count - 1))
            case 1:
                let piece = fragments[Int(rng.next() % UInt64(fragments.count))]
                chars.insert(contentsOf: piece.unicodeScalars, at: min(at, chars.count))
            case 2 where !chars.isEmpty:
                let end = min(chars.count, at + Int(rng.next() % 12))
                let piece = fragments[Int(rng.next() % UInt64(fragments.count))]
                chars.replaceSubrange(at..<end, with: piece.unicodeScalars)
            case 3:
                // A digit run becomes an extreme number.
                if let i = chars[at...].firstIndex(where: { $0.properties.numericType != nil }) {
                    chars.replaceSubrange(i...i, with: ["1", "e", "9", "9"])
                }
            default:
                if !chars.isEmpty { chars[min(at, chars.count - 1)] = Unicode.Scalar(UInt8(rng.next() % 128)) }
            }
        }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: chars)
        return String(s)
    }

    @Test func malformedScenariosGiveErrorsNotCrashes() {
        var rng = RandomStream(seed: 2024, label: "fuzz-scenarios")
        var errors = 0, valid = 0
        for _ in 0..<3000 {
            let text = Self.mutate(Self.valid, &rng)
            do {
                let s = try ScenarioParser.parse(text, file: "fuzz.yaml")
                // What parses must also build and take a few steps.
                var sim = try Simulation(scenario: s)
                for _ in 0..<200 { sim.step() }
                valid += 1
            } catch let e as ScenarioError {
                #expect(!e.message.isEmpty)
                errors += 1
            } catch {
                errors += 1
            }
        }
        #expect(errors > 1000)
        #expect(valid > 10)
    }

    @Test func randomBytesGiveErrorsNotCrashes() {
        var rng = RandomStream(seed: 7, label: "fuzz-bytes")
        for _ in 0..<500 {
            let bytes = (0..<Int(rng.next() % 200)).map { _ in UInt8(rng.next() % 256) }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(throws: ScenarioError.self) { _ = try ScenarioParser.parse(text, file: "bytes.yaml") }
        }
    }

    @Test func deepNestingIsRefusedBeforeTheParserRecurses() {
        for text in [
            String(repeating: "[", count: 100_000),
            "a: " + String(repeating: "{b: ", count: 50_000) + "1" + String(repeating: "}", count: 50_000),
        ] {
            #expect(throws: ScenarioError.self) { _ = try ScenarioParser.parse(text, file: "deep.yaml") }
        }
        var indented = ""
        for level in 0..<400 { indented += String(repeating: " ", count: level) + "- \n" }
        #expect(throws: ScenarioError.self) { _ = try ScenarioParser.parse(indented, file: "deep.yaml") }
    }

    /// Nesting in every shape the YAML composer recurses on, `levels` deep.
    static func hostileNesting(_ levels: Int) -> [String] {
        let open = String(repeating: "[", count: levels), close = String(repeating: "]", count: levels)
        var indented = ""
        for level in 0..<min(levels, 1000) { indented += String(repeating: " ", count: level) + "- \n" }
        return [
            String(repeating: "- ", count: levels) + "x\n",
            String(repeating: "? ", count: levels) + "x\n",
            "name: [it's, \(open)\(close)]\n",
            "name: \"it's\"\nseed: [\"a\\\"[\", \(open)\(close)]\n",
            "description: |\n  \"unclosed\nseed: \(open)\(close)\n",
            "description: it\"s # comment '\nseed: \(open)\(close)\n",
            "a: " + String(repeating: "{b: ", count: levels) + "1" + String(repeating: "}", count: levels) + "\n",
            String(repeating: "- ? ", count: levels / 2) + "x\n",
            indented,
        ]
    }

    @Test func nestingOfEveryShapeIsRefusedWithItsPlace() {
        for (k, text) in Self.hostileNesting(50_000).enumerated() {
            do {
                _ = try ScenarioParser.parse(text, file: "deep.yaml")
                Issue.record("shape \(k) parsed")
            } catch {
                #expect(error.message.contains("nested deeper than 64 levels"), "shape \(k): \(error)")
                #expect(error.line >= 1 && error.column >= 1, "shape \(k): \(error)")
            }
        }
    }

    @Test func calibrationFilesAreGuardedToo() {
        for (k, text) in Self.hostileNesting(50_000).enumerated() {
            let file = "format: clustertop-calibration-1\ngpu: h100\nconstants:\n" + text
            #expect(throws: ScenarioError.self, "shape \(k)") { _ = try CalibrationFile.parse(text, file: "cal.yaml") }
            #expect(throws: ScenarioError.self, "shape \(k)") { _ = try CalibrationFile.parse(file, file: "cal.yaml") }
        }
    }

    @Test func nestingWithinTheLimitStillParses() throws {
        let shallow = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        let text = Self.valid.replacingOccurrences(
            of: "name: fuzz", with: "name: fuzz\ndescription: |\n  [[[[ \"it's\n")
        let scenario = try ScenarioParser.parse(text, file: "ok.yaml")
        #expect(scenario.description == "[[[[ \"it's\n")
        #expect(InputFile.firstTooDeep("a: " + shallow) == nil)
        #expect(InputFile.firstTooDeep("a: [[[" + shallow + "]]]") == nil)
        let deep = try #require(InputFile.firstTooDeep("a: [[[[" + shallow + "]]]]"))
        #expect(deep.line == 1 && deep.column == 67)
    }

    @Test func malformedTracesGiveErrorsNotCrashes() {
        let samples: [(String, Trace.Format)] = [
            (
                "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n",
                .azure
            ),
            ("arrival_s,input_tokens,output_tokens\n0.5,100,20\n1.25,2000,7\n", .csv),
            (
                "{\"timestamp\": 0, \"input_length\": 6758, \"output_length\": 500, \"hash_ids\": [0, 1, 2]}\n{\"timestamp\": 3000, \"input_length\": 700, \"output_length\": 4, \"hash_ids\": [0, 5]}\n",
                .mooncake
            ),
        ]
        var rng = RandomStream(seed: 11, label: "fuzz-traces")
        var outcomes = [0, 0]
        for i in 0..<3000 {
            let (text, format) = samples[i % samples.count]
            let mutated = Self.mutate(text, &rng)
            do {
                let trace = try TraceReader.read(Data(mutated.utf8), format: format, file: "t")
                #expect(trace.count > 0 && trace.arrivals.count == trace.inputs.count)
                outcomes[0] += 1
            } catch {
                outcomes[1] += 1
            }
        }
        #expect(outcomes[1] > 500)
    }
}
