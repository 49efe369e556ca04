#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An elementwise activation function, applied by layers and fused into GEMM outputs.
///
/// In a recipe an activation is a name (`"relu"`, `"leaky-relu"`, `"silu"`, `"swish"`, `"tanh"`,
/// `"sigmoid"`, `"elu"`, `"softplus"`, `"identity"`) or an object with the name and its
/// parameter: `{"name": "leaky-relu", "negativeSlope": 0.2}`, `{"name": "elu", "alpha": 0.5}`.
///
/// ```swift
/// let silu = Activation.silu
/// silu.value(1.0)                                // 0.7310586
/// silu.derivative(preActivation: 1.0, output: silu.value(1.0))
/// ```
public enum Activation: Sendable, Equatable, Hashable {
    /// `x`.
    case identity
    /// `max(0, x)`.
    case relu
    /// `x` for `x >= 0`, `negativeSlope * x` otherwise (PyTorch's default slope is 0.01).
    case leakyReLU(negativeSlope: Float)
    /// `x * sigmoid(x)`, also called swish.
    case silu
    /// `tanh(x)`.
    case tanh
    /// `1 / (1 + exp(-x))`.
    case sigmoid
    /// `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.
    case elu(alpha: Float)
    /// `log(1 + exp(x))`, computed without overflow.
    case softplus

    /// Leaky ReLU with PyTorch's default slope 0.01.
    public static let leakyReLU = Activation.leakyReLU(negativeSlope: 0.01)
    /// ELU with alpha 1.
    public static let elu = Activation.elu(alpha: 1)

    /// The recipe names, in the order `list` shows them.
    public static let names = ["identity", "relu", "leaky-relu", "silu", "swish", "tanh", "sigmoid", "elu", "softplus"]

    /// The recipe name of this activation.
    public var name: String {
        switch self {
        case .identity: return "identity"
        case .relu: return "relu"
        case .leakyReLU: return "leaky-relu"
        case .silu: return "silu"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .elu: return "elu"
        case .softplus: return "softplus"
        }
    }

    /// The activation with recipe name `name` and default parameters, or `nil` when unknown.
    public init?(name: String) {
        switch name.lowercased() {
        case "identity", "linear", "none": self = .identity
        case "relu": self = .relu
        case "leaky-relu", "leakyrelu", "leaky_relu": self = .leakyReLU
        case "silu", "swish": self = .silu
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "elu": self = .elu
        case "softplus": self = .softplus
        default: return nil
        }
    }

    /// Whether the derivative can be computed from the output alone (no pre-activation kept).
    public var derivativeNeedsOnlyOutput: Bool {
        switch self {
        case .identity, .relu, .tanh, .sigmoid: return true
        // The output tells the sign of the input only for a positive slope or alpha.
        case .leakyReLU(let slope): return slope > 0
        case .elu(let alpha): return alpha > 0
        case .silu, .softplus: return false
        }
    }

    /// The activation of one value (reference implementation, in `Float`).
    @inline(__always)
    public func value(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return x > 0 ? x : 0
        case .leakyReLU(let slope): return x >= 0 ? x : slope * x
        case .silu: return x / (1 + expf(-x))
        case .tanh: return tanhf(x)
        case .sigmoid: return 1 / (1 + expf(-x))
        case .elu(let alpha): return x > 0 ? x : alpha * (expf(x) - 1)
        case .softplus: return Activation.softplus(x)
        }
    }

    /// `d value / d x` at pre-activation `x`, given `output == value(x)`.
    @inline(__always)
    public func derivative(preActivation x: Float, output y: Float) -> Float {
        switch self {
        case .identity: return 1
        case .relu: return x > 0 ? 1 : 0
        case .leakyReLU(let slope): return x >= 0 ? 1 : slope
        case .silu:
            let s = 1 / (1 + expf(-x))
            return s * (1 + x * (1 - s))
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .elu(let alpha): return x > 0 ? 1 : y + alpha
        case .softplus: return 1 / (1 + expf(-x))
        }
    }

    /// Numerically safe `log(1 + exp(x))`.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float {
        x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x))
    }
}

extension Activation: Codable {
    private enum CodingKeys: String, CodingKey { case name, negativeSlope, alpha }

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard let activation = Activation(name: name) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown activation \"\(name)\"; valid names: \(Activation.names.joined(separator: ", "))"))
            }
            self = activation
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        guard var activation = Activation(name: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: container,
                debugDescription: "unknown activation \"\(name)\"; valid names: \(Activation.names.joined(separator: ", "))")
        }
        if case .leakyReLU = activation, let slope = try container.decodeIfPresent(Float.self, forKey: .negativeSlope) {
            activation = .leakyReLU(negativeSlope: slope)
        }
        if case .elu = activation, let alpha = try container.decodeIfPresent(Float.self, forKey: .alpha) {
            activation = .elu(alpha: alpha)
        }
        self = activation
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .leakyReLU(let slope):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(slope, forKey: .negativeSlope)
        case .elu(let alpha):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(alpha, forKey: .alpha)
        default:
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }
}
