extension EnsembleMLP: Codable {
    private enum CodingKeys: String, CodingKey { case layers }

    /// Decodes `{"layers": [EnsembleDense, ...]}`, checking that sizes and member counts agree.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(layers: try container.decode([EnsembleDense].self, forKey: .layers))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
    }
}
