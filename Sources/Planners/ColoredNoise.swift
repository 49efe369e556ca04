#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// Gaussian noise with a power-law spectrum `S(f) ∝ 1 / f^exponent` along time, for iCEM's
/// temporally correlated action samples (exponent 0: white; 1: pink; 2: red/Brownian-like).
///
/// Follows the method of Timmer and König (1995) as the `colorednoise` package's
/// `powerlaw_psd_gaussian` implements it (the generator mbrl-lib's iCEM uses): draw the real and
/// imaginary part of every Fourier coefficient `k = 0 ... n/2` from `N(0, s_k^2)` with
/// `s_k = max(k / n, 1 / n)^(-exponent / 2)` (the zero and, for even `n`, the Nyquist coefficient
/// real and scaled by `sqrt(2)`), invert the real FFT, and divide by
/// `sigma = 2 sqrt(sum_{k >= 1} w_k^2) / n` (with `w` the scales, the Nyquist one halved), which
/// makes the variance about 1. Horizons are short, so the inverse transform is a direct
/// `O(n^2 / 2)` sum over precomputed cosines and sines instead of an FFT.
///
/// ```swift
/// let noise = ColoredNoise(exponent: 2, length: 30)
/// var series = [Float](repeating: 0, count: 30)
/// var generator = RandomGenerator(seed: 0)
/// noise.fill(&series, generator: &generator)      // 30 correlated N(0, ~1) values
/// ```
public struct ColoredNoise: Sendable {
    /// The spectral exponent `beta`.
    public let exponent: Float
    /// The number of time steps in a series.
    public let length: Int
    let scales: [Double]       // s_k, k = 0 ... length / 2
    let normalization: Double  // sigma
    let cosines: [Double]      // [frequency * length + t] = cos(2 pi k t / n)
    let sines: [Double]

    /// A generator of series of `length` steps with spectral exponent `exponent` (`length >= 1`,
    /// `exponent >= 0`).
    public init(exponent: Float, length: Int) {
        precondition(length >= 1, "ColoredNoise needs a positive length")
        precondition(exponent >= 0 && exponent.isFinite, "ColoredNoise needs a finite, non-negative exponent")
        self.exponent = exponent
        self.length = length
        let count = length / 2 + 1
        let lowest = 1 / Double(length)
        scales = (0..<count).map { pow(max(Double($0) / Double(length), lowest), -Double(exponent) / 2) }
        var weights = Array(scales.dropFirst())
        if !weights.isEmpty { weights[weights.count - 1] *= Double(1 + length % 2) / 2 }
        normalization = 2 * weights.reduce(0) { $0 + $1 * $1 }.squareRoot() / Double(length)
        var cosines = [Double](repeating: 0, count: count * length)
        var sines = cosines
        for frequency in 0..<count {
            for time in 0..<length {
                let angle = 2 * Double.pi * Double(frequency * time % length) / Double(length)
                cosines[frequency * length + time] = cos(angle)
                sines[frequency * length + time] = sin(angle)
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Fills `series` (`length` entries) with one noise series.
    public func fill(_ series: inout [Float], generator: inout RandomGenerator) {
        precondition(series.count == length, "ColoredNoise.fill needs \(length) entries, got \(series.count)")
        guard length > 1 else {
            series[0] = generator.nextStandardNormalFloat()  // one step: no spectrum to shape
            return
        }
        let count = scales.count
        var real = [Double](repeating: 0, count: count), imaginary = real
        for k in 0..<count { real[k] = generator.nextStandardNormalDouble() * scales[k] }
        for k in 0..<count { imaginary[k] = generator.nextStandardNormalDouble() * scales[k] }
        imaginary[0] = 0
        real[0] *= 2.0.squareRoot()
        let evenLength = length % 2 == 0
        if evenLength {
            imaginary[count - 1] = 0
            real[count - 1] *= 2.0.squareRoot()
        }
        // The inverse real DFT: y_t = (X_0 + 2 sum_k Re(X_k e^{2 pi i k t / n}) + X_{n/2} (-1)^t) / n.
        let middleEnd = evenLength ? count - 1 : count
        let scale = 1 / (Double(length) * normalization)
        for time in 0..<length {
            var total = real[0]
            for k in 1..<middleEnd {
                total += 2 * (real[k] * cosines[k * length + time] - imaginary[k] * sines[k * length + time])
            }
            if evenLength { total += real[count - 1] * cosines[(count - 1) * length + time] }
            series[time] = Float(total * scale)
        }
    }
}
