import Algorithms
import Foundation
import MBRLCore
import Planners
import Testing

/// `x' = F [x; u] + f` exactly, with its exact pullback.
struct ExactlyLinearModel: DifferentiableDynamicsModel {
    var transition: [[Float]]     // [O][O + A]
    var offset: [Float]
    var observationSize: Int { offset.count }
    var actionSize: Int { transition[0].count - offset.count }

    func next(_ observations: Matrix, _ actions: Matrix) -> Matrix {
        var result = Matrix(rows: observations.rows, columns: observationSize)
        for row in 0..<observations.rows {
            let input = observations.row(row) + actions.row(row)
            for i in 0..<observationSize {
                result[row, i] = offset[i] + zip(transition[i], input).reduce(0) { $0 + $1.0 * $1.1 }
            }
        }
        return result
    }

    func predict(observations: Matrix, actions: Matrix, generator: inout RandomGenerator) throws -> ModelPrediction {
        ModelPrediction(nextObservations: next(observations, actions))
    }

    func predictWithPullback(observations: Matrix, actions: Matrix) throws
        -> (nextObservations: Matrix, pullback: @Sendable (Matrix) throws -> InputGradients) {
        let transition = transition, stateSize = observationSize, actionSize = actionSize
        return (next(observations, actions), { upstream in
            var states = Matrix(rows: upstream.rows, columns: stateSize), controls = Matrix(rows: upstream.rows, columns: actionSize)
            for row in 0..<upstream.rows {
                for i in 0..<stateSize {
                    for j in 0..<stateSize { states[row, j] += upstream[row, i] * transition[i][j] }
                    for j in 0..<actionSize { controls[row, j] += upstream[row, i] * transition[i][stateSize + j] }
                }
            }
            return InputGradients(observations: states, actions: controls)
        })
    }
}

@Suite struct GuidedPolicySearchModelPriorTests {
    let modelTransition: [[Float]] = [[1, 0.1, 0], [0, 0.95, 0.2]]
    let modelOffset: [Float] = [0.02, -0.1]

    /// Five noisy samples of 4 steps from `a`, `b`, `c` (not the model's dynamics) when
    /// `fromModel` is false, else noise-free samples of the model itself.
    func samples(fromModel: Bool, seed: UInt64 = 3) -> (observations: [[[Double]]], actions: [[[Double]]]) {
        var generator = RandomGenerator(seed: seed)
        let a = [[0.8, 0.3], [-0.2, 1.1]], b = [0.4, -0.3], c = [0.1, 0.2]
        var observations = [[[Double]]](), actions = [[[Double]]]()
        for _ in 0..<5 {
            var x = [generator.nextStandardNormalDouble(), generator.nextStandardNormalDouble()]
            var xs = [[Double]](), us = [[Double]]()
            for _ in 0..<4 {
                let u = [generator.nextStandardNormalDouble()]
                xs.append(x); us.append(u)
                if fromModel {
                    let input = x + u
                    x = (0..<2).map { i in Double(modelOffset[i]) + (0..<3).reduce(0) { $0 + Double(modelTransition[i][$1]) * input[$1] } }
                } else {
                    x = (0..<2).map { i in a[i][0] * x[0] + a[i][1] * x[1] + b[i] * u[0] + c[i] + 0.05 * generator.nextStandardNormalDouble() }
                }
            }
            observations.append(xs); actions.append(us)
        }
        return (observations, actions)
    }

