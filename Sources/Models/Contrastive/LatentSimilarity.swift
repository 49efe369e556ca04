import MBRLCore

/// The similarity `h(z1, z2)` of a contrastive forward model's InfoNCE loss and of planning
/// toward a goal latent, given by its logarithm (the logit of the loss's softmax):
///
/// - `negative-squared-distance`: `h = exp(-|z1 - z2|^2)`, log `-|z1 - z2|^2` (the default;
///   Yan et al. 2020, "Learning predictive representations for deformable objects using
///   contrastive estimation", the form seed 003's one-step MPC uses);
/// - `dot-product`: `h = exp(z1 . z2)`, log `z1 . z2` (CPC's bilinear score with the identity).
///
/// ```swift
/// let similarity = LatentSimilarity.negativeSquaredDistance
/// similarity.logSimilarity([0, 1], [0, 0])          // -1
/// let decoded = try JSONDecoder().decode(LatentSimilarity.self, from: Data("\"dot-product\"".utf8))
/// ```
public enum LatentSimilarity: String, Sendable, Codable, CaseIterable {
    /// `exp(-|z1 - z2|^2)`.
    case negativeSquaredDistance = "negative-squared-distance"
    /// `exp(z1 . z2)`.
    case dotProduct = "dot-product"

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown similarity \"\(text)\"\(NameSuggestions.hint(for: text, in: Self.allCases.map(\.rawValue))); valid: negative-squared-distance, dot-product")
        }
        self = value
    }

    /// `log h(first, second)` for two vectors of one length.
    public func logSimilarity(_ first: [Float], _ second: [Float]) -> Float {
        var result: Float = 0
        switch self {
        case .negativeSquaredDistance:
            for index in first.indices { result -= (first[index] - second[index]) * (first[index] - second[index]) }
        case .dotProduct:
            for index in first.indices { result += first[index] * second[index] }
        }
        return result
    }

    /// Every pair's log-similarity: `[B, d]` and `[N, d]` -> `[B, N]`, entry `(i, j)` is
    /// `log h(first_i, second_j)`.
    public func logSimilarities(_ first: Matrix, _ second: Matrix) -> Matrix {
        precondition(first.columns == second.columns, "similarities need vectors of one length")
        let rows = first.rows, count = second.rows, size = first.columns
        var result = Matrix(rows: rows, columns: count)
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { out in
                    for i in 0..<rows {
                        for j in 0..<count {
                            var value: Float = 0
                            switch self {
                            case .negativeSquaredDistance:
                                for k in 0..<size { let d = a[i * size + k] - b[j * size + k]; value -= d * d }
                            case .dotProduct:
                                for k in 0..<size { value += a[i * size + k] * b[j * size + k] }
                            }
                            out[i * count + j] = value
                        }
                    }
                }
            }
        }
        return result
    }
}
