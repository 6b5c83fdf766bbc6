/// The order in which an instance admits waiting requests: FCFS, or a classic scheduling rule.
///
/// After the classic rules and HexGen's queue (docs/policies.md §3). Every rule is a key, smallest
/// first, evaluated at each
/// admission decision over the whole `waiting` queue (so time-dependent keys are always current,
/// and a policy switch re-orders the queue at the next decision); admission stays head-of-line:
/// the best request that does not fit stops admission for the iteration, as in vLLM and Sarathi.
/// `p` is the request's estimated remaining work on this instance: its pending prompt tokens at the
/// instance's prefill speed plus its predicted remaining output (`Request.predictedOutput`, noisy)
/// times the instance's decode step at its current batch size, both from the cost model.
/// `d` is the request's deadline (`Request.deadline`).
/// * `edd`, earliest due date (Jackson 1955): key `d`. Minimises the maximum lateness on one machine.
/// * `mdd`, modified due date (Baker & Bertrand 1982): key `max(d, t + p)`. Like SPT when every
///   request is late, like EDD when there is slack; a strong rule for total tardiness.
/// * `srpt`, shortest remaining processing time (Schrage 1968) on predicted sizes, with aging:
///   key `p − w·(t − arrival)` (`srpt_aging` = w) so long requests do not starve.
/// * `urgency`, HexGen's urgency-guided queue (https://arxiv.org/abs/2505.05286, `update_urgency`):
///   key = slack `d − t − p`,
///   least slack first (HexGen's urgency `elapsed + T_i − D` is its negative).
///
/// Simplified: preemption victims stay the most recently admitted request (vLLM's rule) whatever
/// the order; keys use the cost model's estimate of one request alone, not a profiled table.
public enum QueueOrder: String, Sendable, Hashable, CaseIterable {
    case fcfs, edd, mdd, srpt, urgency

    /// Log-space σ of the output-length predictor's error; the engine reads it for every request's
    /// prediction (`Simulation.annotate`), which the orders other than FCFS and EDD rely on.
    public static let predictionErrorParameter = PolicyParameter.number(
        "prediction_error", default: 0.5, in: 0...4, help: "log-space sigma of the output-length predictor's error")
    /// SRPT's aging weight.
    public static let agingParameter = PolicyParameter.number(
        "srpt_aging", default: 0.1, in: 0...1000, help: "seconds of priority gained per second waited")

    /// What `clustertop policies` says about the order as a local policy id (on vLLM v1's
    /// mechanics); nil for FCFS, which is no id of its own.
    public var declaration: PolicyDeclaration? {
        switch self {
        case .fcfs: nil
        case .edd:
            PolicyDeclaration(
                id: "edd", scope: .local,
                summary:
                    "earliest deadline first (waiting queue), on vllm-v1 mechanics; also sarathi+edd, vllm-v0+edd",
                source: "Jackson 1955 (EDD)", parameters: [QueueOrder.predictionErrorParameter])
        case .mdd:
            PolicyDeclaration(
                id: "mdd", scope: .local,
                summary:
                    "modified due date max(d, t + p) first, on vllm-v1 mechanics; also sarathi+mdd, vllm-v0+mdd",
                source: "Baker & Bertrand 1982 (MDD)", parameters: [QueueOrder.predictionErrorParameter])
        case .srpt:
            PolicyDeclaration(
                id: "srpt", scope: .local,
                summary:
                    "shortest predicted remaining work first, with aging, on vllm-v1 mechanics; also sarathi+srpt",
                source: "Schrage 1968 (SRPT), with predicted output lengths",
                parameters: [QueueOrder.predictionErrorParameter, QueueOrder.agingParameter])
        case .urgency:
            PolicyDeclaration(
                id: "urgency", scope: .local,
                summary:
                    "least slack d - t - p first (HexGen's urgency queue), on vllm-v1 mechanics; also sarathi+urgency",
                source: "HexGen-Text2SQL (Peng et al., arXiv 2505.05286) local urgency-guided queue",
                parameters: [QueueOrder.predictionErrorParameter])
        }
    }
}

/// A queue order with its parameter.
public struct OrderRule: Sendable, Hashable {
    public var order: QueueOrder
    /// SRPT aging weight w: seconds of priority a request gains per second it waits.
    public var aging: Double

    public static let fcfs = OrderRule(order: .fcfs, aging: 0)

    public init(order: QueueOrder, aging: Double = QueueOrder.agingParameter.defaultValue) {
        self.order = order
        self.aging = aging
    }

    public init(order: QueueOrder, params: PolicyParams) throws {
        self.order = order
        aging = try params.number(QueueOrder.agingParameter)
    }
}

/// Per-instance speeds for the order keys, from the cost model (µs).
struct WorkRates {
    var prefillPerToken: Double
    var decodeStep: Double

    init(_ inst: Instance) {
        var prefill = BatchShape()
        prefill.addPrefill(tokens: 512, cached: 0)
        prefillPerToken = inst.cost.seconds(prefill) * 1e6 / 512
        var decode = BatchShape()
        decode.decodeSeqs = max(1, inst.running.count)
        decode.decodeContextTokens = decode.decodeSeqs * 1024
        decodeStep = inst.cost.seconds(decode) * 1e6
    }

    /// Estimated remaining work of `r`, µs.
    func remaining(_ r: Request) -> Double {
        let output = Double(max(1, r.predictedOutput - r.generatedTokens))
        return Double(r.pendingTokens) * prefillPerToken + output * decodeStep
    }
}

extension Instance {
    /// The position in `waiting` of the request `rule` admits next (0 for FCFS).
    func nextWaiting(_ rule: OrderRule, _ requests: RequestTable, now: SimTime) -> Int {
        if rule.order == .fcfs || waiting.count < 2 { return 0 }
        let needsWork = rule.order != .edd
        let rates = needsWork ? WorkRates(self) : WorkRates.zero
        let t = Double(now)
        var best = 0
        var bestKey = Double.infinity
        for (position, id) in waiting.enumerated() {
            let r = requests[id]
            let d = r.deadline >= 0 ? Double(r.deadline) : Double.greatestFiniteMagnitude
            let key: Double
            switch rule.order {
            case .fcfs: key = Double(position)
            case .edd: key = d
            case .mdd: key = max(d, t + rates.remaining(r))
            case .srpt: key = rates.remaining(r) - rule.aging * (t - Double(r.arrival))
            case .urgency: key = d - t - rates.remaining(r)
            }
            if key < bestKey {
                bestKey = key
                best = position
            }
        }
        return best
    }
}

extension WorkRates {
    static let zero = WorkRates(prefillPerToken: 0, decodeStep: 0)

    init(prefillPerToken: Double, decodeStep: Double) {
        self.prefillPerToken = prefillPerToken
        self.decodeStep = decodeStep
    }
}
