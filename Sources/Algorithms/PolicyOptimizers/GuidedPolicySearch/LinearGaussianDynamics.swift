import MBRLCore
import Planners

/// Time-varying linear-Gaussian dynamics `x_{t+1} ~ N(F_t [x_t; u_t] + f_t, Sigma_t)`, fitted per
/// time step by regression on the samples, regularised by a normal-inverse-Wishart prior (gps's
/// `DynamicsLRPrior` with `gauss_fit_joint_prior`).
///
/// At every step `t < T - 1` the rows `[x_t, u_t, x_{t+1}]` of the `N` samples give the
/// empirical mean `mu` and covariance `E` (weights `1/N`); with the prior `(mu0, Phi, m, n0)`
/// the joint covariance is `(N E + Phi + N m / (N + m) (mu - mu0)(mu - mu0)^T) / (N + n0)`, plus
/// `regularization` (gps default 1e-6) on the `[x, u]` block; conditioning the joint Gaussian
/// gives `F_t`, `f_t` and `Sigma_t`. Without a prior (`nil`) the empirical covariance is used
/// alone. The initial state distribution is the samples' mean and their per-dimension variance,
/// floored at `initialStateVariance` (gps `initial_state_var`, 1e-6), so a state dimension that
/// never varies (a fixed goal) stays well posed.
///
/// ```swift
/// let dynamics = try LinearGaussianDynamics.fit(observations: states, actions: actions, prior: prior)
/// let next = dynamics.meanNext(state: x, action: u, step: 3)
/// ```
public struct LinearGaussianDynamics: Sendable, Equatable, Codable {
    /// `F_t`, `[O, O + A]` each (`T - 1` of them, plus a copy of the last for step `T - 1`).
    public var transitions: [DenseMatrix]
    /// `f_t`, `[O]` each.
    public var offsets: [[Double]]
    /// `Sigma_t`, `[O, O]` each.
    public var noiseCovariances: [DenseMatrix]
    /// The mean initial state.
    public var initialMean: [Double]
    /// The initial state covariance.
    public var initialCovariance: DenseMatrix

    public init(transitions: [DenseMatrix], offsets: [[Double]], noiseCovariances: [DenseMatrix], initialMean: [Double],
                initialCovariance: DenseMatrix) {
        self.transitions = transitions
        self.offsets = offsets
        self.noiseCovariances = noiseCovariances
        self.initialMean = initialMean
        self.initialCovariance = initialCovariance
    }

    /// The horizon `T`.
    public var horizon: Int { transitions.count }

    /// `F_t [x; u] + f_t`.
    public func meanNext(state: [Double], action: [Double], step: Int) -> [Double] {
        zip(transitions[step] * (state + action), offsets[step]).map(+)
    }

