@preconcurrency import CNcursesw
import Foundation
import Synchronization

/// Gives the terminal back on every way out: quit keys and SIGINT/SIGTERM/SIGHUP go through the
/// normal loop (their handlers only set a flag); a crash (SIGSEGV, SIGILL, SIGTRAP, SIGABRT,
/// SIGBUS, SIGFPE) calls `endwin`, replays standard error, and re-raises (htop's
/// `CRT_installSignalHandlers`). While curses owns the screen, standard error goes to a temporary
/// file, so stray messages do not scribble on the dashboard, and is written out afterwards.
enum TerminalGuard {
    static let interrupted = Atomic<Bool>(false)
    /// The signal that asked us to leave (0: none yet), for the conventional exit status 128 + n.
    static let caughtSignal = Atomic<Int32>(0)
    static let cursesActive = Atomic<Bool>(false)
    /// The real standard error and the temporary file that stands in for it (-1: none).
    static let savedStderr = Atomic<Int32>(-1)
    static let stderrFile = Atomic<Int32>(-1)

    static func install() {
        interrupted.store(false, ordering: .releasing)
        caughtSignal.store(0, ordering: .releasing)
        // ncurses follows resizes only when SIGWINCH is at its default when it starts, and no
        // signal arrives while blocked; a parent may have left them ignored or blocked (both
        // survive exec; a thread of a thread pool that spawns us blocks nearly everything).
        signal(SIGWINCH, SIG_DFL)
        var wanted = sigset_t()
        sigemptyset(&wanted)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT] { sigaddset(&wanted, sig) }
        pthread_sigmask(SIG_UNBLOCK, &wanted, nil)
        // Without SA_RESTART, so a read blocked in curses returns (EINTR) and the loop sees the flag.
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            #if os(Linux)
                action.__sigaction_handler.sa_handler = { TerminalGuard.caught($0) }
            #else
                action.__sigaction_u.__sa_handler = { TerminalGuard.caught($0) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE] {
            signal(sig) { sig in
                if TerminalGuard.cursesActive.exchange(false, ordering: .acquiringAndReleasing) { endwin() }
                TerminalGuard.restoreStderr()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
        redirectStderr()
    }

    /// The handler of SIGINT, SIGTERM and SIGHUP: notes the first one, for the loop to see.
    static func caught(_ sig: Int32) {
        _ = caughtSignal.compareExchange(expected: 0, desired: sig, ordering: .acquiringAndReleasing)
        interrupted.store(true, ordering: .releasing)
    }

    /// Puts SIGINT, SIGTERM and SIGHUP back to their defaults once the terminal is restored.
    static func uninstall() {
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }

    static func redirectStderr() {
        var template = Array("/tmp/clustertop-stderr-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(2)
        guard saved >= 0 else {
            Foundation.close(fd)
            return
        }
        dup2(fd, 2)
        savedStderr.store(saved, ordering: .releasing)
        stderrFile.store(fd, ordering: .releasing)
    }

    /// Puts standard error back and copies what was written meanwhile (async-signal-safe calls only).
    static func restoreStderr() {
        let saved = savedStderr.exchange(-1, ordering: .acquiringAndReleasing)
        let fd = stderrFile.exchange(-1, ordering: .acquiringAndReleasing)
        guard saved >= 0 else { return }
        dup2(saved, 2)
        Foundation.close(saved)
        guard fd >= 0 else { return }
        lseek(fd, 0, SEEK_SET)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer in
            while true {
                let n = read(fd, buffer.baseAddress, 4096)
                if n <= 0 { break }
                _ = write(2, buffer.baseAddress, n)
            }
        }
        Foundation.close(fd)
    }
}
