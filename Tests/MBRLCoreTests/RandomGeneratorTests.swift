import MBRLCore
import Testing

@Suite struct RandomGeneratorTests {
    @Test func sameSeedGivesSameStream() {
        var first = RandomGenerator(seed: 7)
        var second = RandomGenerator(seed: 7)
        for _ in 0..<1000 { #expect(first.next() == second.next()) }
    }

    @Test func differentSeedsAndStreamsDiffer() {
        var first = RandomGenerator(seed: 7)
        var second = RandomGenerator(seed: 8)
        var third = RandomGenerator(seed: 7, stream: 1)
        let a = (0..<4).map { _ in first.next() }
        let b = (0..<4).map { _ in second.next() }
        let c = (0..<4).map { _ in third.next() }
        #expect(a != b)
        #expect(a != c)
    }

    @Test func splitChildrenAreReproducibleAndIndependent() {
        var parent = RandomGenerator(seed: 3)
        var children = parent.split(count: 3)
        var parentAgain = RandomGenerator(seed: 3)
        var childrenAgain = parentAgain.split(count: 3)
        #expect(children == childrenAgain)
        let firstValues = (0..<3).map { children[$0].next() }
        #expect(Set(firstValues).count == 3)
        #expect(childrenAgain[0].next() == firstValues[0])
    }

    @Test func uniformAndNormalMoments() {
        var generator = RandomGenerator(seed: 11)
        let count = 200_000
        var uniformSum = 0.0, normalSum = 0.0, normalSquares = 0.0
        for _ in 0..<count {
            let u = generator.nextUniformFloat()
            #expect(u >= 0 && u < 1)
            uniformSum += Double(u)
            let z = Double(generator.nextStandardNormalFloat())
            normalSum += z
            normalSquares += z * z
        }
        #expect(abs(uniformSum / Double(count) - 0.5) < 0.005)
        #expect(abs(normalSum / Double(count)) < 0.01)
        #expect(abs(normalSquares / Double(count) - 1) < 0.02)
    }

    @Test func integersAreUnbiasedAndInRange() {
        var generator = RandomGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextInt(below: 7)] += 1 }
        for count in counts { #expect(abs(count - 10_000) < 500) }
    }

    @Test func stateRoundTripsThroughCodable() throws {
        var generator = RandomGenerator(seed: 9)
        _ = generator.next()
        let data = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: data)
        #expect(restored.next() == generator.next())
    }
}

import Foundation
