import MBRLCore
import MBRLTesting
import Testing

/// `needsParameterGradients: false` skips the weight and bias gradients of the layers and
/// networks and leaves the input gradient unchanged.
@Suite struct ParameterGradientSkipTests {
    @Test(arguments: [1, 5]) func denseInputGradientIsUnchangedAndParameterGradientsAreEmpty(rows: Int) throws {
        var generator = RandomGenerator(seed: UInt64(rows))
        let layer = try Dense(inputSize: 4, outputSize: 3, activation: .tanh, generator: &generator)
        let input = TestData.uniform(rows, 4, generator: &generator)
        let upstream = TestData.uniform(rows, 3, generator: &generator)
        let (_, tape) = try layer.forward(input)
        let full = try layer.backward(upstream, tape: tape)
        let skipped = try layer.backward(upstream, tape: tape, needsParameterGradients: false)
        #expect(full.parameterGradients.count == 2)
        #expect(skipped.parameterGradients.isEmpty)
        #expect(skipped.inputGradient == full.inputGradient)
        // The input gradient still matches finite differences.
        let report = try GradientCheck().check("dense input", at: input, analytic: try #require(skipped.inputGradient)) {
            TestData.projected(try layer($0), upstream)
        }
        #expect(report.passed, "\(report)")
    }

    @Test func ensembleDenseSkipsParametersForStackedAndBroadcastInputs() throws {
        var generator = RandomGenerator(seed: 3)
        let layer = try EnsembleDense(memberCount: 3, inputSize: 4, outputSize: 2, activation: .silu, generator: &generator)
        for broadcast in [false, true] {
            let input = TestData.uniform(broadcast ? 5 : 15, 4, generator: &generator)
            let (output, tape) = broadcast ? try layer.forward(broadcasting: input) : try layer.forward(input)
            let upstream = TestData.uniform(output.rows, output.columns, generator: &generator)
            let full = try layer.backward(upstream, tape: tape)
            let skipped = try layer.backward(upstream, tape: tape, needsParameterGradients: false)
            #expect(full.parameterGradients.count == 2)
            #expect(skipped.parameterGradients.isEmpty)
            #expect(skipped.inputGradient == full.inputGradient)
        }
    }

    @Test func mlpAndEnsembleMLPKeepTheirInputGradients() throws {
        var generator = RandomGenerator(seed: 5)
        let network = try MLP(inputSize: 3, hiddenSizes: [6, 5], outputSize: 2, activation: .silu, generator: &generator)
        let input = TestData.uniform(4, 3, generator: &generator)
        let upstream = TestData.uniform(4, 2, generator: &generator)
        let (_, tape) = try network.forward(input)
        let full = try network.backward(upstream, tape: tape)
        let skipped = try network.backward(upstream, tape: tape, needsParameterGradients: false)
        #expect(full.parameterGradients.count == 6)
        #expect(skipped.parameterGradients.isEmpty)
        #expect(skipped.inputGradient == full.inputGradient)
        let report = try GradientCheck().check("mlp input", at: input, analytic: try #require(skipped.inputGradient)) {
            TestData.projected(try network($0), upstream)
        }
        #expect(report.passed, "\(report)")
        // Asking for nothing computes nothing.
        let nothing = try network.backward(upstream, tape: tape, needsInputGradient: false, needsParameterGradients: false)
        #expect(nothing.parameterGradients.isEmpty && nothing.inputGradient == nil)

        let ensemble = try EnsembleMLP(memberCount: 3, inputSize: 3, hiddenSizes: [6], outputSize: 2, activation: .tanh,
                                       generator: &generator)
        let (output, ensembleTape) = try ensemble.forward(broadcasting: input)
        let ensembleUpstream = TestData.uniform(output.rows, 2, generator: &generator)
        let ensembleFull = try ensemble.backward(ensembleUpstream, tape: ensembleTape)
        let ensembleSkipped = try ensemble.backward(ensembleUpstream, tape: ensembleTape, needsParameterGradients: false)
        #expect(ensembleFull.parameterGradients.count == 4)
        #expect(ensembleSkipped.parameterGradients.isEmpty)
        #expect(ensembleSkipped.inputGradient == ensembleFull.inputGradient)
        // Parameter gradients when asked are those of the default call.
        let asked = try ensemble.backward(ensembleUpstream, tape: ensembleTape, needsParameterGradients: true)
        #expect(asked.parameterGradients == ensembleFull.parameterGradients)
    }
}
