/// The set of valid observations or actions of an environment, as in Gymnasium's `spaces`.
///
/// Observations and actions travel through the framework as rows of `Float`. A `Box` space
/// has one entry per dimension; a `Discrete` space is carried as a single entry holding the
/// index (`0..<count`), and `encodedSize` / `encode(_:into:)` turn it into a one-hot row when a
/// model needs a numeric input.
///
/// ```swift
/// let pendulumActions = Space.box(Box(lowerBound: [-2], upperBound: [2]))
/// let cartPoleActions = Space.discrete(Discrete(count: 2))
/// pendulumActions.contains([1.5])   // true
/// cartPoleActions.flatSize          // 1
/// cartPoleActions.encodedSize       // 2
/// ```
public enum Space: Sendable, Equatable, Codable {
    /// A box of real vectors with per-dimension bounds.
    case box(Box)
    /// A finite set of actions or states `0..<count`.
    case discrete(Discrete)

    /// The number of `Float` entries a value of this space takes in a row.
    public var flatSize: Int {
        switch self {
        case .box(let box): return box.size
        case .discrete: return 1
        }
    }

    /// The number of entries a model input needs for a value of this space (one-hot for discrete).
    public var encodedSize: Int {
        switch self {
        case .box(let box): return box.size
        case .discrete(let discrete): return discrete.count
        }
    }

    /// The box, when this is a box space.
    public var box: Box? {
        if case .box(let box) = self { return box }
        return nil
    }

    /// The discrete space, when this is one.
    public var discrete: Discrete? {
        if case .discrete(let discrete) = self { return discrete }
        return nil
    }

    /// Whether `value` is a member of the space (finite, inside the bounds, a valid index).
    public func contains(_ value: [Float]) -> Bool {
        switch self {
        case .box(let box): return box.contains(value)
        case .discrete(let discrete): return value.count == 1 && discrete.contains(value[0])
        }
    }

    /// Draws a uniformly random member (bounded boxes only; unbounded dimensions draw a
    /// standard normal, as Gymnasium does).
    public func sample(using generator: inout RandomGenerator) -> [Float] {
        switch self {
        case .box(let box): return box.sample(using: &generator)
        case .discrete(let discrete): return [Float(discrete.sample(using: &generator))]
        }
    }

    /// Writes the model encoding of `value` (the value itself for a box, one-hot for discrete)
    /// into `destination`, which must have `encodedSize` entries.
    public func encode(_ value: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .box:
            for index in 0..<value.count { destination[index] = value[index] }
        case .discrete(let discrete):
            for index in 0..<discrete.count { destination[index] = 0 }
            let chosen = Int(value[0])
            if chosen >= 0 && chosen < discrete.count { destination[chosen] = 1 }
        }
    }
}

/// A box `[lowerBound, upperBound]` in `R^size` (Gymnasium's `Box`). Bounds may be infinite.
public struct Box: Sendable, Equatable, Codable {
    /// Per-dimension lower bounds.
    public var lowerBound: [Float]
    /// Per-dimension upper bounds.
    public var upperBound: [Float]

    /// A box with the given bounds; both arrays must have the same length.
    public init(lowerBound: [Float], upperBound: [Float]) {
        precondition(lowerBound.count == upperBound.count, "Box bounds must have the same length")
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// A box with the same bounds in every one of `size` dimensions.
    public init(lowerBound: Float, upperBound: Float, size: Int) {
        self.init(lowerBound: Array(repeating: lowerBound, count: size),
                  upperBound: Array(repeating: upperBound, count: size))
    }

    /// The number of dimensions.
    public var size: Int { lowerBound.count }

    /// Whether every bound is finite.
    public var isBounded: Bool {
        lowerBound.allSatisfy(\.isFinite) && upperBound.allSatisfy(\.isFinite)
    }

    /// Whether `value` has the right size, is finite and lies inside the bounds.
    public func contains(_ value: [Float]) -> Bool {
        guard value.count == size else { return false }
        for index in 0..<size {
            let entry = value[index]
            if !entry.isFinite || entry < lowerBound[index] || entry > upperBound[index] { return false }
        }
        return true
    }

    /// Clamps `value` into the box, entry by entry.
    public func clamp(_ value: [Float]) -> [Float] {
        var result = value
        for index in 0..<min(size, value.count) {
            result[index] = Swift.min(Swift.max(value[index], lowerBound[index]), upperBound[index])
        }
        return result
    }

    /// A uniformly random point of the box; an unbounded dimension draws a standard normal
    /// (shifted exponential when half-bounded), following Gymnasium's `Box.sample`.
    public func sample(using generator: inout RandomGenerator) -> [Float] {
        var result = [Float](repeating: 0, count: size)
        for index in 0..<size {
            let low = lowerBound[index], high = upperBound[index]
            switch (low.isFinite, high.isFinite) {
            case (true, true):
                result[index] = low + (high - low) * generator.nextUniformFloat()
            case (false, false):
                result[index] = generator.nextStandardNormalFloat()
            case (true, false):
                result[index] = low + generator.nextExponentialFloat()
            case (false, true):
                result[index] = high - generator.nextExponentialFloat()
            }
        }
        return result
    }
}

/// The finite set `0..<count` (Gymnasium's `Discrete` with `start` 0).
public struct Discrete: Sendable, Equatable, Codable {
    /// The number of elements.
    public var count: Int

    /// A discrete space of `count` elements; `count` must be positive.
    public init(count: Int) {
        precondition(count > 0, "Discrete space needs at least one element")
        self.count = count
    }

    /// Whether `value` is an integral index in `0..<count`.
    public func contains(_ value: Float) -> Bool {
        value.isFinite && value == value.rounded() && value >= 0 && Int(value) < count
    }

    /// A uniformly random index.
    public func sample(using generator: inout RandomGenerator) -> Int {
        generator.nextInt(below: count)
    }
}
