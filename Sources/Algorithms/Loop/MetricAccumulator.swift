/// Averages the metrics reported during an episode (by the policy optimizer after every step,
/// after a model fit, ...) into one value per name for the episode's record.
struct MetricAccumulator {
    private var sums: [String: Double] = [:]
    private var counts: [String: Int] = [:]

    /// Adds one report; non-finite values are kept (a NaN loss must show in the logs).
    mutating func add(_ metrics: [String: Double]) {
        for (name, value) in metrics {
            sums[name, default: 0] += value
            counts[name, default: 0] += 1
        }
    }

    /// The mean of every name reported so far.
    var means: [String: Double] {
        var result: [String: Double] = [:]
        for (name, sum) in sums { result[name] = sum / Double(counts[name] ?? 1) }
        return result
    }

    var isEmpty: Bool { sums.isEmpty }
}
