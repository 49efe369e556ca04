import Algorithms
import MBRLCore
import Testing

/// Recipe errors of the tabular optimizers and the maze experiment: each names what is wrong.
@Suite struct DynaConfigTests {
    func recipeError(_ text: String) -> RecipeError? {
        do {
            let experiment = try MazeExperiment(json: JSONValue(parsing: text))
            _ = try MazeExperimentRunner(experiment: experiment, registry: makeDynaTestRegistry())
            Issue.record("no error for \(text)")
        } catch let error as RecipeError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    func agent(_ optimizer: String) -> String {
        #"{"environment": "DynaMaze-v0", "agents": [{"optimizer": \#(optimizer)}]}"#
    }

    @Test func registeredWithDefaultsAndPresets() throws {
        let registry = makeDynaTestRegistry()
        #expect(registry.policyOptimizers.names == ["distilled-policy", "dqn", "dyna", "dyna-q", "dyna-q-plus", "gps", "mb-mf", "mbpo", "me-trpo", "policy-backprop", "ppo", "prioritized-sweeping", "sac", "simple", "trpo"])
        let plus = try #require(registry.policyOptimizers.info("dyna-q-plus"))
        #expect(plus.keys.first { $0.name == "explorationBonus" }?.defaultValue == .number(0.001))
        #expect(plus.keys.first { $0.name == "planUntriedActions" }?.defaultValue == .bool(true))
        let dyna = try #require(registry.policyOptimizers.info("dyna-q"))
        let defaults = Dictionary(uniqueKeysWithValues: dyna.keys.map { ($0.name, $0.defaultValue) })
        #expect(defaults["discount"] == .number(0.95) && defaults["stepSize"] == .number(0.1))
        #expect(defaults["epsilon"] == .number(0.1) && defaults["planningSteps"] == .number(5))
        #expect(defaults["explorationBonus"] == .number(0))
        let sweeping = try #require(registry.policyOptimizers.info("prioritized-sweeping"))
        #expect(sweeping.keys.first { $0.name == "priorityThreshold" }?.defaultValue == .number(0.0001))
        #expect(dyna.keys.allSatisfy { !$0.summary.isEmpty })
    }

    @Test func unknownKeysSuggestTheNearestName() {
        let error = recipeError(agent(#"{"type": "dyna-q", "planingSteps": 5}"#))
        #expect(error?.path == "agents[0].optimizer")
        #expect(error?.message.contains("planingSteps") == true)
        #expect(error?.message.contains("did you mean planningSteps") == true)
        let sweeping = recipeError(agent(#"{"type": "prioritized-sweeping", "theta": 0.001}"#))
        #expect(sweeping?.message.contains("theta is called priorityThreshold") == true)
        let alpha = recipeError(agent(#"{"type": "dyna-q", "alpha": 0.5}"#))
        #expect(alpha?.message.contains("alpha is called stepSize") == true)
        let topLevel = recipeError(#"{"environment": "DynaMaze-v0", "repetition": 3, "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(topLevel?.path == "repetition")
        #expect(topLevel?.message.contains("did you mean repetitions") == true)
        let agentKey = recipeError(#"{"environment": "DynaMaze-v0", "agents": [{"optimiser": "dyna-q"}]}"#)
        #expect(agentKey?.path == "agents[0].optimiser")
    }

    @Test func valuesOutOfRangeNameTheRange() {
        let epsilon = recipeError(agent(#"{"type": "dyna-q", "epsilon": 1.5}"#))
        #expect(epsilon?.message.contains("epsilon") == true)
        #expect(epsilon?.message.contains("1.5") == true)
        let steps = recipeError(agent(#"{"type": "dyna-q-plus", "planningSteps": -1}"#))
        #expect(steps?.message.contains("planningSteps") == true)
        let bonus = recipeError(agent(#"{"type": "dyna-q-plus", "explorationBonus": -0.1}"#))
        #expect(bonus?.message.contains("explorationBonus") == true)
        let sampling = recipeError(agent(#"{"type": "dyna-q", "planningSampling": "pairs"}"#))
        #expect(sampling?.message.contains("\"state-then-action\", \"pair\"") == true)
        let repetitions = recipeError(#"{"environment": "DynaMaze-v0", "repetitions": 0, "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(repetitions?.path == "repetitions")
        let tolerance = recipeError(#"{"environment": "DynaMaze-v0", "pathTolerance": 0.5, "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(tolerance?.path == "pathTolerance")
    }

    @Test func unknownComponentsAndMeasures() {
        let optimizer = recipeError(agent(#""dyna-qq""#))
        #expect(optimizer?.path == "agents[0].optimizer.type")
        // "dyna-qq" contains "dyna", so that name is suggested first, then "dyna-q".
        #expect(optimizer?.message.contains("did you mean dyna or dyna-q") == true, "\(optimizer?.message ?? "")")
        let environment = recipeError(#"{"environment": "DynaMaze-v1", "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(environment?.path == "environment.type")
        #expect(environment?.message.contains("DynaMaze-v0") == true)
        let measure = recipeError(#"{"environment": "DynaMaze-v0", "measure": "steps", "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(measure?.path == "measure")
        #expect(measure?.message.contains("steps-per-episode") == true)
    }

    @Test func continuousEnvironmentsAreRejected() {
        let error = recipeError(#"{"environment": "Pendulum-v1", "agents": [{"optimizer": "dyna-q"}]}"#)
        #expect(error?.path == "environment")
        #expect(error?.message.contains("discrete") == true)
        #expect(error?.message.contains("Pendulum-v1") == true)
    }

    @Test func structuralMistakes() {
        #expect(recipeError(#"{"environment": "DynaMaze-v0", "agents": []}"#)?.path == "agents")
        #expect(recipeError(#"{"agents": [{"optimizer": "dyna-q"}]}"#)?.path == "environment")
        let duplicate = recipeError(#"{"environment": "DynaMaze-v0", "agents": [{"optimizer": "dyna-q"}, {"optimizer": "dyna-q"}]}"#)
        #expect(duplicate?.path == "agents[1].label")
        #expect(recipeError(#"{"environment": "DynaMaze-v0", "agents": [{"label": "x"}]}"#)?.path == "agents[0].optimizer")
    }

    @Test func overridesReachIntoAgents() throws {
        var json = try JSONValue(parsing: #"{"environment": "DynaMaze-v0", "agents": [{"optimizer": {"type": "dyna-q"}}, {"optimizer": "dyna-q-plus"}]}"#)
        try MazeExperiment.applyOverrides(["agents[0].optimizer.stepSize=0.5", "repetitions=3", "plot.title=maze"], to: &json)
        let experiment = try MazeExperiment(json: json)
        #expect(experiment.agents[0].optimizer["stepSize"] == .number(0.5))
        #expect(experiment.repetitions == 3 && experiment.plot.title == "maze")
        #expect(throws: RecipeError.self) { try MazeExperiment.applyOverrides(["agents[5].optimizer.stepSize=1"], to: &json) }
        #expect(throws: RecipeError.self) { try MazeExperiment.applyOverrides(["agent=1"], to: &json) }
        #expect(throws: RecipeError.self) { try MazeExperiment.applyOverrides(["noequals"], to: &json) }
    }

    @Test func configDecodesEveryKey() throws {
        let config = try JSONValue(parsing: """
            {"discount": 0.9, "stepSize": 1, "epsilon": 0, "planningSteps": 7, "explorationBonus": 0.01,
             "planUntriedActions": true, "planningSampling": "pair", "model": "sampled"}
            """).decode(DynaQ.Config.self)
        #expect(config == DynaQ.Config(discount: 0.9, stepSize: 1, epsilon: 0, planningSteps: 7, explorationBonus: 0.01,
                                       planUntriedActions: true, planningSampling: .pair, model: .sampled))
        let roundTrip = try JSONValue(encoding: config).decode(DynaQ.Config.self)
        #expect(roundTrip == config)
    }
}
