import MBRLCore

/// Settings of `ModelLinearization`'s expansion; every key is optional in a recipe.
public struct ModelLinearizationConfig: Codable, Sendable, Equatable {
    /// The step of the central finite differences (default 1e-3).
    public var finiteDifferenceStep: Float
    /// Clip the reward Hessian to be negative semidefinite (default true).
    public var projectHessian: Bool

    /// Settings with the documented defaults unless given.
    public init(finiteDifferenceStep: Float = 1e-3, projectHessian: Bool = true) {
        self.finiteDifferenceStep = finiteDifferenceStep
        self.projectHessian = projectHessian
    }

    /// The documented defaults.
    public init() { self.init(finiteDifferenceStep: 1e-3) }

    /// A one-line description of each key, for `mbrl-run describe`.
    public static let keyDescriptions: [String: String] = [
        "finiteDifferenceStep": "step of the central finite differences",
        "projectHessian": "clip the reward Hessian to be negative semidefinite",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable { case finiteDifferenceStep, projectHessian }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        finiteDifferenceStep = try container.decode(Float.self, forKey: .finiteDifferenceStep, default: 1e-3, in: 1e-7...1)
        projectHessian = try container.decode(Bool.self, forKey: .projectHessian, default: true)
    }
}
