import Algorithms
import Envs
import Foundation
import MBRLCore
import Planners
import Testing

/// A 1-D reward `scale * u^2` on the action, to make the cost's action Hessian as bad as wanted.
struct ActionSquaredReward: DifferentiableRewardFunction {
    var scale: Float
    func rewards(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> [Float] {
        (0..<actions.rows).map { row in (0..<actions.columns).reduce(Float(0)) { $0 + scale * actions[row, $1] * actions[row, $1] } }
    }
    func rewardGradients(observations: Matrix, actions: Matrix, nextObservations: Matrix) -> RewardGradients {
        RewardGradients(observations: Matrix(rows: observations.rows, columns: observations.columns),
                        actions: actions.map { 2 * scale * $0 },
                        nextObservations: Matrix(rows: nextObservations.rows, columns: nextObservations.columns))
    }
}

@Suite struct GuidedPolicySearchTests {
    func matrix(_ rows: [[Double]]) -> DenseMatrix {
        DenseMatrix(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 })
    }

    /// `x' = x + u` with `c = x^2/2 + u^2/2`, T = 2, no prior and a reference with negligible
    /// precision: by hand, the last step has `K = 0`, `V_xx = 1`; the first has `Q_xx = 2`,
    /// `Q_uu = 2`, `Q_ux = 1`, so `K_0 = -1/2` and `S_0 = 1/2`, `S_1 = 1`.
    @Test func theBackwardPassSolvesAHandCheckedLQR() throws {
        let reference = try LinearGaussianController.constant(horizon: 2, observationSize: 1, actionSize: 1, variance: 1e10)
        let dynamics = LinearGaussianDynamics(transitions: [matrix([[1, 1]]), matrix([[1, 1]])], offsets: [[0], [0]],
                                              noiseCovariances: [matrix([[0]]), matrix([[0]])], initialMean: [1],
                                              initialCovariance: matrix([[1e-6]]))
        let cost = QuadraticCost(quadratic: [matrix([[1, 0], [0, 1]]), matrix([[1, 0], [0, 1]])], linear: [[0, 0], [0, 0]], constant: [0, 0])
        let (controller, eta) = try TrajectoryOptimizer().backward(reference: reference, dynamics: dynamics, cost: cost, eta: 1)
        #expect(eta == 1)
        #expect(abs(controller.gains[0][0, 0] + 0.5) < 1e-6)
        #expect(abs(controller.gains[1][0, 0]) < 1e-6)
        #expect(abs(controller.offsets[0][0]) < 1e-9 && abs(controller.offsets[1][0]) < 1e-9)
        #expect(abs(controller.covariances[0][0, 0] - 0.5) < 1e-6)
        #expect(abs(controller.covariances[1][0, 0] - 1) < 1e-6)
        // The Laplace cost estimate: x0 = 1, u0 = -1/2, x1 = 1/2, u1 = 0 in the mean, plus the
        // variances: 1/2 (1 + 1/4 + 1/4) + 1/2 (S_0 + (S_0) + S_1) with S_0 = 1/2 entering x1 too.
        let estimate = TrajectoryOptimizer().estimateCost(controller: controller, dynamics: dynamics, cost: cost).reduce(0, +)
        let expected = 0.5 * (1 + 0.25 + 0.25) + 0.5 * (0.5 + 0.5 + 1) + 0.5 * 1e-6 * (1 + 0.25 + 0.25)
        #expect(abs(estimate - expected) < 1e-5, "\(estimate) vs \(expected)")
    }

