/// What one serving iteration computes, summed so the cost model runs in constant time.
///
/// A batch is a set of requests j, each processing `q_j` new tokens on top of `c_j` cached ones:
/// a prefill chunk (`q_j` = chunk length, `c_j` = its cached prefix) or a decode (`q_j` = 1,
/// `c_j` = its context). A speculative decode verifies `1 + k_j` tokens: its `k_j` draft tokens
/// go through the linear layers and the LM head beside its own (`draftTokens`).
public struct BatchShape: Sendable, Hashable {
    /// Prefill chunks in the batch.
    public var prefillSeqs: Int = 0
    /// Σ q over prefill chunks.
    public var prefillTokens: Int = 0
    /// Σ q·c over prefill chunks (attention of new tokens to their cached prefix).
    public var prefillPrefixProduct: Double = 0
    /// Σ q² over prefill chunks (causal attention within each chunk is half of it).
    public var prefillSquares: Double = 0
    /// Σ c over prefill chunks (KV of the prefixes read by attention).
    public var prefillPrefixTokens: Int = 0
    /// Decode tokens (one per sequence).
    public var decodeSeqs: Int = 0
    /// Σ context over decodes.
    public var decodeContextTokens: Int = 0
    /// Speculative decoding: draft tokens verified (Σ k_j), the decodes that have them and Σ their
    /// context, and the proposer's steps (the largest k_j). Zero without speculation.
    public var draftTokens: Int = 0
    public var draftSeqs: Int = 0
    public var draftContextTokens: Int = 0
    public var draftSteps: Int = 0

    public init() {}

    /// Tokens through the linear layers.
    public var tokens: Int { prefillTokens + decodeSeqs + draftTokens }
    public var isEmpty: Bool { prefillSeqs == 0 && decodeSeqs == 0 }

    public mutating func addPrefill(tokens q: Int, cached c: Int) {
        prefillSeqs += 1
        prefillTokens += q
        prefillPrefixProduct += Double(q) * Double(c)
        prefillSquares += Double(q) * Double(q)
        prefillPrefixTokens += c
    }

    public mutating func addDecode(context c: Int) {
        decodeSeqs += 1
        decodeContextTokens += c
    }

    /// Adds `k` draft tokens to the decode of context `c` already in the shape.
    public mutating func addDrafts(_ k: Int, context c: Int) {
        draftTokens += k
        draftSeqs += 1
        draftContextTokens += c
        draftSteps = max(draftSteps, k)
    }

    /// The shape of the calibration script's iterations: `prefillSeqs` chunks of `prefillLength`
    /// tokens on `prefixLength` cached ones, and `decodeBatch` decodes of `decodeContext` tokens each.
    public init(prefillSeqs: Int, prefillLength: Int, prefixLength: Int, decodeBatch: Int, decodeContext: Int) {
        let chunks = Double(prefillSeqs)
        let q = Double(prefillLength)
        let c = Double(prefixLength)
        self.prefillSeqs = prefillSeqs
        prefillTokens = prefillSeqs * prefillLength
        prefillPrefixProduct = chunks * q * c
        prefillSquares = chunks * q * q
        prefillPrefixTokens = prefillSeqs * prefixLength
        decodeSeqs = decodeBatch
        decodeContextTokens = decodeBatch * decodeContext
    }
}

/// The fitted constants of the cost model for one GPU type; each has a physical meaning.
///
/// Efficiencies are fractions of the GPU's own ceilings (`GPUSpec.effectiveFlops` and
/// `effectiveBandwidth`), so constants fitted on one GPU carry to another through its ceilings;
/// overheads are wall time that neither ceiling shortens (kernel launches and ramp-up inside a
/// CUDA graph). docs/cost-model.md gives the formula and the fitted values.
public struct CostConstants: Sendable, Hashable, Codable {
    /// Fixed time per iteration outside the GPU (the engine's scheduler, sampling on the host),
    /// seconds. Zero for the calibration script, which replays CUDA graphs; never fitted.
    public var overhead: Double
    /// Fixed time per transformer layer (its dozen kernels' launch and ramp-up), seconds.
    public var layerOverhead: Double
    /// Extra fixed time per layer when the batch holds prefill chunks (their attention kernel), seconds.
    public var prefillAttentionOverhead: Double
    /// Extra fixed time per layer when the batch holds decodes (their attention kernel), seconds.
    public var decodeAttentionOverhead: Double
    /// Extra fixed time per layer when a prefill chunk has a cached prefix (one more attention), seconds.
    public var prefixAttentionOverhead: Double
    /// Read bandwidth reached when streaming weights, KV cache and activations, as a fraction of
    /// the measured copy bandwidth (which counts bytes read plus written; a pure read can beat it).
    public var memoryEfficiency: Double
    /// Matmul throughput reached by the linear layers, as a fraction of the measured matmul ceiling.
    public var linearEfficiency: Double
    /// How sharply a linear layer turns from weight-bound to compute-bound: time is the p-norm
    /// (p = this) of the two roofline times; large p is a hard max, 1 a sum.
    public var rooflineSharpness: Double
    /// FLOP throughput of prefill attention (flash kernels), as a fraction of the matmul ceiling.
    public var attentionEfficiency: Double
    /// Read rate of a cached prefix by a prefill chunk's attention, as a fraction of the copy
    /// bandwidth: low, since a short chunk gives the kernel few blocks to spread over the GPU.
    public var prefixReadEfficiency: Double

