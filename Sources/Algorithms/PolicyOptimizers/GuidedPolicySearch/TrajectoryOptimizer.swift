#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import Planners

/// The C-step of guided policy search: an LQR backward pass on the quadratic cost plus a KL
/// penalty toward a reference linear-Gaussian controller (the previous local controller in
/// trajectory optimisation, the linearised global policy in MDGPS), with the dual variable `eta`
/// chosen so that the KL divergence of the new trajectory distribution from the reference equals
/// the step `epsilon` within 10% (gps's `TrajOptLQRPython`).
///
/// - Backward pass: the cost is `C / eta` plus the reference's log-density terms
///   (`[[K^T P K, -K^T P], [-P K, P]]`, `[K^T P k, -P k]`, gps `compute_costs` with
///   `max_ent_traj` 0); the new controller is `K = -Quu^-1 Qux`, `k = -Quu^-1 Qu`,
///   `S = Quu^-1`. When `Quu` is not positive definite at some step, `eta` grows by `del`
///   (starting at `1e-4`, doubled on every failure) and the pass restarts; at `eta >= 1e16`
///   the pass fails with `TrajectoryOptimizationError.noPositiveDefiniteSolution`.
/// - Eta search: at most 50 backward passes; a KL above the step raises `eta`, below lowers it,
///   bisecting geometrically inside the bracket `[1e-8, 1e16]` but moving at most a factor of 10
///   per pass (`min(sqrt(lo hi), 10 lo)` / `max(sqrt(lo hi), 0.1 hi)`), until `|KL - epsilon| <
///   0.1 epsilon`.
///
/// ```swift
/// let result = try TrajectoryOptimizer().update(reference: previous, dynamics: dynamics, cost: cost,
///                                               eta: 1, klStep: 0.2 * 50)
/// ```
public struct TrajectoryOptimizer: Sendable {
    /// The lower end of the eta bracket (gps `min_eta`, 1e-8).
    public var minimumEta = 1e-8
    /// The upper end of the eta bracket and the failure threshold (gps `max_eta`, 1e16).
    public var maximumEta = 1e16
    /// The first eta increment on a non-positive-definite `Quu` (gps `del0`, 1e-4).
    public var initialEtaIncrement = 1e-4
    /// Backward passes in the eta search (gps `DGD_MAX_ITER`, 50).
    public var maximumIterations = 50

    public init() {}

    /// The result of a C-step for one condition.
    public struct Result: Sendable {
        /// The new controller.
        public var controller: LinearGaussianController
        /// The eta the search ended at.
        public var eta: Double
        /// The KL divergence of the new trajectory distribution from the reference's, summed over steps.
        public var divergence: Double
        /// Whether `|KL - step| < 0.1 step` was reached.
        public var converged: Bool
        /// Backward passes run.
        public var passes: Int
    }

    // MARK: - Forward pass

    /// The Gaussian state-action marginals `mu_t` `[O + A]` and `Sigma_t` of `controller` under
    /// `dynamics` (gps `forward`).
    public func forward(controller: LinearGaussianController, dynamics: LinearGaussianDynamics) -> (means: [[Double]], covariances: [DenseMatrix]) {
        let horizon = controller.horizon, stateSize = controller.observationSize, actionSize = controller.actionSize
        let size = stateSize + actionSize
        var means: [[Double]] = [], covariances: [DenseMatrix] = []
        var stateMean = dynamics.initialMean, stateCovariance = dynamics.initialCovariance
        for step in 0..<horizon {
            let gain = controller.gains[step]
            let crossTerm = gain * stateCovariance                        // [A, O]
            var joint = DenseMatrix(rows: size, columns: size)
            let actionCovariance = crossTerm * gain.transposed + controller.covariances[step]
            for i in 0..<stateSize { for j in 0..<stateSize { joint[i, j] = stateCovariance[i, j] } }
            for i in 0..<actionSize {
                for j in 0..<stateSize { joint[stateSize + i, j] = crossTerm[i, j]; joint[j, stateSize + i] = crossTerm[i, j] }
                for j in 0..<actionSize { joint[stateSize + i, stateSize + j] = actionCovariance[i, j] }
            }
            let mean = stateMean + controller.meanAction(for: stateMean, step: step)
            means.append(mean); covariances.append(joint)
            if step < horizon - 1 {
                let transition = dynamics.transitions[step]
                stateCovariance = (transition * joint * transition.transposed + dynamics.noiseCovariances[step]).symmetrized
                stateMean = zip(transition * mean, dynamics.offsets[step]).map(+)
            }
        }
        return (means, covariances)
    }

