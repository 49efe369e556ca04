import MBRLCore

/// Compares analytic gradients of several matrices with central differences at randomly chosen
/// entries: cheaper than `GradientCheck` for large networks and whole models, and scored as one
/// vector (cosine similarity, and the worst entry's error relative to the gradient's scale).
///
/// ```swift
/// let result = SampledGradientComparison.compare(analytic: gradients, at: parameters, entriesPerMatrix: 8,
///                                                step: 1e-3, generator: &generator) { try loss($0) }
/// precondition(result.cosine > 0.999 && result.worst < 0.02)
/// ```
public enum SampledGradientComparison {
    /// Compares analytic gradients with central differences of `function` at `entries` random
    /// entries of each matrix. Returns the cosine similarity of the sampled vectors and the
    /// worst entry's error relative to the gradient scale.
    public static func compare(analytic: [Matrix], at point: [Matrix], entriesPerMatrix: Int, step: Float,
                        generator: inout RandomGenerator,
                        function: ([Matrix]) throws -> Float) rethrows -> (cosine: Double, worst: Double, checked: Int) {
        try compare(analytic: analytic, at: point, entriesPerMatrix: entriesPerMatrix, step: step, generator: &generator,
                    measuredStep: false, scaleFloor: 1e-6, function: { Double(try function($0)) })
    }

    /// The comparison behind both overloads: `measuredStep` divides by the difference of the
    /// perturbed `Float` entries (exact in `Double`) rather than `2 * step`, and `scaleFloor`
    /// bounds the gradient scale the worst error is relative to.
    public static func compare(analytic: [Matrix], at point: [Matrix], entriesPerMatrix: Int, step: Float,
                        generator: inout RandomGenerator, measuredStep: Bool, scaleFloor: Double,
                        function: ([Matrix]) throws -> Double) rethrows -> (cosine: Double, worst: Double, checked: Int) {
        var numeric: [Double] = [], exact: [Double] = []
        for index in point.indices where point[index].count > 0 {
            for _ in 0..<min(entriesPerMatrix, point[index].count) {
                let entry = generator.nextInt(below: point[index].count)
                var plus = point, minus = point
                plus[index].withUnsafeMutableBufferPointer { $0[entry] += step }
                minus[index].withUnsafeMutableBufferPointer { $0[entry] -= step }
                let h = measuredStep ? Double(plus[index].values[entry]) - Double(minus[index].values[entry]) : Double(2 * step)
                numeric.append((try function(plus) - function(minus)) / h)
                exact.append(Double(analytic[index].values[entry]))
            }
        }
        var dot = 0.0, numericNorm = 0.0, exactNorm = 0.0, worst = 0.0
        for index in numeric.indices {
            dot += numeric[index] * exact[index]
            numericNorm += numeric[index] * numeric[index]
            exactNorm += exact[index] * exact[index]
        }
        let scale = (exactNorm / Double(max(exact.count, 1))).squareRoot()
        for index in numeric.indices {
            worst = max(worst, abs(numeric[index] - exact[index]) / max(scale, scaleFloor))
        }
        return (dot / max((numericNorm * exactNorm).squareRoot(), 1e-30), worst, numeric.count)
    }
}
