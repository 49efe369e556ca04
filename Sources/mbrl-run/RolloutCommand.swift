/// `mbrl-run rollout`: steps a built-in environment and prints one JSON line per step.
enum RolloutCommand {
    static let help = "mbrl-run rollout --env ID [--state v1,v2,...] [--seed S] [--actions FILE | --random-actions] --steps N"

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        throw UsageError("rollout needs the environments module, which has no environments yet")
    }
}
