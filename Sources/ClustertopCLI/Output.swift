import ArgumentParser
import ClusterSim
import Foundation

/// Standard output and standard error for every command: the one way the executable prints.
///
/// Output goes through `OutputFile`, so a failed write (stdout on a full disk, a closed stream)
/// throws; `Clustertop.main` turns it into a one-line error and a non-zero exit status. Errors
/// for the user go to standard error with their control characters escaped. While `capture` is
/// set (tests running a command in the process), both streams go to it instead, and neither is
/// a terminal.
enum Console {
    /// Where the current task's output goes instead of the standard streams, when set.
    @TaskLocal static var capture: ConsoleCapture?

    /// Set when a message for standard error could not be written: the exit status must say so.
    nonisolated(unsafe) static var lostErrorOutput = false

    /// Makes the standard streams safe to use; called once, first thing.
    ///
    /// A closed descriptor 0, 1 or 2 is held by /dev/null opened read-only, so that a file opened
    /// later (a recording) cannot take its number and receive the report, while writes to the
    /// stream still fail as they would on a closed one. SIGPIPE gets its default action: when the
    /// reader of a pipe goes away (`clustertop scenarios | head -1`) the process ends quietly.
    static func prepare() {
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 {
            let holder = open("/dev/null", O_RDONLY)
            if holder >= 0 && holder != descriptor {
                dup2(holder, descriptor)
                close(holder)
            }
        }
        signal(SIGPIPE, SIG_DFL)
    }

    /// Prints `text` on standard output as it is (command output).
    static func out(_ text: String) throws(OutputError) {
        if let capture {
            capture.append(text, to: \.output)
            return
        }
        try OutputFile.standardOutput.write(text)
    }

    /// Prints `text` on standard error as it is (progress lines); a failure is remembered for the exit status.
    static func err(_ text: String) {
        if let capture {
            capture.append(text, to: \.errors)
            return
        }
        do {
            try OutputFile.standardError.write(text)
        } catch {
            lostErrorOutput = true
        }
    }

    /// Whether `descriptor` (0, 1 or 2) is a terminal; never while output is captured.
    static func isTerminal(_ descriptor: Int32) -> Bool {
        capture == nil && isatty(descriptor) == 1
    }

    /// A one-line note on standard error, its controls escaped.
    static func note(_ message: String) {
        err(message.escapingControlCharacters(keepingNewlines: true) + "\n")
    }

    /// Prints `error: message` on standard error, controls escaped.
    static func error(_ message: String) {
        note("error: \(message)")
    }

    /// Ends the process with `status`, or with 1 when output was lost (an error message that could
    /// not be written, or text some library printed through the C library's buffer).
    static func exit(_ status: Int32) -> Never {
        var status = status
        // Nothing here prints through the C library's buffers; a library that did is checked too.
        if fflush(nil) != 0 {
            error("cannot write standard output: \(String(cString: strerror(errno)))")
            if status == 0 { status = 1 }
        }
        if lostErrorOutput && status == 0 { status = 1 }
        Foundation.exit(status)
    }
}

/// What a command printed on each stream, kept in memory: a test's stand-in for the terminal.
final class ConsoleCapture: @unchecked Sendable {
    struct Streams {
        var output = ""
        var errors = ""
    }

    private let lock = NSLock()
    private var streams = Streams()

    /// Everything printed on standard output so far.
    var output: String { lock.withLock { streams.output } }
    /// Everything printed on standard error so far.
    var errors: String { lock.withLock { streams.errors } }

    func append(_ text: String, to stream: WritableKeyPath<Streams, String>) {
        lock.withLock { streams[keyPath: stream] += text }
    }
}

/// The exit status for a failed output: 2 when the path given was unusable (bad input), 1 when
/// writing failed on the way (a full disk, a closed stream).
func exitStatus(for error: OutputError) -> Int32 {
    error.badPath ? 2 : 1
}
