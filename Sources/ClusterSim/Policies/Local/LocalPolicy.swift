/// A per-instance scheduler: called once per iteration, it picks the batch (research/policies.md §1).
///
/// Adding a policy means one file with its struct and one case here.
public enum LocalPolicy: Sendable, Hashable {
    case vllmV0(VLLMv0)
    case sarathi(Sarathi)

    /// Every local policy id, in the order the dashboard cycles through them.
    public static let ids = ["vllm-v0", "sarathi"]

    /// The policy with its default parameters, or nil for an unknown id.
    public init?(id: String, params: PolicyParams = PolicyParams()) throws {
        switch id {
        case "vllm-v0": self = .vllmV0(try VLLMv0(params: params))
        case "sarathi": self = .sarathi(try Sarathi(params: params))
        default: return nil
        }
    }

    public var id: String {
        switch self {
        case .vllmV0: "vllm-v0"
        case .sarathi: "sarathi"
        }
    }

    /// Forms the next batch on `instance` into `instance.batch`, admitting and preempting as the policy does.
    func formBatch(_ instance: inout Instance, _ requests: inout RequestTable, now: SimTime) -> BatchShape {
        switch self {
        case .vllmV0(let p): p.formBatch(&instance, &requests, now: now)
        case .sarathi(let p): p.formBatch(&instance, &requests, now: now)
        }
    }
}

/// Named numeric parameters of a policy (`policy.params` in a scenario).
public struct PolicyParams: Sendable, Hashable {
    public var values: [String: Double]
    public init(_ values: [String: Double] = [:]) { self.values = values }

    /// The value of `key`, or `fallback`; checks that it is a whole number within `range`.
    public func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let v = values[key] else { return fallback }
        guard v == v.rounded(), v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            throw PolicyParamError(key: key, message: "expected a whole number in \(range.lowerBound)...\(range.upperBound), got \(v)")
        }
        return Int(v)
    }

    /// The value of `key`, or `fallback`; checks that it is within `range`.
    public func number(_ key: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let v = values[key] else { return fallback }
        guard range.contains(v) else {
            throw PolicyParamError(key: key, message: "expected a number in \(range.lowerBound)...\(range.upperBound), got \(v)")
        }
        return v
    }
}

public struct PolicyParamError: Error, Sendable {
    public var key: String
    public var message: String
}

// MARK: - Mechanics shared by the local policies

extension Instance {
    /// Hands `tokens` new tokens of request `id` to this iteration and adds them to the batch shape.
    mutating func schedule(_ id: Int32, tokens: Int32, _ requests: inout RequestTable, now: SimTime, shape: inout BatchShape) {
        batch.append(BatchEntry(request: id, tokens: tokens))
        let r = requests[id]
        if r.isDecoding {
            shape.addDecode(context: Int(r.computedTokens))
        } else {
            shape.addPrefill(tokens: Int(tokens), cached: Int(r.computedTokens))
        }
        if r.firstScheduled < 0 { requests[id].firstScheduled = now }
    }

    /// Blocks request `id` must still get to hold `tokens` tokens of KV.
    func blocksNeeded(_ id: Int32, tokens: Int32, _ requests: RequestTable) -> Int32 {
        max(0, KVCache.blocksFor(tokens: tokens) - requests[id].blocks)
    }

    mutating func grant(_ n: Int32, to id: Int32, _ requests: inout RequestTable) {
        kv.allocate(n)
        requests[id].blocks += n
    }

    /// Moves the head of `waiting` to the end of `running`, with the blocks it was granted.
    mutating func admitHead(blocks n: Int32, _ requests: inout RequestTable, now: SimTime) -> Int32 {
        let id = waiting.removeFirst()
        grant(n, to: id, &requests)
        requests[id].phase = .running
        requests[id].admittedAt = now
        running.append(id)
        return id
    }

    /// Recompute preemption of the most recently admitted running request (vLLM v0 and v1,
    /// research/policies.md §2.2): its blocks are freed, its progress is dropped, and it returns to
    /// the front of `waiting`. Returns the victim.
    mutating func preemptYoungest(_ requests: inout RequestTable) -> Int32 {
        let victim = running.removeLast()
        kv.release(requests[victim].blocks)
        requests[victim].blocks = 0
        requests[victim].computedTokens = 0
        requests[victim].phase = .waiting
        requests[victim].preemptions += 1
        waiting.prepend(victim)
        preemptions += 1
        return victim
    }

    /// Gives every decoding request in `running` its one token, in admission order, preempting the
    /// youngest running request whenever a new KV block is missing (the victim may be the request
    /// itself, which ends the pass). Stops when `budget` decode tokens are used. Returns tokens used.
    mutating func scheduleDecodes(
        _ requests: inout RequestTable, now: SimTime, budget: Int32, shape: inout BatchShape
    ) -> Int32 {
        var used: Int32 = 0
        var i = 0
        while i < running.count && used < budget {
            let id = running[i]
            let r = requests[id]
            guard r.isDecoding else {
                i += 1
                continue
            }
            let need = blocksNeeded(id, tokens: r.computedTokens + 1, requests)
            var selfPreempted = false
            while need > kv.freeBlocks {
                if preemptYoungest(&requests) == id {
                    selfPreempted = true
                    break
                }
            }
            if selfPreempted { break }
            grant(need, to: id, &requests)
            schedule(id, tokens: 1, &requests, now: now, shape: &shape)
            used += 1
            i += 1
        }
        return used
    }
}
