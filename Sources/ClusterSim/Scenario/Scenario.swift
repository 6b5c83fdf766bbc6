/// A scenario: the cluster, the policies, the tenants, the workload and the timed events of a run.
///
/// The file format (YAML) is documented in docs/scenarios.md; `ScenarioParser` reads it with
/// located errors.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    /// Arrivals stop at this instant; the run then drains what is in flight.
    public var durationSeconds: Double
    public var cluster: [InstanceGroup]
    /// The network between instances, used for KV transfers (migration).
    public var link: LinkSpec
    public var policy: PolicySpec
    public var tenants: [TenantSpec]
    public var workload: [StreamSpec]
    public var events: [TimedEvent]
    /// The file's text, kept so a recording can replay the run without the file.
    public var sourceText: String
    /// Where it came from, for messages ("Scenarios/x.yaml", or "built-in default").
    public var source: String
    /// Cost-model constants per GPU id from calibration files (`cluster[].calibration`, `run
    /// --calibration`); a GPU type not named here uses `CostConstants.builtin(for:)`.
    public var calibrations: [String: CostConstants] = [:]
    /// Models and GPUs the scenario defines (`models:`, `gpus:`), beside the built-in catalogs.
    public var models: [ModelSpec] = []
    public var gpus: [GPUSpec] = []

    /// What the scenario's instances and `add` commands can name.
    public var hardware: Hardware { Hardware(models: models, gpus: gpus) }
    /// The model `id`: the scenario's own, else the catalog's.
    public func modelSpec(_ id: String) -> ModelSpec? { hardware.model(id) }
    /// The GPU `id`: the scenario's own, else the catalog's.
    public func gpuSpec(_ id: String) -> GPUSpec? { hardware.gpu(id) }

    public init(
        name: String, description: String = "", seed: UInt64, durationSeconds: Double, cluster: [InstanceGroup],
        link: LinkSpec = LinkSpec(), policy: PolicySpec, tenants: [TenantSpec], workload: [StreamSpec],
        events: [TimedEvent] = [],
        sourceText: String = "", source: String = "<memory>"
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.durationSeconds = durationSeconds
        self.cluster = cluster
        self.link = link
        self.policy = policy
        self.tenants = tenants
        self.workload = workload
        self.events = events
        self.sourceText = sourceText
        self.source = source
    }
}

/// `count` identical instances: a model on `tp` GPUs of one type.
public struct InstanceGroup: Sendable, Hashable {
    /// The GPU and the model, resolved when the scenario was read (catalog or `gpus:`/`models:`).
    public var gpuSpec: GPUSpec
    public var modelSpec: ModelSpec
    public var count: Int
    public var tensorParallel: Int
    /// Engine arguments and host-time calibration of the group's instances.
    public var engine = EngineSettings()
    /// What the group's instances serve (disaggregated prefill/decode); `mixed` does both.
    public var role = InstanceRole.mixed

    public init(gpu: GPUSpec, model: ModelSpec, count: Int = 1, tensorParallel: Int = 1) {
        self.gpuSpec = gpu
        self.modelSpec = model
        self.count = count
        self.tensorParallel = tensorParallel
    }

    public var gpu: String { gpuSpec.id }
    public var model: String { modelSpec.id }
}

public struct PolicySpec: Sendable, Hashable {
    public var global: GlobalPolicyID
    public var local: LocalPolicyID
    public var params: PolicyParams
    /// How a prefilled request's decode instance is chosen (disaggregated serving).
    public var decodeChoice = DecodeChoice.leastLoaded

    public init(
        global: GlobalPolicyID = .roundRobin, local: LocalPolicyID = .vllmV0, params: PolicyParams = PolicyParams()
    ) {
        self.global = global
        self.local = local
        self.params = params
    }
}

/// A tenant's service-level objective: time to first token and time per output token.
public struct SLO: Sendable, Hashable {
    public var ttftMs: Double
    public var tpotMs: Double
    public init(ttftMs: Double, tpotMs: Double) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
    }
}

public struct TenantSpec: Sendable, Hashable {
    public var name: String
    public var priority: Priority
    public var slo: SLO
    public init(name: String, priority: Priority = .normal, slo: SLO) {
        self.name = name
        self.priority = priority
        self.slo = slo
    }
}

/// One stream of requests of a tenant.
public struct StreamSpec: Sendable, Hashable {
    public var tenant: String
    /// The model the requests need (nil: any instance).
    public var model: String?
    public var arrival: ArrivalProcess
    public var input: LengthDistribution
    public var output: LengthDistribution
    /// Shared system prompts among the stream's requests (nil: every prompt is unique).
    public var sharedPrefix: SharedPrefixSpec?
    /// Each arrival is an agentic workflow of LLM calls (nil: each arrival is one request).
    public var workflow: WorkflowSpec? = nil
    /// The stream sends requests only from `startSeconds` and before `endSeconds` (nil: until
    /// arrivals end): a phase of the run. Its process runs all along, so the window changes no draw.
    public var startSeconds: Double = 0
    public var endSeconds: Double? = nil

    public init(
        tenant: String, model: String? = nil, arrival: ArrivalProcess, input: LengthDistribution,
        output: LengthDistribution,
        sharedPrefix: SharedPrefixSpec? = nil
    ) {
        self.tenant = tenant
        self.model = model
        self.arrival = arrival
        self.input = input
        self.output = output
        self.sharedPrefix = sharedPrefix
    }
}

/// A command at a scenario instant.
public struct TimedEvent: Sendable, Hashable {
    public var atSeconds: Double
    public var command: Command
    public init(atSeconds: Double, command: Command) {
        self.atSeconds = atSeconds
        self.command = command
    }
}

/// The link KV caches cross between instances (Llumnix's migration, https://arxiv.org/abs/2406.03243):
/// 100 Gb/s Ethernet with a 25 ms setup per migration stage by default.
public struct LinkSpec: Sendable, Hashable {
    public var gigabitsPerSecond: Double = 100
    /// Fixed time of each migration stage before its bytes move. Llumnix measured a downtime of
    /// 20-30 ms, nearly constant from 256 to 8k tokens, on A10s (`AlibabaPAI/llumnix` artifact,
    /// `figure10_paper.claim`; OSDI'24 §6.2): its Gloo/RPC handshakes and a scheduling step, not the
    /// few blocks of the last stage. 25 ms is the middle of that range.
    public var setupMilliseconds: Double = 25
    public init() {}
    public var bytesPerSecond: Double { gigabitsPerSecond * 1e9 / 8 }
}

/// The models and GPUs a scenario can name: its own (`models:`, `gpus:`) before the built-in catalogs.
public struct Hardware: Sendable, Hashable {
    public var models: [ModelSpec] = []
    public var gpus: [GPUSpec] = []

    public init(models: [ModelSpec] = [], gpus: [GPUSpec] = []) {
        self.models = models
        self.gpus = gpus
    }

    public func model(_ id: String) -> ModelSpec? { models.first { $0.id == id } ?? ModelCatalog.spec(id) }
    public func gpu(_ id: String) -> GPUSpec? { gpus.first { $0.id == id } ?? GPUCatalog.spec(id) }
    /// Every model id: the scenario's, then the catalog's others.
    public var modelIDs: [String] {
        models.map(\.id) + ModelCatalog.ids.filter { id in !models.contains { $0.id == id } }
    }
    /// Every GPU id: the scenario's, then the catalog's others.
    public var gpuIDs: [String] { gpus.map(\.id) + GPUCatalog.ids.filter { id in !gpus.contains { $0.id == id } } }
}
