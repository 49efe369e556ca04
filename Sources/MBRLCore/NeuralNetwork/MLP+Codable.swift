extension MLP: Codable {
    private enum CodingKeys: String, CodingKey { case layers }

    /// Decodes `{"layers": [Dense, ...]}`, checking that the layer sizes chain.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(layers: try container.decode([Dense].self, forKey: .layers))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
    }
}
