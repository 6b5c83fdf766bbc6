import ArgumentParser
import ClusterSim
import Foundation

/// The scenario and the overrides that `run`, `watch` and `compare` share: one place that reads
/// them and checks them, so the three take the same options with the same help. `Policies` is how
/// a command takes `--global` and `--local`: one id each (`PolicyChoice`) or lists (`PolicyLists`).
struct ScenarioOptions<Policies: PolicyOverrides>: ParsableArguments {
    @Argument(help: "Scenario file, a name in ./Scenarios, or \"default\" (the built-in default).")
    var scenario: String?

    @Option(help: "Seed for every random stream (overrides the scenario's seed).")
    var seed: UInt64?

    @OptionGroup var policies: Policies

    @Option(help: "Calibration file (from `clustertop calibrate`): cost-model constants for the GPU type it names.")
    var calibration: String?

    /// The scenario with every override applied; bad input throws a `CommandError`.
    func load() throws -> Scenario {
        var scenario = try loadScenario(self.scenario)
        try policies.apply(to: &scenario)
        if let seed { scenario.seed = seed }
        if let calibration {
            let file = try loadCalibration(calibration)
            scenario.calibrations[file.gpu] = file.constants
        }
        return scenario
    }
}

/// How a command takes `--global` and `--local` along with its scenario.
protocol PolicyOverrides: ParsableArguments {
    /// Checks the ids given and applies them to `scenario`; an unknown id throws a `CommandError`.
    func apply(to scenario: inout Scenario) throws
}

/// `--global ID` and `--local ID`: the policies to run instead of the scenario's (`run`, `watch`).
struct PolicyChoice: PolicyOverrides {
    @Option(
        name: .customLong("global"), help: "Global policy id (overrides the scenario's).",
        transform: optionID("--global"))
    var globalPolicy: GlobalPolicyID?

    @Option(
        name: .customLong("local"), help: "Local policy id (overrides the scenario's).", transform: optionID("--local"))
    var localPolicy: LocalPolicyID?

    @Option(
        name: .customLong("param"),
        help: ArgumentHelp(
            "A policy parameter: NAME=VALUE, repeatable (overrides the scenario's; `clustertop policies` lists them).",
            valueName: "NAME=VALUE"))
    var params: [String] = []

    func apply(to scenario: inout Scenario) throws {
        if let globalPolicy { scenario.policy.global = globalPolicy }
        if let localPolicy { scenario.policy.local = localPolicy }
        guard !params.isEmpty else { return }
        for text in params {
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw CommandError("--param: expected NAME=VALUE, got \"\(text)\"") }
            try checkParameterName(parts[0])
            guard let value = Double(parts[1]), value.isFinite else {
                throw CommandError("--param: expected a number after \(parts[0])=, got \"\(parts[1])\"")
            }
            scenario.policy.params.values[parts[0]] = value
        }
        // The policies check the values against their ranges.
        do {
            _ = try PolicyRegistry.policies(
                global: scenario.policy.global, local: scenario.policy.local, params: scenario.policy.params)
        } catch let e as PolicyParamError {
            throw CommandError("--param: \(e.key): \(e.message)")
        }
    }
}

/// Throws a `CommandError` for `--param` when `name` is not a policy parameter.
func checkParameterName(_ name: String) throws {
    guard PolicyRegistry.parameterNames.contains(name) else {
        throw CommandError(
            "--param: unknown parameter \"\(name)\"" + didYouMean(name, among: PolicyRegistry.parameterNames)
                + " (clustertop policies lists them)")
    }
}

/// `--global ID,…` and `--local ID,…`: the policies to run side by side (`compare`); a list left
/// out is the scenario's own policy.
struct PolicyLists: PolicyOverrides {
    @Option(
        name: .customLong("global"), help: "Global policy ids, comma-separated (default: the scenario's).",
        transform: optionIDList("--global"))
    var globals: [GlobalPolicyID]?

    @Option(
        name: .customLong("local"), help: "Local policy ids, comma-separated (default: the scenario's).",
        transform: optionIDList("--local"))
    var locals: [LocalPolicyID]?

    /// Nothing to apply: the ids were checked as they were parsed, and the scenario keeps its own
    /// policies (each run sets its pair).
    func apply(to scenario: inout Scenario) throws {}

    /// The global policies to run: those listed, or the scenario's.
    func globalIDs(_ scenario: Scenario) -> [GlobalPolicyID] { globals ?? [scenario.policy.global] }

    /// The local policies to run: those listed, or the scenario's.
    func localIDs(_ scenario: Scenario) -> [LocalPolicyID] { locals ?? [scenario.policy.local] }
}

/// `--duration`: seconds of arrivals, for the commands that run a scenario to its end (`run`,
/// `compare`); bounded like `duration_s`, and by the request budget.
struct DurationOption: ParsableArguments {
    @Option(help: "Seconds of arrivals (overrides duration_s).")
    var duration: Double?

    /// Applies the override to `scenario`; bad input throws a `CommandError`.
    func apply(to scenario: inout Scenario) throws {
        guard let duration else { return }
        guard duration > 0, duration <= ScenarioParser.Limits.maxDurationSeconds else {
            throw CommandError(
                "--duration: expected seconds above 0 and up to \(Int(ScenarioParser.Limits.maxDurationSeconds)), got \(duration)"
            )
        }
        if let problem = ScenarioParser.budgetProblem(scenario, durationSeconds: duration) {
            throw CommandError("--duration: \(problem)")
        }
        scenario.durationSeconds = duration
    }
}
