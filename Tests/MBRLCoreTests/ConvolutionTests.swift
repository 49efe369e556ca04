#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import MBRLTesting
import Testing

/// Convolution and transposed convolution: the window sweep against direct sums, the patch
/// matrix and its adjoint, and finite-difference checks of every gradient.
@Suite struct ConvolutionTests {
    static let layouts: [Convolution2DGeometry.ImageLayout] = [.channelsFirst, .channelsLast]

    /// The value of channel `c` at `(row, column)` of image `b`.
    static func pixel(_ images: Matrix, _ b: Int, _ c: Int, _ row: Int, _ column: Int,
                      height: Int, width: Int, channels: Int, layout: Convolution2DGeometry.ImageLayout) -> Float {
        switch layout {
        case .channelsFirst: return images[b, c * height * width + row * width + column]
        case .channelsLast: return images[b, (row * width + column) * channels + c]
        }
    }

    @Test(arguments: layouts)
    func patchesAndImagesAreAdjoint(_ layout: Convolution2DGeometry.ImageLayout) throws {
        var generator = RandomGenerator(seed: 1)
        let geometry = try Convolution2DGeometry(height: 7, width: 6, channels: 3, kernelSize: 3, stride: 2, layout: layout)
        #expect(geometry.outputHeight == 3 && geometry.outputWidth == 2 && geometry.patchSize == 27)
        let images = TestData.uniform(2, geometry.imageSize, generator: &generator)
        let patches = TestData.uniform(2 * geometry.positionCount, geometry.patchSize, generator: &generator)
        // <P(x), y> = <x, P*(y)>
        let left = TestData.projected(geometry.patches(of: images), patches)
        let right = TestData.projected(geometry.images(summing: patches, batchSize: 2), images)
        #expect(abs(left - right) < 1e-4 * max(1, abs(left)))
    }