    /// Fits the dynamics of `observations` `[N][T][O]` and `actions` `[N][T][A]` (every sample
    /// `T` steps long, `N >= 2`), with the prior when given.
    ///
    /// - Throws: `MBRLError.invalidArgument` for fewer than 2 samples or ragged samples,
    ///   `MBRLError.nonFinite` when a step's regression has no solution or gives non-finite values.
    public static func fit(observations: [[[Double]]], actions: [[[Double]]], prior: GaussianMixturePrior?,
                           regularization: Double = 1e-6, initialStateVariance: Double = 1e-6) throws -> LinearGaussianDynamics {
        let count = observations.count
        guard count >= 2, actions.count == count else {
            throw MBRLError.invalidArgument("fitting linear-Gaussian dynamics needs at least 2 samples (gps: \"Cannot fit dynamics on 1 sample\"), got \(count)")
        }
        let horizon = observations[0].count
        guard horizon >= 2, observations.allSatisfy({ $0.count == horizon }), actions.allSatisfy({ $0.count == horizon }) else {
            throw MBRLError.invalidArgument("every sample must have the same number (at least 2) of steps to fit time-varying dynamics")
        }
        let stateSize = observations[0][0].count, actionSize = actions[0][0].count
        let inputSize = stateSize + actionSize, jointSize = inputSize + stateSize
        var transitions: [DenseMatrix] = [], offsets: [[Double]] = [], noises: [DenseMatrix] = []
        let weight = 1 / Double(count)
        for step in 0..<(horizon - 1) {
            let rows = (0..<count).map { observations[$0][step] + actions[$0][step] + observations[$0][step + 1] }
            // Empirical mean and covariance.
            let mean = GaussianMixturePrior.mean(rows)
            var empirical = DenseMatrix(rows: jointSize, columns: jointSize)
            for row in rows {
                let difference = zip(row, mean).map(-)
                for i in 0..<jointSize { for j in 0..<jointSize { empirical[i, j] += weight * difference[i] * difference[j] } }
            }
            var sigma: DenseMatrix
            if let prior, prior.isFitted {
                let (priorMean, scatter, m, n0) = prior.prior(for: rows)
                let total = Double(count)
                sigma = DenseMatrix(rows: jointSize, columns: jointSize)
                let difference = zip(mean, priorMean).map(-)
                let shrink = total * m / (total + m)
                for i in 0..<jointSize {
                    for j in 0..<jointSize {
                        sigma[i, j] = (total * empirical[i, j] + scatter[i, j] + shrink * difference[i] * difference[j]) / (total + n0)
                    }
                }
            } else {
                sigma = empirical
            }
            sigma = sigma.symmetrized
            for i in 0..<inputSize { sigma[i, i] += regularization }
            let inputIndices = Array(0..<inputSize), outputIndices = Array(inputSize..<jointSize)
            let inputCovariance = sigma.selecting(rows: inputIndices, columns: inputIndices)
            let crossCovariance = sigma.selecting(rows: inputIndices, columns: outputIndices)
            guard let factor = inputCovariance.cholesky() else {
                throw MBRLError.nonFinite("the dynamics regression at time step \(step) has a singular [x, u] covariance; raise the dynamics regularization")
            }
            let transition = factor.choleskySolve(crossCovariance).transposed     // [O, O + A]
            let inputMean = Array(mean[0..<inputSize]), outputMean = Array(mean[inputSize...])
            let offset = zip(outputMean, transition * inputMean).map(-)
            let noise = (sigma.selecting(rows: outputIndices, columns: outputIndices)
                - transition * inputCovariance * transition.transposed).symmetrized
            guard transition.values.allSatisfy(\.isFinite), offset.allSatisfy(\.isFinite), noise.values.allSatisfy(\.isFinite) else {
                throw MBRLError.nonFinite("the dynamics fitted at time step \(step) are not finite; check the samples for NaN")
            }
            transitions.append(transition); offsets.append(offset); noises.append(noise)
        }
        transitions.append(transitions[horizon - 2]); offsets.append(offsets[horizon - 2]); noises.append(noises[horizon - 2])
        let starts = observations.map { $0[0] }
        let initialMean = GaussianMixturePrior.mean(starts)
        var initialCovariance = DenseMatrix(rows: stateSize, columns: stateSize)
        for i in 0..<stateSize {
            let variance = starts.reduce(0) { $0 + ($1[i] - initialMean[i]) * ($1[i] - initialMean[i]) } / Double(count)
            initialCovariance[i, i] = max(variance, initialStateVariance)
        }
        return LinearGaussianDynamics(transitions: transitions, offsets: offsets, noiseCovariances: noises,
                                      initialMean: initialMean, initialCovariance: initialCovariance)
    }
}

