#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore

/// Argument checks and small numeric helpers shared by the built-in classic-control environments
/// (`CartPole`, `ContinuousCartPole`, `Pendulum`, `MountainCarContinuous`, `Acrobot`).
enum ClassicControl {
    /// A space as a person reads it: `Discrete(2)`, `Box(low: [-2.0], high: [2.0])`.
    static func describe(_ space: Space) -> String {
        switch space {
        case .discrete(let discrete):
            return "Discrete(\(discrete.count)) (one entry holding an index 0...\(discrete.count - 1))"
        case .box(let box):
            return "Box(low: \(box.lowerBound), high: \(box.upperBound))"
        }
    }

    /// The index of a discrete action, or `invalidArgument` naming the environment, the action
    /// and the valid space.
    static func discreteAction(_ action: [Float], in space: Space, environment: String) throws -> Int {
        guard let discrete = space.discrete, action.count == 1, discrete.contains(action[0]) else {
            throw MBRLError.invalidArgument(
                "\(environment): action \(action) is not in the action space \(describe(space))")
        }
        return Int(action[0])
    }

    /// Checks a box action's size and finiteness (bounds are each environment's own business:
    /// Gymnasium clips some actions and applies others as they are).
    static func checkBoxAction(_ action: [Float], in space: Space, environment: String) throws {
        let size = space.flatSize
        guard action.count == size else {
            throw MBRLError.invalidArgument(
                "\(environment): action \(action) has \(action.count) entries; the action space \(describe(space)) needs \(size)")
        }
        guard action.allSatisfy(\.isFinite) else {
            throw MBRLError.invalidArgument(
                "\(environment): action \(action) is not finite; the action space is \(describe(space))")
        }
    }

    /// Checks a physical state's size and finiteness; `names` lists the entries in order.
    static func checkState(_ state: [Double], names: [String], environment: String) throws {
        guard state.count == names.count else {
            throw MBRLError.invalidArgument(
                "\(environment): a physical state has \(names.count) entries (\(names.joined(separator: ", "))), got \(state.count)")
        }
        if let index = state.firstIndex(where: { !$0.isFinite }) {
            throw MBRLError.invalidArgument(
                "\(environment): physical state entry \(index) (\(names[index])) is \(state[index]); it must be finite")
        }
    }

    /// A uniform `Double` in `[low, high)`.
    static func uniform(_ low: Double, _ high: Double, using generator: inout RandomGenerator) -> Double {
        low + (high - low) * generator.nextUniformDouble()
    }

    /// Checks that a batch of transitions has matching rows and the expected widths (a
    /// programmer error otherwise).
    static func checkBatch(
        _ observations: Matrix, _ actions: Matrix, _ nextObservations: Matrix,
        observationSize: Int, actionSize: Int, function: String
    ) {
        precondition(observations.rows == nextObservations.rows && actions.rows == nextObservations.rows,
                     "\(function): observations, actions and next observations need the same number of rows")
        precondition(observations.columns == observationSize && nextObservations.columns == observationSize,
                     "\(function): observations need \(observationSize) columns")
        precondition(actions.columns == actionSize, "\(function): actions need \(actionSize) columns")
    }
}

/// The C library's `pow` and `powf`, called so that the optimizer cannot rewrite `pow(x, 2)` as
/// `x * x`.
///
/// Python evaluates `x ** 2` on floats and NumPy scalars with the C library's `pow`, which is
/// not always the correctly rounded square (glibc's differs from `x * x` in the last bit for about
/// 1 in 1,000 arguments). LLVM replaces a direct `pow(x, 2.0)` call by `x * x`, so the functions
/// are looked up at run time; if the lookup fails, the direct calls are used.
enum LibmPower {
    private typealias DoublePower = @convention(c) (Double, Double) -> Double
    private typealias FloatPower = @convention(c) (Float, Float) -> Float

    private static let doublePower: DoublePower? = lookUp("pow")
    private static let floatPower: FloatPower? = lookUp("powf")

    private static func lookUp<Function>(_ name: String) -> Function? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }

    /// `x ** 2` as Python computes it for a float or a NumPy float64.
    static func square(_ x: Double) -> Double {
        if let doublePower { return doublePower(x, 2) }
        return pow(x, 2)
    }

    /// `x ** 2` as NumPy computes it for a float32 scalar.
    static func square(_ x: Float) -> Float {
        if let floatPower { return floatPower(x, 2) }
        return powf(x, 2)
    }
}
