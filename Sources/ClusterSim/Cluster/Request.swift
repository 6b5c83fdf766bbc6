/// Where a request is in its life.
public enum RequestPhase: UInt8, Sendable {
    /// In an instance's waiting queue (new, or preempted and waiting to be recomputed).
    case waiting
    /// Admitted to an instance's running batch.
    case running
    /// Waiting for an instance to exist (every instance that could serve it has failed).
    case unassigned
}

/// One LLM request, as the simulator tracks it.
///
/// Token accounting follows vLLM v1: `computedTokens` have KV in the cache, the request holds
/// `promptTokens + generatedTokens` tokens, and each iteration hands it `q` new tokens to compute;
/// when the computed count catches up with the held count, the iteration samples one output
/// token. A fresh prompt, a chunk of it, a decode step and the recomputation after a preemption are
/// all the same rule.
public struct Request: Sendable {
    // Stored properties lie in memory in the order written: what every iteration reads and writes
    // comes first, within 64 bytes, which `RequestSlots` keeps in one cache line, so a batch's
    // pass over its scattered requests loads one line of each (`RequestTable.prefetch`). The
    // order also packs a request into 128 bytes: two lines.
    public var computedTokens: Int32 = 0
    public var generatedTokens: Int32 = 0
    public var promptTokens: Int32
    /// The true output length (hidden from policies that do not predict it).
    public var outputTokens: Int32
    public var lastToken: SimTime = -1
    public var firstToken: SimTime = -1
    /// KV blocks this request holds on its instance.
    public var blocks: Int32 = 0
    public var phase: RequestPhase = .waiting
    /// Live migration state.
    public var migration: MigrationPhase = .none
    public var priority: Priority
    /// The workflow stage of the call (`Text2SQLStage` raw value).
    public var stage: UInt8 = 0
    public var tenant: Int16
    /// The workload stream it came from (it names the model the request needs).
    public var stream: Int16
    public var instance: Int32 = -1
    /// First time it was handed tokens to compute, or -1.
    public var firstScheduled: SimTime = -1
    public var arrival: SimTime

    /// Dense arrival index: the n-th request that arrived in the run.
    public var serial: Int64
    /// Position in its instance's admission order (larger = admitted later).
    public var admittedAt: SimTime = 0

    // Policy state (Policies/): deadlines, predictions, workflows, migration, prefix caching.
    /// When it should be done, µs, as a scheduler can know it: its tenant's SLO stretched over its
    /// predicted length, or its workflow stage's deadline (HexGen). Deadline-aware queue orders
    /// (EDD, MDD, urgency) read it; lateness is judged on the true length
    /// (`Simulation.objectiveDeadline`).
    public var deadline: SimTime = -1
    /// The output length a predictor would give (noisy: `prediction_error`); policies read this,
    /// never `outputTokens`.
    public var predictedOutput: Int32 = 1
    /// The agentic workflow it is a call of (a slot of `Simulation.workflows`), or -1.
    public var workflow: Int32 = -1
    /// Estimated seconds of work it brought to its instance (HexGen's backlog W_i).
    public var workEstimate: Float = 0
    /// KV blocks swapped out to its instance's CPU tier by a swap preemption (`KVTiers`), to be
    /// copied back at re-admission; its `computedTokens` are kept meanwhile.
    public var swappedBlocks: Int32 = 0
    /// Leading KV blocks that are shared prefix-cache entries (counted in `blocks` too), the
    /// entry of the last of them, and whether no more of its blocks may become entries.
    public var prefixBlocks: Int32 = 0
    public var prefixEntry: Int32 = -1
    /// Times it was preempted.
    public var preemptions: Int32 = 0
    /// The shareable prefix of its prompt (for prefix caching and prefix-aware routing).
    public var prefix: PrefixRef = .none
    public var prefixSealed = false

    public init(
        serial: Int64, arrival: SimTime, promptTokens: Int32, outputTokens: Int32, tenant: Int16, stream: Int16,
        priority: Priority, prefix: PrefixRef = .none
    ) {
        self.serial = serial
        self.arrival = arrival
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.tenant = tenant
        self.stream = stream
        self.priority = priority
        self.prefix = prefix
    }

