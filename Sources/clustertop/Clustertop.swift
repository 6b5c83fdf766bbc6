import ArgumentParser
import ClusterSim
import Foundation

@main
struct Clustertop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustertop",
        abstract: "A live, faithful simulation of an LLM-serving GPU cluster.",
        discussion: """
            clustertop simulates a cluster of GPU instances serving LLM requests: per-instance queues, \
            a paged KV cache, continuous batching, and global dispatch, with latencies from a cost model \
            of real GPUs. Scenario files (YAML) describe the cluster, policies, tenants and load.

            Examples:
              clustertop run                          run the built-in default scenario headless
              clustertop run Scenarios/default.yaml --local sarathi --format json
              clustertop run my.yaml --seed 3 --duration 60 --format csv > run.csv
            """,
        version: ClusterSimVersion.string,
        subcommands: [Watch.self, Run.self, Validate.self, Scenarios.self, Replay.self, CostModelCommand.self, CalibrateCommand.self, Policies.self, Compare.self],
        defaultSubcommand: Watch.self
    )
}

/// Prints `message` as an error and exits with status 2 (bad input).
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

/// Reads a scenario named on the command line: a file, a name in ./Scenarios, or a built-in.
func loadScenario(_ argument: String?) -> Scenario {
    let name = argument ?? "default"
    let text: String, source: String
    if FileManager.default.fileExists(atPath: name) {
        guard let data = FileManager.default.contents(atPath: name) else { fail("cannot read \(name)") }
        guard let decoded = String(data: data, encoding: .utf8) else { fail("\(name): not UTF-8 text") }
        text = decoded
        source = name
    } else if let builtin = BuiltinScenarios.text(name) {
        text = builtin
        source = "built-in \(name)"
    } else if FileManager.default.fileExists(atPath: "Scenarios/\(name).yaml") {
        return loadScenario("Scenarios/\(name).yaml")
    } else {
        fail("no scenario file \"\(name)\" (built-in scenarios: \(BuiltinScenarios.names.joined(separator: ", ")))")
    }
    do {
        return try ScenarioParser.parse(text, file: source)
    } catch {
        fail(error.description)
    }
}

/// The absolute folder a scenario's trace paths are relative to (the scenario file's folder).
func scenarioBaseDirectory(_ scenario: Scenario) -> String {
    let folder = (scenario.source as NSString).deletingLastPathComponent
    let cwd = FileManager.default.currentDirectoryPath
    if scenario.source.hasPrefix("built-in") { return cwd }
    return folder.hasPrefix("/") ? folder : (folder.isEmpty ? cwd : "\(cwd)/\(folder)")
}

/// Checks a policy id given on the command line, with a "did you mean" hint.
func checkPolicy(_ id: String?, among ids: [String], option: String) {
    guard let id, !ids.contains(id) else { return }
    var message = "\(option): unknown policy \"\(id)\""
    if let hint = suggestion(for: id, among: ids) { message += "; did you mean \"\(hint)\"?" }
    fail(message + " (choose from: \(ids.joined(separator: ", ")))")
}
