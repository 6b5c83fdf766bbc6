/// What one serving iteration computes, summed so the cost model runs in constant time.
///
/// A batch is a set of requests j, each processing `q_j` new tokens on top of `c_j` cached ones:
/// a prefill chunk (`q_j` = chunk length, `c_j` = its cached prefix) or a decode (`q_j` = 1,
/// `c_j` = its context).
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

    public init() {}

    /// Tokens through the linear layers.
    public var tokens: Int { prefillTokens + decodeSeqs }
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
}

/// The fitted constants of the cost model for one GPU type; each has a physical meaning.
public struct CostConstants: Sendable, Hashable, Codable {
    /// Fixed time per iteration (scheduling, launches, sampling), seconds.
    public var overhead: Double
    /// Fraction of the effective matmul throughput reached by the linear layers on large batches.
    public var linearEfficiency: Double
    /// Tokens at which the linear layers reach half of `linearEfficiency` (small GEMMs are inefficient).
    public var linearHalfTokens: Double
    /// Fraction of effective memory bandwidth reached when streaming weights and KV.
    public var memoryEfficiency: Double
    /// Fraction of the effective matmul throughput reached by attention.
    public var attentionEfficiency: Double
    /// Extra time per sequence in the batch (per-request kernels, metadata), seconds.
    public var perSequence: Double

    public init(
        overhead: Double, linearEfficiency: Double, linearHalfTokens: Double, memoryEfficiency: Double,
        attentionEfficiency: Double, perSequence: Double
    ) {
        self.overhead = overhead
        self.linearEfficiency = linearEfficiency
        self.linearHalfTokens = linearHalfTokens
        self.memoryEfficiency = memoryEfficiency
        self.attentionEfficiency = attentionEfficiency
        self.perSequence = perSequence
    }

    /// Defaults for any GPU without a fit of its own (research/policies.md §7.2 starting points).
    public static let `default` = CostConstants(
        overhead: 0.0015, linearEfficiency: 0.85, linearHalfTokens: 64, memoryEfficiency: 0.92,
        attentionEfficiency: 0.45, perSequence: 0.000002)
}

/// Iteration time of one instance (a model on `tp` GPUs of one type) for a batch shape.
///
/// Roofline per part, after research/policies.md §7.2 and vidur's split of linear layers and
/// attention: the linear layers cost the larger of their FLOPs and their weight reads; attention
/// costs the larger of its FLOPs and its KV reads; a fixed overhead and a per-sequence cost are
/// added, and two ring all-reduces per layer when tensor-parallel.
public struct CostModel: Sendable, Hashable {
    public let gpu: GPUSpec
    public let model: ModelSpec
    public let tensorParallel: Int
    public let constants: CostConstants

    // Per-rank quantities, precomputed so that a prediction is a handful of multiplications.
    let linearFlopsPerToken: Double
    let headFlopsPerSequence: Double
    let weightBytes: Double
    let attentionFlopsPerPair: Double
    let kvBytesPerToken: Double
    let flops: Double
    let bandwidth: Double
    let allReduceSecondsPerToken: Double
    let allReduceLatency: Double

    public init(gpu: GPUSpec, model: ModelSpec, tensorParallel tp: Int = 1, constants: CostConstants = .default) {
        self.gpu = gpu
        self.model = model
        self.tensorParallel = tp
        self.constants = constants
        let ranks = Double(tp)
        linearFlopsPerToken = 2 * model.layerParameters / ranks
        headFlopsPerSequence = 2 * model.headParameters / ranks
        weightBytes = 2 * (model.layerParameters + model.headParameters) / ranks
        // QKᵀ and AV: 2 matmuls × 2 FLOPs per multiply-add, per query head, per (query, key) pair.
        attentionFlopsPerPair = 4 * Double(model.layers * model.queryHeads * model.headDim) / ranks
        kvBytesPerToken = model.kvBytesPerToken / ranks
        flops = gpu.effectiveFlops
        // The measured copy figure counts bytes read plus written; a read-only stream gets all of it.
        bandwidth = gpu.effectiveBandwidth
        if tp > 1 {
            // Ring all-reduce moves 2(TP−1)/TP of the activations, twice per layer.
            let perToken = 2 * Double(model.layers) * 2 * (ranks - 1) / ranks * Double(model.hidden) * 2
            allReduceSecondsPerToken = perToken / gpu.interconnectBandwidth
            allReduceLatency = 2 * Double(model.layers) * 10e-6
        } else {
            allReduceSecondsPerToken = 0
            allReduceLatency = 0
        }
    }

    /// Predicted iteration time in seconds.
    public func seconds(_ b: BatchShape) -> Double {
        if b.isEmpty { return 0 }
        let c = constants
        let tokens = Double(b.tokens)
        let sequences = Double(b.prefillSeqs + b.decodeSeqs)
        let gemmEfficiency = c.linearEfficiency * tokens / (tokens + c.linearHalfTokens)
        let linearCompute = (linearFlopsPerToken * tokens + headFlopsPerSequence * sequences) / (flops * gemmEfficiency)
        let linearMemory = weightBytes / (bandwidth * c.memoryEfficiency)
        let pairs = b.prefillPrefixProduct + b.prefillSquares / 2 + Double(b.decodeContextTokens)
        let attentionCompute = attentionFlopsPerPair * pairs / (flops * c.attentionEfficiency)
        let kvTokens = Double(b.prefillPrefixTokens + b.prefillTokens + b.decodeContextTokens)
        let attentionMemory = kvBytesPerToken * kvTokens / (bandwidth * c.memoryEfficiency)
        let communication = tensorParallel > 1 ? allReduceLatency + allReduceSecondsPerToken * tokens : 0
        return c.overhead + c.perSequence * sequences + max(linearCompute, linearMemory)
            + max(attentionCompute, attentionMemory) + communication
    }

    /// Predicted iteration time in simulated microseconds (at least 1).
    public func duration(_ b: BatchShape) -> SimTime {
        max(1, SimTime((seconds(b) * 1e6).rounded()))
    }

    /// Time to move `bytes` of KV cache over a link of `bandwidth` bytes/s, with a fixed setup cost.
    public static func transferTime(bytes: Double, bandwidth: Double, setup: Double = 0.002) -> SimTime {
        Time.seconds(setup + bytes / bandwidth)
    }
}