    /// The expected cost per step of `controller` under `dynamics` (gps `estimate_cost`, the
    /// Laplace estimate).
    public func estimateCost(controller: LinearGaussianController, dynamics: LinearGaussianDynamics, cost: QuadraticCost) -> [Double] {
        let (means, covariances) = forward(controller: controller, dynamics: dynamics)
        return (0..<controller.horizon).map { step in
            var trace = 0.0
            for index in covariances[step].values.indices { trace += covariances[step].values[index] * cost.quadratic[step].values[index] }
            return cost.value(at: means[step], step: step) + 0.5 * trace
        }
    }

    // MARK: - KL divergence

    /// `sum_t E_{(x,u) ~ N(mu_t, Sigma_t)}[log p_new(u | x) - log p_reference(u | x)]`, each step
    /// floored at 0 (gps `traj_distr_kl`).
    public static func divergence(means: [[Double]], covariances: [DenseMatrix], new: LinearGaussianController,
                                  reference: LinearGaussianController) -> Double {
        var total = 0.0
        for step in 0..<new.horizon {
            let (newMatrix, newVector, newConstant) = logDensityTerms(new, step: step)
            let (referenceMatrix, referenceVector, referenceConstant) = logDensityTerms(reference, step: step)
            let matrix = newMatrix - referenceMatrix
            let vector = zip(newVector, referenceVector).map(-)
            let mean = means[step]
            var trace = 0.0
            for index in matrix.values.indices { trace += matrix.values[index] * covariances[step].values[index] }
            let value = -0.5 * dot(mean, matrix * mean) - dot(mean, vector) - newConstant + referenceConstant - 0.5 * trace
                - 0.5 * logDeterminant(new, step: step) + 0.5 * logDeterminant(reference, step: step)
            total += max(0, value)
        }
        return total
    }

    /// `log det S_t` from the Cholesky factor.
    static func logDeterminant(_ controller: LinearGaussianController, step: Int) -> Double {
        let factor = controller.choleskyFactors[step]
        return 2 * (0..<factor.rows).reduce(0) { $0 + log(factor[$1, $1]) }
    }

    /// `M = [[K^T P K, -K^T P], [-P K, P]]`, `v = [K^T P k; -P k]`, `c = 1/2 k^T P k`: the
    /// quadratic form of `-log p(u | x)` up to the log determinant.
    static func logDensityTerms(_ controller: LinearGaussianController, step: Int) -> (DenseMatrix, [Double], Double) {
        let gain = controller.gains[step], offset = controller.offsets[step], precision = controller.precisions[step]
        let stateSize = gain.columns, actionSize = gain.rows, size = stateSize + actionSize
        let precisionGain = precision * gain                          // [A, O]
        let gainPrecisionGain = gain.transposed * precisionGain        // [O, O]
        var matrix = DenseMatrix(rows: size, columns: size)
        for i in 0..<stateSize { for j in 0..<stateSize { matrix[i, j] = gainPrecisionGain[i, j] } }
        for i in 0..<actionSize {
            for j in 0..<stateSize { matrix[stateSize + i, j] = -precisionGain[i, j]; matrix[j, stateSize + i] = -precisionGain[i, j] }
            for j in 0..<actionSize { matrix[stateSize + i, stateSize + j] = precision[i, j] }
        }
        let precisionOffset = precision * offset
        let vector = gain.transposed * precisionOffset + precisionOffset.map { -$0 }
        return (matrix, vector, 0.5 * dot(offset, precisionOffset))
    }

    // MARK: - Backward pass

