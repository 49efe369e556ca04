import Envs
import Foundation
import MBRLCore
import Testing

/// Physical parameters as settings and the domain-randomization wrapper: nominal values change
/// nothing, changed values change the dynamics as the equations say, draws are seeded, in range
/// and reported, and bad recipe settings are refused with their path and the valid names.
@Suite struct DomainRandomizationTests {
    /// Steps `first` and `second` with the same seeded random actions and expects identical
    /// observations, rewards and flags.
    func expectSameTrajectories(_ first: any Environment, _ second: any Environment, seed: UInt64, steps: Int = 300) throws {
        var first = first, second = second
        #expect(try first.reset(seed: seed) == second.reset(seed: seed))
        var generator = RandomGenerator(seed: seed)
        for _ in 0..<steps {
            let action = first.actionSpace.sample(using: &generator)
            let a = try first.step(action), b = try second.step(action)
            #expect(a.observation == b.observation && a.reward == b.reward && a.terminated == b.terminated && a.truncated == b.truncated)
            if a.isDone {
                #expect(try first.reset(seed: nil) == second.reset(seed: nil))
            }
        }
    }

    static let parameterizedIDs = ["Pendulum-v1", "CartPole-v1", "ContinuousCartPole-v0", "MountainCarContinuous-v0", "Acrobot-v1",
                                     "PendulumPixels-v1", "PointMass-v0", "PointMassPixels-v0"]

    @Test(arguments: parameterizedIDs)
    func nominalParametersReproduceTheEnvironmentExactly(id: String) throws {
        let plain = try EnvironmentCatalog.make(id, seed: 2)
        let parameterized = try #require(try EnvironmentCatalog.make(id, seed: 2) as? any ParameterizedEnvironment)
        let nominal = Dictionary(uniqueKeysWithValues: parameterized.physicalParameters.map { ($0.name, $0.nominal) })
        #expect(parameterized.parameterValues == nominal)
        // Fixed at their nominal values through the wrapper (built as a recipe builds it).
        var config = CatalogEnvironmentConfig()
        config.parameters = nominal
        let wrapped = try config.apply(to: try EnvironmentCatalog.make(id, seed: 2), seed: 2)
        #expect(wrapped is any EpisodeParameterReporting)
        try expectSameTrajectories(plain, wrapped, seed: 11)
        // A range of one point at the nominal value draws the nominal value every episode.
        config.parameters = [:]
        config.randomize = nominal.mapValues { [$0, $0] }
        try expectSameTrajectories(plain, try config.apply(to: try EnvironmentCatalog.make(id, seed: 2), seed: 2), seed: 12)
    }

    @Test func aHeavierOrLongerPendulumTurnsLessForTheSameTorque() throws {
        func thetaDotAfterOneStep(mass: Double, length: Double, gravity: Double = 10, theta: Double, torque: Float) throws -> Double {
            var pendulum = Pendulum()
            try pendulum.setParameters(["mass": mass, "length": length, "gravity": gravity])
            try pendulum.setPhysicalState([theta, 0])
            _ = try pendulum.step([torque])
            return pendulum.physicalState[1]
        }
        // Upright (sin 0 = 0): thetaDot' = 3 / (m l^2) * u * dt, the torque term in float32.
        for (mass, length) in [(1.0, 1.0), (1.4, 1.0), (0.6, 1.3), (2.0, 0.5)] {
            let expected = Double(Float(3.0 / (mass * length * length)) * Float(1.5)) * Pendulum.timeStep
            #expect(try thetaDotAfterOneStep(mass: mass, length: length, theta: 0, torque: 1.5) == expected)
        }
        #expect(try thetaDotAfterOneStep(mass: 2, length: 1, theta: 0, torque: 1) == 0.5 * thetaDotAfterOneStep(mass: 1, length: 1, theta: 0, torque: 1))
        // Horizontal, no torque: thetaDot' = 3 g / (2 l) * dt; twice as long falls half as fast,
        // and the mass does not matter.
        let nominal = try thetaDotAfterOneStep(mass: 1, length: 1, theta: .pi / 2, torque: 0)
        #expect(abs(nominal - 1.5 * 10 * 0.05) < 1e-12)
        #expect(abs(try thetaDotAfterOneStep(mass: 1, length: 2, theta: .pi / 2, torque: 0) - nominal / 2) < 1e-12)
        #expect(try thetaDotAfterOneStep(mass: 3, length: 1, theta: .pi / 2, torque: 0) == nominal)
        #expect(try thetaDotAfterOneStep(mass: 1, length: 1, gravity: 0, theta: .pi / 2, torque: 0) == 0)
    }

