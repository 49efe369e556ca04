/// `mbrl-run bench ...`: performance measurements.
enum BenchCommand {
    static let help = "mbrl-run bench gemm [--threads N]"

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.isEmpty { print(help); return }
        throw UsageError("unknown benchmark '\(arguments[0])'; benchmarks: gemm")
    }
}
