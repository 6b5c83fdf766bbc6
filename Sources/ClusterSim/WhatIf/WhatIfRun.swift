import Foundation

/// A what-if comparison running on background threads: one fork per candidate in parallel on the
/// spare cores, with each fork's progress readable at any time, cancellation, and the forks'
/// memory released as each finishes (the base cluster too, once all have).
///
/// What a UI needs: `start` returns at once, `progress` and `results` can be polled from any
/// thread, `cancel()` stops every fork at its next slice. Results keep candidate order, whatever
/// finishes first, and equal those of `WhatIf.runAll()`.
public final class WhatIfRun: @unchecked Sendable {
    public let candidates: [WhatIf.Candidate]
    public let horizonSeconds: Double
    private let lock = NSLock()
    private var whatIf: WhatIf?
    private var shares: [Double]
    private var finished: [WhatIf.Result?]
    private var cancelled = false
    private var failure: String?
    private var done = false

    public init(_ whatIf: WhatIf) {
        self.whatIf = whatIf
        candidates = whatIf.candidates
        horizonSeconds = Time.toSeconds(whatIf.horizon)
        shares = Array(repeating: 0, count: whatIf.candidates.count)
        finished = Array(repeating: nil, count: whatIf.candidates.count)
    }

    /// Per candidate, the share of its horizon simulated so far (0...1).
    public var progress: [Double] { lock.withLock { shares } }

    /// Per candidate, its result once its fork has finished; the best is marked once all have.
    public var results: [WhatIf.Result?] { lock.withLock { finished } }

    /// Every fork finished (or the run was cancelled, or a candidate could not be built).
    public var isDone: Bool { lock.withLock { done } }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// Why a candidate could not be forked (a policy parameter out of range), if so.
    public var error: String? { lock.withLock { failure } }

    /// Stops every fork at its next slice; their memory is released as they stop.
    public func cancel() { lock.withLock { cancelled = true } }

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

    /// Runs the forks in parallel and waits for them: the results (best marked), or nil when
    /// cancelled or failed.
    @discardableResult
    public func wait() -> [WhatIf.Result]? {
        guard let whatIf = lock.withLock({ self.whatIf }) else { return finalResults() }
        DispatchQueue.concurrentPerform(iterations: whatIf.candidates.count) { i in
            do {
                let result = try whatIf.run(i) { share in
                    self.lock.withLock {
                        self.shares[i] = share
                        return !self.cancelled
                    }
                }
                lock.withLock { finished[i] = result }
            } catch {
                lock.withLock {
                    failure = "\(whatIf.candidates[i].label): \(error)"
                    cancelled = true
                }
            }
        }
        return lock.withLock {
            self.whatIf = nil
            done = true
            if !cancelled, finished.allSatisfy({ $0 != nil }) {
                finished = WhatIf.markBest(finished.map { $0! })
            }
            return cancelled ? nil : finished.map { $0! }
        }
    }

    private func finalResults() -> [WhatIf.Result]? {
        lock.withLock { cancelled || finished.contains(where: { $0 == nil }) ? nil : finished.map { $0! } }
    }
}
