import MBRLCore
import Testing

@Suite struct SpaceTests {
    @Test func boxMembershipAndSampling() {
        let space = Space.box(Box(lowerBound: [-2, 0], upperBound: [2, 1]))
        #expect(space.contains([1.5, 0.5]))
        #expect(!space.contains([2.5, 0.5]))
        #expect(!space.contains([Float.nan, 0.5]))
        #expect(!space.contains([1]))
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<100 { #expect(space.contains(space.sample(using: &generator))) }
    }

    @Test func discreteEncodingIsOneHot() {
        let space = Space.discrete(Discrete(count: 3))
        #expect(space.flatSize == 1)
        #expect(space.encodedSize == 3)
        #expect(space.contains([2]))
        #expect(!space.contains([3]))
        #expect(!space.contains([1.5]))
        var encoded = [Float](repeating: 9, count: 3)
        [Float(1)].withUnsafeBufferPointer { value in
            encoded.withUnsafeMutableBufferPointer { space.encode(value, into: $0) }
        }
        #expect(encoded == [0, 1, 0])
    }
}