    /// The KL of a linear-Gaussian controller from itself is 0; an offset of 1 with unit variance
    /// costs 1/2 per step; variance 2 against 1 costs (2 - 1 - ln 2) / 2 per step.
    @Test func trajectoryKLMatchesTheGaussianFormula() throws {
        let horizon = 3
        let reference = try LinearGaussianController.constant(horizon: horizon, observationSize: 2, actionSize: 1, variance: 1)
        let dynamics = LinearGaussianDynamics(transitions: Array(repeating: matrix([[1, 0, 1], [0, 1, 0]]), count: horizon),
                                              offsets: Array(repeating: [0, 0], count: horizon),
                                              noiseCovariances: Array(repeating: matrix([[0.1, 0], [0, 0.1]]), count: horizon),
                                              initialMean: [0.3, -0.2], initialCovariance: matrix([[0.5, 0], [0, 0.5]]))
        func kl(_ new: LinearGaussianController) -> Double {
            let (means, covariances) = TrajectoryOptimizer().forward(controller: new, dynamics: dynamics)
            return TrajectoryOptimizer.divergence(means: means, covariances: covariances, new: new, reference: reference)
        }
        #expect(abs(kl(reference)) < 1e-12)
        let shifted = try LinearGaussianController.constant(horizon: horizon, observationSize: 2, actionSize: 1, variance: 1, offset: [1])
        #expect(abs(kl(shifted) - 0.5 * Double(horizon)) < 1e-9)
        let wider = try LinearGaussianController.constant(horizon: horizon, observationSize: 2, actionSize: 1, variance: 2)
        #expect(abs(kl(wider) - Double(horizon) * 0.5 * (2 - 1 - log(2.0))) < 1e-9)
        // A gain changes the KL by E[(K x)^2] / 2 under the new trajectory distribution.
        var gained = reference
        gained.gains = Array(repeating: matrix([[1, 0]]), count: horizon)
        let (means, covariances) = TrajectoryOptimizer().forward(controller: gained, dynamics: dynamics)
        let expected = (0..<horizon).reduce(0.0) { $0 + 0.5 * (means[$1][0] * means[$1][0] + covariances[$1][0, 0]) }
        #expect(abs(kl(gained) - expected) < 1e-9)
    }

