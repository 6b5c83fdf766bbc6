import ArgumentParser
import ClusterSim
import Foundation

@main
struct Clustertop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustertop",
        abstract: "A live, faithful simulation of an LLM-serving GPU cluster.",
        discussion: """
            clustertop simulates a cluster of GPU instances serving LLM requests: per-instance \
            queues, a paged KV cache, continuous batching, dispatch, migration and SLOs, with \
            latencies from a cost model fitted to real GPU measurements. Scenario files (YAML, see \
            docs/scenarios.md) describe the cluster, the policies, the tenants and the load. With \
            no subcommand it opens the live dashboard on the built-in default scenario.

            Examples:
              clustertop                      the dashboard (press ? for keys)
              clustertop watch Scenarios/spike-recovery.yaml --speed 10
              clustertop run default --local sarathi --format json
              clustertop compare Scenarios/strict-tbt.yaml --local vllm-v0,sarathi
              clustertop validate Scenarios/*.yaml
              clustertop scenarios            list the shipped scenarios
              clustertop policies             list the policies and their parameters
            """,
        version: ClusterSimVersion.string,
        subcommands: [
            Watch.self, Run.self, Compare.self, Replay.self, Validate.self, Scenarios.self, Policies.self,
            CostModelCommand.self, CalibrateCommand.self, AccuracyCommand.self,
        ],
        defaultSubcommand: Watch.self
    )
}

extension Clustertop {
    /// Runs the command, then ends with one exit status for every way out: 0, 2 for bad input
    /// (usage errors included; ArgumentParser's help and messages are printed through `Console`),
    /// 1 for output that could not be written.
    static func main() {
        Console.prepare()
        var status: Int32 = 0
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as OutputError {
            Console.error(error.description)
            status = exitStatus(for: error)
        } catch {
            status = exitCode(for: error).rawValue
            // Bad input on the command line is bad input like a bad file: status 2, not EX_USAGE.
            if status == ExitCode.validationFailure.rawValue { status = 2 }
            let message = fullMessage(for: error)
            if status == 0 {
                do {
                    try Console.out(message.isEmpty ? "" : message + "\n")
                } catch {
                    Console.error(error.description)
                    status = 1
                }
            } else if !message.isEmpty {
                Console.note(message)
            }
        }
        Console.exit(status)
    }
}

/// Prints `message` as an error and exits with status 2 (bad input).
func fail(_ message: String) -> Never {
    Console.error(message)
    Console.exit(2)
}

/// Reads a scenario named on the command line: a file, a name in ./Scenarios, or a built-in.
func loadScenario(_ argument: String?) -> Scenario {
    let name = argument ?? "default"
    do {
        if FileManager.default.fileExists(atPath: name) {
            return try ScenarioParser.load(path: name)
        } else if let builtin = BuiltinScenarios.text(name) {
            return try ScenarioParser.parse(builtin, file: "built-in \(name)")
        } else if FileManager.default.fileExists(atPath: "Scenarios/\(name).yaml") {
            return try ScenarioParser.load(path: "Scenarios/\(name).yaml")
        }
    } catch {
        fail(error.description)
    }
    fail("no scenario file \"\(name)\" (built-in scenarios: \(BuiltinScenarios.names.joined(separator: ", ")))")
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
    message += didYouMean(id, among: ids)
    fail(message + " (choose from: \(ids.joined(separator: ", ")))")
}
