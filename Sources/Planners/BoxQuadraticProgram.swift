/// Minimises `1/2 xᵀ H x + gᵀ x` subject to `lower <= x <= upper` by projected Newton steps with
/// an Armijo line search: the box QP of Tassa, Mansard and Todorov, "Control-limited
/// differential dynamic programming", ICRA 2014 (their `boxQP`), which iLQR solves for every
/// step's control update so that controls respect their bounds.
///
/// The answer includes which entries are free (not held at a bound by a gradient pointing out
/// of the box) and the Cholesky factor of `H` restricted to them, from which iLQR builds its
/// feedback gains.
struct BoxQuadraticProgram {
    /// The minimiser.
    var solution: [Double]
    /// Whether each entry is free.
    var free: [Bool]
    /// The Cholesky factor of `H` on the free entries (nil when none is free).
    var freeFactor: DenseMatrix?

    /// Solves the program starting from `start` (clamped into the box); nil when `H` is not
    /// positive definite on the free entries.
    static func solve(hessian: DenseMatrix, gradient: [Double], lower: [Double], upper: [Double],
                      start: [Double], maximumIterations: Int = 100) -> BoxQuadraticProgram? {
        let size = gradient.count
        var x = (0..<size).map { min(max(start[$0], lower[$0]), upper[$0]) }
        func value(_ point: [Double]) -> Double { 0.5 * dot(point, hessian * point) + dot(gradient, point) }
        var free = [Bool](repeating: true, count: size)
        var factor: DenseMatrix?
        var previousFree: [Bool]?
        var current = value(x)
        for _ in 0..<maximumIterations {
            let grad = zip(gradient, hessian * x).map(+)
            // Entries at a bound whose gradient pushes outward are held there.
            for index in 0..<size {
                let heldLow = x[index] <= lower[index] && grad[index] > 0
                let heldHigh = x[index] >= upper[index] && grad[index] < 0
                free[index] = !(heldLow || heldHigh)
            }
            let freeIndices = (0..<size).filter { free[$0] }
            if freeIndices.isEmpty { factor = nil; break }
            if previousFree != free {
                guard let newFactor = hessian.selecting(rows: freeIndices, columns: freeIndices).cholesky() else { return nil }
                factor = newFactor
                previousFree = free
            }
            let freeGradientNorm = freeIndices.reduce(0) { $0 + grad[$1] * grad[$1] }.squareRoot()
            if freeGradientNorm < 1e-8 { break }
            // Newton step on the free entries with the held ones fixed.
            var clampedGradient = gradient
            for row in 0..<size {
                for column in 0..<size where !free[column] { clampedGradient[row] += hessian[row, column] * x[column] }
            }
            guard let factor else { return nil }
            let newtonFree = factor.choleskySolve(freeIndices.map { clampedGradient[$0] })
            var direction = [Double](repeating: 0, count: size)
            for (position, index) in freeIndices.enumerated() { direction[index] = -newtonFree[position] - x[index] }
            let slope = dot(direction, grad)
            if slope >= 0 { break }
            // Armijo backtracking on the projected path.
            var step = 1.0
            var candidate = x, candidateValue = current
            while true {
                candidate = (0..<size).map { min(max(x[$0] + step * direction[$0], lower[$0]), upper[$0]) }
                candidateValue = value(candidate)
                if (candidateValue - current) / (step * slope) >= 0.1 { break }
                step *= 0.6
                if step < 1e-22 { break }
            }
            let improvement = current - candidateValue
            x = candidate
            current = candidateValue
            if improvement < 1e-8 * abs(current) { break }
        }
        // Refresh the free set and factor at the answer.
        let grad = zip(gradient, hessian * x).map(+)
        for index in 0..<size {
            free[index] = !((x[index] <= lower[index] && grad[index] > 0) || (x[index] >= upper[index] && grad[index] < 0))
        }
        let freeIndices = (0..<size).filter { free[$0] }
        if freeIndices.isEmpty {
            factor = nil
        } else if previousFree != free {
            guard let newFactor = hessian.selecting(rows: freeIndices, columns: freeIndices).cholesky() else { return nil }
            factor = newFactor
        }
        return BoxQuadraticProgram(solution: x, free: free, freeFactor: factor)
    }
}
