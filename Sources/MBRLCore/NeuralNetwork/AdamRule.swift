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

    /// The per-step constants of the update.
    struct Constants: Sendable {
        var beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, stepSize, inverseCorrection2, shrink, coupledWeightDecay: Float
        var decoupled, coupled: Bool
    }

    /// Updates `count` entries of a parameter `p` with gradient `g` and moments `m`, `v`: 16 at a
    /// time, then a scalar tail with the same operations in the same order (so results do not
    /// depend on where a tensor is split).
    @inline(__always)
    static func update(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, count: Int, _ c: Constants
    ) {
        typealias Lanes = SIMD16<Float>
        let whole = count - count % Lanes.scalarCount
        let width = MemoryLayout<Lanes>.stride
        for chunk in 0 ..< whole / Lanes.scalarCount {
            let offset = chunk * width
            var parameter = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            if c.decoupled { parameter *= c.shrink }
            var gradient = UnsafeRawPointer(g).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            if c.coupled { gradient += c.coupledWeightDecay * parameter }
            let first = c.beta1 * UnsafeRawPointer(m).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                + c.oneMinusBeta1 * gradient
            let second = c.beta2 * UnsafeRawPointer(v).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                + c.oneMinusBeta2 * gradient * gradient
            let denominator = VectorMath.squareRootOfNonNegative(second) * c.inverseCorrection2 + c.epsilon
            parameter -= c.stepSize * first / denominator
            UnsafeMutableRawPointer(p).storeBytes(of: parameter, toByteOffset: offset, as: Lanes.self)
            UnsafeMutableRawPointer(m).storeBytes(of: first, toByteOffset: offset, as: Lanes.self)
            UnsafeMutableRawPointer(v).storeBytes(of: second, toByteOffset: offset, as: Lanes.self)
        }
        for entry in whole..<count {
            if c.decoupled { p[entry] *= c.shrink }
            var gradient = g[entry]
            if c.coupled { gradient += c.coupledWeightDecay * p[entry] }
            m[entry] = c.beta1 * m[entry] + c.oneMinusBeta1 * gradient
            v[entry] = c.beta2 * v[entry] + c.oneMinusBeta2 * gradient * gradient
            let denominator = v[entry].squareRoot() * c.inverseCorrection2 + c.epsilon
            p[entry] -= c.stepSize * m[entry] / denominator
        }
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
        let constants = Constants(
            beta1: beta1, beta2: beta2, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, epsilon: epsilon,
            stepSize: stepSize, inverseCorrection2: inverseCorrection2, shrink: shrink,
            coupledWeightDecay: coupledWeightDecay,
            decoupled: decoupledWeightDecay != 0, coupled: coupledWeightDecay != 0)
        for index in parameters.indices {
            parameters[index].withUnsafeMutableBufferPointer { p in
                gradients[index].withUnsafeBufferPointer { g in
                    state.firstMoments[index].withUnsafeMutableBufferPointer { m in
                        state.secondMoments[index].withUnsafeMutableBufferPointer { v in
                            guard let pBase = p.baseAddress, let gBase = g.baseAddress,
                                  let mBase = m.baseAddress, let vBase = v.baseAddress else { return }
                            // Large tensors are split over the GEMM workers; every entry is
                            // updated by the same operations in any range.
                            let pointers = GEMMUncheckedSendable(value: (pBase, gBase, mBase, vBase))
                            GEMMDriver.forEachVectorRange(count: p.count, work: p.count) { range in
                                let (p, g, m, v) = pointers.value
                                let start = range.lowerBound
                                update(p + start, g + start, m + start, v + start, count: range.count, constants)
                            }
                        }
                    }
                }
            }
        }
    }
}
