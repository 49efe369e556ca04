import MBRLCore

/// The physical constants of the cart-pole (Gymnasium's `CartPoleEnv` attributes), shared by
/// `CartPole` and `ContinuousCartPole`; `gymnasium` holds Gymnasium's values.
///
/// ```swift
/// var physics = CartPolePhysics.gymnasium
/// physics.poleMass = 0.2
/// physics.totalMass           // 1.2, as Gymnasium's `total_mass = masspole + masscart`
/// ```
public struct CartPolePhysics: Sendable, Equatable {
    /// Gravity, m/s^2 (`gravity`, 9.8).
    public var gravity: Double
    /// Mass of the cart, kg (`masscart`, 1).
    public var cartMass: Double
    /// Mass of the pole, kg (`masspole`, 0.1).
    public var poleMass: Double
    /// Half the pole's length, m (`length`, 0.5).
    public var halfPoleLength: Double
    /// The magnitude of the push, N (`force_mag`, 10).
    public var forceMagnitude: Double

    /// Gymnasium's values.
    public static let gymnasium = CartPolePhysics(gravity: 9.8, cartMass: 1.0, poleMass: 0.1, halfPoleLength: 0.5, forceMagnitude: 10.0)

    /// Cart plus pole, computed as Gymnasium does (`masspole + masscart`).
    public var totalMass: Double { poleMass + cartMass }
    /// `poleMass * halfPoleLength` (Gymnasium's `polemass_length`).
    public var poleMassLength: Double { poleMass * halfPoleLength }

    /// The parameters recipes name, sorted by name.
    public static let parameters = [
        PhysicalParameter("cartMass", nominal: gymnasium.cartMass, unit: "kg", summary: "mass of the cart"),
        PhysicalParameter("forceMagnitude", nominal: gymnasium.forceMagnitude, unit: "N", summary: "the largest push on the cart"),
        PhysicalParameter("gravity", nominal: gymnasium.gravity, unit: "m/s^2", summary: "gravitational acceleration", includesMinimum: true),
        PhysicalParameter("halfPoleLength", nominal: gymnasium.halfPoleLength, unit: "m", summary: "half the pole's length (Gymnasium's length)"),
        PhysicalParameter("poleMass", nominal: gymnasium.poleMass, unit: "kg", summary: "mass of the pole"),
    ]

    /// Every parameter by name.
    public var values: [String: Double] {
        ["cartMass": cartMass, "forceMagnitude": forceMagnitude, "gravity": gravity, "halfPoleLength": halfPoleLength, "poleMass": poleMass]
    }

    /// Sets the named parameters (names and values already checked).
    mutating func assign(_ values: [String: Double]) {
        cartMass = values["cartMass"] ?? cartMass
        forceMagnitude = values["forceMagnitude"] ?? forceMagnitude
        gravity = values["gravity"] ?? gravity
        halfPoleLength = values["halfPoleLength"] ?? halfPoleLength
        poleMass = values["poleMass"] ?? poleMass
    }
}
