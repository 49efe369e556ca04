/// `mbrl-run bench ...`: performance measurements.
enum BenchCommand {
    static let help = "mbrl-run bench gemm [--threads N]\nmbrl-run bench train [--epochs N] [--threads N]"

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.isEmpty { print(help); return }
        if arguments[0] == "train" { try TrainBenchmark.main(Array(arguments.dropFirst())); return }
        throw UsageError("unknown benchmark '\(arguments[0])'; benchmarks: gemm")
    }
}
