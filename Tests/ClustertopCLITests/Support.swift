import Foundation

@testable import ClustertopCLI

/// What one `clustertop` command did, run in the test's own process.
struct Outcome {
    /// The exit status the process would end with.
    var status: Int32
    /// Standard output.
    var output: String
    /// Standard error.
    var errors: String
}

/// Runs `clustertop ARGUMENTS…` in the process, both streams captured (so neither is a terminal).
func clustertop(_ arguments: String...) -> Outcome {
    clustertop(arguments: arguments)
}

/// Runs `clustertop ARGUMENTS…` in the process, both streams captured (so neither is a terminal).
func clustertop(arguments: [String]) -> Outcome {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { Clustertop.run(arguments: arguments) }
    return Outcome(status: status, output: capture.output, errors: capture.errors)
}

/// The repository's root folder, for its scenario files and fixtures whatever the working folder.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A path inside the repository.
func repositoryPath(_ relative: String) -> String { "\(repositoryRoot)/\(relative)" }

/// A fresh path in the temporary folder; the file is not created.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("clustertop-\(UUID().uuidString)-\(name)").path
}