    @Test(arguments: layouts)
    func convolutionMatchesDirectSums(_ layout: Convolution2DGeometry.ImageLayout) throws {
        var generator = RandomGenerator(seed: 2)
        let (height, width, channels, outputs, kernel, stride) = (8, 7, 2, 3, 3, 2)
        let layer = try Convolution2D(height: height, width: width, inputChannels: channels, outputChannels: outputs,
                                      kernelSize: kernel, stride: stride, inputLayout: layout, activation: .tanh,
                                      generator: &generator)
        var layerWithBias = layer
        try layerWithBias.setParameters([layer.parameters[0], TestData.uniform(1, outputs, generator: &generator)])
        let images = TestData.uniform(3, height * width * channels, generator: &generator)
        let output = try layerWithBias(images)
        let (outputHeight, outputWidth) = ((height - kernel) / stride + 1, (width - kernel) / stride + 1)
        #expect(output.columns == outputHeight * outputWidth * outputs)
        let weight = layerWithBias.parameters[0], bias = layerWithBias.parameters[1]
        var worst: Float = 0
        for b in 0..<3 {
            for row in 0..<outputHeight {
                for column in 0..<outputWidth {
                    for o in 0..<outputs {
                        var sum = bias[0, o]
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                for c in 0..<channels {
                                    sum += weight[(ky * kernel + kx) * channels + c, o]
                                        * Self.pixel(images, b, c, row * stride + ky, column * stride + kx,
                                                     height: height, width: width, channels: channels, layout: layout)
                                }
                            }
                        }
                        worst = max(worst, abs(output[b, (row * outputWidth + column) * outputs + o] - tanhf(sum)))
                    }
                }
            }
        }
        #expect(worst < 1e-5)
    }

    @Test(arguments: layouts)
    func transposedConvolutionMatchesDirectSums(_ layout: Convolution2DGeometry.ImageLayout) throws {
        var generator = RandomGenerator(seed: 3)
        let (height, width, channels, outputs, kernel, stride) = (3, 4, 2, 2, 3, 2)
        var layer = try TransposedConvolution2D(height: height, width: width, inputChannels: channels, outputChannels: outputs,
                                                kernelSize: kernel, stride: stride, outputLayout: layout, activation: .identity,
                                                generator: &generator)
        try layer.setParameters([layer.parameters[0], TestData.uniform(1, outputs, generator: &generator)])
        let input = TestData.uniform(2, height * width * channels, generator: &generator)
        let output = try layer(input)
        let (outputHeight, outputWidth) = ((height - 1) * stride + kernel, (width - 1) * stride + kernel)
        #expect(output.columns == outputHeight * outputWidth * outputs)
        var expected = [Float](repeating: 0, count: 2 * output.columns)
        func index(_ b: Int, _ o: Int, _ row: Int, _ column: Int) -> Int {
            b * output.columns + (layout == .channelsFirst ? o * outputHeight * outputWidth + row * outputWidth + column
                                                            : (row * outputWidth + column) * outputs + o)
        }
        for b in 0..<2 {
            for row in 0..<outputHeight { for column in 0..<outputWidth { for o in 0..<outputs {
                expected[index(b, o, row, column)] = layer.bias[0, o]
            } } }
            for row in 0..<height {
                for column in 0..<width {
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            for o in 0..<outputs {
                                for c in 0..<channels {
                                    expected[index(b, o, row * stride + ky, column * stride + kx)] +=
                                        input[b, (row * width + column) * channels + c] * layer.weight[c, (ky * kernel + kx) * outputs + o]
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(output.maxAbsoluteDifference(Matrix(rows: 2, columns: output.columns, values: expected)) < 1e-5)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var activation: Activation
        var hasKinks: Bool
        var layout: Convolution2DGeometry.ImageLayout
        var stride: Int
        var testDescription: String { "\(activation.name), \(layout.rawValue), stride \(stride)" }
    }

    static let cases: [Case] = [
        Case(activation: .tanh, hasKinks: false, layout: .channelsFirst, stride: 2),
        Case(activation: .silu, hasKinks: false, layout: .channelsLast, stride: 1),
        Case(activation: .relu, hasKinks: true, layout: .channelsFirst, stride: 1),
        Case(activation: .elu(alpha: 1), hasKinks: false, layout: .channelsLast, stride: 2),
    ]

    @Test(arguments: cases)
    func convolutionGradientsMatchFiniteDifferences(_ testCase: Case) throws {
        var generator = RandomGenerator(seed: 4)
        let layer = try Convolution2D(height: 7, width: 6, inputChannels: 2, outputChannels: 3, kernelSize: 3,
                                      stride: testCase.stride, inputLayout: testCase.layout, activation: testCase.activation,
                                      generator: &generator)
        let input = TestData.uniform(2, layer.inputSize, generator: &generator)
        let projection = TestData.uniform(2, layer.outputSize, generator: &generator)
        let (_, tape) = try layer.forward(input)
        let gradients = try layer.backward(projection, tape: tape)
        var checker = GradientCheck()
        checker.allowsKinks = testCase.hasKinks
        for report in try checker.checkParameters(of: layer, analytic: gradients.parameterGradients, {
            TestData.projected(try $0(input), projection)
        }) {
            #expect(report.passed, "\(report)")
        }
        let inputReport = try checker.check("input", at: input, analytic: try #require(gradients.inputGradient)) {
            TestData.projected(try layer($0), projection)
        }
        #expect(inputReport.passed, "\(inputReport)")
    }

    @Test(arguments: cases)
    func transposedConvolutionGradientsMatchFiniteDifferences(_ testCase: Case) throws {
        var generator = RandomGenerator(seed: 5)
        var layer = try TransposedConvolution2D(height: 3, width: 4, inputChannels: 3, outputChannels: 2, kernelSize: 3,
                                                stride: testCase.stride, outputLayout: testCase.layout,
                                                activation: testCase.activation, generator: &generator)
        try layer.setParameters([layer.parameters[0], TestData.uniform(1, 2, scale: 0.5, generator: &generator)])
        let input = TestData.uniform(2, layer.inputSize, generator: &generator)
        let projection = TestData.uniform(2, layer.outputSize, generator: &generator)
        let (_, tape) = try layer.forward(input)
        let gradients = try layer.backward(projection, tape: tape)
        var checker = GradientCheck()
        checker.allowsKinks = testCase.hasKinks
        for report in try checker.checkParameters(of: layer, analytic: gradients.parameterGradients, {
            TestData.projected(try $0(input), projection)
        }) {
            #expect(report.passed, "\(report)")
        }
        let inputReport = try checker.check("input", at: input, analytic: try #require(gradients.inputGradient)) {
            TestData.projected(try layer($0), projection)
        }
        #expect(inputReport.passed, "\(inputReport)")
    }

    @Test func layersRejectWrongShapes() throws {
        var generator = RandomGenerator(seed: 6)
        #expect(throws: MBRLError.self) {
            _ = try Convolution2D(height: 2, width: 8, inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 1, generator: &generator)
        }
        let layer = try Convolution2D(height: 5, width: 5, inputChannels: 1, outputChannels: 2, kernelSize: 3, stride: 1,
                                      generator: &generator)
        #expect(throws: MBRLError.self) { _ = try layer(Matrix(rows: 1, columns: 24)) }
        let transposed = try TransposedConvolution2D(height: 2, width: 2, inputChannels: 2, outputChannels: 1, kernelSize: 3,
                                                     stride: 2, generator: &generator)
        #expect(transposed.outputSize == 25)
        #expect(throws: MBRLError.self) { _ = try transposed(Matrix(rows: 1, columns: 7)) }
    }
}
