#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The layer table of the 256-layer ziggurat for the standard normal density
/// `f(x) = exp(-x²/2)` (Marsaglia and Tsang, "The Ziggurat Method for Generating Random
/// Variables", Journal of Statistical Software 5(8), 2000; layout as in Doornik, "An Improved
/// Ziggurat Method to Generate Normal Random Samples", 2005).
///
/// Layer `i` (for `1 ≤ i ≤ 255`) is the rectangle `[0, x[i]] × [f(x[i]), f(x[i + 1])]`, with
/// `x[256] = 0`; layer 0 is the rectangle `[0, x[0]] × [0, f(r)]` whose part beyond `r = x[1]`
/// stands for the tail. Every layer has the same area `v`.
enum ZigguratTable {
    /// The number of layers.
    static let layerCount = 256
    /// The start of the tail, `x[1]` (Marsaglia and Tsang 2000, for 256 layers).
    static let tailStart = 3.6541528853610088

    /// `x[0] ... x[256]`: the right edge of every layer, decreasing, `x[256] = 0`.
    static let edges: [Double] = {
        let r = tailStart
        let density = { (x: Double) in exp(-0.5 * x * x) }
        // The common area: the base rectangle plus the tail integral.
        let area = r * density(r) + (Double.pi / 2).squareRoot() * erfc(r / 2.0.squareRoot())
        var x = [Double](repeating: 0, count: layerCount + 1)
        x[0] = area / density(r)
        x[1] = r
        for index in 2..<layerCount {
            x[index] = (-2 * log(area / x[index - 1] + density(x[index - 1]))).squareRoot()
        }
        x[layerCount] = 0
        return x
    }()

    /// `f(x[i])` for every edge, increasing, `f(x[256]) = 1`.
    static let heights: [Double] = edges.map { exp(-0.5 * $0 * $0) }
}
