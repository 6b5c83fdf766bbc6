import Foundation
import Yams

/// Reads a scenario from YAML text, checking every key and value with located errors.
///
/// Limits keep a typo from exhausting memory or running forever: they are in `Limits`.
public enum ScenarioParser {
    public enum Limits {
        public static let maxInstances = 4096
        public static let maxDurationSeconds = 7.0 * 24 * 3600
        public static let maxRate = 100_000.0
        public static let maxTokens = 1_048_576
        public static let maxSpikeFactor = 1000.0
        public static let maxExpectedRequests = 200_000_000.0
        public static let maxStreams = 1000
        public static let maxEvents = 100_000
        public static let maxScenarioBytes = 4 << 20
        /// Requests waiting or running at once, cluster-wide; arrivals beyond are rejected, so an
        /// overloaded cluster's memory stays bounded (a few hundred MB).
        public static let maxRequestsInFlight = 1_000_000
        /// The duration of a live dashboard session (arrivals never stop while it is watched).
        public static let liveDurationSeconds = 100_000_000.0
        /// The latest simulated instant anything may name (a replayed line, a frame to dump): far
        /// past any run, far below where microseconds overflow.
        public static let maxSimulatedSeconds = 1e9
    }

    /// Parses `text`; `file` names it in errors, and trace files are read relative to
    /// `baseDirectory` (by default the folder of `file`). Throws the first problem.
    public static func parse(_ text: String, file: String, baseDirectory: String? = nil) throws(ScenarioError)
        -> Scenario
    {
        var problems: [ScenarioError] = []
        let root = try document(text, file: file)
        guard
            let s = scenario(root, text: text, file: file, base: baseDirectory ?? folder(of: file), problems: &problems)
        else {
            throw problems.first ?? ScenarioError(file: file, line: 0, column: 0, path: "", message: "not a scenario")
        }
        return s
    }

    /// The scenario, or every independent problem of the text in the order `parse` meets them:
    /// what `validate` reports. A text that is not YAML gives that one problem.
    public static func check(_ text: String, file: String, baseDirectory: String? = nil) -> (
        scenario: Scenario?, problems: [ScenarioError]
    ) {
        var problems: [ScenarioError] = []
        do {
            let root = try document(text, file: file)
            let s = scenario(root, text: text, file: file, base: baseDirectory ?? folder(of: file), problems: &problems)
            return (s, problems)
        } catch {
            return (nil, [error])
        }
    }

    static func folder(of file: String) -> String { (file as NSString).deletingLastPathComponent }

    /// The root of the scenario's YAML: within the size and nesting limits, not empty.
    static func document(_ text: String, file: String) throws(ScenarioError) -> YAMLValue {
        try InputFile.yamlDocument(
            text, file: file, what: "a scenario", limit: Limits.maxScenarioBytes, sizeHint: sizeHint,
            empty: "a scenario needs at least cluster, tenants and workload")
    }

    static let sizeHint = "a scenario is a few kilobytes (put requests in a trace file)"

    /// Reads and parses the scenario file at `path`, refusing a file over the size limit before
    /// reading it; `shown` names it in errors.
    public static func load(path: String, shown: String? = nil) throws(ScenarioError) -> Scenario {
        try parse(try text(path: path, shown: shown), file: shown ?? path)
    }

    /// The text of the scenario file at `path`, refused unread when it is over the size limit.
    public static func text(path: String, shown: String? = nil) throws(ScenarioError) -> String {
        try InputFile.text(path, limit: Limits.maxScenarioBytes, shown: shown, sizeHint: sizeHint)
    }