    /// Tokens the request holds: its prompt and what it has generated so far.
    public var heldTokens: Int32 { promptTokens + generatedTokens }
    /// Tokens still to compute before the next output token.
    public var pendingTokens: Int32 { heldTokens - computedTokens }
    /// True while the request decodes one token per iteration (its prompt, or recomputation, is done).
    public var isDecoding: Bool { generatedTokens > 0 && pendingTokens == 1 }
}

/// A request's priority class (Llumnix distinguishes high-priority requests).
public enum Priority: Int8, Sendable, CaseIterable {
    case low = 0, normal = 1, high = 2

    public var name: String {
        switch self {
        case .low: "low"
        case .normal: "normal"
        case .high: "high"
        }
    }
}

/// Requests in dense, cache-line-aligned slots (`RequestSlots`) indexed by `Int32`, with recycled
/// slots: no dictionary and no per-request allocation on the hot path; a finished request's slot
/// is reused.
public struct RequestTable: Sendable {
    public private(set) var slots = RequestSlots()
    var freeSlots: [Int32] = []
    var live: [Bool] = []

    public init() {}

    /// Slot `id` holds a request that has not finished or been rejected (a freed slot keeps its
    /// last request's fields until it is reused).
    public func isLive(_ id: Int32) -> Bool { live[Int(id)] }

    /// Requests currently stored (arrived and not finished or rejected).
    public var liveCount: Int { slots.count - freeSlots.count }

    public subscript(_ id: Int32) -> Request {
        get { slots[Int(id)] }
        _modify { yield &slots[Int(id)] }
    }

    /// Stores `r` in the most recently freed slot; a full table grows first (`addSlots`).
    public mutating func insert(_ r: Request) -> Int32 {
        if freeSlots.isEmpty { addSlots() }
        let slot = freeSlots.removeLast()
        slots[Int(slot)] = r
        live[Int(slot)] = true
        return slot
    }

    /// Grows the table by a run of slots (16 at first, then as many as it holds, at most
    /// `largestRun`) and frees them in bit-reversed order: the k-th request stored after it goes
    /// to slot `start + reverse(k)`, not `start + k`.
    ///
    /// A least-outstanding router sends a request where the load just dropped, so at N instances
    /// the slot an instance frees is the next one it fills, and each instance keeps the slots it
    /// filled as the cluster warmed up: those of every N-th request. In order, at N a power of two,
    /// those were slots N apart: a batch's requests in one set of every cache level (at 4,096
    /// instances, 512 KB apart), whose prefetched lines evicted each other before they were read.
    /// Bit-reversed, every N-th request of a run lands in one contiguous stretch of it. (Runs
    /// stop doubling at `largestRun`, so the slots never used stay under 8 MB.)
    private mutating func addSlots() {
        let start = slots.count
        let count = Swift.max(16, Swift.min(start, RequestTable.largestRun))
        let bits = count.trailingZeroBitCount
        // A slot never used holds no request: serial and arrival -1, no tokens.
        let vacant = Request(
            serial: -1, arrival: -1, promptTokens: 0, outputTokens: 0, tenant: 0, stream: 0, priority: .normal)
        for _ in 0..<count {
            slots.append(vacant)
            live.append(false)
        }
        // Pushed last-out first: the free list hands out its last entry.
        for k in (0..<count).reversed() {
            var reversed = 0
            for b in 0..<bits where k & (1 << b) != 0 { reversed |= 1 << (bits - 1 - b) }
            freeSlots.append(Int32(start + reversed))
        }
    }

    /// The most slots the table grows by at once (a power of two, as every run is).
    static let largestRun = 1 << 16

    /// How many entries ahead a loop over scattered requests prefetches (enough to cover a miss).
    static let prefetchDistance = 32

    /// Hints that request `id` will be read soon: the cache line of its per-iteration fields
    /// starts loading while the caller works on others. A hint only (nothing observable changes);
    /// at thousands of instances the table outgrows the CPU's caches and a batch's slots are
    /// scattered over it.
    @inline(__always)
    func prefetch(_ id: Int32) { slots.prefetch(Int(id)) }

    public mutating func remove(_ id: Int32) {
        live[Int(id)] = false
        freeSlots.append(id)
    }
}
