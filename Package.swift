// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "clustertop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "clustertop", targets: ["clustertop"]),
        .library(name: "ClusterSim", targets: ["ClusterSim"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The simulator: pure, deterministic, no terminal, no wall clock, no printing.
        .target(
            name: "ClusterSim",
            dependencies: [
                "CPrefetch",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // One C inline function: a cache prefetch hint for the simulator's hot loop (Swift has none).
        .target(name: "CPrefetch"),
        // ncurses (wide-character build) as a system library: a module map and a shim header, the only C.
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        // The live UI: screen buffer, widgets, key table, reducer, simulation runner; the ncurses
        // backend in one folder (Terminal/Ncurses), the only code that imports CNcursesw.
        .target(
            name: "Dashboard",
            dependencies: [
                "ClusterSim",
                "CNcursesw",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The command line: ArgumentParser commands, wiring only; a library so tests can run the
        // commands in the process, their output captured.
        .target(
            name: "ClustertopCLI",
            dependencies: [
                "ClusterSim",
                "Dashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The executable: main.swift runs the root command.
        .executableTarget(name: "clustertop", dependencies: ["ClustertopCLI"]),
        // Speed and memory benchmarks, kept out of `swift test`.
        .executableTarget(
            name: "clustertop-bench",
            dependencies: ["ClusterSim"],
            path: "Benchmarks/clustertop-bench"
        ),
        // Dashboard benchmarks: frame build + diff time, runner overhead at 1x.
        .executableTarget(
            name: "dashboard-bench",
            dependencies: ["ClusterSim", "Dashboard", "TestSupport"],
            path: "Benchmarks/dashboard-bench"
        ),
        // What several test targets (and the dashboard benchmark) share: reading an SVG chart back
        // into its series, starting a child process with clean signals.
        .target(name: "TestSupport", dependencies: ["ClusterSim"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ClusterSimTests", dependencies: ["ClusterSim", "TestSupport"], resources: [.copy("fixtures")]),
        .testTarget(
            name: "DashboardTests", dependencies: ["Dashboard", "ClusterSim", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ClustertopCLITests", dependencies: ["ClustertopCLI", "ClusterSim", "TestSupport"]),
    ]
)

// Strict Swift 6 settings, set once for every target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    target.swiftSettings = settings
}
