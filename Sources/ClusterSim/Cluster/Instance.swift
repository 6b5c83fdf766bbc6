import DequeModule

/// Whether an instance serves requests.
public enum InstanceStatus: UInt8, Sendable {
    /// Serving: takes new requests and runs iterations.
    case active
    /// Loading its model; becomes active at `readyAt`.
    case starting
    /// Finishing what it holds; takes no new requests.
    case draining
    /// Gone: holds nothing, runs nothing.
    case failed
    /// Drained and released.
    case retired
}

/// One request's share of an iteration: `tokens` new tokens to compute.
public struct BatchEntry: Sendable {
    public var request: Int32
    public var tokens: Int32
    /// Draft tokens a speculative decode verifies beside its own (Speculative.swift).
    public var drafts: Int32 = 0
}

/// One model replica on `tensorParallel` GPUs of one type, with its queues and paged KV cache.
///
/// Queues follow vLLM (https://github.com/vllm-project/vllm): `waiting` is FIFO and preempted requests go back
/// to its front; `running` is in admission order, so the most recently admitted request is last.
public struct Instance: Sendable {
    // Stored properties lie in memory in the order written: the ones every iteration reads and
    // writes come first, so at thousands of instances an iteration touches a few cache lines of
    // its instance rather than lines spread past the hardware and model description.
    public let id: Int32
    public var status: InstanceStatus
    public var busy = false
    /// A `schedule` event is pending for this instance.
    public var kickPending = false
    /// Running requests may have half-done prompts left by another local policy (set at a switch),
    /// which vLLM v0's batching, that never leaves one, must then finish.
    public var mayHavePartialPrefills = false

    // Disaggregated serving (Cluster/Disaggregation.swift).
    /// What it serves; `switchingTo` is the role it takes once drained of its current work.
    public internal(set) var role = InstanceRole.mixed
    public internal(set) var switchingTo: InstanceRole? = nil
    /// Takes new prompts from dispatch, and requests handed off after their prefill (kept with `role`).
    public internal(set) var takesPrompts = true
    public internal(set) var takesDecodes = true

    /// The longest context it serves: `model.maxContext`, kept here too since batching and
    /// dispatch read it for every iteration and arrival, and `model` lies in the cold lines.
    public let maxContext: Int32
    public var readyAt: SimTime = 0
    public var iterationStart: SimTime = 0
    public var iterationEnd: SimTime = 0
    public var waiting = Deque<Int32>()
    public var running: [Int32] = []
    /// The batch of the iteration in flight (empty when idle).
    public var batch: [BatchEntry] = []

    // Counters for the dashboard and the report.
    public var iterations: Int64 = 0
    public var tokensGenerated: Int64 = 0
    public var preemptions: Int64 = 0
    public var busyTime: SimTime = 0

    // Global-policy bookkeeping, kept by the engine whatever the policy so a switch finds it true.
    /// Estimated seconds of work of the requests dispatched here and not yet gone (HexGen's W_i).
    public var backlog: Double = 0
    /// Tokens still to compute of the requests in `waiting` (Dynamo's pending prefill, `CacheAware`).
    public var waitingTokens: Int64 = 0
    /// High-priority requests here, waiting or running (Llumnix's priority headroom).
    public var highPriority: Int32 = 0

    public var kv: KVCache
    public var lastShape = BatchShape()
    public let gpu: GPUSpec
    public let model: ModelSpec
    public let tensorParallel: Int
    public let cost: CostModel
    /// Prompt tokens looked up in the prefix cache at admission, and those found (prefix caching).
    public var prefixQueryTokens: Int64 = 0
    public var prefixHitTokens: Int64 = 0
    /// Speculative decoding, when its group's engine has a `speculative_config` (Speculative.swift).
    public var speculation: Speculation? = nil

    public init(
        id: Int32, gpu: GPUSpec, model: ModelSpec, tensorParallel: Int, constants: CostConstants,
        status: InstanceStatus,
        engine: EngineSettings = EngineSettings()
    ) {
        self.id = id
        self.gpu = gpu
        var model = model
        if let length = engine.maxModelLen { model.maxContext = length }
        self.model = model
        self.maxContext = Int32(model.maxContext)
        self.tensorParallel = tensorParallel
        self.engine = engine.calibration
        self.cost = CostModel(
            gpu: gpu, model: model, tensorParallel: tensorParallel, constants: constants,
            allReduceLatency: engine.calibration.allReduceLatency)
        let computed = KVCache.capacity(
            gpu: gpu, model: model, tensorParallel: tensorParallel,
            memoryUtilization: engine.gpuMemoryUtilization ?? KVCache.memoryUtilization,
            speculative: engine.speculative)
        self.kv = KVCache(totalBlocks: engine.kvBlocks.map { Int32($0) } ?? computed ?? 0)
        if let cpu = engine.cpuKV {
            kv.tiers = KVTiers(
                cpu: cpu, blockBytes: Double(KVCache.blockTokens) * model.kvBytesPerToken, swap: engine.preemptionSwap,
                links: tensorParallel)
        }
        self.status = status
    }

    /// Host and API time around the GPU (`EngineSettings.calibration`).
    public let engine: EngineCalibration

    /// How long an iteration of `shape` takes: the GPU's time and the engine's host time.
    @inline(__always)
    public func iterationDuration(_ shape: BatchShape) -> SimTime { iterationTiming.duration(shape) }

    /// What `iterationDuration` reads, as plain numbers. The simulator takes this out of its
    /// instance array before predicting, so the prediction (which calls `pow`) runs on a local
    /// rather than on a copy of the whole instance, its strings and queues retained and released.
    @inline(__always)
    public var iterationTiming: IterationTiming { IterationTiming(gpu: cost.terms, host: engine) }

    /// Requests waiting plus running: Vidur's "outstanding requests".
    public var outstanding: Int { waiting.count + running.count }

    /// Takes new requests.
    public var accepting: Bool { status == .active && takesPrompts }
}

/// An instance's iteration time as a function of the batch shape: the cost model's folded terms
/// (the GPU's time) and the engine calibration (host time), plain numbers only.
public struct IterationTiming: Sendable, Hashable {
    let gpu: IterationTerms
    let host: EngineCalibration

    /// The GPU's time plus the host's, in simulated microseconds (at least 1).
    @inline(__always)
    public func duration(_ shape: BatchShape) -> SimTime {
        max(1, SimTime(((gpu.seconds(shape) + host.hostSeconds(shape)) * 1e6).rounded()))
    }
}
