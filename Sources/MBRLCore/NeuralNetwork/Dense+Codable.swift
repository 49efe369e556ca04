extension Dense: Codable {
    private enum CodingKeys: String, CodingKey { case weight, bias, activation }

    /// Decodes `{"weight": Matrix, "bias": Matrix [1, out], "activation": ...}`, checking shapes.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let weight = try container.decode(Matrix.self, forKey: .weight)
        let bias = try container.decode(Matrix.self, forKey: .bias)
        let activation = try container.decodeIfPresent(Activation.self, forKey: .activation) ?? .identity
        guard weight.count == weight.rows * weight.columns else {
            throw DecodingError.dataCorruptedError(
                forKey: .weight, in: container,
                debugDescription: "a \(weight.shapeText) weight needs \(weight.rows * weight.columns) values, got \(weight.count)")
        }
        guard bias.rows == 1, bias.columns == weight.columns else {
            throw DecodingError.dataCorruptedError(
                forKey: .bias, in: container,
                debugDescription: "a \(weight.shapeText) weight needs a 1 x \(weight.columns) bias, got \(bias.shapeText)")
        }
        try self.init(weight: weight, bias: bias.values, activation: activation)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(weight, forKey: .weight)
        try container.encode(bias, forKey: .bias)
        try container.encode(activation, forKey: .activation)
    }
}