    public init(
        overhead: Double = 0, layerOverhead: Double, prefillAttentionOverhead: Double, decodeAttentionOverhead: Double,
        prefixAttentionOverhead: Double, memoryEfficiency: Double, linearEfficiency: Double, rooflineSharpness: Double,
        attentionEfficiency: Double, prefixReadEfficiency: Double
    ) {
        self.overhead = overhead
        self.layerOverhead = layerOverhead
        self.prefillAttentionOverhead = prefillAttentionOverhead
        self.decodeAttentionOverhead = decodeAttentionOverhead
        self.prefixAttentionOverhead = prefixAttentionOverhead
        self.memoryEfficiency = memoryEfficiency
        self.linearEfficiency = linearEfficiency
        self.rooflineSharpness = rooflineSharpness
        self.attentionEfficiency = attentionEfficiency
        self.prefixReadEfficiency = prefixReadEfficiency
    }

    /// Fitted on the 313 measured H100 iterations (`MeasuredData.h100IterationsCSV`) by
    /// `Calibration.fit`; `CostModelTests` refits them and checks they have not drifted.
    public static let h100 = CostConstants(
        layerOverhead: 37.5114e-6, prefillAttentionOverhead: 16.5806e-6, decodeAttentionOverhead: 16.3334e-6,
        prefixAttentionOverhead: 10.1882e-6, memoryEfficiency: 1.04295, linearEfficiency: 0.842940,
        rooflineSharpness: 3.18090, attentionEfficiency: 0.608192, prefixReadEfficiency: 0.163653)

    /// The built-in constants for `gpu`: the H100 fit for every GPU, applied with that GPU's own
    /// ceilings (measured where we have them, as for the H200; datasheet times the H100's
    /// measured-to-datasheet ratio otherwise).
    public static func builtin(for gpu: GPUSpec) -> CostConstants { .h100 }

    /// Same as `.h100`: the constants used when nothing more specific is known.
    public static let `default` = h100

    /// The constants' names in `subscript(index:)` order: `overhead`, then the fitted ones.
    public static let names = [
        "overhead", "layerOverhead", "prefillAttentionOverhead", "decodeAttentionOverhead", "prefixAttentionOverhead",
        "memoryEfficiency", "linearEfficiency", "rooflineSharpness", "attentionEfficiency", "prefixReadEfficiency",
    ]

    /// The constant named `names[index]`, so fits and files can walk them in order.
    public subscript(index index: Int) -> Double {
        get {
            switch index {
            case 0: overhead
            case 1: layerOverhead
            case 2: prefillAttentionOverhead
            case 3: decodeAttentionOverhead
            case 4: prefixAttentionOverhead
            case 5: memoryEfficiency
            case 6: linearEfficiency
            case 7: rooflineSharpness
            case 8: attentionEfficiency
            default: prefixReadEfficiency
            }
        }
        set {
            switch index {
            case 0: overhead = newValue
            case 1: layerOverhead = newValue
            case 2: prefillAttentionOverhead = newValue
            case 3: decodeAttentionOverhead = newValue
            case 4: prefixAttentionOverhead = newValue
            case 5: memoryEfficiency = newValue
            case 6: linearEfficiency = newValue
            case 7: rooflineSharpness = newValue
            case 8: attentionEfficiency = newValue
            default: prefixReadEfficiency = newValue
            }
        }
    }
}

/// A link a KV cache can move over.
public enum GPULink: String, Sendable, Hashable, CaseIterable {
    /// GPU to host memory (swapping), PCIe: about 55 GB/s measured on both the H100 and the H200.
    case hostPCIe
    /// GPU to GPU in a node (migration), NVLink where there is one.
    case peer
}

