import ClusterSim
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a `WhatIfRun`'s forks for the dashboard on threads of their own, at the lowest priority
/// and no more of them than the cores the live view leaves spare, so the forks never take the
/// simulation or the UI thread below their frame rate.
///
/// The live view keeps two threads busy (the UI and the simulation); the forks get the cores
/// beyond those, at least one. Each thread lowers its own priority before it runs a fork: nice 19
/// on Linux (`setpriority` with who 0 sets the calling thread there), the background quality of
/// service elsewhere.
enum WhatIfWorkers {
    /// Threads for the forks: the cores beyond the live view's two, at least one.
    static func count(cores: Int = ProcessInfo.processInfo.activeProcessorCount, candidates: Int) -> Int {
        max(1, min(candidates, cores - 2))
    }

    /// Starts `workers` threads on `run` and returns at once; each ends when no fork is left.
    static func start(_ run: WhatIfRun, workers: Int) {
        for n in 0..<max(1, workers) {
            let thread = Thread {
                lowerPriority()
                run.work()
            }
            thread.name = "clustertop.whatif.\(n)"
            thread.qualityOfService = .background
            thread.start()
        }
    }

    static func lowerPriority() {
        #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
