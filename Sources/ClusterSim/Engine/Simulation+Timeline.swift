/// What the engine tells `timeline` (TimelineRecorder), when one is set: nothing here changes the
/// run. Each hook is called at the instant it names, with the request's or instance's state
/// before the engine changes it.
extension Simulation {
    /// Request `id` joins instance `i`'s waiting queue (dispatched, or again after a failure).
    mutating func timelineQueued(_ id: Int32, on i: Int32) {
        let serial = requests[id].serial
        guard timeline!.isTraced(serial) else { return }
        let k = Int(serial)
        if !timeline!.traced[k].alive {
            timeline!.traced[k].alive = true
            timeline!.traced[k].slot = id
            timeline!.alive += 1
            let tid = TimelineRecorder.requestTid(serial)
            timeline!.metadata.append(
                TimelineRecorder.meta("thread_name", pid: TimelineRecorder.requestsPid, tid: tid, "request \(serial)"))
            timeline!.metadata.append(
                TimelineRecorder.meta("thread_sort_index", pid: TimelineRecorder.requestsPid, tid: tid, value: k))
        }
        timeline!.closeDecode(serial)
        timeline!.traced[k].queuedSince = now
    }

    /// Instance `i`'s iteration ends now; called before its batch's tokens are counted.
    mutating func timelineIteration(_ i: Int32) {
        guard timeline!.alive > 0 else { return }
        let index = Int(i)
        let start = instances[index].iterationStart
        var prefillTokens: Int64 = 0
        var decodeTokens: Int64 = 0
        for entry in instances[index].batch {
            let r = requests[entry.request]
            let decoding = r.isDecoding
            if decoding { decodeTokens += Int64(entry.tokens) } else { prefillTokens += Int64(entry.tokens) }
            guard timeline!.isTraced(r.serial) else { continue }
            timeline!.requestIn(r, tokens: entry.tokens, decoding: decoding, on: i, from: start, to: now)
        }
        let instance = instances[index]
        timeline!.nameInstance(i, "\(instance.gpu.id) \(instance.model.id) tp\(instance.tensorParallel)")
        let pid = TimelineRecorder.instancePid(i)
        timeline!.slice(
            "iteration", pid: pid, tid: pid, from: start, to: now,
            args:
                #""batch_size":\#(instance.batch.count),"prefill_tokens":\#(prefillTokens),"decode_tokens":\#(decodeTokens),"running":\#(instance.running.count),"waiting":\#(instance.waiting.count)"#,
            category: "iteration")
    }