/// Iteration time of one instance (a model on `tp` GPUs of one type) for a batch shape.
///
/// A roofline per part of the forward pass, after vidur's split of linear layers and attention,
/// with constants fitted to measured iterations (docs/cost-model.md):
///
///     t = overhead + layers·(layerOverhead + [prefill]·prefillAttentionOverhead
///                            + [decode]·decodeAttentionOverhead + [prefix]·prefixAttentionOverhead)
///       + ‖linear FLOPs / (F·linearEfficiency), weight bytes / (B·memoryEfficiency)‖_p   (layers, then LM head)
///       + activation bytes / (B·memoryEfficiency)
///       + causal-attention FLOPs / (F·attentionEfficiency)
///       + decode KV bytes / (B·memoryEfficiency)
///       + ‖prefix-attention FLOPs / (F·attentionEfficiency), prefix KV bytes / (B·prefixReadEfficiency)‖₂
///       + two ring all-reduces per layer when tensor-parallel
///
/// F and B are the GPU's measured matmul throughput and copy bandwidth; p is `rooflineSharpness`.
/// Simplifications: GEMM tile and wave quantization are smoothed over (they cause most of the
/// remaining ±5% errors); the tensor-parallel all-reduce is a bandwidth-plus-latency guess, not fitted.
public struct CostModel: Sendable, Hashable {
    public let gpu: GPUSpec
    public let model: ModelSpec
    public let tensorParallel: Int
    public let constants: CostConstants
    /// Everything a prediction reads, folded at construction.
    let terms: IterationTerms

    /// `allReduceLatency` is the fixed time of one all-reduce (two per layer when tensor-parallel):
    /// a 10 µs guess unless an engine calibration fitted it (`EngineCalibration.allReduceLatency`).
    public init(
        gpu: GPUSpec, model: ModelSpec, tensorParallel tp: Int = 1, constants: CostConstants = .default,
        allReduceLatency: Double = 10e-6
    ) {
        self.gpu = gpu
        self.model = model
        self.tensorParallel = tp
        self.constants = constants
        terms = IterationTerms(
            gpu: gpu, model: model, tensorParallel: tp, constants: constants, allReduceLatency: allReduceLatency)
    }

    /// Predicted iteration time in seconds.
    @inline(__always)
    public func seconds(_ b: BatchShape) -> Double { terms.seconds(b) }

    /// Predicted iteration time in simulated microseconds (at least 1).
    public func duration(_ b: BatchShape) -> SimTime {
        max(1, SimTime((seconds(b) * 1e6).rounded()))
    }

    /// Seconds to move the KV cache of `tokens` tokens over `link`: each of the `tp` ranks moves its
    /// share over its own link, after a fixed `setup` (block gathering, the copy's launch; an
    /// assumption, not measured).
    public func kvTransferSeconds(tokens: Int, over link: GPULink, setup: Double = 0.002) -> Double {
        let bytesPerRank = Double(tokens) * model.kvBytesPerToken / Double(tensorParallel)
        return setup + bytesPerRank / gpu.bandwidth(of: link)
    }

    /// `kvTransferSeconds` in simulated microseconds.
    public func kvTransferTime(tokens: Int, over link: GPULink, setup: Double = 0.002) -> SimTime {
        Time.seconds(kvTransferSeconds(tokens: tokens, over: link, setup: setup))
    }

    /// Time to move `bytes` of KV cache over a link of `bandwidth` bytes/s, with a fixed setup cost.
    public static func transferTime(bytes: Double, bandwidth: Double, setup: Double = 0.002) -> SimTime {
        Time.seconds(setup + bytes / bandwidth)
    }
}

/// The cost model's per-instance terms, in per-rank seconds: plain numbers only (no strings, no
/// arrays), so the simulator's once-per-iteration prediction reads them in place, with no copy
/// and no reference counting, and a prediction is a handful of multiplications and a few powers.
struct IterationTerms: Sendable, Hashable {
    let fixedSeconds: Double
    let perLayerPrefill: Double
    let perLayerDecode: Double
    let perLayerPrefix: Double
    let linearSecondsPerToken: Double
    let linearWeightSeconds: Double
    /// Seconds to read one expert's weights in every layer (0 for a dense model).
    let expertWeightSeconds: Double
    /// Experts per MoE layer, and 1 − (experts per token)/(experts): what
    /// `ModelSpec.expectedExpertsTouched` reads (0 for a dense model).
    let experts: Double
    let expertMiss: Double
    let headSecondsPerSequence: Double
    let headWeightSeconds: Double
    let activationSecondsPerToken: Double
    let attentionSecondsPerPair: Double
    let kvReadSecondsPerToken: Double
    let prefixReadSecondsPerToken: Double
    let sharpness: Double
    let inverseSharpness: Double
    let tensorParallel: Int
    let allReduceSecondsPerToken: Double
    let allReduceLatency: Double