    @Test func theDifferentiablePendulumModelFollowsTheParameters() throws {
        var pendulum = Pendulum()
        try pendulum.setParameters(["mass": 1.4, "length": 0.8, "gravity": 9.81])
        let model = PendulumDynamicsModel(pendulum)
        let nominalModel = PendulumDynamicsModel()
        for (theta, thetaDot, torque) in [(0.3, -0.5, Float(1.2)), (2.5, 3.0, -2.0), (-1.0, 0.1, 0.4)] {
            try pendulum.setPhysicalState([theta, thetaDot])
            let observation = pendulum.currentObservation
            let step = try pendulum.step([torque])
            let (predicted, _) = try model.predictWithPullback(observations: Matrix(rows: 1, columns: 3, values: observation),
                                                                actions: Matrix(rows: 1, columns: 1, values: [torque]))
            let (nominal, _) = try nominalModel.predictWithPullback(observations: Matrix(rows: 1, columns: 3, values: observation),
                                                                     actions: Matrix(rows: 1, columns: 1, values: [torque]))
            for column in 0..<3 { #expect(abs(predicted[0, column] - step.observation[column]) < 1e-5) }
            #expect(abs(nominal[0, 2] - step.observation[2]) > 1e-3)
        }
    }

    @Test func cartPoleParametersEnterTheEquationsOfMotion() throws {
        func afterOnePush(_ parameters: [String: Double]) throws -> [Double] {
            var cartPole = CartPole()
            try cartPole.setParameters(parameters)
            try cartPole.setPhysicalState([0, 0, 0, 0])
            _ = try cartPole.step([1])
            return cartPole.physicalState
        }
        // From rest, upright: every term is linear in the force, so twice the force gives exactly
        // twice the velocities.
        let nominal = try afterOnePush([:])
        let doubled = try afterOnePush(["forceMagnitude": 20])
        #expect(doubled[1] == 2 * nominal[1] && doubled[3] == 2 * nominal[3])
        // The closed form (Florian 2007) with a heavier, longer pole.
        let cart = 1.5, pole = 0.3, half = 0.8, force = 10.0
        let total = pole + cart
        let temp = force / total
        let thetaAcceleration = -temp / (half * (4.0 / 3.0 - pole / total))
        let xAcceleration = temp - pole * half * thetaAcceleration / total
        let changed = try afterOnePush(["cartMass": cart, "poleMass": pole, "halfPoleLength": half])
        #expect(abs(changed[1] - 0.02 * xAcceleration) < 1e-12 && abs(changed[3] - 0.02 * thetaAcceleration) < 1e-12)
        #expect(changed[1] < nominal[1])
    }

    @Test func drawsAreSeededWithinTheirRangesAndReported() throws {
        func make() throws -> DomainRandomization<TimeLimit<Pendulum>> {
            try DomainRandomization(TimeLimit(Pendulum(), maxEpisodeSteps: 200), ranges: ["mass": 0.7...1.3, "length": 0.8...1.2],
                                    fixed: ["gravity": 9.81], seed: 0)
        }
        var first = try make(), second = try make()
        var masses: [Double] = []
        for seed in UInt64(0)..<50 {
            let a = try first.reset(seed: seed), b = try second.reset(seed: seed)
            #expect(a == b && first.episodeParameters == second.episodeParameters)
            let drawn = first.episodeParameters
            let mass = try #require(drawn["mass"]), length = try #require(drawn["length"])
            #expect((0.7...1.3).contains(mass) && (0.8...1.2).contains(length))
            #expect(drawn["gravity"] == 9.81)
            masses.append(drawn["mass"] ?? 0)
            // The draws do not disturb the initial state: it is the plain pendulum's.
            var plain = Pendulum()
            #expect(a == (try plain.reset(seed: seed)))
        }
        #expect(Set(masses).count == 50)
        #expect(masses.min()! < 0.8 && masses.max()! > 1.2)
        // The same seed draws the same parameters, whatever happened before.
        var third = try make()
        _ = try third.reset(seed: 7)
        _ = try first.reset(seed: 7)
        #expect(third.episodeParameters == first.episodeParameters)
        // Unseeded resets continue the generator: new parameters each episode.
        let before = third.episodeParameters
        _ = try third.reset(seed: nil)
        #expect(third.episodeParameters != before)
        // A clone keeps the episode's parameters and steps identically.
        var clone = try third.clone()
        #expect(clone.episodeParameters == third.episodeParameters)
        #expect(try clone.step([1]) == third.step([1]))
    }

    // MARK: - Recipe errors

    func build(_ json: String) throws -> any Environment {
        let registry = ComponentRegistry()
        registerEnvironments(in: registry)
        return try registry.environments.build(try JSONValue(parsing: json), context: .init(seed: 0), path: "environment").product
    }

    func recipeError(_ json: String) -> RecipeError? {
        do { _ = try build(json); return nil } catch { return error as? RecipeError }
    }

    @Test func badSettingsAreRecipeErrorsWithThePathAndTheValidNames() throws {
        let unknown = try #require(recipeError(#"{"type": "Pendulum-v1", "randomize": {"mas": [0.7, 1.3]}}"#))
        #expect(unknown.path == "environment.randomize.mas")
        #expect(unknown.message.contains("did you mean mass") && unknown.message.contains("length") && unknown.message.contains("gravity"))
        let reversed = try #require(recipeError(#"{"type": "Pendulum-v1", "randomize": {"mass": [1.3, 0.7]}}"#))
        #expect(reversed.path == "environment.randomize.mass" && reversed.message.contains("above its maximum"))
        let negative = try #require(recipeError(#"{"type": "Pendulum-v1", "randomize": {"mass": [-0.5, 1.3]}}"#))
        #expect(negative.path == "environment.randomize.mass" && negative.message.contains("above 0") && negative.message.contains("length"))
        let fixedNegative = try #require(recipeError(#"{"type": "CartPole-v1", "parameters": {"halfPoleLength": 0}}"#))
        #expect(fixedNegative.path == "environment.parameters.halfPoleLength" && fixedNegative.message.contains("poleMass"))
        let notARange = try #require(recipeError(#"{"type": "Pendulum-v1", "randomize": {"mass": [1]}}"#))
        #expect(notARange.path == "environment.randomize.mass")
        let both = try #require(recipeError(#"{"type": "Pendulum-v1", "parameters": {"mass": 1}, "randomize": {"mass": [0.7, 1.3]}}"#))
        #expect(both.path == "environment.randomize.mass")
        let misspelledKey = try #require(recipeError(#"{"type": "Pendulum-v1", "randomise": {"mass": [0.7, 1.3]}}"#))
        #expect(misspelledKey.path == "environment" && misspelledKey.message.contains("randomize"))
        let noParameters = try #require(recipeError(#"{"type": "DynaMaze-v0", "parameters": {"mass": 1}}"#))
        #expect(noParameters.path == "environment.parameters" && noParameters.message.contains("Pendulum-v1"))
        // Valid settings build, and the nominal environment stays unwrapped.
        #expect(try build(#"{"type": "Pendulum-v1", "randomize": {"mass": [0.7, 1.3]}, "parameters": {"gravity": 9.81}}"#)
                is any EpisodeParameterReporting)
        #expect(!(try build(#""Pendulum-v1""#) is any EpisodeParameterReporting))
        #expect(try build(#"{"type": "CartPole-v1", "randomize": {"poleMass": [0.05, 0.2]}}"#) is any KnownRewardEnvironment)
    }
}