    static func yamlError(_ e: YamlError, file: String) -> ScenarioError {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ScenarioError(
                file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(what)")
        case .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ScenarioError(
                file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(what)")
        case .reader(let problem, _, let offset, _):
            return ScenarioError(
                file: file, line: 0, column: 0, path: "", message: "not readable text (\(problem) at byte \(offset))")
        default:
            return ScenarioError(file: file, line: 0, column: 0, path: "", message: "not valid YAML: \(e)")
        }
    }

    static let topKeys = [
        "name", "description", "seed", "duration_s", "models", "gpus", "cluster", "link", "policy", "tenants",
        "workload", "events",
    ]

    /// The scenario of `root`, or nil with every independent problem in `problems`: each top-level
    /// key, list item and event is checked on its own, so one mistake does not hide the next.
    /// Checks that need a part that failed (a stream's tenant, the request budget) are skipped.
    static func scenario(_ root: YAMLValue, text: String, file: String, base: String, problems: inout [ScenarioError])
        -> Scenario?
    {
        var failed = false
        func attempt<T>(_ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch let e as ScenarioError {
                problems.append(e)
            } catch {
                problems.append(ScenarioError(file: file, line: 0, column: 0, path: "", message: "\(error)"))
            }
            failed = true
            return nil
        }
        guard let top = attempt({ try root.mapping(allowed: topKeys, problems: &problems) }) else { return nil }
        failed = !problems.isEmpty
        let name = attempt { try top["name"]?.string() ?? "unnamed" }
        let description = attempt { try top["description"]?.string() ?? "" }
        let seed = attempt { UInt64(try top["seed"]?.integer("a non-negative whole number", in: 0...Int.max) ?? 1) }
        let duration = attempt {
            try top.required("duration_s").number(
                "a positive number of seconds", in: 0...Limits.maxDurationSeconds, openLow: true)
        }

        let models = attempt { try ScenarioParser.models(top["models"], base: base) }
        let gpus = attempt { try ScenarioParser.gpus(top["gpus"]) }
        var cluster: [InstanceGroup] = []
        var calibrations: [String: CostConstants] = [:]
        var totalInstances = 0
        var clusterComplete = false
        if let models, let gpus,
            let groupValues = attempt({ () throws -> [YAMLValue] in
                let clusterValue = try top.required("cluster")
                let values = try clusterValue.sequence()
                guard !values.isEmpty else {
                    throw clusterValue.error("expected at least one instance group, got an empty list")
                }
                return values
            })
        {
            clusterComplete = true
            for g in groupValues {
                let group = attempt { () throws -> InstanceGroup in
                    let group = try instanceGroup(g, models: models, gpus: gpus, base: base)
                    try readCalibration(g, gpu: group.gpu, baseDirectory: base, into: &calibrations)
                    totalInstances += group.count
                    if totalInstances > Limits.maxInstances {
                        throw g.error(
                            "the cluster has \(totalInstances) instances; at most \(Limits.maxInstances) are supported")
                    }
                    return group
                }
                if let group { cluster.append(group) } else { clusterComplete = false }
            }
        }

        let policy = attempt { try policySpec(top["policy"]) }

        var tenants: [TenantSpec] = []
        // Names of every tenant entry, valid or not, so a stream naming one is not also an error.
        var tenantNames: [String] = []
        if let tenantValues = attempt({ try top.required("tenants").sequence() }) {
            for t in tenantValues {
                if case .mapping(let raw) = t.node, let n = raw.first(where: { $0.key.string == "name" })?.value.string
                {
                    tenantNames.append(n)
                }
                if let spec = attempt({ () throws -> TenantSpec in
                    let spec = try tenant(t)
                    if tenants.contains(where: { $0.name == spec.name }) {
                        throw t.error("duplicate tenant name \"\(spec.name)\"")
                    }
                    return spec
                }) {
                    tenants.append(spec)
                }
            }
            if tenantValues.isEmpty {
                _ = attempt {
                    throw try top.required("tenants").error("expected at least one tenant, got an empty list")
                }
            }
        }

        var workload: [StreamSpec] = []
        if let streamValues = attempt({ () throws -> [YAMLValue] in
            let workloadValue = try top.required("workload")
            let values = try workloadValue.sequence()
            guard !values.isEmpty else { throw workloadValue.error("expected at least one stream, got an empty list") }
            guard values.count <= Limits.maxStreams else {
                throw workloadValue.error("at most \(Limits.maxStreams) streams, got \(values.count)")
            }
            return values
        }) {
            let named =
                tenants
                + tenantNames.filter { n in !tenants.contains { $0.name == n } }.map {
                    TenantSpec(name: $0, slo: SLO(ttftMs: 1, tpotMs: 1))
                }
            for s in streamValues {
                // A stream naming a model is checked against the cluster only when every group read.
                if let spec = attempt({
                    try stream(
                        s, tenants: named, cluster: cluster, base: base, models: models ?? [],
                        modelsKnown: clusterComplete)
                }) {
                    workload.append(spec)
                }
            }
        }

        var events: [TimedEvent] = []
        if let eventsValue = top["events"],
            let values = attempt({ () throws -> [YAMLValue] in
                let values = try eventsValue.sequence()
                guard values.count <= Limits.maxEvents else {
                    throw eventsValue.error("at most \(Limits.maxEvents) events, got \(values.count)")
                }
                return values
            })
        {
            var parsed: [(TimedEvent, YAMLValue)] = []
            for e in values {
                if let event = attempt({
                    try event(
                        e, duration: duration ?? Limits.maxDurationSeconds, models: models ?? [], gpus: gpus ?? [],
                        base: base)
                }) {
                    parsed.append((event, e))
                }
            }
            events = parsed.map(\.0)
            if clusterComplete,
                let (k, message) = instanceNumberProblem(
                    events.map { ($0.atSeconds, $0.command) }, initial: totalInstances)
            {
                problems.append(parsed[k].1.error(message))
                failed = true
            }
        }
        let link = attempt { try linkSpec(top["link"]) }

        guard !failed, let name, let description, let seed, let duration, let policy, let link, let models, let gpus
        else { return nil }
        var scenario = Scenario(
            name: name, description: description, seed: seed, durationSeconds: duration, cluster: cluster, link: link,
            policy: policy, tenants: tenants, workload: workload, events: events, sourceText: text, source: file)
        scenario.calibrations = calibrations
        scenario.models = models
        scenario.gpus = gpus
        if let problem = budgetProblem(scenario) {
            _ = attempt { throw try top.required("duration_s").error(problem) }
            return nil
        }
        return scenario
    }

    static func instanceGroup(
        _ v: YAMLValue, models: [ModelSpec] = [], gpus: [GPUSpec] = [], base: String = ""
    ) throws -> InstanceGroup {
        let m = try v.mapping(allowed: ["gpu", "model", "count", "tp", "calibration", "engine", "role"])
        let gpuValue = try m.required("gpu"), modelValue = try m.required("model")
        let hardware = Hardware(models: models, gpus: gpus)
        let gpu = try gpuValue.string(oneOf: hardware.gpuIDs)
        let model = try modelValue.string(oneOf: hardware.modelIDs)
        let count = try m["count"]?.integer("a whole number of instances", in: 1...Limits.maxInstances) ?? 1
        let tpValue = m["tp"]
        let tp = try tpValue?.integer("a tensor-parallel degree", in: 1...8) ?? 1
        guard let modelSpec = hardware.model(model), let gpuSpec = hardware.gpu(gpu) else {
            throw v.error("unknown model or GPU")
        }
        let engine = try engineSettings(m["engine"], model: modelSpec, base: base)
        if let message = tensorParallelProblem(gpu: gpuSpec, model: modelSpec, tp: tp, engine: engine) {
            throw (tp == 1 || tpValue == nil ? v : tpValue!).error(message)
        }
        var group = InstanceGroup(gpu: gpuSpec, model: modelSpec, count: count, tensorParallel: tp)
        group.engine = engine
        if let r = m["role"] {
            group.role = InstanceRole(rawValue: try r.string(oneOf: InstanceRole.allCases.map(\.rawValue))) ?? .mixed
        }
        return group
    }

    /// Why `model` cannot run on `tp` GPUs of type `gpu` with `engine`'s settings, or nil.
    static func tensorParallelProblem(
        gpu: GPUSpec, model: ModelSpec, tp: Int, engine: EngineSettings = EngineSettings()
    ) -> String? {
        guard [1, 2, 4, 8].contains(tp), model.kvHeads % tp == 0 else {
            return
                "expected a tensor-parallel degree of 1, 2, 4 or 8 that divides the model's \(model.kvHeads) KV heads, got \(tp)"
        }
        guard
            engine.kvBlocks != nil
                || KVCache.capacity(
                    gpu: gpu, model: model, tensorParallel: tp,
                    memoryUtilization: engine.gpuMemoryUtilization ?? KVCache.memoryUtilization) != nil
        else {
            let weightsGB = model.weightBytes / Double(tp) / 1e9
            return
                "\(model.id) needs \(Report.number(weightsGB, 1)) GB of weights per GPU at tp \(tp), which leaves no room for KV cache on \(gpu.id) (\(Report.number(gpu.memoryBytes / 1e9, 0)) GB); raise tp or pick a larger GPU"
        }
        return nil
    }

    static func policySpec(_ value: YAMLValue?) throws -> PolicySpec {
        guard let value else { return PolicySpec() }
        let m = try value.mapping(allowed: ["global", "local", "params", "decode_choice"])
        var spec = PolicySpec()
        if let d = m["decode_choice"] { spec.decodeChoice = try decodeChoice(d) }
        if let g = m["global"] { spec.global = try globalPolicyID(g) }
        if let l = m["local"] { spec.local = try localPolicyID(l) }
        if let p = m["params"] {
            let known = PolicyRegistry.parameterNames
            let pm = try p.mapping(allowed: known)
            var values: [String: Double] = [:]
            for (key, v) in pm.entries { values[key] = try v.number(in: -1e12...1e12) }
            spec.params = PolicyParams(values)
            // Build both policies once so out-of-range parameters are reported here, located.
            do {
                try PolicyRegistry.validate(spec)
            } catch let e as PolicyParamError {
                throw (pm[e.key] ?? p).error(e.message)
            }
        }
        return spec
    }

    static func tenant(_ v: YAMLValue) throws -> TenantSpec {
        let m = try v.mapping(allowed: ["name", "priority", "slo"])
        let name = try m.required("name").string()
        let priorityName = try m["priority"]?.string(oneOf: Priority.allCases.map(\.name)) ?? "normal"
        let priority = Priority.allCases.first { $0.name == priorityName }!
        let sm = try m.required("slo").mapping(allowed: ["ttft_ms", "tpot_ms"])
        let ttft = try sm.required("ttft_ms").number(
            "a positive number of milliseconds", in: 0...86_400_000, openLow: true)
        let tpot = try sm.required("tpot_ms").number(
            "a positive number of milliseconds", in: 0...86_400_000, openLow: true)
        return TenantSpec(name: name, priority: priority, slo: SLO(ttftMs: ttft, tpotMs: tpot))
    }

    static func stream(
        _ v: YAMLValue, tenants: [TenantSpec], cluster: [InstanceGroup], base: String, models: [ModelSpec] = [],
        modelsKnown: Bool = true
    ) throws -> StreamSpec {
        let isTrace: Bool
        if case .mapping(let raw) = v.node {
            isTrace = raw.keys.contains { $0.string == "trace" }
        } else {
            isTrace = false
        }
        if case .mapping(let raw) = v.node, raw.keys.contains(where: { $0.string == "workflow" }) {
            return try workflowStream(v, tenants: tenants, cluster: modelsKnown ? cluster : [], models: models)
        }
        let keys =
            isTrace
            ? ["tenant", "model", "trace", "shared_prefix"]
            : ["tenant", "model", "arrival", "input_tokens", "output_tokens", "shared_prefix", "start_s", "end_s"]
        let m = try v.mapping(allowed: keys)
        let tenantValue = try m.required("tenant")
        let tenant = try tenantValue.string(oneOf: tenants.map(\.name))
        var model: String? = nil
        if let mv = m["model"] {
            let served = Array(Set(cluster.map(\.model))).sorted()
            model = modelsKnown ? try mv.string(oneOf: served) : try mv.string()
        }
        var shared: SharedPrefixSpec? = nil
        if let sp = m["shared_prefix"] {
            let pm = try sp.mapping(allowed: ["groups", "tokens", "skew"])
            shared = SharedPrefixSpec(
                groups: try pm.required("groups").integer("a whole number of groups", in: 1...100_000),
                tokens: try pm.required("tokens").integer("a whole number of tokens", in: 1...Limits.maxTokens),
                skew: try pm["skew"]?.number("a Zipf exponent", in: 0...10) ?? 0)
        }
        if isTrace {
            // A trace without prefix ids may say its prompts open with shared system prompts: each
            // request is given one of the groups at random (the trace's token counts include it).
            let spec = try traceSpec(try m.required("trace"), base: base)
            if shared != nil, spec.trace.hasPrefixes {
                throw m["shared_prefix"]!.error(
                    "this trace names its own prefix blocks; shared_prefix applies to traces without them")
            }
            return StreamSpec(
                tenant: tenant, model: model, arrival: .trace(spec), input: .fixed(value: 1), output: .fixed(value: 1),
                sharedPrefix: shared)
        }
        let arrival = try arrivalProcess(try m.required("arrival"))
        let input = try lengths(try m.required("input_tokens"))
        let output = try lengths(try m.required("output_tokens"))
        var spec = StreamSpec(
            tenant: tenant, model: model, arrival: arrival, input: input, output: output, sharedPrefix: shared)
        spec.startSeconds = try m["start_s"]?.number("seconds from 0", in: 0...Limits.maxDurationSeconds) ?? 0
        if let ev = m["end_s"] {
            let end = try ev.number("seconds from 0", in: 0...Limits.maxDurationSeconds)
            guard end > spec.startSeconds else {
                throw ev.error(
                    "expected seconds after start_s (\(Report.number(spec.startSeconds, -1))), got \(Report.number(end, -1))"
                )
            }
            spec.endSeconds = end
        }
        return spec
    }

    static func arrivalProcess(_ v: YAMLValue) throws -> ArrivalProcess {
        let am = try v.mapping(allowed: ["process", "rate", "cv"])
        let process = try am.required("process").string(oneOf: ["poisson", "gamma"])
        let rate = try am.required("rate").number(
            "a positive number of requests per second", in: 0...Limits.maxRate, openLow: true)
        if process == "gamma" {
            let cv = try am.required("cv").number("a positive coefficient of variation", in: 0...100, openLow: true)
            return .gamma(rate: rate, cv: cv)
        }
        if let cv = am["cv"] { throw cv.error("cv applies to gamma arrivals only (a Poisson process has cv 1)") }
        return .poisson(rate: rate)
    }

    static func traceSpec(_ v: YAMLValue, base: String) throws -> TraceStreamSpec {
        let m = try v.mapping(allowed: ["format", "file", "time_scale", "rate_scale", "start_s", "end_s", "spread_s"])
        let format = try m.required("format").choice(Trace.Format.self)
        let fileValue = try m.required("file")
        let file = try fileValue.string()
        let resolved = file.hasPrefix("/") ? file : (base.isEmpty ? file : "\(base)/\(file)")
        let data: Data
        do {
            data = try InputFile.read(
                resolved, limit: Trace.maxFileBytes, sizeHint: "split the trace or use start_s and end_s")
        } catch {
            throw fileValue.error(
                error.message == InputFile.unreadable
                    ? "cannot read trace file \(resolved)" : "\(resolved): \(error.message)")
        }
        let trace = try TraceReader.read(data, format: format, file: resolved)
        var spec = TraceStreamSpec(format: format, file: file, resolvedPath: resolved, trace: trace)
        spec.timeScale = try m["time_scale"]?.number("a positive time scale", in: 0...1000, openLow: true) ?? 1
        spec.rateScale = try m["rate_scale"]?.number("a positive rate scale", in: 0...1000, openLow: true) ?? 1
        spec.startSeconds = try m["start_s"]?.number("a time in seconds", in: 0...Limits.maxDurationSeconds) ?? 0
        if let endValue = m["end_s"] {
            let end = try endValue.number("a time in seconds", in: 0...Limits.maxDurationSeconds)
            guard end > spec.startSeconds else {
                throw endValue.error(
                    "expected end_s after start_s (\(compact(spec.startSeconds))), got \(compact(end))")
            }
            spec.endSeconds = end
        }
        spec.spreadSeconds = try m["spread_s"]?.number("a number of seconds", in: 0...3600) ?? spec.spreadSeconds
        return spec
    }

    static func linkSpec(_ value: YAMLValue?) throws -> LinkSpec {
        guard let value else { return LinkSpec() }
        let m = try value.mapping(allowed: ["gbps", "setup_ms"])
        var link = LinkSpec()
        if let g = m["gbps"] {
            link.gigabitsPerSecond = try g.number("a positive bandwidth in Gbit/s", in: 0...100_000, openLow: true)
        }
        if let s = m["setup_ms"] { link.setupMilliseconds = try s.number("milliseconds", in: 0...60_000) }
        return link
    }

    /// Instances named by fail and drain events must exist at that instant (initial ones plus
    /// those added by earlier events; any number when an autoscaler adds more), and adds must
    /// keep the cluster within `Limits.maxInstances`. The index of the first offending event in
    /// `events` and the problem, or nil.
    static func instanceNumberProblem(
        _ events: [(atSeconds: Double, command: Command)], initial: Int, anyIndex: Bool = false
    ) -> (Int, String)? {
        let order = events.indices.sorted { (events[$0].atSeconds, $0) < (events[$1].atSeconds, $1) }
        var count = initial
        for k in order {
            switch events[k].command {
            case .add:
                count += 1
                if count > Limits.maxInstances {
                    return (
                        k,
                        "the cluster would have \(count) instances at \(compact(events[k].atSeconds)) s; at most \(Limits.maxInstances) are supported"
                    )
                }
            case .fail(let i), .drain(let i), .setRole(let i, _):
                if i >= count && !anyIndex {
                    return (
                        k,
                        "instance \(i) does not exist at \(compact(events[k].atSeconds)) s (instances 0 to \(count - 1))"
                    )
                }
            default: break
            }
        }
        return nil
    }

    static func lengths(_ v: YAMLValue) throws -> LengthDistribution {
        let m = try v.mapping(allowed: ["dist", "value", "min", "max", "mean", "sigma", "s"])
        let dist = try m.required("dist").string(oneOf: ["fixed", "uniform", "lognormal", "zipf"])
        let allowedByDist: [String: [String]] = [
            "fixed": ["dist", "value"], "uniform": ["dist", "min", "max"],
            "lognormal": ["dist", "mean", "sigma", "max"],
            "zipf": ["dist", "s", "max"],
        ]
        for key in m.keys where !allowedByDist[dist]!.contains(key) {
            throw m[key]!.error(
                "\"\(key)\" does not apply to a \(dist) distribution (it takes \(allowedByDist[dist]!.dropFirst().joined(separator: ", ")))"
            )
        }
        let tokens = 1...Limits.maxTokens
        switch dist {
        case "fixed":
            return .fixed(value: try m.required("value").integer("a whole number of tokens", in: tokens))
        case "uniform":
            let lo = try m.required("min").integer("a whole number of tokens", in: tokens)
            let hiValue = try m.required("max")
            let hi = try hiValue.integer("a whole number of tokens", in: tokens)
            guard hi >= lo else { throw hiValue.error("expected max ≥ min (\(lo)), got \(hi)") }
            return .uniform(min: lo, max: hi)
        case "lognormal":
            let mean = try m.required("mean").number("a positive number of tokens", in: 1...Double(Limits.maxTokens))
            let sigma = try m.required("sigma").number("a log-space standard deviation", in: 0...4)
            let hi = try m.required("max").integer("a whole number of tokens", in: tokens)
            return .lognormal(mean: mean, sigma: sigma, max: hi)
        default:
            let s = try m.required("s").number("a positive exponent", in: 0...10, openLow: true)
            let hi = try m.required("max").integer("a whole number of tokens", in: tokens)
            return .zipf(s: s, max: hi)
        }
    }

    static func event(
        _ v: YAMLValue, duration: Double, models: [ModelSpec] = [], gpus: [GPUSpec] = [], base: String = ""
    ) throws -> TimedEvent {
        let kinds = ["spike", "policy", "fail", "add", "drain", "role", "decode_choice"]
        let m = try v.mapping(allowed: ["at_s"] + kinds)
        let at = try m.required("at_s").number(
            "a time in seconds before the end of arrivals (duration_s)", in: 0...duration)
        let present = m.keys.filter { kinds.contains($0) }
        guard present.count == 1, let kind = present.first else {
            throw v.error(
                "expected exactly one of \(kinds.joined(separator: ", ")) beside at_s, got \(present.isEmpty ? "none" : present.joined(separator: " and "))"
            )
        }
        let body = m[kind]!
        switch kind {
        case "spike":
            let sm = try body.mapping(allowed: ["factor", "duration_s"])
            let factor = try sm.required("factor").number(
                "a positive factor", in: -.greatestFiniteMagnitude...(.greatestFiniteMagnitude))
            let d = try sm.required("duration_s").number(
                "a positive number of seconds", in: -.greatestFiniteMagnitude...(.greatestFiniteMagnitude))
            let command = Command.spike(factor: factor, durationSeconds: d)
            if let (key, message) = command.problem() { throw try sm.required(key).error(message) }
            return TimedEvent(atSeconds: at, command: command)
        case "policy":
            let pm = try body.mapping(allowed: ["global", "local"])
            // A switch of both is two commands at the same instant; keep it one event with two parts.
            if let g = pm["global"], pm["local"] == nil {
                return TimedEvent(atSeconds: at, command: .setGlobalPolicy(try globalPolicyID(g)))
            }
            if let l = pm["local"], pm["global"] == nil {
                return TimedEvent(atSeconds: at, command: .setLocalPolicy(try localPolicyID(l)))
            }
            throw body.error("expected one of global or local (use two events to switch both)")
        case "fail":
            return TimedEvent(atSeconds: at, command: .fail(instance: try instanceIndex(body)))
        case "drain":
            return TimedEvent(atSeconds: at, command: .drain(instance: try instanceIndex(body)))
        case "role":
            let rm = try body.mapping(allowed: ["instance", "role"])
            let i = try rm.required("instance").integer("an instance number", in: 0...Limits.maxInstances * 2)
            let name = try rm.required("role").string(oneOf: InstanceRole.allCases.map(\.rawValue))
            return TimedEvent(atSeconds: at, command: .setRole(instance: i, role: InstanceRole(rawValue: name)!))
        case "decode_choice":
            return TimedEvent(atSeconds: at, command: .setDecodeChoice(try decodeChoice(body)))
        default:
            let group = try instanceGroup(body, models: models, gpus: gpus, base: base)
            guard group.count == 1 else { throw body.error("add starts one instance; use several events for more") }
            if group.role != .mixed {
                let keys = ["gpu", "model", "count", "tp", "calibration", "engine", "role"]
                throw (try body.mapping(allowed: keys)["role"] ?? body).error(
                    "an added instance starts mixed; move it to a pool with a role event")
            }
            return TimedEvent(
                atSeconds: at, command: .add(gpu: group.gpu, model: group.model, tensorParallel: group.tensorParallel))
        }
    }

    static func instanceIndex(_ v: YAMLValue) throws -> Int {
        if case .mapping = v.node {
            let m = try v.mapping(allowed: ["instance"])
            return try m.required("instance").integer("an instance number", in: 0...Limits.maxInstances * 2)
        }
        return try v.integer("an instance number", in: 0...Limits.maxInstances * 2)
    }

    /// A decode choice: one of `DecodeChoice.ids`.
    static func decodeChoice(_ v: YAMLValue) throws -> DecodeChoice {
        DecodeChoice(rawValue: try v.string(oneOf: DecodeChoice.ids))!
    }
}
