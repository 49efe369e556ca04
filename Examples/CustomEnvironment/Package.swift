// swift-tools-version: 6.2
//
// A package of your own that depends on MBRL: an environment written in Swift, checked with the
// environment checker, registered under a name and run by a recipe built in code. From this
// directory:
//
//     swift run -c release custom-environment

import PackageDescription

let package = Package(
    name: "CustomEnvironment",
    platforms: [.macOS(.v14)],
    dependencies: [mbrlPackage],
    targets: [
        .executableTarget(
            name: "custom-environment",
            dependencies: [
                .product(name: "MBRLCore", package: "mbrl"),
                .product(name: "Envs", package: "mbrl"),
                .product(name: "Models", package: "mbrl"),
                .product(name: "Planners", package: "mbrl"),
                .product(name: "Algorithms", package: "mbrl"),
            ]
        ),
    ]
)

/// MBRL itself. Your package names its repository and a version:
///
///     .package(url: "https://<host>/<owner>/mbrl.git", from: "0.1.0")
///
/// (`package:` above is the URL's last component). This example takes the URL from the
/// environment variable `MBRL_PACKAGE_URL` when it is set (`scripts/check_downstream_package.sh`
/// sets it to a tagged clone of the checkout) and otherwise uses the checkout it sits in.
var mbrlPackage: Package.Dependency {
    if let url = Context.environment["MBRL_PACKAGE_URL"] {
        return .package(url: url, from: "0.1.0")
    }
    return .package(name: "mbrl", path: "../..")
}