    @Test func theLinearizationIsTheModelsJacobianAndOffset() throws {
        let model = ExactlyLinearModel(transition: modelTransition, offset: modelOffset)
        let (observations, actions) = samples(fromModel: false)
        let prior = try ModelDynamicsPrior.linearize(model: model, observations: observations, actions: actions)
        #expect(prior.transitions.count == 3)
        for step in 0..<3 {
            for i in 0..<2 {
                for j in 0..<3 { #expect(abs(prior.transitions[step][i, j] - Double(modelTransition[i][j])) < 1e-6) }
                #expect(abs(prior.offsets[step][i] - Double(modelOffset[i])) < 1e-5)
            }
        }
    }

    /// A very strong prior gives the model's `F` and `f`; strength 0 gives the plain regression;
    /// samples of the model itself give its `F` and `f` at strength 1.
    @Test func theStrengthMovesTheFitFromTheRegressionToTheModel() throws {
        let model = ExactlyLinearModel(transition: modelTransition, offset: modelOffset)
        let (observations, actions) = samples(fromModel: false)
        let prior = try ModelDynamicsPrior.linearize(model: model, observations: observations, actions: actions)
        let strong = try LinearGaussianDynamics.fit(observations: observations, actions: actions, modelPrior: prior, strength: 1e9)
        let plain = try LinearGaussianDynamics.fit(observations: observations, actions: actions, prior: nil)
        let none = try LinearGaussianDynamics.fit(observations: observations, actions: actions, modelPrior: prior, strength: 0)
        #expect(none == plain)
        var plainDistance = 0.0
        for step in 0..<3 {
            for i in 0..<2 {
                for j in 0..<3 {
                    #expect(abs(strong.transitions[step][i, j] - Double(modelTransition[i][j])) < 1e-3)
                    plainDistance = max(plainDistance, abs(plain.transitions[step][i, j] - Double(modelTransition[i][j])))
                }
                #expect(abs(strong.offsets[step][i] - Double(modelOffset[i])) < 1e-3)
                #expect(strong.noiseCovariances[step][i, i].isFinite && strong.noiseCovariances[step][i, i] > 0)
            }
        }
        #expect(plainDistance > 0.05, "the data's dynamics must differ from the model's for the test to mean something")

        let (exactObservations, exactActions) = samples(fromModel: true)
        let exactPrior = try ModelDynamicsPrior.linearize(model: model, observations: exactObservations, actions: exactActions)
        let exact = try LinearGaussianDynamics.fit(observations: exactObservations, actions: exactActions, modelPrior: exactPrior, strength: 1)
        for step in 0..<3 {
            for i in 0..<2 {
                for j in 0..<3 { #expect(abs(exact.transitions[step][i, j] - Double(modelTransition[i][j])) < 1e-3) }
                #expect(abs(exact.offsets[step][i] - Double(modelOffset[i])) < 1e-3)
            }
        }
    }

    @Test func aModelPriorWithoutADifferentiableModelIsRefused() throws {
        let base = #"{"name": "g", "environment": "PointMass-v0", "policyOptimizer": {"type": "gps", "dynamicsPrior": "model"}, "#
        let noModel = buildRefusal(base + #""model": null}"#)
        #expect(noModel?.contains("needs a model") == true && noModel?.contains("\"dynamicsPrior\": \"gmm\"") == true,
                "\(noModel ?? "accepted")")
        let linear = buildRefusal(base + #""model": {"type": "least-squares"}}"#)
        #expect(linear?.contains("differentiable model") == true, "\(linear ?? "accepted")")
        let typo = buildRefusal(#"{"name": "g", "environment": "PointMass-v0", "model": null, "policyOptimizer": {"type": "gps", "dynamicsPrior": "models"}}"#)
        #expect(typo?.contains("dynamicsPrior") == true, "\(typo ?? "accepted")")
        #expect(buildRefusal(#"{"name": "g", "environment": "PointMass-v0", "model": null, "policyOptimizer": {"type": "gps", "dynamicsPrior": "gmm"}}"#) == nil)
    }

    /// The first iteration (before the model's first fit) uses the mixture, the next the model.
    @Test func theModelPriorRunsInTheLoop() throws {
        let directory = temporaryDirectory("gps-model-prior")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recipe = try Recipe(json: try JSONValue(parsing: """
            {"name": "gps-model-prior", "seed": 1, "environment": "PointMass-v0",
             "model": {"type": "deterministic-ensemble", "ensembleSize": 2, "hiddenSizes": [16], "targetIsDelta": true,
                       "training": {"epochs": 3, "batchSize": 64}},
             "policyOptimizer": {"type": "gps", "conditions": 2, "samplesPerCondition": 3, "horizon": 20, "policyUpdates": 50,
                                 "policy": {"hiddenSizes": [16]}, "dynamicsPrior": "model"},
             "acting": {"exploration": "policy", "training": "policy", "evaluation": "policy"},
             "loop": {"explorationEpisodes": 6, "episodes": 6, "maxEpisodeSteps": 20, "trainEvery": 120,
                      "initialStates": [[-0.6, -0.6, 0, 0, 0.5, 0.5], [0.6, -0.6, 0, 0, 0.5, 0.5]]},
             "output": {"directory": "\(directory.path)", "progress": "quiet"}}
            """))
        _ = try MBRLLoop(recipe: recipe, registry: makeTestRegistryWithShippedComponents()).run()
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        let iterations = rows.filter { !($0["gpsIteration"] ?? "").isEmpty }
        let used = iterations.map { Double($0["dynamicsModelPrior"] ?? "") }
        #expect(used == [0, 1], "\(iterations.map { $0["dynamicsModelPrior"] ?? "missing" })")
        #expect(rows.allSatisfy { row in row.values.allSatisfy { !$0.contains("nan") } })
    }
}
