/// Conjugate gradient for `F x = g` with a symmetric positive definite `F` given only as a
/// matrix-free product `v -> F v` (TRPO's natural gradient step with Fisher-vector products).
///
/// Defaults follow sb3-contrib's TRPO (`cg_max_steps = 15`, `conjugate_gradient_solver`'s
/// `residual_tol = 1e-10` on the squared residual norm). Sums accumulate in `Double`.
///
/// ```swift
/// let solver = ConjugateGradient()                       // 15 iterations, tolerance 1e-10
/// let result = try solver.solve(rightHandSide: gradient) { direction in
///     try fisherVectorProduct(direction)                 // [n] -> [n]
/// }
/// let step = result.solution                             // approximately F^-1 g
/// ```
public struct ConjugateGradient: Sendable, Equatable {
    /// The most products (iterations) to spend (default 15).
    public var maximumIterations: Int
    /// Stop once the squared residual norm `|g - F x|^2` is below this (default 1e-10).
    public var residualTolerance: Double

    /// A solver with sb3-contrib's TRPO defaults unless given.
    public init(maximumIterations: Int = 15, residualTolerance: Double = 1e-10) {
        self.maximumIterations = maximumIterations
        self.residualTolerance = residualTolerance
    }

    /// What `solve` returns.
    public struct Result: Sendable, Equatable {
        /// The approximate solution `x`, `[n]`.
        public var solution: [Float]
        /// The products `F v` evaluated.
        public var iterations: Int
        /// `|g - F x|^2` at the end (tracked by the recurrence, not recomputed).
        public var residualNormSquared: Double
        /// Whether a direction of non-positive curvature `p^T F p <= 0` stopped the solver early
        /// (`F` is not positive definite there; the solution so far is returned).
        public var stoppedOnNonPositiveCurvature: Bool
    }

    /// Solves `F x = g` from `x = 0`.
    ///
    /// - Parameters:
    ///   - rightHandSide: `g`, `[n]`.
    ///   - product: `v -> F v`, `[n] -> [n]`.
    /// - Throws: `MBRLError.invalidArgument` for a non-positive iteration count,
    ///   `MBRLError.shapeMismatch` when a product does not have `n` entries,
    ///   `MBRLError.nonFinite` when a product holds NaN or Inf; rethrows the product's errors.
    public func solve(rightHandSide: [Float], product: ([Float]) throws -> [Float]) throws -> Result {
        guard maximumIterations >= 1 else {
            throw MBRLError.invalidArgument("conjugate gradient needs at least 1 iteration, got \(maximumIterations)")
        }
        let size = rightHandSide.count
        var solution = [Double](repeating: 0, count: size)
        var residual = rightHandSide.map(Double.init)
        var direction = residual
        var residualNorm = Self.dot(residual, residual)
        var iterations = 0
        var nonPositive = false
        if residualNorm >= residualTolerance {
            while iterations < maximumIterations {
                let productValues = try product(direction.map(Float.init))
                iterations += 1
                guard productValues.count == size else {
                    throw MBRLError.shapeMismatch("the product returned \(productValues.count) entries for a vector of \(size)")
                }
                guard productValues.allSatisfy(\.isFinite) else {
                    throw MBRLError.nonFinite("the matrix-vector product returned NaN or Inf at conjugate-gradient iteration \(iterations)")
                }
                let directionProduct = productValues.map(Double.init)
                let curvature = Self.dot(direction, directionProduct)
                guard curvature > 0 else { nonPositive = true; break }
                let alpha = residualNorm / curvature
                for index in 0..<size {
                    solution[index] += alpha * direction[index]
                    residual[index] -= alpha * directionProduct[index]
                }
                let newResidualNorm = Self.dot(residual, residual)
                let beta = newResidualNorm / residualNorm
                residualNorm = newResidualNorm
                if residualNorm < residualTolerance { break }
                for index in 0..<size { direction[index] = residual[index] + beta * direction[index] }
            }
        }
        return Result(solution: solution.map(Float.init), iterations: iterations,
                      residualNormSquared: residualNorm, stoppedOnNonPositiveCurvature: nonPositive)
    }

    /// `sum(a * b)` in `Double`.
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for index in a.indices { total += a[index] * b[index] }
        return total
    }
}
