import MBRLCore
import Planners

/// A time-varying quadratic cost `c_t(y) = 1/2 y^T C_t y + c_t^T y + c0_t` over `y = [x_t; u_t]`,
/// in absolute coordinates (gps's `traj_info.Cm`, `cv`, `cc`: the expansion around each sample,
/// shifted to the origin and averaged over the samples).
///
/// ```swift
/// let cost = QuadraticCost(quadratic: [hessian], linear: [gradient], constant: [0])
/// let value = cost.value(at: [0.1, 0.2, 0, 0, 0.5, 0.5, 0, 0], step: 0)
/// ```
public struct QuadraticCost: Sendable, Equatable, Codable {
    /// `C_t`, `[O + A, O + A]`.
    public var quadratic: [DenseMatrix]
    /// `c_t`, `[O + A]`.
    public var linear: [[Double]]
    /// `c0_t`.
    public var constant: [Double]

    public init(quadratic: [DenseMatrix], linear: [[Double]], constant: [Double]) {
        self.quadratic = quadratic
        self.linear = linear
        self.constant = constant
    }

    /// The horizon.
    public var horizon: Int { quadratic.count }

    /// `c_t(y)`.
    public func value(at point: [Double], step: Int) -> Double {
        constant[step] + dot(linear[step], point) + 0.5 * dot(point, quadratic[step] * point)
    }

    /// The expansion of a cost around points: for each sample and step, the value `l`, gradient `g`
    /// and Hessian `H` at `y_s` become `C = H`, `c = g - H y_s`, `c0 = l - g^T y_s + 1/2 y_s^T H y_s`,
    /// averaged over the samples (gps `Algorithm._eval_cost`).
    ///
    /// - Parameters:
    ///   - points: `[N][T]` points `[x; u]`.
    ///   - values, gradients, hessians: per sample and step.
    public static func averagedExpansion(points: [[[Double]]], values: [[Double]], gradients: [[[Double]]],
                                         hessians: [[DenseMatrix]]) -> QuadraticCost {
        let count = points.count, horizon = points[0].count, size = points[0][0].count
        var quadratic = [DenseMatrix](repeating: DenseMatrix(rows: size, columns: size), count: horizon)
        var linear = [[Double]](repeating: [Double](repeating: 0, count: size), count: horizon)
        var constant = [Double](repeating: 0, count: horizon)
        let weight = 1 / Double(count)
        for sample in 0..<count {
            for step in 0..<horizon {
                let point = points[sample][step], hessian = hessians[sample][step], gradient = gradients[sample][step]
                let hessianPoint = hessian * point
                for index in 0..<(size * size) { quadratic[step].values[index] += weight * hessian.values[index] }
                for index in 0..<size { linear[step][index] += weight * (gradient[index] - hessianPoint[index]) }
                constant[step] += weight * (values[sample][step] - dot(gradient, point) + 0.5 * dot(point, hessianPoint))
            }
        }
        return QuadraticCost(quadratic: quadratic, linear: linear, constant: constant)
    }
}