    /// Instance `i` formed a batch now and preempted some requests: the traced ones among them
    /// (back in its waiting queue, or already admitted again) get a "preempted" instant and wait again.
    mutating func timelinePreemptions(on i: Int32) {
        guard timeline!.alive > 0 else { return }
        let index = Int(i)
        for id in instances[index].waiting + instances[index].running {
            let r = requests[id]
            guard timeline!.isTraced(r.serial), r.preemptions != timeline!.traced[Int(r.serial)].preemptions else {
                continue
            }
            timeline!.traced[Int(r.serial)].preemptions = r.preemptions
            timeline!.closeDecode(r.serial)
            timeline!.instant("preempted", serial: r.serial, at: now, args: #""instance":\#(i)"#)
            timeline!.traced[Int(r.serial)].queuedSince = now
        }
    }

    /// Request `id` leaves the cluster now, completed or rejected.
    mutating func timelineLeaves(_ id: Int32, rejected: Bool) {
        let r = requests[id]
        guard timeline!.isTraced(r.serial) else { return }
        let k = Int(r.serial)
        timeline!.closeDecode(r.serial)
        if timeline!.traced[k].alive {
            timeline!.traced[k].alive = false
            timeline!.alive -= 1
        }
        let ttft = r.firstToken >= 0 ? Time.toSeconds(r.firstToken - r.arrival) * 1000 : -1
        timeline!.slice(
            rejected ? "request \(r.serial) (rejected)" : "request \(r.serial)", pid: TimelineRecorder.requestsPid,
            tid: TimelineRecorder.requestTid(r.serial), from: r.arrival, to: now,
            args:
                #""serial":\#(r.serial),"tenant":\#(TimelineRecorder.jsonString(scenario.tenants[Int(r.tenant)].name)),"prompt_tokens":\#(r.promptTokens),"output_tokens":\#(r.generatedTokens),"preemptions":\#(r.preemptions),"ttft_ms":\#(ttft),"e2e_ms":\#(Time.toSeconds(now - r.arrival) * 1000)"#,
            category: "request")
    }

    /// A migration of request `serial` from `source` to `destination`, started at `started`,
    /// ended now (`outcome`: committed or aborted).
    mutating func timelineMigration(
        serial: Int64, from source: Int32, to destination: Int32, started: SimTime, outcome: String
    ) {
        guard timeline!.isTraced(serial) else { return }
        let id = timeline!.nextFlow
        timeline!.nextFlow += 1
        let common =
            #""name":"migration \#(source)→\#(destination)","cat":"migration","id":\#(id),"pid":\#(TimelineRecorder.requestsPid),"tid":\#(TimelineRecorder.requestTid(serial))"#
        timeline!.add(
            started, duration: now - started,
            #"{\#(common),"ph":"b","ts":\#(started),"args":{"from":\#(source),"to":\#(destination)}}"#)
        timeline!.add(now, #"{\#(common),"ph":"e","ts":\#(now),"args":{"outcome":"\#(outcome)"}}"#)
    }
}

extension TimelineRecorder {
    /// Traced request `r` was in instance `i`'s iteration from `start` to `end`, handed `tokens`.
    mutating func requestIn(
        _ r: Request, tokens: Int32, decoding: Bool, on i: Int32, from start: SimTime, to end: SimTime
    ) {
        let k = Int(r.serial)
        let tid = Self.requestTid(r.serial)
        if traced[k].queuedSince >= 0 {
            slice(
                "queued", pid: Self.requestsPid, tid: tid, from: traced[k].queuedSince, to: start,
                args: #""instance":\#(i)"#, category: "request")
            traced[k].queuedSince = -1
        }
        // A move between instances: an arrow from the last iteration it was in to this one, each
        // end in the middle of its iteration so it binds to that slice.
        let last = traced[k].lastInstance
        let middle = start + (end - start) / 2
        if last >= 0 && last != i {
            let id = nextFlow
            nextFlow += 1
            let from = Self.instancePid(last), to = Self.instancePid(i)
            let leaves = traced[k].lastIterationMiddle
            add(
                leaves,
                #"{"name":"request \#(r.serial) moves","cat":"move","ph":"s","id":\#(id),"pid":\#(from),"tid":\#(from),"ts":\#(leaves)}"#
            )
            add(
                middle,
                #"{"name":"request \#(r.serial) moves","cat":"move","ph":"f","bp":"e","id":\#(id),"pid":\#(to),"tid":\#(to),"ts":\#(middle)}"#
            )
        }
        traced[k].lastInstance = i
        traced[k].lastIterationMiddle = middle
        if decoding {
            if traced[k].decodeStart >= 0 && traced[k].decodeInstance == i {
                traced[k].decodeEnd = end
                traced[k].decodeTokens += Int64(tokens)
                return
            }
            closeDecode(r.serial)
            traced[k].decodeStart = start
            traced[k].decodeEnd = end
            traced[k].decodeTokens = Int64(tokens)
            traced[k].decodeInstance = i
        } else {
            closeDecode(r.serial)
            slice(
                r.generatedTokens > 0 ? "recompute" : "prefill", pid: Self.requestsPid, tid: tid,
                from: start, to: end, args: #""instance":\#(i),"tokens":\#(tokens)"#, category: "request")
        }
    }

    /// Writes the open run of decode iterations of request `serial`, if any, as one slice.
    mutating func closeDecode(_ serial: Int64) {
        let k = Int(serial)
        guard traced[k].decodeStart >= 0 else { return }
        slice(
            "decode", pid: Self.requestsPid, tid: Self.requestTid(serial), from: traced[k].decodeStart,
            to: traced[k].decodeEnd,
            args: #""instance":\#(traced[k].decodeInstance),"tokens":\#(traced[k].decodeTokens)"#,
            category: "request")
        traced[k].decodeStart = -1
    }
}