extension LinearGaussianDynamics {
    /// Fits the dynamics of `observations` `[N][T][O]` and `actions` `[N][T][A]` with the learned
    /// model's linearisation as the prior (`"dynamicsPrior": "model"`).
    ///
    /// At every step `t < T - 1`, with the samples' empirical mean `mu = [mu_xu; mu_y]` and
    /// covariance `E` of the rows `[x_t, u_t, x_{t+1}]` (weights `1/N`), and the model's
    /// linearisation `F`, `f` there (`ModelDynamicsPrior`), the prior is a normal-inverse-Wishart
    /// of the form gps's `DynamicsLRPrior` returns (`mu0, Phi, m, n0`), with `m = n0 = strength`
    /// pseudo-observations:
    ///
    /// - `mu0 = [mu_xu; F mu_xu + f]`: the model's prediction at the samples' mean input;
    /// - `Phi = n0 [[P, P F^T], [F P, F P F^T + W]]`: the joint covariance of `[x, u]` drawn
    ///   with covariance `P` and pushed through the model, plus `W`, the empirical covariance of
    ///   the samples' residuals `x_{t+1} - F [x_t; u_t] - f` (the prior covariance's scale); `P`
    ///   is the empirical `[x, u]` covariance plus `0.01` times its mean diagonal (at least
    ///   `max(1e-6, 10 regularization)`) on the diagonal, so that directions the few samples do
    ///   not span (a fixed goal, fewer samples than inputs) are still informed by `F`.
    ///
    /// The posterior covariance is `(N E + Phi + N m / (N + m) (mu - mu0)(mu - mu0)^T) / (N + n0)`
    /// (as the Gaussian-mixture path), the posterior mean `(N mu + m mu0) / (N + m)`, then
    /// `regularization` on the `[x, u]` block and conditioning give `F_t`, `f_t`, `Sigma_t`. With
    /// `strength` 0 this is the plain regression; as it grows, `F_t` and `f_t` tend to the model's
    /// `F` and `f` (the data only set `Sigma_t`). Samples exactly explained by `F` give `F_t = F`
    /// at every strength. The initial state distribution is as in the Gaussian-mixture fit.
    ///
    /// - Throws: as `fit(observations:actions:prior:regularization:initialStateVariance:)`, and
    ///   `MBRLError.shapeMismatch` when the prior's steps or sizes do not match the samples.
    public static func fit(observations: [[[Double]]], actions: [[[Double]]], modelPrior: ModelDynamicsPrior, strength: Double,
                           regularization: Double = 1e-6, initialStateVariance: Double = 1e-6) throws -> LinearGaussianDynamics {
        // Shapes and the initial state distribution as the plain fit (no prior).
        var dynamics = try fit(observations: observations, actions: actions, prior: nil, regularization: regularization,
                               initialStateVariance: initialStateVariance)
        let count = observations.count, horizon = observations[0].count
        let stateSize = observations[0][0].count, actionSize = actions[0][0].count
        let inputSize = stateSize + actionSize, jointSize = inputSize + stateSize
        guard modelPrior.transitions.count == horizon - 1, modelPrior.offsets.count == horizon - 1,
              modelPrior.transitions.allSatisfy({ $0.rows == stateSize && $0.columns == inputSize }),
              modelPrior.offsets.allSatisfy({ $0.count == stateSize }) else {
            throw MBRLError.shapeMismatch("the model prior has \(modelPrior.transitions.count) steps; the samples need \(horizon - 1) of [\(stateSize), \(inputSize)]")
        }
        guard strength > 0 else { return dynamics }
        let total = Double(count), weight = 1 / total
        let inputIndices = Array(0..<inputSize), outputIndices = Array(inputSize..<jointSize)
        for step in 0..<(horizon - 1) {
            let rows = (0..<count).map { observations[$0][step] + actions[$0][step] + observations[$0][step + 1] }
            let mean = GaussianMixturePrior.mean(rows)
            var empirical = DenseMatrix(rows: jointSize, columns: jointSize)
            for row in rows {
                let difference = zip(row, mean).map(-)
                for i in 0..<jointSize { for j in 0..<jointSize { empirical[i, j] += weight * difference[i] * difference[j] } }
            }
            let transition = modelPrior.transitions[step], offset = modelPrior.offsets[step]
            let inputMean = Array(mean[0..<inputSize])
            let priorMean = inputMean + zip(transition * inputMean, offset).map(+)
            // P: the empirical [x, u] covariance, widened on the diagonal.
            var inputCovariance = empirical.selecting(rows: inputIndices, columns: inputIndices)
            let meanDiagonal = (0..<inputSize).reduce(0) { $0 + inputCovariance[$1, $1] } / Double(inputSize)
            let widening = max(0.01 * meanDiagonal, max(1e-6, 10 * regularization))
            for i in 0..<inputSize { inputCovariance[i, i] += widening }
            // W: the residuals' covariance.
            let residuals = rows.map { row in zip(Array(row[inputSize...]), zip(transition * Array(row[0..<inputSize]), offset).map(+)).map(-) }
            let residualMean = GaussianMixturePrior.mean(residuals)
            var residualCovariance = DenseMatrix(rows: stateSize, columns: stateSize)
            for residual in residuals {
                let difference = zip(residual, residualMean).map(-)
                for i in 0..<stateSize { for j in 0..<stateSize { residualCovariance[i, j] += weight * difference[i] * difference[j] } }
            }
            let cross = transition * inputCovariance                                      // [O, O + A]
            let outputCovariance = cross * transition.transposed + residualCovariance
            var sigma = DenseMatrix(rows: jointSize, columns: jointSize)
            let difference = zip(mean, priorMean).map(-)
            let shrink = total * strength / (total + strength)
            for i in 0..<jointSize {
                for j in 0..<jointSize {
                    let scatter: Double
                    switch (i < inputSize, j < inputSize) {
                    case (true, true): scatter = inputCovariance[i, j]
                    case (false, true): scatter = cross[i - inputSize, j]
                    case (true, false): scatter = cross[j - inputSize, i]
                    case (false, false): scatter = outputCovariance[i - inputSize, j - inputSize]
                    }
                    sigma[i, j] = (total * empirical[i, j] + strength * scatter + shrink * difference[i] * difference[j]) / (total + strength)
                }
            }
            sigma = sigma.symmetrized
            for i in 0..<inputSize { sigma[i, i] += regularization }
            let posteriorMean = zip(mean, priorMean).map { (total * $0 + strength * $1) / (total + strength) }
            guard let factor = sigma.selecting(rows: inputIndices, columns: inputIndices).cholesky() else {
                throw MBRLError.nonFinite("the dynamics regression at time step \(step) has a singular [x, u] covariance; raise the dynamics regularization")
            }
            let posteriorInput = sigma.selecting(rows: inputIndices, columns: inputIndices)
            let fitted = factor.choleskySolve(sigma.selecting(rows: inputIndices, columns: outputIndices)).transposed
            let fittedOffset = zip(Array(posteriorMean[inputSize...]), fitted * Array(posteriorMean[0..<inputSize])).map(-)
            let noise = (sigma.selecting(rows: outputIndices, columns: outputIndices) - fitted * posteriorInput * fitted.transposed).symmetrized
            guard fitted.values.allSatisfy(\.isFinite), fittedOffset.allSatisfy(\.isFinite), noise.values.allSatisfy(\.isFinite) else {
                throw MBRLError.nonFinite("the dynamics fitted at time step \(step) are not finite; check the samples and the model for NaN")
            }
            dynamics.transitions[step] = fitted
            dynamics.offsets[step] = fittedOffset
            dynamics.noiseCovariances[step] = noise
        }
        dynamics.transitions[horizon - 1] = dynamics.transitions[horizon - 2]
        dynamics.offsets[horizon - 1] = dynamics.offsets[horizon - 2]
        dynamics.noiseCovariances[horizon - 1] = dynamics.noiseCovariances[horizon - 2]
        return dynamics
    }
}
