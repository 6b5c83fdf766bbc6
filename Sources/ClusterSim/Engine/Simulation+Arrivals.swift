/// How requests enter the run: a stream's arrival event draws a request (or starts a workflow,
/// `Simulation+Workflows.swift`, whose calls arrive the same way) and schedules the stream's next
/// arrival; every new request, whatever its source, goes through `arrive`.
extension Simulation {
    /// Puts stream `s`'s pending arrival in the queue, unless it falls after arrivals end.
    mutating func scheduleArrival(_ s: Int32) {
        let t = streams[Int(s)].pendingTime(multiplier: rateMultiplier)
        if t < min(arrivalEnd, streams[Int(s)].windowEnd) {
            queue.push(at: t, .arrival, target: s, generation: streams[Int(s)].generation)
        }
    }

    /// Stream `s`'s arrival: a request, or a workflow that releases its first step's calls; then
    /// the stream's next arrival is drawn and scheduled.
    mutating func handleArrival(_ s: Int32, generation: UInt32) {
        let si = Int(s)
        guard streams[si].generation == generation else { return }
        if now < streams[si].windowStart {
            // Before the stream's window (`start_s`): the draw is spent, nobody is sent.
        } else if scenario.workload[si].workflow != nil {
            startWorkflow(stream: s)
        } else {
            let (prompt, output, prefix) = streams[si].drawRequest()
            var request = newRequest(stream: s, prompt: prompt, output: output)
            request.prefix = prefix
            let id = arrive(request, key: requestKey(stream: si))
            // The API server's time (EngineCalibration.requestOverhead) counts from the client's send:
            // the request reached the engine that long after it left the client.
            if requests[id].phase == .waiting, requests[id].instance >= 0, requests[id].serial == request.serial {
                let api = instances[Int(requests[id].instance)].engine.requestOverhead
                if api > 0 { requests[id].arrival -= Time.seconds(api) }
            }
        }
        streams[si].pendingBase = streams[si].drawGap()
        streams[si].anchor = now
        streams[si].generation &+= 1
        scheduleArrival(s)
    }

    /// A request of stream `s` arriving now, under the stream's tenant and its priority, numbered
    /// with the next serial (which `arrive` takes).
    func newRequest(stream s: Int32, prompt: Int32, output: Int32) -> Request {
        let tenant = streams[Int(s)].tenant
        return Request(
            serial: nextSerial, arrival: now, promptTokens: prompt, outputTokens: output, tenant: tenant,
            stream: Int16(s), priority: scenario.tenants[Int(tenant)].priority)
    }

    /// The one way a new request enters the run (a stream's request or a workflow's call): it gets
    /// what policies read (`annotate`, keyed by `key`), takes its serial and a slot, is counted
    /// with its TTFT deadline watched, and is dispatched. Returns its slot.
    @discardableResult
    mutating func arrive(_ request: Request, key: UInt64) -> Int32 {
        var request = request
        annotate(&request, key: key)
        nextSerial += 1
        let id = requests.insert(request)
        recorder.arrived(id, serial: request.serial, tenant: request.tenant, now: now, requests: requests)
        dispatch(id)
        return id
    }
}
