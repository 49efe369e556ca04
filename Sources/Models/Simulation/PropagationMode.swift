import MBRLCore

/// How particles move through an ensemble during planning (Chua et al. 2018, "trajectory
/// sampling"; mbrl-lib's `propagation_method`).
public enum PropagationMode: String, Sendable, Codable, CaseIterable {
    /// TS1: every step, every particle is routed through a member drawn anew (rows are shuffled
    /// and split evenly over the members, as mbrl-lib's `random_model`).
    case randomModel = "random-model"
    /// TS-infinity: each particle keeps one member for the whole horizon (mbrl-lib's `fixed_model`).
    case fixedModel = "fixed-model"
    /// Every row is predicted by the expectation over members (mbrl-lib's `expectation`).
    case expectation

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text.lowercased() {
        case "random-model", "random_model", "ts1": self = .randomModel
        case "fixed-model", "fixed_model", "ts-infinity", "tsinf", "ts-inf": self = .fixedModel
        case "expectation", "mean": self = .expectation
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown propagation \"\(text)\"; valid: random-model (ts1), fixed-model (ts-infinity), expectation"))
        }
    }
}
