/// Agentic workflows: a user query that becomes a chain of LLM calls in stages.
public enum WorkflowKind: String, Sendable, Hashable, CaseIterable {
    /// The CHESS Text-to-SQL pipeline on BIRD, as HexGen-Text2SQL schedules it.
    case text2sql
}

/// A stream of workflows (`workflow: text2sql` in a scenario's workload): each arrival is one user
/// query, and its deadline is `slo_scale` times the expected latency of a standard workflow on
/// the cluster (HexGen's SLO scale), or `deadline_s` when given.
public struct WorkflowSpec: Sendable, Hashable {
    public var kind: WorkflowKind
    public var sloScale: Double
    public var deadlineSeconds: Double?

    public init(kind: WorkflowKind = .text2sql, sloScale: Double = 5, deadlineSeconds: Double? = nil) {
        self.kind = kind
        self.sloScale = sloScale
        self.deadlineSeconds = deadlineSeconds
    }

    /// Longest prompt plus output a call may need (the model's context must hold it).
    public static let maxCallTokens = Text2SQLStage.allCases.map { Int($0.prompt.upperBound + $0.output.upperBound) }
        .max()!
}

/// The stage types of a Text-to-SQL workflow and the lengths of their calls.
///
/// Stage shapes from HexGen-Flow's traces (`Text2SQLRequest`, https://github.com/Relaxed-System-Lab/Hexgen-Flow;
/// the CHESS pipeline of https://huggingface.co/datasets/fredpeng/Text2SQL_Workflow_Trace):
/// keyword extraction (~670 in / ~45 out), information retrieval
/// (~306 / ~7), SQL candidate generation (10–12k / 600–740), revision (6–8k / 80–190), unit-test
/// generation (~1.1k / ~100), evaluation (~1k / ~30) and the final selection (~275 / ~5). Lengths
/// are drawn uniformly in these ranges.
public enum Text2SQLStage: UInt8, Sendable, CaseIterable {
    case keywordExtraction, informationRetrieval, candidateGeneration, revision, unitTestGeneration, evaluation,
        selection

    public var name: String {
        switch self {
        case .keywordExtraction: "keyword_extraction"
        case .informationRetrieval: "information_retrieval"
        case .candidateGeneration: "candidate_generation"
        case .revision: "revision"
        case .unitTestGeneration: "unit_test_generation"
        case .evaluation: "evaluation"
        case .selection: "selection"
        }
    }

    var prompt: ClosedRange<Int32> {
        switch self {
        case .keywordExtraction: 600...740
        case .informationRetrieval: 280...330
        case .candidateGeneration: 10000...12000
        case .revision: 6000...8000
        case .unitTestGeneration: 1000...1200
        case .evaluation: 900...1100
        case .selection: 250...300
        }
    }

    var output: ClosedRange<Int32> {
        switch self {
        case .keywordExtraction: 35...55
        case .informationRetrieval: 5...9
        case .candidateGeneration: 600...740
        case .revision: 80...190
        case .unitTestGeneration: 80...120
        case .evaluation: 25...35
        case .selection: 4...6
        }
    }
}

/// The steps of one Text-to-SQL workflow: each step is one stage's calls, released together when
/// every call of the step before has completed (only candidate generation and evaluation fan out,
/// as in HexGen-Flow's `_initialize_stages`).
///
/// Steps: keyword extraction; four sequential information-retrieval calls; two parallel SQL
/// candidates; 0–9 sequential revisions; unit-test generation; 4–6 parallel evaluations; selection.
/// So 13–24 calls, 18.5 on average (the traces show 16–21).
public struct Text2SQLPlan: Sendable, Hashable {
    public var revisions: Int32
    public var evaluations: Int32

    /// HexGen's standard template: the mean numbers of revisions and evaluations.
    public static let standard = Text2SQLPlan(revisions: 4, evaluations: 5)

    public init(revisions: Int32, evaluations: Int32) {
        self.revisions = revisions
        self.evaluations = evaluations
    }

    public var stepCount: Int32 { 9 + revisions }

    /// Stage and number of parallel calls of step `k`.
    public func step(_ k: Int32) -> (stage: Text2SQLStage, calls: Int32) {
        switch k {
        case 0: return (.keywordExtraction, 1)
        case 1...4: return (.informationRetrieval, 1)
        case 5: return (.candidateGeneration, 2)
        case let k where k < 6 + revisions: return (.revision, 1)
        case let k where k == 6 + revisions: return (.unitTestGeneration, 1)
        case let k where k == 7 + revisions: return (.evaluation, evaluations)
        default: return (.selection, 1)
        }
    }

    public var callCount: Int32 { (0..<stepCount).reduce(0) { $0 + step($1).calls } }
}

/// One workflow in flight.
public struct Workflow: Sendable {
    /// The n-th workflow of the run.
    public var serial: Int64
    public var stream: Int16
    public var tenant: Int16
    public var arrival: SimTime
    public var deadline: SimTime
    public var plan: Text2SQLPlan
    /// The step whose calls are out, and how many of them are not done.
    public var step: Int32 = -1
    public var outstanding: Int32 = 0
    /// Calls released so far (numbers each call for its prediction noise).
    public var calls: Int32 = 0
    /// A call was rejected: no further step is released, and the workflow misses its deadline.
    public var failed = false
    /// The workflow's own lengths, so they do not depend on the order calls complete in.
    var random: RandomStream
}

/// Workflows in a dense array with recycled slots, like `RequestTable`.
public struct WorkflowTable: Sendable {
    public private(set) var slots: [Workflow] = []
    var freeSlots: [Int32] = []
    var live: [Bool] = []

    public init() {}

    public var liveCount: Int { slots.count - freeSlots.count }

    public subscript(_ id: Int32) -> Workflow {
        get { slots[Int(id)] }
        _modify { yield &slots[Int(id)] }
    }

    public func isLive(_ id: Int32) -> Bool { live[Int(id)] }

    mutating func insert(_ w: Workflow) -> Int32 {
        if let slot = freeSlots.popLast() {
            slots[Int(slot)] = w
            live[Int(slot)] = true
            return slot
        }
        slots.append(w)
        live.append(true)
        return Int32(slots.count - 1)
    }

    mutating func remove(_ id: Int32) {
        live[Int(id)] = false
        freeSlots.append(id)
    }
}

/// The workflows of a run: the table, and each workflow stream's expected stage latencies on the
/// cluster (HexGen's `T̄(s)`: the mean over the cluster's instance types of a stage's mean call,
/// alone, from the cost model), from which deadlines and stage deadlines follow.
public struct WorkflowBook: Sendable {
    public internal(set) var table = WorkflowTable()
    /// Per stream (empty for request streams): seconds per `Text2SQLStage`.
    public internal(set) var stageSeconds: [[Double]] = []
    var nextSerial: Int64 = 0

    public init() {}

    /// Expected seconds of the steps of `plan` from `first` on, for stream `s`.
    func remainingSeconds(stream s: Int, plan: Text2SQLPlan, from first: Int32) -> Double {
        var total = 0.0
        var k = first
        while k < plan.stepCount {
            total += stageSeconds[s][Int(plan.step(k).stage.rawValue)]
            k += 1
        }
        return total
    }

    /// The standard workflow's expected latency on the cluster for stream `s` (HexGen's base SLO).
    public func baseSeconds(stream s: Int) -> Double {
        remainingSeconds(stream: s, plan: .standard, from: 0)
    }
}
