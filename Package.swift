// swift-tools-version: 6.2
//
// MBRL: a pure-Swift framework for model-based reinforcement learning.
//
// Release builds use `-Ounchecked`, and with the trait `NativeCPU` (on by default) they are
// compiled for the build machine's CPU (`-target-cpu native`) so that the SIMD kernels use
// fused multiply-add and the widest vector registers the machine has. This holds for this
// package built on its own and for a package that depends on it:
//
//     swift build -c release                               // native
//     swift build -c release --disable-default-traits      // portable
//     .package(url: "...", from: "0.1.0")                  // native (the default trait)
//     .package(url: "...", from: "0.1.0", traits: [])      // portable
//
// A portable build runs on any CPU of the architecture (for a binary copied to another
// machine); its kernels multiply and add separately and are several times slower. The
// environment variable `MBRL_PORTABLE=1` also gives a portable build, and
// `MBRL_TARGET_CPU=<name>` (for example `x86-64-v3`; it must have FMA) names a CPU instead of
// `native`.
//
// Tools version 6.2 is what lets a package depending on this one by version accept the
// release flags: SwiftPM 6.2 and later no longer refuse `unsafeFlags` in dependencies whose
// manifest declares 6.2 or later (earlier tools versions fail with "contains unsafe build flags").

import PackageDescription

let environment = Context.environment
let portableBuild = environment["MBRL_PORTABLE"].map { $0 == "1" || $0.lowercased() == "true" } ?? false
let targetCPU = environment["MBRL_TARGET_CPU"] ?? "native"

/// Release builds with the `NativeCPU` trait.
let nativeRelease: BuildSettingCondition = .when(configuration: .release, traits: ["NativeCPU"])

/// Unchecked arithmetic in every release build; with `NativeCPU` (unless `MBRL_PORTABLE`), the
/// target CPU and `MBRL_FMA`. `MBRL_FMA` tells the kernels that the target CPU has fused
/// multiply-add; without it (portable and debug builds, which name no CPU) they multiply and
/// add separately instead of calling the C library's software `fmaf`, which is about 200 times
/// slower.
let optimisedSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
] + (portableBuild ? [] : [
    .unsafeFlags(["-target-cpu", targetCPU], nativeRelease),
    .define("MBRL_FMA", nativeRelease),
])

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
    traits: [
        .trait(
            name: "NativeCPU",
            description: "Release builds target the building machine's CPU (-target-cpu native) and fuse multiply-adds in the kernels. Disable it for a binary that runs on any CPU of the architecture."
        ),
        .default(enabledTraits: ["NativeCPU"]),
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
