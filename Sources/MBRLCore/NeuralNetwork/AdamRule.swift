#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Adam update shared by `Adam` (coupled L2) and `AdamW` (decoupled weight decay), following
/// PyTorch's single-tensor implementation (`torch/optim/adam.py`, `adamw.py`).
enum AdamRule {
    static func validate(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) throws {
        try OptimizerChecks.requireNonNegative(learningRate, "the learning rate")
        try OptimizerChecks.requireUnitInterval(beta1, "beta1")
        try OptimizerChecks.requireUnitInterval(beta2, "beta2")
        try OptimizerChecks.requireNonNegative(epsilon, "epsilon")
        try OptimizerChecks.requireNonNegative(weightDecay, "the weight decay")
    }

    static func step(
        parameters: inout [Matrix], gradients: [Matrix], state: inout Adam.State,
        learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
        coupledWeightDecay: Float, decoupledWeightDecay: Float
    ) throws {
        try OptimizerChecks.validate(parameters: parameters, gradients: gradients)
        try OptimizerChecks.validate(moments: state.firstMoments, parameters: parameters, name: "first moments")
        try OptimizerChecks.validate(moments: state.secondMoments, parameters: parameters, name: "second moments")
        guard state.firstMoments.isEmpty == state.secondMoments.isEmpty else {
            throw MBRLError.shapeMismatch("the saved Adam state has only one of its two moments")
        }
        if state.firstMoments.isEmpty {
            state.firstMoments = parameters.map { Matrix(rows: $0.rows, columns: $0.columns) }
            state.secondMoments = state.firstMoments
        }
        state.stepCount += 1
        let step = Double(state.stepCount)
        let biasCorrection1 = 1 - pow(Double(beta1), step)
        let biasCorrection2SquareRoot = (1 - pow(Double(beta2), step)).squareRoot()
        let stepSize = Float(Double(learningRate) / biasCorrection1)
        let inverseCorrection2 = Float(1 / biasCorrection2SquareRoot)
        let shrink = 1 - learningRate * decoupledWeightDecay
        let oneMinusBeta1 = 1 - beta1
        let oneMinusBeta2 = 1 - beta2
        let decoupled = decoupledWeightDecay != 0, coupled = coupledWeightDecay != 0
        for index in parameters.indices {
            parameters[index].withUnsafeMutableBufferPointer { p in
                gradients[index].withUnsafeBufferPointer { g in
                    state.firstMoments[index].withUnsafeMutableBufferPointer { m in
                        state.secondMoments[index].withUnsafeMutableBufferPointer { v in
                            // 16 entries at a time, the same operations in the same order as the
                            // scalar tail (so results do not depend on where a tensor is split).
                            typealias Lanes = SIMD16<Float>
                            let count = p.count, whole = count - count % Lanes.scalarCount
                            if whole > 0, let pBase = p.baseAddress, let gBase = g.baseAddress,
                               let mBase = m.baseAddress, let vBase = v.baseAddress {
                                let width = MemoryLayout<Lanes>.stride
                                for chunk in 0 ..< whole / Lanes.scalarCount {
                                    let offset = chunk * width
                                    var parameter = UnsafeRawPointer(pBase).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                    if decoupled { parameter *= shrink }
                                    var gradient = UnsafeRawPointer(gBase).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                    if coupled { gradient += coupledWeightDecay * parameter }
                                    let first = beta1 * UnsafeRawPointer(mBase).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                        + oneMinusBeta1 * gradient
                                    let second = beta2 * UnsafeRawPointer(vBase).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                                        + oneMinusBeta2 * gradient * gradient
                                    let denominator = VectorMath.squareRootOfNonNegative(second) * inverseCorrection2 + epsilon
                                    parameter -= stepSize * first / denominator
                                    UnsafeMutableRawPointer(pBase).storeBytes(of: parameter, toByteOffset: offset, as: Lanes.self)
                                    UnsafeMutableRawPointer(mBase).storeBytes(of: first, toByteOffset: offset, as: Lanes.self)
                                    UnsafeMutableRawPointer(vBase).storeBytes(of: second, toByteOffset: offset, as: Lanes.self)
                                }
                            }
                            for entry in whole..<count {
                                if decoupled { p[entry] *= shrink }
                                var gradient = g[entry]
                                if coupled { gradient += coupledWeightDecay * p[entry] }
                                m[entry] = beta1 * m[entry] + oneMinusBeta1 * gradient
                                v[entry] = beta2 * v[entry] + oneMinusBeta2 * gradient * gradient
                                let denominator = v[entry].squareRoot() * inverseCorrection2 + epsilon
                                p[entry] -= stepSize * m[entry] / denominator
                            }
                        }
                    }
                }
            }
        }
    }
}
