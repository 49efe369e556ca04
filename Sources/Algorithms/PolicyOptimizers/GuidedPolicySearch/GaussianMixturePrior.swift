#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MBRLCore
import Planners

/// A Gaussian mixture over rows `[x_t, u_t, x_{t+1}]` of all recent samples, giving the
/// normal-inverse-Wishart prior that regularises each time step's dynamics regression (gps's
/// `DynamicsPriorGMM` with its `GMM`).
///
/// `update` keeps the last `maximumSamples` trajectories (default 20), chooses
/// `K = max(2, min(maximumClusters, floor(N T / minimumSamplesPerCluster)))` clusters (defaults
/// 50 and 20) and runs at most 100 EM iterations from a random assignment, stopping when the
/// log-likelihood falls or changes by less than `1e-5` of itself; clusters get `1e-6 I` added,
/// and clusters whose mass falls below `1e-4 / K` are rebooted with uniform weights.
/// `prior(for:)` weights the clusters by their mean responsibility for the query rows and returns
/// the mixture's mean `mu0`, scatter `Phi`, and the strengths `m = strength` and
/// `n0 = strength * (N - 2 - D) / N` (gps's `GMM.inference` followed by `DynamicsPriorGMM.eval`,
/// which multiplies `Phi` by `m`).
///
/// ```swift
/// var prior = GaussianMixturePrior(maximumSamples: 20, maximumClusters: 20, minimumSamplesPerCluster: 40, strength: 1)
/// prior.update(rows: transitionsPerTrajectory, generator: &generator)
/// let (mean, scatter, m, n0) = prior.prior(for: rowsAtStepT)
/// ```
public struct GaussianMixturePrior: Sendable, Equatable, Codable {
    /// Trajectories kept (gps `max_samples`, default 20).
    public var maximumSamples: Int
    /// Most clusters (gps `max_clusters`, default 50).
    public var maximumClusters: Int
    /// Rows per cluster when choosing the cluster count (gps `min_samples_per_cluster`, 20).
    public var minimumSamplesPerCluster: Int
    /// Multiplier of the prior's pseudo-counts (gps `strength`, default 1).
    public var strength: Double

    /// The rows of the kept trajectories, one array of rows per trajectory.
    public private(set) var trajectories: [[[Double]]] = []
    /// Cluster means, covariances and log masses.
    public private(set) var means: [[Double]] = []
    public private(set) var covariances: [DenseMatrix] = []
    public private(set) var logMasses: [Double] = []
    /// The number of rows the mixture was fitted on.
    public private(set) var rowCount = 0

    public init(maximumSamples: Int = 20, maximumClusters: Int = 50, minimumSamplesPerCluster: Int = 20, strength: Double = 1) {
        self.maximumSamples = maximumSamples
        self.maximumClusters = maximumClusters
        self.minimumSamplesPerCluster = minimumSamplesPerCluster
        self.strength = strength
    }

    /// Whether the mixture has been fitted.
    public var isFitted: Bool { !means.isEmpty }

    /// Adds trajectories (each an array of `[x_t, u_t, x_{t+1}]` rows), drops the oldest beyond
    /// `maximumSamples`, and refits the mixture by EM.
    public mutating func update(rows newTrajectories: [[[Double]]], generator: inout RandomGenerator) {
        trajectories.append(contentsOf: newTrajectories)
        if trajectories.count > maximumSamples { trajectories.removeFirst(trajectories.count - maximumSamples) }
        let data = trajectories.flatMap { $0 }
        guard let size = data.first?.count, data.count >= 2 else { return }
        let clusterCount = max(2, min(maximumClusters, data.count / max(1, minimumSamplesPerCluster)))
        fit(data: data, dimension: size, clusterCount: clusterCount, generator: &generator)
    }

    /// Log densities `[N][K]` of the rows under every cluster, plus the log masses.
    func logObservations(_ data: [[Double]]) -> [[Double]] {
        let dimension = Double(data.first?.count ?? 0)
        var result = [[Double]](repeating: [Double](repeating: 0, count: means.count), count: data.count)
        for cluster in means.indices {
            guard let factor = covariances[cluster].cholesky() else {
                for row in data.indices { result[row][cluster] = -Double.infinity }
                continue
            }
            var logDeterminant = 0.0
            for index in 0..<factor.rows { logDeterminant += log(factor[index, index]) }
            for row in data.indices {
                // Solve L z = (x - mu) by forward substitution.
                let difference = zip(data[row], means[cluster]).map(-)
                var z = [Double](repeating: 0, count: difference.count)
                for index in 0..<difference.count {
                    var total = difference[index]
                    for inner in 0..<index { total -= factor[index, inner] * z[inner] }
                    z[index] = total / factor[index, index]
                }
                result[row][cluster] = -0.5 * dimension * log(2 * Double.pi) - logDeterminant - 0.5 * dot(z, z) + logMasses[cluster]
            }
        }
        return result
    }

    static func logSum(_ values: [Double]) -> Double {
        guard let largest = values.max(), largest.isFinite else { return values.max() ?? -Double.infinity }
        return largest + log(values.reduce(0) { $0 + exp($1 - largest) })
    }

