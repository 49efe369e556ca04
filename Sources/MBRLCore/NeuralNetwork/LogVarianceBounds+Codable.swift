extension LogVarianceBounds: Codable {
    private enum CodingKeys: String, CodingKey { case maxLogVariance, minLogVariance }

    /// Decodes `{"maxLogVariance": [Float], "minLogVariance": [Float]}` (one value per dimension).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let upper = try container.decode([Float].self, forKey: .maxLogVariance)
        let lower = try container.decode([Float].self, forKey: .minLogVariance)
        // Learned bounds are restored as saved (training may have moved them anywhere).
        guard !upper.isEmpty, upper.count == lower.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxLogVariance, in: container,
                debugDescription: "log-variance bounds need the same non-zero number of upper (\(upper.count)) and lower (\(lower.count)) values")
        }
        self.maxLogVariance = Matrix(row: upper)
        self.minLogVariance = Matrix(row: lower)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxLogVariance.values, forKey: .maxLogVariance)
        try container.encode(minLogVariance.values, forKey: .minLogVariance)
    }
}
