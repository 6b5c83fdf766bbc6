import ArgumentParser
import ClusterSim

/// The scenario and the overrides that `run` and `watch` share: one place that reads them and
/// checks them.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "Scenario file, a name in ./Scenarios, or \"default\" (the built-in default).")
    var scenario: String?

    @Option(help: "Seed for every random stream (overrides the scenario's seed).")
    var seed: UInt64?

    @Option(name: .customLong("global"), help: "Global policy id (overrides the scenario's).")
    var globalPolicy: String?

    @Option(name: .customLong("local"), help: "Local policy id (overrides the scenario's).")
    var localPolicy: String?

    @Option(help: "Calibration file (from `clustertop calibrate`): cost-model constants for the GPU type it names.")
    var calibration: String?

    /// The scenario with every override applied; bad input throws a `CommandError`.
    func load() throws -> Scenario {
        var scenario = try loadScenario(self.scenario)
        try checkPolicy(globalPolicy, among: GlobalPolicy.ids, option: "--global")
        try checkPolicy(localPolicy, among: LocalPolicy.allIDs, option: "--local")
        if let seed { scenario.seed = seed }
        if let globalPolicy { scenario.policy.global = globalPolicy }
        if let localPolicy { scenario.policy.local = localPolicy }
        if let calibration {
            let file = try loadCalibration(calibration)
            scenario.calibrations[file.gpu] = file.constants
        }
        return scenario
    }
}

/// Applies a `--duration` override (seconds of arrivals), bounded like `duration_s`.
func applyDuration(_ duration: Double?, to scenario: inout Scenario) throws {
    guard let duration else { return }
    guard duration > 0, duration <= ScenarioParser.Limits.maxDurationSeconds else {
        throw CommandError("--duration: expected seconds above 0 and up to \(Int(ScenarioParser.Limits.maxDurationSeconds)), got \(duration)")
    }
    if let problem = ScenarioParser.budgetProblem(scenario, durationSeconds: duration) { throw CommandError("--duration: \(problem)") }
    scenario.durationSeconds = duration
}