    mutating func fit(data: [[Double]], dimension: Int, clusterCount: Int, generator: inout RandomGenerator) {
        let count = data.count
        rowCount = count
        // Initialise from a random assignment (gps: cidx = randint(0, K)).
        let assignment = (0..<count).map { _ in generator.nextInt(below: clusterCount) }
        means = []; covariances = []
        logMasses = Array(repeating: log(1 / Double(clusterCount)), count: clusterCount)
        for cluster in 0..<clusterCount {
            let members = data.indices.filter { assignment[$0] == cluster }.map { data[$0] }
            let mean = Self.mean(members.isEmpty ? data : members)
            var covariance = DenseMatrix(rows: dimension, columns: dimension)
            for row in members {
                let difference = zip(row, mean).map(-)
                for i in 0..<dimension { for j in 0..<dimension { covariance[i, j] += difference[i] * difference[j] } }
            }
            for i in 0..<dimension {
                for j in 0..<dimension { covariance[i, j] /= Double(clusterCount) }
                covariance[i, i] += 2e-6
            }
            means.append(mean); covariances.append(covariance)
        }
        var previous = -Double.infinity
        for _ in 0..<100 {
            // E-step.
            let logObservations = logObservations(data)
            let rowTotals = logObservations.map(Self.logSum)
            let likelihood = rowTotals.reduce(0, +)
            if likelihood < previous { break }
            if abs(likelihood - previous) < 1e-5 * abs(previous) { break }
            previous = likelihood
            var logWeights = logObservations
            for row in 0..<count { for cluster in 0..<clusterCount { logWeights[row][cluster] -= rowTotals[row] } }
            // M-step: masses, then weights normalised per cluster.
            let clusterLogTotals = (0..<clusterCount).map { cluster in Self.logSum(logWeights.map { $0[cluster] }) }
            let totalLogMass = Self.logSum(clusterLogTotals)
            logMasses = clusterLogTotals.map { $0 - totalLogMass }
            for cluster in 0..<clusterCount {
                var weights = logWeights.map { exp($0[cluster] - clusterLogTotals[cluster]) }
                if exp(logMasses[cluster]) < 1e-4 / Double(clusterCount) || !weights.allSatisfy(\.isFinite) {
                    weights = Array(repeating: 1 / Double(count), count: count)   // reboot a small cluster
                }
                var mean = [Double](repeating: 0, count: dimension)
                for row in 0..<count { for i in 0..<dimension { mean[i] += weights[row] * data[row][i] } }
                var covariance = DenseMatrix(rows: dimension, columns: dimension)
                for row in 0..<count {
                    let weight = weights[row]
                    if weight == 0 { continue }
                    for i in 0..<dimension {
                        let scaled = weight * data[row][i]
                        for j in 0..<dimension { covariance[i, j] += scaled * data[row][j] }
                    }
                }
                for i in 0..<dimension { for j in 0..<dimension { covariance[i, j] -= mean[i] * mean[j] } }
                covariance = covariance.symmetrized
                for i in 0..<dimension { covariance[i, i] += 1e-6 }
                means[cluster] = mean
                covariances[cluster] = covariance
            }
        }
    }

    static func mean(_ rows: [[Double]]) -> [Double] {
        var mean = [Double](repeating: 0, count: rows.first?.count ?? 0)
        for row in rows { for i in mean.indices { mean[i] += row[i] } }
        return mean.map { $0 / Double(max(1, rows.count)) }
    }

    /// The normal-inverse-Wishart prior `(mu0, Phi, m, n0)` for the query rows, with `Phi`
    /// already multiplied by `m` (as `gauss_fit_joint_prior` expects).
    public func prior(for rows: [[Double]]) -> (mean: [Double], scatter: DenseMatrix, m: Double, n0: Double) {
        let dimension = means[0].count
        let logObservations = logObservations(rows)
        // Average the responsibilities over the query rows (gps GMM.clusterwts).
        var logWeights = [Double](repeating: 0, count: means.count)
        for cluster in means.indices {
            let perRow = logObservations.map { row in row[cluster] - Self.logSum(row) }
            logWeights[cluster] = Self.logSum(perRow) - log(Double(rows.count))
        }
        let weights = logWeights.map { exp($0) }
        var mean = [Double](repeating: 0, count: dimension)
        for cluster in means.indices { for i in 0..<dimension { mean[i] += weights[cluster] * means[cluster][i] } }
        var scatter = DenseMatrix(rows: dimension, columns: dimension)
        for cluster in means.indices {
            let difference = zip(means[cluster], mean).map(-)
            for i in 0..<dimension {
                for j in 0..<dimension {
                    scatter[i, j] += weights[cluster] * (covariances[cluster][i, j] + difference[i] * difference[j])
                }
            }
        }
        // gps GMM.inference: m = N / N = 1, n0 = (N - 2 - D) / N; DynamicsPriorGMM.eval scales both
        // by the strength and multiplies Phi by m.
        let m = strength
        let n0 = strength * max(0, Double(rowCount - 2 - dimension)) / Double(rowCount)
        for index in scatter.values.indices { scatter.values[index] *= m }
        return (mean, scatter, m, n0)
    }
}
