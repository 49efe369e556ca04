// swift-tools-version: 6.0
//
// MBRL: a pure-Swift framework for model-based reinforcement learning.
//
// Release builds are compiled for the build machine's CPU (`-target-cpu native`) so that the
// SIMD kernels use FMA and the widest vector registers the machine has. Set the environment
// variable `MBRL_PORTABLE=1` when building to get a binary that runs on any CPU of the
// architecture (for example when the binary is copied to another machine):
//
//     MBRL_PORTABLE=1 swift build -c release
//
// `MBRL_TARGET_CPU=<name>` (for example `x86-64-v3`) selects an explicit CPU instead of `native`.

import PackageDescription

let environment = Context.environment
let portableBuild = environment["MBRL_PORTABLE"].map { $0 == "1" || $0.lowercased() == "true" } ?? false
let targetCPU = environment["MBRL_TARGET_CPU"] ?? "native"

/// Flags for release builds: unchecked arithmetic in the numeric kernels, and the target CPU
/// unless a portable build was asked for.
let releaseFlags: [String] = portableBuild
    ? ["-Ounchecked"]
    : ["-Ounchecked", "-target-cpu", targetCPU]

/// `MBRL_NO_FMA` marks builds whose target CPU may lack fused multiply-add (portable release
/// builds, and debug builds, which name no CPU): the kernels then multiply and add separately
/// instead of calling the library's software `fmaf`, which is about 200 times slower.
let optimisedSettings: [SwiftSetting] = [
    .unsafeFlags(releaseFlags, .when(configuration: .release)),
    .define("MBRL_NO_FMA", .when(configuration: .debug)),
] + (portableBuild ? [.define("MBRL_NO_FMA")] : [])

let package = Package(
    name: "MBRL",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MBRLCore", targets: ["MBRLCore"]),
        .library(name: "Envs", targets: ["Envs"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Planners", targets: ["Planners"]),
        .library(name: "Algorithms", targets: ["Algorithms"]),
        .library(name: "MBRLTesting", targets: ["MBRLTesting"]),
        .executable(name: "mbrl-run", targets: ["mbrl-run"]),
    ],
    targets: [
        .target(name: "MBRLCore", swiftSettings: optimisedSettings),
        .target(name: "Envs", dependencies: ["MBRLCore"], swiftSettings: optimisedSettings),
        .target(name: "Models", dependencies: ["MBRLCore"], swiftSettings: optimisedSettings),
        .target(name: "Planners", dependencies: ["MBRLCore"], swiftSettings: optimisedSettings),
        .target(
            name: "Algorithms",
            dependencies: ["MBRLCore", "Models", "Planners"],
            swiftSettings: optimisedSettings
        ),
        .target(name: "MBRLTesting", dependencies: ["MBRLCore"], swiftSettings: optimisedSettings),
        .executableTarget(
            name: "mbrl-run",
            dependencies: ["MBRLCore", "Envs", "Models", "Planners", "Algorithms"],
            swiftSettings: optimisedSettings
        ),
        .executableTarget(
            name: "custom-planner-example",
            dependencies: ["MBRLCore", "Envs", "Models", "Planners", "Algorithms"],
            path: "Examples/CustomPlanner",
            exclude: ["pendulum-constant-torque.json"],
            swiftSettings: optimisedSettings
        ),
        .testTarget(name: "MBRLCoreTests", dependencies: ["MBRLCore", "MBRLTesting"], swiftSettings: optimisedSettings),
        .testTarget(
            name: "AlgorithmsTests",
            dependencies: ["MBRLCore", "MBRLTesting", "Envs", "Models", "Planners", "Algorithms"],
            swiftSettings: optimisedSettings
        ),
        .testTarget(name: "ModelsTests", dependencies: ["MBRLCore", "MBRLTesting", "Models", "Envs"], swiftSettings: optimisedSettings),
        .testTarget(
            name: "PlannersTests",
            dependencies: ["MBRLCore", "MBRLTesting", "Planners", "Models", "Envs"],
            swiftSettings: optimisedSettings
        ),
        .testTarget(
            name: "EnvsTests",
            dependencies: ["MBRLCore", "Envs"],
            exclude: ["Fixtures"],  // parity fixtures, read by path from the test sources
            swiftSettings: optimisedSettings
        ),
    ]
)