    /// One LQR backward pass at `eta` (raised while `Quu` is not positive definite).
    ///
    /// - Throws: `TrajectoryOptimizationError.noPositiveDefiniteSolution` once eta reaches
    ///   `maximumEta`, `.nonFiniteDynamics` when the dynamics hold NaN.
    public func backward(reference: LinearGaussianController, dynamics: LinearGaussianDynamics, cost: QuadraticCost,
                         eta startEta: Double) throws -> (controller: LinearGaussianController, eta: Double) {
        let horizon = reference.horizon, stateSize = reference.observationSize, actionSize = reference.actionSize
        let size = stateSize + actionSize
        let stateIndices = Array(0..<stateSize), actionIndices = Array(stateSize..<size)
        var eta = startEta, increment = initialEtaIncrement
        while true {
            var gains = [DenseMatrix](), offsets = [[Double]](), covariances = [DenseMatrix]()
            var valueHessian = DenseMatrix(rows: stateSize, columns: stateSize), valueGradient = [Double](repeating: 0, count: stateSize)
            var failed = false
            for step in stride(from: horizon - 1, through: 0, by: -1) {
                let (klMatrix, klVector, _) = Self.logDensityTerms(reference, step: step)
                var qHessian = DenseMatrix(rows: size, columns: size)
                for index in qHessian.values.indices { qHessian.values[index] = cost.quadratic[step].values[index] / eta + klMatrix.values[index] }
                var qGradient = (0..<size).map { cost.linear[step][$0] / eta + klVector[$0] }
                if step < horizon - 1 {
                    let transition = dynamics.transitions[step]
                    qHessian = qHessian + transition.transposed * valueHessian * transition
                    let propagated = zip(valueGradient, valueHessian * dynamics.offsets[step]).map(+)
                    qGradient = zip(qGradient, transition.transposed * propagated).map(+)
                }
                qHessian = qHessian.symmetrized
                let actionHessian = qHessian.selecting(rows: actionIndices, columns: actionIndices)
                guard let factor = actionHessian.cholesky() else { failed = true; break }
                let actionState = qHessian.selecting(rows: actionIndices, columns: stateIndices)
                let gain = -factor.choleskySolve(actionState)
                let offset = factor.choleskySolve(Array(qGradient[stateSize...])).map { -$0 }
                let covariance = factor.choleskySolve(DenseMatrix.identity(actionSize)).symmetrized
                let stateAction = qHessian.selecting(rows: stateIndices, columns: actionIndices)
                valueHessian = (qHessian.selecting(rows: stateIndices, columns: stateIndices) + stateAction * gain).symmetrized
                valueGradient = zip(Array(qGradient[0..<stateSize]), stateAction * offset).map(+)
                gains.append(gain); offsets.append(offset); covariances.append(covariance)
            }
            if !failed {
                do {
                    let controller = try LinearGaussianController(gains: gains.reversed(), offsets: offsets.reversed(),
                                                                  covariances: covariances.reversed())
                    return (controller, eta)
                } catch {
                    failed = true   // a covariance that lost positive definiteness numerically
                }
            }
            eta = startEta + increment
            increment *= 2
            if eta >= maximumEta {
                let dynamicsFinite = dynamics.transitions.allSatisfy { $0.values.allSatisfy(\.isFinite) }
                    && dynamics.offsets.allSatisfy { $0.allSatisfy(\.isFinite) }
                throw dynamicsFinite ? TrajectoryOptimizationError.noPositiveDefiniteSolution(eta: eta)
                    : TrajectoryOptimizationError.nonFiniteDynamics
            }
        }
    }

    // MARK: - Eta search

    /// The new controller whose KL from `reference` is `klStep` within 10%, starting the eta
    /// search at `eta`.
    public func update(reference: LinearGaussianController, dynamics: LinearGaussianDynamics, cost: QuadraticCost,
                       eta startEta: Double, klStep: Double) throws -> Result {
        var low = minimumEta, high = maximumEta
        var eta = min(max(startEta, minimumEta), maximumEta)
        var best: Result?
        for pass in 1...maximumIterations {
            let (controller, newEta) = try backward(reference: reference, dynamics: dynamics, cost: cost, eta: eta)
            eta = newEta
            let (means, covariances) = forward(controller: controller, dynamics: dynamics)
            let divergence = Self.divergence(means: means, covariances: covariances, new: controller, reference: reference)
            let constraint = divergence - klStep
            let converged = abs(constraint) < 0.1 * klStep
            best = Result(controller: controller, eta: eta, divergence: divergence, converged: converged, passes: pass)
            if converged { break }
            if constraint < 0 {
                // Eta was too big.
                high = eta
                eta = max((low * high).squareRoot(), 0.1 * high)
            } else {
                // Eta was too small.
                low = eta
                eta = min((low * high).squareRoot(), 10 * low)
            }
        }
        guard let best else { throw TrajectoryOptimizationError.noPositiveDefiniteSolution(eta: eta) }
        return best
    }
}

/// Why a C-step failed.
public enum TrajectoryOptimizationError: Error, CustomStringConvertible, Equatable {
    /// `Quu` stayed indefinite even for eta at the top of the bracket (gps issue #51).
    case noPositiveDefiniteSolution(eta: Double)
    /// The fitted dynamics hold NaN or infinite values.
    case nonFiniteDynamics

    public var description: String {
        switch self {
        case .noPositiveDefiniteSolution(let eta):
            return "the LQR backward pass found no positive-definite action Hessian even for eta = \(eta); the fitted dynamics or the cost expansion are badly conditioned (raise dynamicsRegularization or actionCostWeight, or use more samples per condition)"
        case .nonFiniteDynamics:
            return "the fitted dynamics hold NaN or infinite values; check the samples"
        }
    }
}
