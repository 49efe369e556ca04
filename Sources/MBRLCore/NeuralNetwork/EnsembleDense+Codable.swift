extension EnsembleDense: Codable {
    private enum CodingKeys: String, CodingKey { case memberCount, weight, bias, activation }

    /// Decodes `{"memberCount": E, "weight": [E * in, out], "bias": [E, out], "activation": ...}`,
    /// checking shapes.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let memberCount = try container.decode(Int.self, forKey: .memberCount)
        let weight = try container.decode(Matrix.self, forKey: .weight)
        let bias = try container.decode(Matrix.self, forKey: .bias)
        let activation = try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .identity
        guard memberCount > 0, weight.rows > 0, weight.columns > 0, weight.rows % memberCount == 0,
              weight.count == weight.rows * weight.columns else {
            throw DecodingError.dataCorruptedError(
                forKey: .weight, in: container,
                debugDescription: "an ensemble weight must be [memberCount * in, out] with \(memberCount) members, got \(weight.shapeText)")
        }
        guard bias.rows == memberCount, bias.columns == weight.columns, bias.count == bias.rows * bias.columns else {
            throw DecodingError.dataCorruptedError(
                forKey: .bias, in: container,
                debugDescription: "an ensemble bias must be \(memberCount) x \(weight.columns), got \(bias.shapeText)")
        }
        self.weight = weight
        self.bias = bias
        self.activation = activation
        self.memberCount = memberCount
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memberCount, forKey: .memberCount)
        try container.encode(weight, forKey: .weight)
        try container.encode(bias, forKey: .bias)
        try container.encode(activation, forKey: .activation)
    }
}
