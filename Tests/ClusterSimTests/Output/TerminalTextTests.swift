import Foundation
import Testing

@testable import ClusterSim

@Suite struct TerminalTextTests {
    @Test func controlCharactersAreEscapedVisibly() {
        #expect("a\u{1B}[2Jb".escapingControlCharacters() == "a\\u{1B}[2Jb")
        #expect("\u{1B}]52;c;aGk=\u{07}".escapingControlCharacters() == "\\u{1B}]52;c;aGk=\\u{07}")
        #expect(
            "\u{00}\t\n\r\u{7F}\u{80}\u{9B}\u{9F}".escapingControlCharacters()
                == "\\u{00}\\u{09}\\u{0A}\\u{0D}\\u{7F}\\u{80}\\u{9B}\\u{9F}")
    }

    @Test func printableTextIsLeftAlone() {
        for text in ["chat", "été 東京 ✓ …", "\u{A0}\u{A1}", "path/with spaces"] {
            #expect(text.escapingControlCharacters() == text)
        }
    }

    @Test func escapingTwiceChangesNothing() {
        let once = "x\u{1B}[31my\u{9B}".escapingControlCharacters()
        #expect(once.escapingControlCharacters() == once)
        #expect(!once.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func newlinesCanBeKept() {
        #expect("a\nb\u{1B}c".escapingControlCharacters(keepingNewlines: true) == "a\nb\\u{1B}c")
    }

    @Test func cutTextEndsWithAnEllipsis() {
        #expect("abcdef".fitted(to: 6, ellipsis: "…", pad: false) == "abcdef")
        #expect("abcdefg".fitted(to: 6, ellipsis: "…", pad: false) == "abcde…")
        #expect("abcdefg".fitted(to: 6, ellipsis: "…", pad: false).count == 6)
    }

    @Test func scenarioErrorsQuoteNamesEscaped() throws {
        let text = """
            name: esc
            duration_s: 10
            cluster:
              - {gpu: h100, model: llama3-8b, count: 1}
            tenants:
              - {name: "chat\\e[2J", slo: {ttft_ms: 800, tpot_ms: 60}}
            workload:
              - tenant: "nobody\\e]0;title\\a"
                arrival: {process: poisson, rate: 1}
                input_tokens: {dist: fixed, value: 10}
                output_tokens: {dist: fixed, value: 10}
            """
        let error = #expect(throws: ScenarioError.self) { try ScenarioParser.parse(text, file: "x\u{1B}.yaml") }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("x\\u{1B}.yaml:"))
        #expect(description.contains("chat\\u{1B}[2J"))
        #expect(!description.unicodeScalars.contains("\u{1B}"))
    }
}
