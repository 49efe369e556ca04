extension GymnasiumEnvironment {
    /// A keyword argument for `gymnasium.make` (a number, flag or string), written as a literal.
    ///
    /// ```swift
    /// let environment = try GymnasiumEnvironment(id: "Pendulum-v1", makeArguments: ["g": 9.81, "max_episode_steps": 100])
    /// ```
    public enum Argument: Sendable, Equatable, Encodable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                          ExpressibleByBooleanLiteral, ExpressibleByStringLiteral {
        /// A Python `int`.
        case integer(Int)
        /// A Python `float` (must be finite).
        case number(Double)
        /// A Python `bool`.
        case flag(Bool)
        /// A Python `str`.
        case text(String)

        /// `.integer(value)`.
        public init(integerLiteral value: Int) { self = .integer(value) }
        /// `.number(value)`.
        public init(floatLiteral value: Double) { self = .number(value) }
        /// `.flag(value)`.
        public init(booleanLiteral value: Bool) { self = .flag(value) }
        /// `.text(value)`.
        public init(stringLiteral value: String) { self = .text(value) }

        /// Encodes the bare value (a JSON number, boolean or string).
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .flag(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            }
        }
    }
}
