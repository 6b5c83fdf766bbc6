import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where clustertop writes: a file named on the command line, or a standard stream.
///
/// Opening a path does what a shell's `>` does: an existing regular file is truncated and written
/// in place, so its permissions, owner and hard links stay and a symbolic link is followed to its
/// target; a missing file is created (mode 0666 less the umask). A path that is not a regular
/// file is written as a stream: a character device such as /dev/null, /dev/full or /dev/tty, or a
/// pipe or FIFO that a process is reading. A FIFO that nobody reads is refused (a write would
/// wait forever), and so is a block device.
///
/// Every write goes straight to the file descriptor, unbuffered, so the write that fails (a full
/// disk, a closed stream) throws an `OutputError` naming the output.
public final class OutputFile: @unchecked Sendable {
    /// The path, or "standard output" / "standard error": what error messages call it.
    public let name: String
    let descriptor: Int32
    var isOpen: Bool

    public static let standardOutput = OutputFile(descriptor: 1, name: "standard output")
    public static let standardError = OutputFile(descriptor: 2, name: "standard error")

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        isOpen = true
    }

    /// Opens `path` for writing; see the type's summary for what each kind of file gets.
    public init(path: String) throws(OutputError) {
        name = path
        // O_NONBLOCK: opening a FIFO that no process reads fails (ENXIO) instead of waiting.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0o666)
        guard fd >= 0 else {
            let code = errno
            if code == ENXIO {
                throw OutputError(name: path, message: "no process is reading this FIFO or socket", badPath: true)
            }
            throw OutputError(name: path, code: code, badPath: true)
        }
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFBLK {
            _ = systemClose(fd)
            throw OutputError(
                name: path, message: "a block device; clustertop writes files and streams only", badPath: true)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        descriptor = fd
        isOpen = true
    }

    deinit { if isOpen && descriptor > 2 { _ = systemClose(descriptor) } }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        if let code = text.withUTF8(writeAll) { throw OutputError(name: name, code: code) }
    }

    public func write(_ data: Data) throws(OutputError) {
        if let code = data.withUnsafeBytes({ writeAll($0.bindMemory(to: UInt8.self)) }) {
            throw OutputError(name: name, code: code)
        }
    }

    /// Writes every byte, or returns the error number of the write that failed.
    func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard isOpen else { return EBADF }
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }

    /// Closes the file; a failure here (a network file system reporting a late error) is a failed write.
    public func close() throws(OutputError) {
        guard isOpen, descriptor > 2 else { return }
        isOpen = false
        if systemClose(descriptor) != 0 && errno != EINTR { throw OutputError(name: name, code: errno) }
    }
}

// The system calls by other names, as the class's own `write` and `close` hide them.
private func systemWrite(_ fd: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int { write(fd, bytes, count) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }

/// A write that failed: which output, and why.
public struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var message: String
    /// The system's error number, when the system reported one (EPIPE: the reader went away).
    public var code: Int32?
    /// The path itself is unusable (missing folder, a directory, refused kind): bad input, not a failed write.
    public var badPath: Bool

    public init(name: String, message: String, code: Int32? = nil, badPath: Bool = false) {
        self.name = name
        self.message = message
        self.code = code
        self.badPath = badPath
    }

    init(name: String, code: Int32, badPath: Bool = false) {
        self.init(name: name, message: String(cString: strerror(code)), code: code, badPath: badPath)
    }

    public var description: String { "cannot write \(name): \(message)".escapingControlCharacters() }
}
