import MBRLCore
import Planners

/// A time-varying linear-Gaussian controller `u_t ~ N(K_t x_t + k_t, S_t)` over `T` steps: the
/// local policy of guided policy search (one per initial condition), and the linearisation of the
/// global policy the MDGPS C-step stays close to.
///
/// Stores, per step, the gain `K_t` `[A, O]`, the offset `k_t` `[A]`, the covariance `S_t`
/// `[A, A]`, its Cholesky factor and its inverse (gps's `LinearGaussianPolicy`: `K`, `k`,
/// `pol_covar`, `chol_pol_covar`, `inv_pol_covar`).
///
/// ```swift
/// let controller = try LinearGaussianController.constant(horizon: 50, observationSize: 6, actionSize: 2, variance: 0.5)
/// var generator = RandomGenerator(seed: 0)
/// let action = controller.action(for: [0, 0, 0, 0, 0.5, 0.5], step: 0, generator: &generator)
/// ```
public struct LinearGaussianController: Sendable, Equatable, Codable {
    /// Gains `K_t`, `[A, O]` each.
    public var gains: [DenseMatrix]
    /// Offsets `k_t`, `[A]` each.
    public var offsets: [[Double]]
    /// Covariances `S_t`, `[A, A]` each.
    public private(set) var covariances: [DenseMatrix]
    /// Lower Cholesky factors of `S_t`.
    public private(set) var choleskyFactors: [DenseMatrix]
    /// Precisions `S_t^-1`.
    public private(set) var precisions: [DenseMatrix]

    /// The number of time steps `T`.
    public var horizon: Int { gains.count }
    /// The action size `A`.
    public var actionSize: Int { offsets.first?.count ?? 0 }
    /// The observation (state) size `O`.
    public var observationSize: Int { gains.first?.columns ?? 0 }

    /// A controller from gains, offsets and covariances; throws unless every covariance is
    /// symmetric positive definite and the shapes agree.
    public init(gains: [DenseMatrix], offsets: [[Double]], covariances: [DenseMatrix]) throws {
        guard !gains.isEmpty, gains.count == offsets.count, gains.count == covariances.count else {
            throw MBRLError.shapeMismatch("a linear-Gaussian controller needs as many gains (\(gains.count)), offsets (\(offsets.count)) and covariances (\(covariances.count)) as time steps, at least one")
        }
        self.gains = gains
        self.offsets = offsets
        self.covariances = []
        choleskyFactors = []
        precisions = []
        for step in 0..<gains.count {
            try setCovariance(covariances[step], step: step)
        }
    }

    /// `K_t = 0`, `k_t = 0`, `S_t = variance * I` for every step: the zero-gain initial controller
    /// (gps's `init_lqr` with zero `init_gains` starts from no feedback and `init_var` noise).
    public static func constant(horizon: Int, observationSize: Int, actionSize: Int, variance: Double,
                                offset: [Double]? = nil) throws -> LinearGaussianController {
        guard horizon > 0, observationSize > 0, actionSize > 0, variance > 0, variance.isFinite else {
            throw MBRLError.invalidArgument("a linear-Gaussian controller needs a positive horizon, sizes and variance; got T \(horizon), O \(observationSize), A \(actionSize), variance \(variance)")
        }
        if let offset, offset.count != actionSize || !offset.allSatisfy(\.isFinite) {
            throw MBRLError.invalidArgument("the initial offset must have \(actionSize) finite entries (one per action entry), got \(offset)")
        }
        var covariance = DenseMatrix(rows: actionSize, columns: actionSize)
        for index in 0..<actionSize { covariance[index, index] = variance }
        return try LinearGaussianController(
            gains: Array(repeating: DenseMatrix(rows: actionSize, columns: observationSize), count: horizon),
            offsets: Array(repeating: offset ?? Array(repeating: 0, count: actionSize), count: horizon),
            covariances: Array(repeating: covariance, count: horizon))
    }

    /// Replaces `S_t` (symmetrised), with its Cholesky factor and inverse; throws when it is not
    /// positive definite.
    public mutating func setCovariance(_ covariance: DenseMatrix, step: Int) throws {
        let symmetric = covariance.symmetrized
        guard let factor = symmetric.cholesky() else {
            throw MBRLError.nonFinite("the covariance of a linear-Gaussian controller at step \(step) is not positive definite: \(symmetric.values)")
        }
        let precision = factor.choleskySolve(DenseMatrix.identity(symmetric.rows)).symmetrized
        if step == covariances.count {
            covariances.append(symmetric); choleskyFactors.append(factor); precisions.append(precision)
        } else {
            covariances[step] = symmetric; choleskyFactors[step] = factor; precisions[step] = precision
        }
    }

    /// The mean action `K_t x + k_t`.
    public func meanAction(for observation: [Double], step: Int) -> [Double] {
        let gain = gains[step] * observation
        return zip(gain, offsets[step]).map(+)
    }

    /// A draw `K_t x + k_t + chol(S_t) * noise`, with standard normal noise from `generator`.
    public func action(for observation: [Float], step: Int, generator: inout RandomGenerator) -> [Float] {
        let mean = meanAction(for: observation.map(Double.init), step: step)
        let noise = (0..<actionSize).map { _ in generator.nextStandardNormalDouble() }
        let shaped = choleskyFactors[step] * noise
        return zip(mean, shaped).map { Float($0 + $1) }
    }
}
