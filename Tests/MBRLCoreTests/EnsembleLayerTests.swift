import Foundation
import MBRLCore
import MBRLTesting
import Testing

@Suite struct EnsembleLayerTests {
    private let memberCount = 3

    /// `memberCount` different MLPs with non-zero biases.
    private func makeMembers(activation: Activation, seed: UInt64 = 30) throws -> [MLP] {
        var generator = RandomGenerator(seed: seed)
        return try (0..<memberCount).map { _ in
            var member = try MLP(inputSize: 3, hiddenSizes: [5, 4], outputSize: 2, activation: activation,
                                 initializer: .glorotUniform, generator: &generator)
            let parameters = member.parameters.map { parameter in
                parameter.rows == 1 ? TestData.uniform(1, parameter.columns, scale: 0.3, generator: &generator) : parameter
            }
            try member.setParameters(parameters)
            return member
        }
    }

    private func stack(_ blocks: [Matrix]) -> Matrix {
        blocks.dropFirst().reduce(blocks[0]) { $0.concatenatedRows($1) }
    }

    @Test func equalsSeparateMembers() throws {
        let members = try makeMembers(activation: .silu)
        let ensemble = try EnsembleMLP(members: members)
        #expect(ensemble.memberCount == memberCount)
        var generator = RandomGenerator(seed: 31)
        let batch = 4
        let stacked = TestData.uniform(memberCount * batch, 3, generator: &generator)
        let shared = TestData.uniform(batch, 3, generator: &generator)
        let expectedStacked = stack(try (0..<memberCount).map { try members[$0](stacked.rows($0 * batch ..< ($0 + 1) * batch)) })
        let expectedShared = stack(try members.map { try $0(shared) })
        #expect(try ensemble(stacked).maxAbsoluteDifference(expectedStacked) < 1e-6)
        #expect(try ensemble.forward(stacked).output.maxAbsoluteDifference(expectedStacked) < 1e-6)
        #expect(try ensemble(broadcasting: shared).maxAbsoluteDifference(expectedShared) < 1e-6)
        #expect(try ensemble.forward(broadcasting: shared).output.maxAbsoluteDifference(expectedShared) < 1e-6)
        for index in 0..<memberCount { #expect(try ensemble.member(index) == members[index]) }
    }

    @Test func gradientsEqualSeparateMembers() throws {
        let members = try makeMembers(activation: .tanh)
        let ensemble = try EnsembleMLP(members: members)
        var generator = RandomGenerator(seed: 32)
        let batch = 4
        let stacked = TestData.uniform(memberCount * batch, 3, generator: &generator)
        let projection = TestData.uniform(memberCount * batch, 2, generator: &generator)
        let (_, tape) = try ensemble.forward(stacked)
        let (gradients, inputGradient) = try ensemble.backward(projection, tape: tape)
        var memberInputGradients: [Matrix] = []
        for (index, member) in members.enumerated() {
            let rows = index * batch ..< (index + 1) * batch
            let (_, memberTape) = try member.forward(stacked.rows(rows))
            let (memberGradients, memberInputGradient) = try member.backward(projection.rows(rows), tape: memberTape)
            memberInputGradients.append(try #require(memberInputGradient))
            for layer in 0..<member.layers.count {
                let inputSize = member.layers[layer].inputSize
                let weightRows = gradients[2 * layer].rows(index * inputSize ..< (index + 1) * inputSize)
                #expect(weightRows.maxAbsoluteDifference(memberGradients[2 * layer]) < 1e-5)
                let biasRow = gradients[2 * layer + 1].rows(index ..< index + 1)
                #expect(biasRow.maxAbsoluteDifference(memberGradients[2 * layer + 1]) < 1e-5)
            }
        }
        #expect(try #require(inputGradient).maxAbsoluteDifference(stack(memberInputGradients)) < 1e-5)
    }

    @Test(arguments: [(Activation.silu, false, false), (.silu, false, true), (.relu, true, false), (.relu, true, true), (.softplus, false, true)])
    func gradientsMatchFiniteDifferences(activation: Activation, hasKinks: Bool, broadcast: Bool) throws {
        let ensemble = try EnsembleMLP(members: try makeMembers(activation: activation))
        var generator = RandomGenerator(seed: 33)
        let batch = 3
        let input = TestData.uniform(broadcast ? batch : memberCount * batch, 3, scale: 1.5, generator: &generator)
        let projection = TestData.uniform(memberCount * batch, 2, generator: &generator)
        let evaluate: (EnsembleMLP, Matrix) throws -> Matrix = { network, x in
            broadcast ? try network(broadcasting: x) : try network(x)
        }
        let (_, tape) = broadcast ? try ensemble.forward(broadcasting: input) : try ensemble.forward(input)
        #expect(tape.isBroadcast == broadcast)
        let (parameterGradients, inputGradient) = try ensemble.backward(projection, tape: tape)
        var checker = GradientCheck()
        checker.allowsKinks = hasKinks
        let reports = try checker.checkParameters(of: ensemble, analytic: parameterGradients) {
            TestData.projected(try evaluate($0, input), projection)
        }
        for report in reports { #expect(report.passed, "\(activation.name) broadcast \(broadcast): \(report)") }
        let analyticInput = try #require(inputGradient)
        #expect(analyticInput.shape == input.shape)
        let inputReport = try checker.check("input", at: input, analytic: analyticInput) {
            TestData.projected(try evaluate(ensemble, $0), projection)
        }
        #expect(inputReport.passed, "\(activation.name) broadcast \(broadcast): \(inputReport)")
    }

    @Test func initialisationMatchesSplitGenerators() throws {
        var generator = RandomGenerator(seed: 34)
        let ensemble = try EnsembleMLP(memberCount: 4, inputSize: 3, hiddenSizes: [6], outputSize: 2,
                                       activation: .silu, generator: &generator)
        var reference = RandomGenerator(seed: 34)
        var children = reference.split(count: 4)
        for index in 0..<4 {
            let member = try MLP(inputSize: 3, hiddenSizes: [6], outputSize: 2, activation: .silu, generator: &children[index])
            #expect(try ensemble.member(index) == member)
        }
        #expect(generator == reference)
        #expect(ensemble.parameterNames == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        #expect(ensemble.parameters.map(\.shape.rows) == [4 * 3, 4, 4 * 6, 4])
        #expect(ensemble.parameterCount == 4 * (3 * 6 + 6 + 6 * 2 + 2))
    }

    @Test func shapeErrorsThrow() throws {
        let ensemble = try EnsembleMLP(members: try makeMembers(activation: .relu))
        #expect(throws: MBRLError.self) { _ = try ensemble(Matrix(rows: 4, columns: 3)) }   // 4 rows, 3 members
        #expect(throws: MBRLError.self) { _ = try ensemble(Matrix(rows: 3, columns: 2)) }
        #expect(throws: MBRLError.self) { _ = try ensemble(broadcasting: Matrix(rows: 3, columns: 4)) }
        let (_, tape) = try ensemble.forward(Matrix(rows: 6, columns: 3))
        #expect(throws: MBRLError.self) { _ = try ensemble.backward(Matrix(rows: 3, columns: 2), tape: tape) }
        var generator = RandomGenerator(seed: 35)
        let other = try MLP(inputSize: 3, hiddenSizes: [6, 4], outputSize: 2, generator: &generator)
        #expect(throws: MBRLError.self) { _ = try EnsembleMLP(members: [other] + (try makeMembers(activation: .relu))) }
        #expect(throws: MBRLError.self) { _ = try EnsembleMLP(members: []) }
    }

    @Test func codableRoundTrip() throws {
        let ensemble = try EnsembleMLP(members: try makeMembers(activation: .sigmoid))
        let decoded = try JSONDecoder().decode(EnsembleMLP.self, from: try JSONEncoder().encode(ensemble))
        #expect(decoded == ensemble)
    }
}
