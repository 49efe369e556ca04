import MBRLCore

/// An axis-aligned rectangular, sticky wall inside the point mass's square: the mass (a point)
/// cannot enter it, and a move that reaches a face stops there and stays stuck to the wall for
/// the rest of the episode (velocity 0, every later action without effect). Stuck means lying
/// on a face (`isOnFace`), so the observation tells it and the task stays Markov.
///
/// ```swift
/// var configuration = PointMassConfiguration()
/// configuration.wall = PointMassWall(minimumX: -0.05, maximumX: 0.05, minimumY: -0.5, maximumY: 0.5)
/// ```
public struct PointMassWall: Sendable, Equatable {
    /// Left face.
    public var minimumX: Double
    /// Right face.
    public var maximumX: Double
    /// Lower face.
    public var minimumY: Double
    /// Upper face.
    public var maximumY: Double

    /// The wall covering `[minimumX, maximumX] x [minimumY, maximumY]`.
    public init(minimumX: Double, maximumX: Double, minimumY: Double, maximumY: Double) {
        self.minimumX = minimumX
        self.maximumX = maximumX
        self.minimumY = minimumY
        self.maximumY = maximumY
    }

    /// Whether `(x, y)` lies strictly inside the wall.
    public func contains(x: Double, y: Double) -> Bool {
        x > minimumX && x < maximumX && y > minimumY && y < maximumY
    }

    /// Whether `(x, y)` lies on the wall's boundary (where a mass sticks).
    public func isOnFace(x: Double, y: Double) -> Bool {
        let withinX = x >= minimumX && x <= maximumX, withinY = y >= minimumY && y <= maximumY
        return withinX && withinY && !contains(x: x, y: y)
    }

    /// The move from `from` to `to` along one axis, stopped at a face of the wall when the other
    /// coordinate `across` lies strictly between the wall's faces on the other axis. Returns the
    /// position reached and whether a face stopped it.
    func stop(from: Double, to: Double, across: Double, lower: Double, upper: Double,
              acrossLower: Double, acrossUpper: Double) -> (position: Double, stopped: Bool) {
        guard across > acrossLower && across < acrossUpper else { return (to, false) }
        if from <= lower && to > lower { return (lower, true) }
        if from >= upper && to < upper { return (upper, true) }
        return (to, false)
    }
}
