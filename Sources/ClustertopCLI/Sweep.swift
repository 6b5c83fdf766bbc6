import ArgumentParser
import ClusterSim
import Foundation

/// `clustertop sweep`: runs every point of a sweep file, or merges the results of its shards.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run a grid of scenario settings (policies, parameters, load, cluster) and collect one row per point.",
        discussion: """
            A sweep file names a base scenario and the axes to vary, as a grid (every \
            combination) or listed points; see docs/sweeps.md. Every point is built and checked \
            like a scenario file before any runs; then the points run on all cores, each \
            finished point appended to PREFIX.jsonl and PREFIX.csv (its settings beside every \
            report field), and a summary table is printed. Run the same command again after an \
            interruption and it skips the points already done. The files are identical for \
            identical inputs, however the points were run.

            Examples:
              clustertop sweep Scenarios/sweeps/policy-grid.yaml
              clustertop sweep my-sweep.yaml --output results/my-sweep --jobs 8
              clustertop sweep my-sweep.yaml --plot my-sweep.svg   latency against load, cost against goodput
              clustertop sweep my-sweep.yaml --shard 0/4      points 0, 4, 8, ... only
              clustertop sweep merge --output my-sweep my-sweep.shard-*.jsonl

            Options of a run (--output, --shard, --jobs): clustertop sweep run --help
            """,
        subcommands: [SweepRun.self, SweepMerge.self],
        defaultSubcommand: SweepRun.self)
}

struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep file's points (the default: `clustertop sweep SPEC.yaml`).",
        discussion: """
            On a scheduler, each task runs a disjoint shard: --shard I/N (I from 0 to N-1) runs \
            the points whose index modulo N is I. Without --shard, a Slurm array task takes its \
            shard from SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP and \
            SLURM_ARRAY_TASK_COUNT, and a Kubernetes Indexed Job pod from JOB_COMPLETION_INDEX \
            and CLUSTERTOP_SHARDS (the Job's completions). A shard's files default to \
            NAME.shard-I-of-N; join them with `clustertop sweep merge`.
            """)

    @Argument(help: "The sweep file (YAML; see docs/sweeps.md).")
    var spec: String

    @Option(help: "Write PREFIX.jsonl and PREFIX.csv (default: the sweep file's name, in the current folder).")
    var output: String?

    @Option(help: "Run only shard I of N (I from 0 to N-1): the points whose index modulo N is I.")
    var shard: String?

    @Option(help: "Points run at once (default: one per core).")
    var jobs: Int?

    @Flag(help: "No progress or notes on standard error.")
    var quiet = false

    @OptionGroup var plotOption: PlotOption

    func run() throws {
        let plotFile = try plotOption.open()
        let sweep: SweepSpec
        do {
            sweep = try SweepSpec.load(path: spec)
        } catch {
            throw CommandError(error.description)
        }
        let shard = try Self.shard(option: shard, environment: ProcessInfo.processInfo.environment)
        if let jobs, jobs < 1 { throw CommandError("--jobs: expected at least 1, got \(jobs)") }
        var prefix = output ?? ((spec as NSString).lastPathComponent as NSString).deletingPathExtension
        if output == nil && shard.count > 1 { prefix += ".shard-\(shard.index)-of-\(shard.count)" }
        let runner = SweepRunner(
            spec: sweep, shard: shard, prefix: prefix, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            showProgress: !quiet && Console.isTerminal(2), noteResume: !quiet)
        let result = try runner.run()
        if let plotFile { try PlotOption.write(Plots.sweep(result, spec: sweep), to: plotFile) }
        try Console.out(
            result.summaryTable() + "\nresults: \(runner.jsonlPath), \(runner.csvPath)"
                + (shard.count > 1 ? " (shard \(shard) of sweep \(sweep.id))" : "") + "\n")
    }

    /// The shard to run: `--shard I/N`, else the scheduler's variables, else the whole sweep.
    static func shard(option: String?, environment: [String: String]) throws -> SweepShard {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw CommandError("\(name): expected a whole number, got \"\(text)\"")
            }
            return value
        }
        func checked(_ index: Int, _ count: Int, _ source: String) throws -> SweepShard {
            guard count >= 1, index >= 0, index < count else {
                throw CommandError("\(source): expected a shard I/N with 0 ≤ I < N, got \(index)/\(count)")
            }
            return SweepShard(index: index, count: count)
        }
        if let option {
            let parts = option.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
                throw CommandError("--shard: expected I/N such as 0/4, got \"\(option)\"")
            }
            return try checked(index, count, "--shard")
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw CommandError("SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; pass --shard I/N")
            }
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0, step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
            return try checked((id - first) / step, count, "SLURM_ARRAY_TASK_ID")
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count = try number("CLUSTERTOP_SHARDS") else {
                throw CommandError(
                    "JOB_COMPLETION_INDEX is set but not CLUSTERTOP_SHARDS (the Job's completions); set it, or pass --shard I/N"
                )
            }
            return try checked(index, count, "JOB_COMPLETION_INDEX")
        }
        return .whole
    }
}

struct SweepMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the results of a sweep's shards into the files one machine would have written.",
        discussion: """
            Reads the JSON Lines files of the shards (PREFIX.jsonl of each `clustertop sweep \
            --shard`), checks that they come from one sweep and hold every point exactly once, \
            then writes PREFIX.jsonl and PREFIX.csv byte for byte as a single run of the sweep \
            would, and prints the summary table.

            Example:
              clustertop sweep merge --output my-sweep my-sweep.shard-*.jsonl
            """)

    @Argument(help: "The shards' JSON Lines files.")
    var shards: [String]

    @Option(help: "Write PREFIX.jsonl and PREFIX.csv.")
    var output: String

    func run() throws {
        guard !shards.isEmpty else { throw CommandError("name the shards' .jsonl files to merge") }
        var files: [(name: String, rows: [SweepRow])] = []
        for path in shards {
            let text: String
            do {
                text = try InputFile.text(path, limit: 1 << 30, sizeHint: "split the sweep")
            } catch {
                throw CommandError(error.description)
            }
            let (rows, bad) = SweepResult.read(text)
            if let line = bad.first {
                throw CommandError(
                    "\(path):\(line): not a sweep row (an unfinished shard? run it again to complete it)")
            }
            files.append((path, rows))
        }
        let result: SweepResult
        do {
            result = try SweepResult.merge(files)
        } catch {
            throw CommandError(error.message)
        }
        for (path, text) in [(output + ".jsonl", result.jsonLines), (output + ".csv", result.csv)] {
            let file = try OutputFile(path: path)
            try file.write(text)
            try file.close()
        }
        try Console.out(result.summaryTable() + "\nresults: \(output).jsonl, \(output).csv\n")
    }
}
