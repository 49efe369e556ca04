/// Backtracking line search under a KL bound, as sb3-contrib's TRPO: try
/// `parameters + coefficient * fullStep` for `coefficient = 1, shrinkFactor, shrinkFactor^2, ...`
/// (at most `maximumSteps` tries) and accept the first candidate whose KL divergence from the old
/// policy is at most `maximumKullbackLeibler` and whose surrogate objective improves (`> 0`).
///
/// `fullStep` is usually the natural gradient direction `s = F^-1 g` from `ConjugateGradient`
/// scaled to the trust region's edge, `sqrt(2 * delta / (s^T F s)) * s`
/// (`fullStep(direction:curvature:maximumKullbackLeibler:)`).
///
/// ```swift
/// let search = KullbackLeiblerLineSearch(maximumKullbackLeibler: 0.01)   // factor 0.8, 10 steps
/// let step = try search.fullStep(direction: s, curvature: dot(s, fisherTimesS))
/// if let accepted = try search.search(from: parameters, fullStep: step, evaluate: { candidate in
///     (improvement: surrogate(candidate) - surrogate(parameters), kullbackLeibler: meanKL(candidate))
/// }) {
///     parameters = accepted.parameters
/// }                                                                        // nil: keep the old policy
/// ```
public struct KullbackLeiblerLineSearch: Sendable, Equatable {
    /// The trust region's radius `delta` (sb3-contrib's `target_kl`, default 0.01).
    public var maximumKullbackLeibler: Float
    /// The factor the step shrinks by after each rejected try (default 0.8).
    public var shrinkFactor: Float
    /// The most candidates tried (default 10).
    public var maximumSteps: Int

    /// A line search with sb3-contrib's TRPO defaults unless given.
    public init(maximumKullbackLeibler: Float = 0.01, shrinkFactor: Float = 0.8, maximumSteps: Int = 10) {
        self.maximumKullbackLeibler = maximumKullbackLeibler
        self.shrinkFactor = shrinkFactor
        self.maximumSteps = maximumSteps
    }

    /// An accepted candidate.
    public struct Step: Sendable, Equatable {
        /// The accepted parameters `parameters + step`, `[n]`.
        public var parameters: [Float]
        /// The accepted step `coefficient * fullStep`, `[n]`.
        public var step: [Float]
        /// The coefficient of the full step (`shrinkFactor^k`).
        public var coefficient: Float
        /// The surrogate improvement at the accepted candidate.
        public var improvement: Float
        /// The KL divergence at the accepted candidate.
        public var kullbackLeibler: Float
        /// Candidates evaluated, the accepted one included.
        public var evaluations: Int
    }

    /// The step to the trust region's edge along `direction`: `sqrt(2 * delta / curvature) *
    /// direction`, where `curvature = direction^T F direction` (the quadratic KL model
    /// `KL ~ 0.5 * s^T F s` then equals `delta`).
    ///
    /// - Throws: `MBRLError.invalidArgument` when `curvature` is not positive and finite.
    public func fullStep(direction: [Float], curvature: Float) throws -> [Float] {
        guard curvature > 0 && curvature.isFinite else {
            throw MBRLError.invalidArgument("the step's curvature s^T F s must be positive and finite, got \(curvature)")
        }
        let scale = (2 * maximumKullbackLeibler / curvature).squareRoot()
        return direction.map { $0 * scale }
    }

    /// Backtracks from `parameters + fullStep`; returns the first accepted candidate, or `nil`
    /// when none of `maximumSteps` candidates has `KL <= maximumKullbackLeibler` and
    /// improvement `> 0` (the caller keeps the old parameters, as sb3-contrib does).
    ///
    /// - Parameters:
    ///   - parameters: the current flat parameters, `[n]`.
    ///   - fullStep: the largest step tried, `[n]`.
    ///   - evaluate: `(surrogate improvement over the current parameters, KL from the current
    ///     policy)` at a candidate parameter vector.
    /// - Throws: `MBRLError.invalidArgument` for settings out of range,
    ///   `MBRLError.shapeMismatch` when the step and parameters differ in size; rethrows
    ///   `evaluate`'s errors. A candidate whose improvement or KL is NaN is rejected.
    public func search(from parameters: [Float], fullStep: [Float],
                       evaluate: ([Float]) throws -> (improvement: Float, kullbackLeibler: Float)) throws -> Step? {
        guard maximumSteps >= 1, shrinkFactor > 0 && shrinkFactor < 1, maximumKullbackLeibler >= 0 else {
            throw MBRLError.invalidArgument(
                "line search settings out of range: maximumSteps \(maximumSteps) (at least 1), shrinkFactor \(shrinkFactor) (in (0, 1)), maximumKullbackLeibler \(maximumKullbackLeibler) (at least 0)")
        }
        guard parameters.count == fullStep.count else {
            throw MBRLError.shapeMismatch("the step has \(fullStep.count) entries, the parameters \(parameters.count)")
        }
        var coefficient: Float = 1
        for attempt in 1...maximumSteps {
            let step = fullStep.map { $0 * coefficient }
            let candidate = zip(parameters, step).map { $0 + $1 }
            let (improvement, divergence) = try evaluate(candidate)
            if divergence <= maximumKullbackLeibler && improvement > 0 {
                return Step(parameters: candidate, step: step, coefficient: coefficient, improvement: improvement,
                            kullbackLeibler: divergence, evaluations: attempt)
            }
            coefficient *= shrinkFactor
        }
        return nil
    }
}
