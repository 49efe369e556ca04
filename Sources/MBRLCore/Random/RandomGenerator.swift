#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fast, seedable, splittable pseudo-random generator (xoshiro256++ seeded through SplitMix64).
///
/// Every random decision in the framework draws from an explicit generator passed `inout`, so the
/// same seed gives the same run bit for bit. `split()` derives an independent child stream (for an
/// ensemble member or a worker thread) and advances the parent, so children made in the same
/// order are the same on every run.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let u = generator.nextUniformFloat()          // in [0, 1)
/// var memberGenerators = (0..<5).map { _ in generator.split() }
/// let z = memberGenerators[0].nextStandardNormalFloat()
/// ```
public struct RandomGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        s0 = RandomGenerator.splitMix64(&splitMix)
        s1 = RandomGenerator.splitMix64(&splitMix)
        s2 = RandomGenerator.splitMix64(&splitMix)
        s3 = RandomGenerator.splitMix64(&splitMix)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator for stream `stream` of `seed`: different streams of one seed are independent.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = stream &* 0xD1B5_4A32_D192_ED03 ^ 0x8CB9_2BA7_2F3D_8DD7
        let streamKey = RandomGenerator.splitMix64(&mixer)
        self.init(seed: seed ^ streamKey)
    }

    /// Restores a generator from the four words of `stateWords` (as saved for a checkpoint).
    public init(state words: [UInt64]) throws {
        guard words.count == 4 else {
            throw MBRLError.invalidArgument("a generator state has 4 words, got \(words.count)")
        }
        guard words.contains(where: { $0 != 0 }) else {
            throw MBRLError.invalidArgument("a generator state cannot be all zeros")
        }
        s0 = words[0]; s1 = words[1]; s2 = words[2]; s3 = words[3]
    }

    private enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(state: try container.decode([UInt64].self, forKey: .state))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([s0, s1, s2, s3], forKey: .state)
    }

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool {
        lhs.s0 == rhs.s0 && lhs.s1 == rhs.s1 && lhs.s2 == rhs.s2 && lhs.s3 == rhs.s3
    }

    @inline(__always)
    private static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = (s0 &+ s3).rotatedLeft(by: 23) &+ s0
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// The 256-bit state as four words, so checkpoints can store and restore a generator.
    public var stateWords: [UInt64] { [s0, s1, s2, s3] }

    /// An independent child generator; advances this generator.
    public mutating func split() -> RandomGenerator {
        var mixer = next() ^ 0x6A09_E667_F3BC_C909
        var child = RandomGenerator(seed: 0)
        child.s0 = RandomGenerator.splitMix64(&mixer)
        child.s1 = RandomGenerator.splitMix64(&mixer)
        child.s2 = RandomGenerator.splitMix64(&mixer)
        child.s3 = RandomGenerator.splitMix64(&mixer)
        if child.s0 | child.s1 | child.s2 | child.s3 == 0 { child.s0 = 1 }
        return child
    }

    /// `count` independent children, in a fixed order.
    public mutating func split(count: Int) -> [RandomGenerator] {
        (0..<count).map { _ in split() }
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inline(__always)
    public mutating func nextUniformFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    @inline(__always)
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform `Float` in `[lower, upper)`.
    @inline(__always)
    public mutating func nextUniformFloat(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextUniformFloat()
    }

    /// A uniform integer in `0..<bound` (Lemire's nearly divisionless method, unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A standard normal `Float` (Box-Muller on 24-bit uniforms, one value per call).
    @inline(__always)
    public mutating func nextStandardNormalFloat() -> Float {
        Float(nextStandardNormalDouble())
    }

    /// A standard normal `Double` (Box-Muller).
    public mutating func nextStandardNormalDouble() -> Double {
        let u1 = 1.0 - nextUniformDouble()  // (0, 1]
        let u2 = nextUniformDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// An exponential `Float` with rate 1.
    public mutating func nextExponentialFloat() -> Float {
        Float(-log(1.0 - nextUniformDouble()))
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 - amount))
    }
}
