import ArgumentParser
import ClusterSim
import Foundation

/// The root command; `main()` runs it for the process, `run(arguments:)` in the same process.
public struct Clustertop: ParsableCommand {
    public static let configuration = CommandConfiguration(
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
              clustertop capacity default --global round-robin,llumnix --plot capacity.svg
              clustertop sweep Scenarios/sweeps/policy-grid.yaml
              clustertop whatif session.jsonl --at 60 --global llumnix,hexgen
              clustertop validate Scenarios/*.yaml
              clustertop scenarios            list the shipped scenarios
              clustertop policies             list the policies and their parameters
            """,
        version: ClusterSimVersion.string,
        subcommands: [
            Watch.self, Run.self, Compare.self, Sweep.self, Capacity.self, Replay.self, Validate.self,
            Scenarios.self, Policies.self,
            CostModelCommand.self, CalibrateCommand.self, AccuracyCommand.self,
            WhatIfCommand.self,
        ],
        defaultSubcommand: Watch.self
    )

    public init() {}
}

extension Clustertop {
    /// Runs the command named by the process's arguments, then ends the process with its status.
    public static func main() {
        Console.prepare()
        Console.exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
    }

    /// Runs the command `arguments` name and returns its exit status, one for every way out: 0,
    /// 2 for bad input (usage errors included; ArgumentParser's help and messages are printed
    /// through `Console`), 1 for output that could not be written or a replay that diverged.
    static func run(arguments: [String]) -> Int32 {
        var status: Int32 = 0
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as OutputError {
            Console.error(error.description)
            status = exitStatus(for: error)
        } catch let error as CommandError {
            Console.error(error.message)
            status = error.status
        } catch  where commandError(wrappedIn: error) != nil {
            // An option's own parse failed (an unknown id): its message, not ArgumentParser's.
            let wrapped = commandError(wrappedIn: error)
            Console.error(wrapped?.message ?? "")
            status = wrapped?.status ?? 2
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
        return status
    }
}

/// A command's failure, thrown from wherever it is found: `Clustertop.run(arguments:)` prints
/// `error: message` on standard error and returns `status` (2, bad input, unless said otherwise).
struct CommandError: Error, CustomStringConvertible {
    var message: String
    var status: Int32

    init(_ message: String, status: Int32 = 2) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}

/// Reads a scenario named on the command line: a file, a name in ./Scenarios, or a built-in.
func loadScenario(_ argument: String?) throws -> Scenario {
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
        throw CommandError(error.description)
    }
    throw CommandError(
        "no scenario file \"\(name)\" (built-in scenarios: \(BuiltinScenarios.names.joined(separator: ", ")))")
}

/// The absolute folder a scenario's trace paths are relative to (the scenario file's folder).
func scenarioBaseDirectory(_ scenario: Scenario) -> String {
    let folder = (scenario.source as NSString).deletingLastPathComponent
    let cwd = FileManager.default.currentDirectoryPath
    if scenario.source.hasPrefix("built-in") { return cwd }
    return folder.hasPrefix("/") ? folder : (folder.isEmpty ? cwd : "\(cwd)/\(folder)")
}
