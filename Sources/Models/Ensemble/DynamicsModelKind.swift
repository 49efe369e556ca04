import MBRLCore

/// What a neural dynamics model predicts for each output: a point (trained by mean squared
/// error) or a Gaussian (a mean and a log-variance, trained by negative log-likelihood).
///
/// In a recipe: `"deterministic"` or `"gaussian"` (also accepted: `"probabilistic"`).
public enum DynamicsModelKind: String, Sendable, Codable, CaseIterable {
    /// `f(s, a) -> s'`, one point per row (the lecture's v0.5 model; mbrl-lib's
    /// `GaussianMLP(deterministic=True)`).
    case deterministic
    /// A mean and a bounded log-variance per output: aleatoric uncertainty (PETS' probabilistic
    /// network, mbrl-lib's `GaussianMLP`).
    case gaussian

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch text.lowercased() {
        case "deterministic", "mse", "point": self = .deterministic
        case "gaussian", "probabilistic", "nll": self = .gaussian
        default:
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown model kind \"\(text)\"\(NameSuggestions.hint(for: text, in: Self.allCases.map(\.rawValue))); valid: deterministic, gaussian")
        }
    }
}
