import ArgumentParser
import ClusterSim
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every problem with its place.",
        discussion: """
            Reads each file as `run` would (trace files included) and prints "FILE: ok" with a \
            one-line summary, or every problem it finds, one a line, as \
            FILE:LINE:COLUMN: key.path: message (each top-level key, list item and event is \
            checked on its own). Exit status 0 when every file is valid, 2 otherwise.

            Example:
              clustertop validate Scenarios/*.yaml
            """)

    @Argument(help: "Scenario files.")
    var files: [String]

    func run() throws {
        guard !files.isEmpty else { throw CommandError("name at least one scenario file") }
        var bad = 0
        for file in files {
            switch checkScenarioFile(file) {
            case .success(let s):
                let instances = s.cluster.reduce(0) { $0 + $1.count }
                let rate = s.workload.reduce(0.0) { $0 + $1.arrival.rate }
                try Console.out(
                    "\(file.escapingControlCharacters()): ok (\(instances) instances, \(s.workload.count) streams, \(Report.number(rate, 1)) req/s for \(Report.number(s.durationSeconds, 0)) s, \(s.events.count) events)\n"
                )
            case .failure(let message):
                bad += 1
                Console.note(message)
            }
        }
        if bad > 0 { throw ExitCode(2) }
    }
}

enum CheckResult {
    case success(Scenario)
    /// Every problem found, one a line.
    case failure(String)
}

/// Reads and checks one scenario file; its problems are the result, not a thrown error.
func checkScenarioFile(_ file: String) -> CheckResult {
    let problems: [ScenarioError]
    do {
        let checked = ScenarioParser.check(try ScenarioParser.text(path: file), file: file)
        if let scenario = checked.scenario {
            _ = try Simulation(scenario: scenario)
            return .success(scenario)
        }
        problems = checked.problems
    } catch let e as ScenarioError {
        problems = [e]
    } catch {
        return .failure("\(file): \(error)")
    }
    return .failure(problems.map(\.description).joined(separator: "\n"))
}

struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the ready-to-run scenarios with their one-line descriptions.",
        discussion: """
            Lists the built-in default and the files in a scenarios folder (./Scenarios by default). \
            Run one with `clustertop run NAME` or watch it with `clustertop watch NAME`.
            """)

    @Option(help: "The folder to list.")
    var folder = "Scenarios"

    func run() throws {
        var rows: [(name: String, text: String)] = []
        for name in BuiltinScenarios.names {
            if let text = BuiltinScenarios.text(name), let s = try? ScenarioParser.parse(text, file: name) {
                rows.append(("\(name) (built-in)", ScenarioList.headline(text, name: name) ?? s.description))
            }
        }
        let all = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in ScenarioList.files(all) {
            let name = String(file.dropLast(5))
            switch checkScenarioFile("\(folder)/\(file)") {
            case .success(let s): rows.append((name, ScenarioList.headline(s.sourceText, name: name) ?? s.description))
            case .failure(let message):
                rows.append((name, "INVALID: " + (message.split(separator: "\n").first.map(String.init) ?? "")))
            }
        }
        if all.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            Console.note("(no folder \(folder); showing the built-in scenarios only)")
        }
        rows = rows.map { ($0.name.escapingControlCharacters(), $0.text.escapingControlCharacters()) }
        try Console.out(ScenarioList.lines(rows).map { $0 + "\n" }.joined())
    }
}
