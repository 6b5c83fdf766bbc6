import Foundation
import Testing

/// The built `clustertop` when its standard streams fail: one line on standard error and a
/// non-zero status, never a crash or a silent loss. Runs the binary next to this test bundle.
@Suite struct CommandLineOutputTests {
    struct Outcome {
        var status: Int32
        var error: String
    }

    static var binary: URL {
        let folder = Bundle.main.executableURL?.deletingLastPathComponent() ?? URL(fileURLWithPath: ".build/debug")
        let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("clustertop") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs clustertop with `arguments`, standard output sent to `output` (nil: closed).
    func run(_ arguments: [String], output: String?) throws -> Outcome {
        let process = Process()
        // A shell redirects, and closes the stream for the closed case, which Process cannot.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let quoted = ([Self.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-c", quoted + (output.map { " >'\($0)'" } ?? " >&-")]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, error: String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [
        ["run", "default", "--duration", "2"], ["validate", "Scenarios/default.yaml"], ["scenarios"], ["--help"],
        ["policies"],
        ["watch", "--dump-frame", "1", "--size", "80x24"],
    ])
    func aFullStandardOutputIsAnError(arguments: [String]) throws {
        let outcome = try run(arguments, output: "/dev/full")
        #expect(outcome.status == 1)
        #expect(outcome.error == "error: cannot write standard output: \(String(cString: strerror(ENOSPC)))\n")
    }

    @Test func aClosedStandardOutputIsAnError() throws {
        let outcome = try run(["policies"], output: nil)
        #expect(outcome.status == 1)
        #expect(outcome.error == "error: cannot write standard output: \(String(cString: strerror(EBADF)))\n")
    }

    @Test func aRecordingToAFullDeviceIsAnError() throws {
        // Through a link, so a writer that replaced its target would replace the link, not the device.
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-full-\(UUID().uuidString)")
            .path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/full")
        let outcome = try run(["run", "default", "--duration", "2", "--record", link], output: "/dev/null")
        #expect(outcome.status == 1)
        #expect(outcome.error == "error: cannot write \(link): \(String(cString: strerror(ENOSPC)))\n")
    }

    /// Bad input on the command line exits as a bad file does (2), with ArgumentParser's message.
    @Test(arguments: [
        ["run", "--bogus"], ["watch", "--dump-frame", "1e13", "--size", "80x24"], ["run", "--duration", "-1"],
    ])
    func badCommandLineInputExitsWithStatus2(arguments: [String]) throws {
        let outcome = try run(arguments, output: "/dev/null")
        #expect(outcome.status == 2)
        #expect(outcome.error.hasPrefix("Error: ") || outcome.error.hasPrefix("error: "), "\(outcome.error)")
    }
}