    init(gpu: GPUSpec, model: ModelSpec, tensorParallel tp: Int, constants c: CostConstants, allReduceLatency: Double) {
        let ranks = Double(tp)
        let layers = Double(model.layers)
        // fp8 weights run W8A8 matmuls at the GPU's fp8 rate, where it has one.
        let flops = model.weightBytesPerParameter < 2 ? gpu.effectiveFP8Flops : gpu.effectiveFlops
        let bandwidth = gpu.effectiveBandwidth
        let linearFlops = flops * c.linearEfficiency
        let memory = bandwidth * c.memoryEfficiency
        fixedSeconds = c.overhead + layers * c.layerOverhead
        perLayerPrefill = layers * c.prefillAttentionOverhead
        perLayerDecode = layers * c.decodeAttentionOverhead
        perLayerPrefix = layers * c.prefixAttentionOverhead
        // A multiply-add is 2 FLOPs; every rank holds 1/tp of each matrix (of each expert too: vLLM
        // shards experts across tensor-parallel ranks unless expert parallelism is asked for).
        let weightBytes = model.weightBytesPerParameter
        linearSecondsPerToken = 2 * model.activeLayerParameters / ranks / linearFlops
        linearWeightSeconds = weightBytes * model.denseLayerParameters / ranks / memory
        expertWeightSeconds = weightBytes * model.expertParameters / ranks / memory
        experts = model.isMixtureOfExperts ? Double(model.experts) : 0
        expertMiss = model.isMixtureOfExperts ? 1 - Double(model.expertsPerToken) / Double(model.experts) : 0
        headSecondsPerSequence = 2 * model.headParameters / ranks / linearFlops
        headWeightSeconds = weightBytes * model.headParameters / ranks / memory
        activationSecondsPerToken = model.activationBytesPerToken(tensorParallel: tp) / memory
        // QKᵀ and AV: 2 matmuls × 2 FLOPs per multiply-add, per query head, per (query, key) pair.
        attentionSecondsPerPair =
            4 * Double(model.layers * model.queryHeads * model.headDim) / ranks
            / (gpu.effectiveFlops * c.attentionEfficiency)
        kvReadSecondsPerToken = model.kvBytesPerToken / ranks / memory
        prefixReadSecondsPerToken = model.kvBytesPerToken / ranks / (bandwidth * c.prefixReadEfficiency)
        sharpness = c.rooflineSharpness
        inverseSharpness = 1 / c.rooflineSharpness
        tensorParallel = tp
        if tp > 1 {
            // Ring all-reduce moves 2(TP−1)/TP of the activations, twice per layer.
            let perToken = 2 * layers * 2 * (ranks - 1) / ranks * Double(model.hidden) * 2
            allReduceSecondsPerToken = perToken / gpu.interconnectBandwidth
            self.allReduceLatency = 2 * layers * allReduceLatency
        } else {
            allReduceSecondsPerToken = 0
            self.allReduceLatency = 0
        }
    }

    /// ‖(a, b)‖_p: the roofline of two times, smoothed where they are close.
    @inline(__always)
    func roofline(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        let low = min(a, b)
        if low <= 0 { return high }
        return high * _pow(1 + _pow(low / high, sharpness), inverseSharpness)
    }

    /// Predicted iteration time in seconds (`CostModel.seconds`).
    @inline(__always)
    func seconds(_ b: BatchShape) -> Double {
        if b.isEmpty { return 0 }
        let tokens = Double(b.tokens)
        var t = fixedSeconds
        if b.prefillSeqs > 0 { t += perLayerPrefill }
        if b.decodeSeqs > 0 { t += perLayerDecode }
        var weights = linearWeightSeconds
        if expertWeightSeconds > 0 { weights += expertWeightSeconds * expectedExpertsTouched(tokens: tokens) }
        t += roofline(linearSecondsPerToken * tokens, weights)
        // Logits for one token per sequence, and for every draft token a speculative decode verifies.
        t += roofline(
            headSecondsPerSequence * Double(b.prefillSeqs + b.decodeSeqs + b.draftTokens), headWeightSeconds)
        t += activationSecondsPerToken * tokens
        t += attentionSecondsPerPair * 0.5 * b.prefillSquares
        t += kvReadSecondsPerToken * Double(b.decodeContextTokens)
        if b.prefillPrefixTokens > 0 {
            let compute = attentionSecondsPerPair * b.prefillPrefixProduct
            let read = prefixReadSecondsPerToken * Double(b.prefillPrefixTokens)
            t += perLayerPrefix + (compute * compute + read * read).squareRoot()
        }
        if tensorParallel > 1 { t += allReduceLatency + allReduceSecondsPerToken * tokens }
        return t
    }

    /// `ModelSpec.expectedExpertsTouched`, on the folded constants (same operations, same result).
    @inline(__always)
    func expectedExpertsTouched(tokens: Double) -> Double {
        guard experts > 0, tokens > 0 else { return 0 }
        return experts * (1 - _pow(expertMiss, tokens))
    }
}
