import Foundation

/// A what-if comparison running on background threads: one fork per candidate in parallel on the
/// spare cores, with each fork's progress readable at any time, cancellation, and the forks'
/// memory released as each finishes (the base cluster too, once all have).
///
/// What a UI needs: `start` returns at once, `progress` and `results` can be polled from any
/// thread, `cancel()` stops every fork at its next slice. Results keep candidate order, whatever
/// finishes first, and equal those of `WhatIf.runAll()`. Whoever owns threads can also run the
/// forks on threads of its own (at the priority it chooses): each calls `work()`, which takes the
/// candidates not yet started one at a time until none is left.
public final class WhatIfRun: @unchecked Sendable {
    public let candidates: [WhatIf.Candidate]
    public let horizonSeconds: Double
    private let lock = NSLock()
    private var whatIf: WhatIf?
    private var shares: [Double]
    private var finished: [WhatIf.Result?]
    /// The next candidate no worker has taken, and how many taken ones are still running.
    private var nextCandidate = 0
    private var running = 0
    private var cancelled = false
    private var failure: String?
    private var done = false

    public init(_ whatIf: WhatIf) {
        self.whatIf = whatIf
        candidates = whatIf.candidates
        horizonSeconds = Time.toSeconds(whatIf.horizon)
        shares = Array(repeating: 0, count: whatIf.candidates.count)
        finished = Array(repeating: nil, count: whatIf.candidates.count)
        done = whatIf.candidates.isEmpty
    }

    /// Per candidate, the share of its horizon simulated so far (0...1).
    public var progress: [Double] { lock.withLock { shares } }

    /// Per candidate, its result once its fork has finished; the best is marked once all have.
    public var results: [WhatIf.Result?] { lock.withLock { finished } }

    /// Every fork finished (or the run was cancelled, or a candidate could not be built), and no
    /// worker is still running one.
    public var isDone: Bool { lock.withLock { done } }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Why a candidate could not be forked (a policy parameter out of range), if so.
    public var error: String? { lock.withLock { failure } }

    /// Stops every fork at its next slice; their memory is released as they stop.
    public func cancel() {
        lock.withLock {
            cancelled = true
            finishIfDone()
        }
    }

    /// Starts the forks on `queue` and returns at once; `completion` runs on a background thread
    /// with the results (best marked), or nil when cancelled or failed.
    public func start(
        on queue: DispatchQueue = .global(qos: .utility), completion: (@Sendable ([WhatIf.Result]?) -> Void)? = nil
    ) {
        queue.async {
            let out = self.wait()
            completion?(out)
        }
    }

    /// Runs the forks in parallel (at most `workers` at a time; nil: one per candidate, as many
    /// as Dispatch runs at once) and waits for them: the results (best marked), or nil when
    /// cancelled or failed.
    @discardableResult
    public func wait(workers: Int? = nil) -> [WhatIf.Result]? {
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers ?? candidates.count, candidates.count))) { _ in
            work()
        }
        return finalResults()
    }

    /// Runs candidates no worker has taken yet, one after another, until none is left (or the run
    /// is cancelled); call it from as many threads as should run forks at once.
    public func work() {
        while let (i, whatIf) = take() {
            var outcome: Result<WhatIf.Result?, any Error>
            do {
                outcome = .success(
                    try whatIf.run(i) { share in
                        self.lock.withLock {
                            self.shares[i] = share
                            return !self.cancelled
                        }
                    })
            } catch {
                outcome = .failure(error)
            }
            lock.withLock {
                switch outcome {
                case .success(let result): finished[i] = result
                case .failure(let error):
                    failure = "\(candidates[i].label): \(error)"
                    cancelled = true
                }
                running -= 1
                finishIfDone()
            }
        }
    }

    /// The next candidate to run and the comparison, or nil when there is none (or it was cancelled).
    private func take() -> (Int, WhatIf)? {
        lock.withLock {
            guard !cancelled, nextCandidate < candidates.count, let whatIf else { return nil }
            let i = nextCandidate
            nextCandidate += 1
            running += 1
            return (i, whatIf)
        }
    }

    /// With the lock held: once nothing runs and nothing is left to take, marks the best, drops
    /// the base cluster and says it is done.
    private func finishIfDone() {
        guard !done, running == 0, cancelled || nextCandidate == candidates.count else { return }
        whatIf = nil
        done = true
        if !cancelled, finished.allSatisfy({ $0 != nil }) {
            finished = WhatIf.markBest(finished.map { $0! })
        }
    }

    private func finalResults() -> [WhatIf.Result]? {
        lock.withLock { cancelled || finished.contains(where: { $0 == nil }) ? nil : finished.map { $0! } }
    }
}
