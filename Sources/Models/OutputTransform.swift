#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// The per-column constants that turn a network output row into a prediction: the target
/// normaliser's statistics, the log-variance bounds and the delta mask, copied once per call.
struct OutputTransform: Sendable {
    let layout: OutputLayout
    /// Target means and standard deviations, `[R]` (0 and 1 without output normalisation).
    let targetMean: [Float]
    let targetStandardDeviation: [Float]
    /// Soft log-variance bounds, `[R]` (empty for a deterministic model).
    let upperBound: [Float]
    let lowerBound: [Float]
    /// 1 where the observation is predicted as a change, `[obs]`.
    let deltaMask: [Float]

    init(model: DynamicsEnsemble) {
        layout = model.layout
        targetMean = model.outputNormalizer.mean
        targetStandardDeviation = model.outputNormalizer.standardDeviation
        upperBound = model.logVarianceBounds?.maxLogVariance.values ?? []
        lowerBound = model.logVarianceBounds?.minLogVariance.values ?? []
        deltaMask = model.deltaMask
    }

    /// The bounded log-variance of a raw head value in regression column `column`, exactly as
    /// `LogVarianceBounds.forward` computes it.
    @inline(__always)
    func logVariance(raw: Float, column: Int) -> Float {
        let upper = upperBound[column], lower = lowerBound[column]
        let upperBounded = upper - Activation.softplus(upper - raw)
        return lower + Activation.softplus(upperBounded - lower)
    }

    /// A normalised regression value of column `column` in the target's units.
    @inline(__always)
    func denormalized(_ value: Float, column: Int) -> Float {
        value * targetStandardDeviation[column] + targetMean[column]
    }
}
