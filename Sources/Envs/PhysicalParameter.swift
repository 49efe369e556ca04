import MBRLCore

/// One physical parameter an environment exposes as a setting: its name, its nominal value (the
/// value the environment uses unless told otherwise, Gymnasium's for Gymnasium's environments),
/// its unit and the values it may take.
///
/// ```swift
/// let mass = PhysicalParameter("mass", nominal: 1, unit: "kg", summary: "the pendulum's mass")
/// mass.problem(with: -0.5)     // "must be above 0, got -0.5"
/// mass.problem(with: 1.4)      // nil
/// ```
public struct PhysicalParameter: Sendable, Equatable {
    /// The name recipes use, for example `"mass"`.
    public let name: String
    /// The value used when the recipe sets none.
    public let nominal: Double
    /// The unit, for example `"kg"`.
    public let unit: String
    /// A one-line description.
    public let summary: String
    /// The smallest valid value.
    public let minimum: Double
    /// Whether `minimum` itself is valid (`false` for masses and lengths, which must be positive).
    public let includesMinimum: Bool
    /// The largest valid value (itself valid); infinite for most quantities, 1 for a point
    /// mass's goal coordinates.
    public let maximum: Double

    /// A parameter valid above `minimum` (or from it, with `includesMinimum`); by default a
    /// strictly positive quantity; up to `maximum` (inclusive, unbounded by default).
    public init(_ name: String, nominal: Double, unit: String, summary: String, minimum: Double = 0, includesMinimum: Bool = false,
                maximum: Double = .infinity) {
        self.name = name
        self.nominal = nominal
        self.unit = unit
        self.summary = summary
        self.minimum = minimum
        self.includesMinimum = includesMinimum
        self.maximum = maximum
    }

    /// Why `value` is not valid for this parameter, or `nil` when it is.
    public func problem(with value: Double) -> String? {
        guard value.isFinite else { return "must be a finite number, got \(value)" }
        if includesMinimum ? value < minimum : value <= minimum {
            return "must be \(includesMinimum ? "at least" : "above") \(Self.format(minimum)), got \(Self.format(value))"
        }
        if value > maximum { return "must be at most \(Self.format(maximum)), got \(Self.format(value))" }
        return nil
    }

    /// `mass (nominal 1 kg, above 0)`, as error messages and `describe` list parameters.
    public var listing: String {
        "\(name) (nominal \(Self.format(nominal))\(unit.isEmpty ? "" : " " + unit), \(includesMinimum ? "at least" : "above") \(Self.format(minimum))\(maximum.isFinite ? ", at most " + Self.format(maximum) : ""))"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
