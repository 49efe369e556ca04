/// A number as Gymnasium's `Continuous_MountainCarEnv.step` holds it under NumPy 2's promotion
/// rules (NEP 50), so `MountainCarContinuous` rounds where Gymnasium rounds.
///
/// Gymnasium keeps that environment's state as a float32 array, mixes it with Python floats
/// (which NumPy 2 treats as "weak": a float32 plus a Python float is a float32) and with the
/// float32 action. Computing everything in `Double` instead drifts by float32 rounding each step.
struct MountainCarContinuousScalar {
    /// The type of the value in Python: a NumPy float32 or float64 scalar, or a Python float.
    enum Kind { case float32, float64, python }

    /// The value (exactly representable as `Float` when `kind` is `.float32`).
    var value: Double
    var kind: Kind

    static func float32(_ value: Float) -> Self { Self(value: Double(value), kind: .float32) }
    static func float64(_ value: Double) -> Self { Self(value: value, kind: .float64) }
    static func python(_ value: Double) -> Self { Self(value: value, kind: .python) }

    /// The type of `lhs op rhs`: float64 wins, then float32; two Python floats stay Python floats.
    static func resultKind(_ lhs: Kind, _ rhs: Kind) -> Kind {
        if lhs == .float64 || rhs == .float64 { return .float64 }
        if lhs == .float32 || rhs == .float32 { return .float32 }
        return .python
    }

    static func combine(_ lhs: Self, _ rhs: Self, double: (Double, Double) -> Double,
                        single: (Float, Float) -> Float) -> Self {
        let kind = resultKind(lhs.kind, rhs.kind)
        if kind == .float32 { return .float32(single(Float(lhs.value), Float(rhs.value))) }
        return Self(value: double(lhs.value, rhs.value), kind: kind)
    }

    static func + (lhs: Self, rhs: Self) -> Self { combine(lhs, rhs, double: +, single: +) }
    static func - (lhs: Self, rhs: Self) -> Self { combine(lhs, rhs, double: -, single: -) }
    static func * (lhs: Self, rhs: Self) -> Self { combine(lhs, rhs, double: *, single: *) }

    /// Compares in the promoted type, as NumPy 2 does (`float32(0.07) > 0.07` is false).
    static func compare(_ lhs: Self, _ rhs: Self, _ predicate: (Double, Double) -> Bool) -> Bool {
        if resultKind(lhs.kind, rhs.kind) == .float32 {
            return predicate(Double(Float(lhs.value)), Double(Float(rhs.value)))
        }
        return predicate(lhs.value, rhs.value)
    }

    static func > (lhs: Self, rhs: Self) -> Bool { compare(lhs, rhs, >) }
    static func < (lhs: Self, rhs: Self) -> Bool { compare(lhs, rhs, <) }
    static func >= (lhs: Self, rhs: Self) -> Bool { compare(lhs, rhs, >=) }
    static func == (lhs: Self, rhs: Self) -> Bool { compare(lhs, rhs, ==) }
}
