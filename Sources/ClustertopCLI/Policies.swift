import ArgumentParser
import ClusterSim
import Foundation

struct Policies: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every scheduling policy with its source and parameters.",
        discussion: """
            Global policies dispatch requests to instances (and may migrate and scale); local \
            policies batch and order requests on each instance. Choose them in a scenario \
            (policy: {global: …, local: …}), with run --global/--local, or while running; set \
            their parameters under policy.params in the scenario. docs/policies.md says what each \
            models and simplifies, and what it changes in the measurements.
            """)

    @Option(help: "Output format: table or json.")
    var format: ReportFormat = .table

    func run() throws {
        let text: String
        switch format {
        case .json: text = Policies.json.rendered() + "\n"
        default: text = Policies.text
        }
        try Console.out(text)
    }

    static var text: String {
        var lines: [String] = []
        for scope in [PolicyDeclaration.Scope.global, .local] {
            lines.append(
                scope == .global
                    ? "GLOBAL POLICIES (dispatch, migration, scaling)" : "LOCAL POLICIES (batching, queue order)")
            for p in PolicyRegistry.all where p.scope == scope {
                lines.append("")
                lines += entry(id: p.id, summary: p.summary)
                lines += wrap(
                    p.source, first: String(repeating: " ", count: 22) + "source: ",
                    rest: String(repeating: " ", count: 30))
                for q in p.parameters {
                    lines += wrap(
                        "\(q.help) (default \(q.defaultText))",
                        first: String(repeating: " ", count: 22) + "\(q.name): ",
                        rest: String(repeating: " ", count: 26))
                }
            }
            lines.append("")
        }
        lines += wrap(
            "Local ids combine mechanics and a queue order: \(LocalPolicy.baseIDs.joined(separator: ", ")) with "
                + QueueOrder.allCases.filter { $0 != .fcfs }.map { "+" + $0.rawValue }.joined(separator: ", ")
                + " (for example sarathi+mdd); a plain order id (edd, mdd, srpt, urgency) is that order on vllm-v1. "
                + "Set parameters under policy.params in a scenario.",
            first: "", rest: "")
        return lines.joined(separator: "\n") + "\n"
    }

    static var json: JSONValue {
        .object([
            (
                "policies",
                .array(
                    PolicyRegistry.all.map { p in
                        .object([
                            ("id", .string(p.id)), ("scope", .string(p.scope.rawValue)),
                            ("summary", .string(p.summary)),
                            ("source", .string(p.source)),
                            (
                                "parameters",
                                .array(
                                    p.parameters.map { q in
                                        .object([
                                            ("name", .string(q.name)), ("default", .string(q.defaultText)),
                                            ("meaning", .string(q.help)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("local_ids", .array(LocalPolicy.allIDs.map { .string($0) })),
        ])
    }

    /// `text` in lines of at most 80 columns: the first after `first`, the others after `rest`.
    /// A policy's id and its summary beside it; an id too long for its column stands on its own
    /// line, whole.
    static func entry(id: String, summary: String) -> [String] {
        let indent = String(repeating: " ", count: 22)
        let label = "  " + id + " "
        guard label.count <= indent.count else { return ["  " + id] + wrap(summary, first: indent, rest: indent) }
        return wrap(summary, first: label.fitted(to: indent.count), rest: indent)
    }

    static func wrap(_ text: String, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var line = first
        var empty = true
        for word in text.split(separator: " ") {
            if !empty && line.count + 1 + word.count > 80 {
                lines.append(line)
                line = rest
                empty = true
            }
            line += (empty ? "" : " ") + word
            empty = false
        }
        lines.append(line)
        return lines
    }
}