    /// Exactly linear data `x' = A x + B u + c` is recovered by the regression, with or without the prior.
    @Test func fittedDynamicsRecoverExactlyLinearData() throws {
        var generator = RandomGenerator(seed: 4)
        let a = [[0.9, 0.1], [-0.2, 1.0]], b = [[0.5], [0.1]], c = [0.05, -0.3]
        let count = 30, horizon = 4
        var observations = [[[Double]]](), actions = [[[Double]]]()
        for _ in 0..<count {
            var x = [generator.nextStandardNormalDouble(), generator.nextStandardNormalDouble()]
            var xs = [[Double]](), us = [[Double]]()
            for _ in 0..<horizon {
                let u = [generator.nextStandardNormalDouble()]
                xs.append(x); us.append(u)
                x = (0..<2).map { i in a[i][0] * x[0] + a[i][1] * x[1] + b[i][0] * u[0] + c[i] }
            }
            observations.append(xs); actions.append(us)
        }
        var prior = GaussianMixturePrior(maximumSamples: 30, maximumClusters: 4, minimumSamplesPerCluster: 20, strength: 1)
        var rows: [[[Double]]] = []
        for n in 0..<count {
            var trajectory: [[Double]] = []
            for step in 0..<(horizon - 1) {
                let row: [Double] = observations[n][step] + actions[n][step] + observations[n][step + 1]
                trajectory.append(row)
            }
            rows.append(trajectory)
        }
        prior.update(rows: rows, generator: &generator)
        let priors: [GaussianMixturePrior?] = [nil, prior]
        for usedPrior in priors {
            let fitted = try LinearGaussianDynamics.fit(observations: observations, actions: actions, prior: usedPrior)
            let tolerance = usedPrior == nil ? 1e-4 : 2e-2
            for step in 0..<(horizon - 1) {
                for i in 0..<2 {
                    for j in 0..<2 { #expect(abs(fitted.transitions[step][i, j] - a[i][j]) < tolerance) }
                    #expect(abs(fitted.transitions[step][i, 2] - b[i][0]) < tolerance)
                    #expect(abs(fitted.offsets[step][i] - c[i]) < tolerance)
                }
            }
        }
    }

    /// A state dimension that never varies (a fixed goal) still gives finite dynamics, and the
    /// global policy's normalisation leaves it unscaled.
    @Test func aZeroVarianceStateDimensionIsHandled() throws {
        var generator = RandomGenerator(seed: 1)
        let observations = (0..<5).map { _ in (0..<4).map { _ in [generator.nextStandardNormalDouble(), 0.5] } }
        let actions = (0..<5).map { _ in (0..<4).map { _ in [generator.nextStandardNormalDouble()] } }
        let fitted = try LinearGaussianDynamics.fit(observations: observations, actions: actions, prior: nil)
        #expect(fitted.transitions.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        #expect(fitted.noiseCovariances.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        #expect(fitted.initialCovariance[1, 1] == 1e-6)
        var config = GuidedPolicySearch.Config()
        config.conditions = 1
        let gps = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        var policy = gps.policy
        policy.setNormalization(from: Matrix(rowArrays: [[0, 0.5], [1, 0.5], [2, 0.5]]))
        #expect(policy.inputScale[1] == 1 && policy.inputShift[1] == 0.5)
        #expect(abs(policy.inputScale[0] - Float(1 / (2.0 / 3.0).squareRoot())) < 1e-5)
    }

    /// The eta search ends with the KL within 10% of the step.
    @Test func etaBracketingMeetsTheKLStep() throws {
        let horizon = 10
        let reference = try LinearGaussianController.constant(horizon: horizon, observationSize: 2, actionSize: 1, variance: 1)
        let dynamics = LinearGaussianDynamics(transitions: Array(repeating: matrix([[1, 0.1, 0], [0, 1, 0.1]]), count: horizon),
                                              offsets: Array(repeating: [0, 0], count: horizon),
                                              noiseCovariances: Array(repeating: matrix([[1e-4, 0], [0, 1e-4]]), count: horizon),
                                              initialMean: [1, 0], initialCovariance: matrix([[1e-6, 0], [0, 1e-6]]))
        let cost = QuadraticCost(quadratic: Array(repeating: matrix([[1, 0, 0], [0, 0.1, 0], [0, 0, 0.01]]), count: horizon),
                                 linear: Array(repeating: [0, 0, 0], count: horizon), constant: Array(repeating: 0, count: horizon))
        for step in [0.5, 2.0, 8.0] {
            let result = try TrajectoryOptimizer().update(reference: reference, dynamics: dynamics, cost: cost, eta: 1, klStep: step)
            #expect(result.converged, "KL \(result.divergence) for step \(step) after \(result.passes) passes, eta \(result.eta)")
            #expect(abs(result.divergence - step) < 0.1 * step)
        }
    }

    /// A cost whose action Hessian is hugely negative has no positive-definite solution even at
    /// eta = 1e16: a clear error, and in an iteration the condition keeps its controller.
    @Test func noPositiveDefiniteSolutionKeepsThePreviousController() throws {
        let horizon = 3
        let reference = try LinearGaussianController.constant(horizon: horizon, observationSize: 1, actionSize: 1, variance: 1)
        let dynamics = LinearGaussianDynamics(transitions: Array(repeating: matrix([[1, 1]]), count: horizon),
                                              offsets: Array(repeating: [0], count: horizon),
                                              noiseCovariances: Array(repeating: matrix([[1e-4]]), count: horizon),
                                              initialMean: [0], initialCovariance: matrix([[1e-6]]))
        let cost = QuadraticCost(quadratic: Array(repeating: matrix([[0, 0], [0, -1e30]]), count: horizon),
                                 linear: Array(repeating: [0, 0], count: horizon), constant: Array(repeating: 0, count: horizon))
        #expect(throws: TrajectoryOptimizationError.self) {
            _ = try TrajectoryOptimizer().update(reference: reference, dynamics: dynamics, cost: cost, eta: 1, klStep: 1)
        }
        do {
            _ = try TrajectoryOptimizer().backward(reference: reference, dynamics: dynamics, cost: cost, eta: 1)
        } catch {
            #expect("\(error)".contains("no positive-definite"))
        }

        // Through the optimizer: reward +1e30 u^2 makes the cost's action Hessian -2e30.
        var config = GuidedPolicySearch.Config()
        config.conditions = 2; config.samplesPerCondition = 2; config.horizon = horizon; config.algorithm = .trajectoryOptimization
        config.priorStrength = 0
        var generator = RandomGenerator(seed: 3)
        var gps = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 1)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        let before = gps.policy.controllers
        let metrics = try feedSamples(to: &gps, reward: ActionSquaredReward(scale: 1e30), generator: &generator)
        #expect(metrics["lqrFailures"] == 2)
        #expect(gps.policy.controllers == before)
        #expect(metrics.values.allSatisfy { !$0.isNaN })
    }

    /// Feeds `samplesPerCondition` episodes per condition of a 1-D `x' = x + u` walk.
    func feedSamples(to gps: inout GuidedPolicySearch, reward: any DifferentiableRewardFunction,
                     generator: inout RandomGenerator) throws -> [String: Double] {
        let buffer = ReplayBuffer(capacity: 10, observationSize: 1, actionSize: 1)
        var last: [String: Double] = [:]
        for episode in 0..<(gps.config.conditions * gps.config.samplesPerCondition) {
            let condition = episode % gps.config.conditions
            var x: Float = Float(condition) - 0.5
            for step in 0..<gps.config.horizon {
                let u = try gps.policy.action(for: [x], step: step, condition: condition, mode: .exploration, generator: &generator)
                let next = x + min(max(u[0], -1), 1)
                let transition = Transition(observation: [x], action: u, reward: 0, nextObservation: [next], terminated: false, truncated: false)
                var context = PolicyOptimizerContext(buffer: buffer, rewardFunction: reward, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 1)),
                                                     actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)))
                context.episodeCondition = condition
                context.episodeStep = step
                let metrics = try gps.improve(after: transition, context: context, generator: &generator)
                if !metrics.isEmpty { last = metrics }
                x = next
            }
        }
        return last
    }

    /// A collapsing controller covariance floors the global policy's variance (gps issue #77).
    @Test func theGlobalPolicyVarianceIsFloored() throws {
        var config = GuidedPolicySearch.Config()
        config.conditions = 1; config.samplesPerCondition = 2; config.horizon = 3; config.policyUpdates = 5
        config.minimumPolicyVariance = 1e-3
        var generator = RandomGenerator(seed: 8)
        var gps = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 1)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        let tight = try LinearGaussianController.constant(horizon: 3, observationSize: 1, actionSize: 1, variance: 1e-12)
        var sample = GuidedPolicySearchSample(condition: 0)
        sample.observations = [[0.1], [0.2], [0.3]]
        sample.actions = [[0], [0], [0]]
        _ = try gps.trainGlobalPolicy(targets: [tight], samples: [[sample, sample]], generator: &generator)
        let variance = exp(2 * Double(gps.policy.global.logStandardDeviation[0, 0]))
        #expect(abs(variance - 1e-3) < 1e-6)
        let linearization = try gps.linearizeGlobalPolicy(at: [sample, sample])
        #expect(linearization.covariances.allSatisfy { $0[0, 0] >= 1e-3 * (1 - 1e-6) })
    }

    /// The linearisation's gain is the global policy's Jacobian: checked against central finite
    /// differences of its mean through the normalisation.
    @Test func theLinearizationMatchesFiniteDifferences() throws {
        var config = GuidedPolicySearch.Config()
        config.conditions = 1; config.horizon = 2; config.policyUpdates = 20
        var generator = RandomGenerator(seed: 9)
        let observationSpace = Space.box(Box(lowerBound: -5, upperBound: 5, size: 3))
        var gps = try GuidedPolicySearch(config: config, observationSpace: observationSpace,
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 2)), generator: &generator)
        var sample = GuidedPolicySearchSample(condition: 0)
        sample.observations = [[0.3, -0.2, 1.1], [0.5, 0.4, -0.7]]
        sample.actions = [[0, 0], [0, 0]]
        let target = try LinearGaussianController.constant(horizon: 2, observationSize: 3, actionSize: 2, variance: 0.3, offset: [0.2, -0.1])
        _ = try gps.trainGlobalPolicy(targets: [target], samples: [[sample, sample]], generator: &generator)
        let linearization = try gps.linearizeGlobalPolicy(at: [sample])
        let policy = gps.policy
        func mean(_ x: [Float]) throws -> [Float] { try policy.action(for: x, step: 0, condition: nil, mode: .evaluation, generator: &generator) }
        for step in 0..<2 {
            let x = sample.observations[step].map(Float.init)
            for column in 0..<3 {
                var plus = x, minus = x
                plus[column] += 1e-2; minus[column] -= 1e-2
                let (up, down) = (try mean(plus), try mean(minus))
                for action in 0..<2 {
                    let difference = Double(up[action] - down[action]) / 2e-2
                    #expect(abs(linearization.gains[step][action, column] - difference) < 2e-3,
                            "step \(step) d mu_\(action) / d x_\(column): \(linearization.gains[step][action, column]) vs \(difference)")
                }
            }
            let predicted = linearization.meanAction(for: x.map(Double.init), step: step)
            let actual = try mean(x)
            for action in 0..<2 { #expect(abs(predicted[action] - Double(actual[action])) < 1e-5) }
        }
    }

    /// The cost's gradient and Hessian agree with finite differences of its values (PointMass's
    /// reward plus the action penalty, away from the goal).
    @Test func theCostExpansionMatchesFiniteDifferences() throws {
        let cost = GuidedPolicySearchCost(rewardFunction: PointMassRewardFunction(), actionCostWeight: 0.3, hessianStep: 1e-3)
        let point: [Float] = [-0.3, 0.2, 0.1, 0, 0.5, 0.5], action: [Float] = [0.4, -0.2]
        let gradient = cost.gradients(observations: Matrix(row: point), actions: Matrix(row: action))[0]
        let joint = point + action
        func value(_ y: [Float]) -> Double {
            cost.values(observations: Matrix(row: Array(y[0..<6])), actions: Matrix(row: Array(y[6...])))[0]
        }
        for index in [0, 1, 6, 7] {
            var plus = joint, minus = joint
            plus[index] += 1e-2; minus[index] -= 1e-2
            let difference = (value(plus) - value(minus)) / 2e-2
            #expect(abs(gradient[index] - difference) < 1e-3, "index \(index): \(gradient[index]) vs \(difference)")
        }
        let (quadratic, values) = cost.expand(observations: [[point.map(Double.init)]], actions: [[action.map(Double.init)]])
        // The expansion reproduces the value at the point, and its action block is the penalty.
        let y = joint.map(Double.init)
        #expect(abs(quadratic.value(at: y, step: 0) - values[0][0]) < 1e-4)
        #expect(abs(quadratic.quadratic[0][6, 6] - 0.3) < 1e-2 && abs(quadratic.quadratic[0][6, 7]) < 1e-2)
        // -distance is convex in the position as a cost: (I - n n^T) / d.
        let d = (0.8 * 0.8 + 0.3 * 0.3).squareRoot(), nx = -0.8 / d, ny = -0.3 / d
        #expect(abs(quadratic.quadratic[0][0, 0] - (1 - nx * nx) / d) < 2e-2)
        #expect(abs(quadratic.quadratic[0][0, 1] - (-nx * ny) / d) < 2e-2)
    }

    /// A short MDGPS run on PointMass through the loop: iteration metrics are written, the
    /// samples' cost falls, evaluation episodes act with the global policy from held-out starts,
    /// and the resolved recipe is accepted.
    @Test func mdgpsRunsInTheLoopFromInitialStates() throws {
        let directory = temporaryDirectory("gps-pointmass")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "gps", "seed": 1, "environment": "PointMass-v0", "model": null,
             "policyOptimizer": {"type": "gps", "conditions": 2, "samplesPerCondition": 3, "horizon": 30, "policyUpdates": 200,
                                 "policy": {"hiddenSizes": [32, 32]}},
             "acting": {"exploration": "policy", "training": "policy", "evaluation": "policy"},
             "loop": {"explorationEpisodes": 0, "episodes": 18, "maxEpisodeSteps": 30, "evaluationEpisodes": 2, "evaluateEvery": 6,
                      "initialStates": [[-0.6, -0.6, 0, 0, 0.5, 0.5], [0.6, -0.6, 0, 0, 0.5, 0.5]],
                      "evaluationInitialStates": [[-0.4, 0, 0, 0, 0.5, 0.5], [0, -0.5, 0, 0, 0.5, 0.5]]},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: makeTestRegistryWithShippedComponents()).run()
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        for key in ["costCondition0", "klCondition1", "etaCondition0", "stepMultiplierCondition1", "globalPolicyPredictedCost", "policyLoss"] {
            #expect(header.contains(key), "missing \(key)")
        }
        let iterations = rows.filter { !($0["gpsIteration"] ?? "").isEmpty }
        #expect(iterations.count == 3)
        let first = Double(iterations[0]["costCondition0"] ?? "") ?? .nan, last = Double(iterations[2]["costCondition0"] ?? "") ?? .nan
        #expect(last < first, "cost \(first) -> \(last)")
        #expect(rows.filter { $0["phase"] == "evaluation" }.count == 6)
        #expect(rows.allSatisfy { row in row.values.allSatisfy { !$0.contains("nan") } })
    }

    /// Recipe mistakes are refused before any step, naming what to fix.
    @Test func recipeMistakesAreRefused() {
        let base = #"{"name": "g", "environment": "PointMass-v0", "model": null, "policyOptimizer": {"type": "gps""#
        #expect(buildRefusal(base + #", "samplePolicy": "global", "algorithm": "trajopt"}}"#)?.contains("mdgps") == true)
        #expect(buildRefusal(base + #", "klStepp": 1}}"#)?.contains("klStep") == true)
        let noState = buildRefusal(#"{"name": "g", "environment": "PointMass-v0", "model": null, "policyOptimizer": "gps", "loop": {"initialStates": [[0, 0]]}}"#)
        #expect(noState?.contains("loop.initialStates[0]") == true, "\(noState ?? "accepted")")
        let discrete = buildRefusal(#"{"name": "g", "environment": "CartPole-v1", "model": null, "policyOptimizer": "gps"}"#)
        #expect(discrete != nil)
    }

    /// The checkpoint restores controllers, normalisation and the carried state exactly.
    @Test func theCheckpointRoundTrips() throws {
        var config = GuidedPolicySearch.Config()
        config.conditions = 2; config.samplesPerCondition = 2; config.horizon = 4; config.policyUpdates = 10
        var generator = RandomGenerator(seed: 11)
        var gps = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 1)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        _ = try feedSamples(to: &gps, reward: PointTargetReward(), generator: &generator)
        var writer = CheckpointWriter()
        try gps.write(to: &writer, prefix: "gps")
        let checkpoint = try Checkpoint(data: try writer.encodedData())
        var restored = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 1)),
                                              actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        try restored.read(from: checkpoint, prefix: "gps")
        #expect(restored.policy.controllers == gps.policy.controllers)
        #expect(restored.policy.global == gps.policy.global)
        #expect(restored.policy.inputScale == gps.policy.inputScale)
        #expect(restored.state.etas == gps.state.etas && restored.state.iteration == gps.state.iteration)
    }

    /// The step multiplier follows gps's `_set_new_mult`: improvement as predicted grows the step
    /// (at most 5 times), half the predicted improvement keeps it, none shrinks it, within the bounds.
    @Test func stepMultiplierAdaptation() {
        func next(_ predicted: Double, _ actual: Double, _ current: Double = 1) -> Double {
            GuidedPolicySearch.newMultiplier(predicted: predicted, actual: actual, current: current, minimum: 0.01, maximum: 10)
        }
        #expect(next(1, 1) == 5)
        #expect(next(1, 0.5) == 1)
        #expect(abs(next(1, 0) - 0.5) < 1e-12)
        #expect(abs(next(1, -1) - 0.25) < 1e-12)
        #expect(abs(next(1, -100) - 0.1) < 1e-12)
        #expect(next(1, 1, 4) == 10)
        #expect(next(1, -100, 0.05) == 0.01)
    }

    /// A PD-like initial controller acts `K x + k` in evaluation mode; wrong shapes are refused.
    @Test func aPDLikeInitialControllerIsUsed() throws {
        var config = GuidedPolicySearch.Config()
        config.conditions = 1; config.horizon = 5; config.algorithm = .trajectoryOptimization
        config.initialGains = [[-2, -0.5]]; config.initialOffsets = [0.25]
        var generator = RandomGenerator(seed: 2)
        let gps = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 2)),
                                         actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        let action = try gps.policy.action(for: [0.5, 1], step: 3, condition: 0, mode: .evaluation, generator: &generator)
        #expect(abs(action[0] - (-2 * 0.5 - 0.5 * 1 + 0.25)) < 1e-6)
        config.initialGains = [[-2]]
        #expect(throws: MBRLError.self) {
            _ = try GuidedPolicySearch(config: config, observationSpace: .box(Box(lowerBound: -5, upperBound: 5, size: 2)),
                                       actionSpace: .box(Box(lowerBound: -1, upperBound: 1, size: 1)), generator: &generator)
        }
    }
}
