import Foundation
import Testing

@testable import ClusterSim

/// Writing to paths as a shell's `>` does, through the recording writer (the way `--record` writes)
/// and `OutputFile` itself (the way `calibrate --output` writes).
@Suite struct OutputFileTests {
    /// A fresh empty folder for one test.
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-out-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Records a short session to `path`.
    func record(to path: String) throws -> Session {
        // A scenario with its text, as recordings hold and check it.
        var session = Session(
            try Simulation(
                scenario: ScenarioParser.parse(BuiltinScenarios.text("default")!, file: "default"), durationSeconds: 2))
        try session.startRecording(path: path, baseDirectory: "/")
        session.runToEnd()
        return session
    }

    /// A symbolic link to `device` in a fresh folder: the tests reach devices through it, so a
    /// writer that replaced what it writes to would replace the link, never the device itself.
    func linkTo(_ device: String) throws -> String {
        let path = "\(try folder())/device"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: device)
        return path
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func status(_ path: String, follow: Bool = true) -> stat {
        var info = stat()
        _ = follow ? stat(path, &info) : lstat(path, &info)
        return info
    }

    @Test func aSymbolicLinkIsFollowedAndKept() throws {
        let dir = try folder()
        try "old".write(toFile: "\(dir)/target", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: "target")
        let session = try record(to: "\(dir)/link")
        #expect(session.recordingFailure == nil)
        #expect(status("\(dir)/link", follow: false).st_mode & S_IFMT == S_IFLNK)
        #expect(text("\(dir)/target").hasPrefix("{\"base_directory\""))
        _ = try Recording.read(Data(contentsOf: URL(fileURLWithPath: "\(dir)/target")), file: "target")
    }

    @Test func aHardLinkedFileWithItsModeIsWrittenInPlace() throws {
        let dir = try folder()
        try String(repeating: "old content ", count: 10_000).write(
            toFile: "\(dir)/file", atomically: false, encoding: .utf8)
        #expect(chmod("\(dir)/file", 0o640) == 0)
        #expect(link("\(dir)/file", "\(dir)/other") == 0)
        let inode = status("\(dir)/file").st_ino
        _ = try record(to: "\(dir)/file")
        let after = status("\(dir)/file")
        #expect(after.st_ino == inode)
        #expect(after.st_nlink == 2)
        #expect(after.st_mode & 0o777 == 0o640)
        // Truncated first: nothing of the longer old content is left.
        #expect(text("\(dir)/other") == text("\(dir)/file"))
        #expect(!text("\(dir)/file").contains("old content"))
    }

    @Test func aMissingFileIsCreated() throws {
        let dir = try folder()
        let file = try OutputFile(path: "\(dir)/new.yaml")
        try file.write("a: 1\n")
        try file.close()
        #expect(text("\(dir)/new.yaml") == "a: 1\n")
    }

    @Test func aFIFOThatNobodyReadsIsRefused() throws {
        let dir = try folder()
        #expect(mkfifo("\(dir)/fifo", 0o600) == 0)
        let error = #expect(throws: OutputError.self) { try OutputFile(path: "\(dir)/fifo") }
        #expect(error?.badPath == true)
        #expect(error?.description == "cannot write \(dir)/fifo: no process is reading this FIFO or socket")
        #expect(status("\(dir)/fifo").st_mode & S_IFMT == S_IFIFO)
    }

    @Test func aFIFOWithAReaderIsWrittenAsAStream() throws {
        let dir = try folder()
        #expect(mkfifo("\(dir)/fifo", 0o600) == 0)
        let reader = open("\(dir)/fifo", O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let file = try OutputFile(path: "\(dir)/fifo")
        try file.write("streamed\n")
        try file.close()
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "streamed\n")
        #expect(status("\(dir)/fifo").st_mode & S_IFMT == S_IFIFO)
    }

    @Test func aDirectoryOrAMissingFolderIsABadPath() throws {
        let dir = try folder()
        for path in [dir, "\(dir)/no/such/file"] {
            let error = #expect(throws: OutputError.self) { try OutputFile(path: path) }
            #expect(error?.badPath == true)
        }
    }

    @Test func aFullDeviceFailsTheWriteAndStopsTheRecording() throws {
        let full = try linkTo("/dev/full")
        let error = #expect(throws: OutputError.self) { try OutputFile(path: full).write("x") }
        #expect(error?.code == ENOSPC)
        #expect(error?.badPath == false)
        #expect(error?.description == "cannot write \(full): \(String(cString: strerror(ENOSPC)))")
        let session = try record(to: full)
        #expect(session.recordingFailure?.code == ENOSPC)
        #expect(!session.isRecording)
        #expect(session.sim.isFinished)
    }

    @Test func theNullDeviceIsASink() throws {
        let null = try linkTo("/dev/null")
        let session = try record(to: null)
        #expect(session.recordingFailure == nil)
        #expect(status(null).st_mode & S_IFMT == S_IFCHR)
    }

    @Test func writingAfterCloseFails() throws {
        let file = try OutputFile(path: try linkTo("/dev/null"))
        try file.close()
        #expect(throws: OutputError.self) { try file.write("late") }
    }
}
