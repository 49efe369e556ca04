import Algorithms
import Foundation
import MBRLCore
import Testing

@Suite struct RecipeTests {
    func recipe(_ text: String) throws -> Recipe { try Recipe(json: try JSONValue(parsing: text)) }

    func recipeError(_ body: () throws -> Void) -> RecipeError? {
        do { try body() } catch let error as RecipeError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test func defaultsFillEverythingButTheEnvironment() throws {
        let decoded = try recipe(#"{"environment": "Pendulum-v1"}"#)
        #expect(decoded.loop == LoopConfig())
        #expect(decoded.planning.particleCount == 20)
        #expect(decoded.model == .string("gaussian-ensemble"))
        #expect(decoded.planner == .string("cem"))
    }

    @Test func unknownKeysNameTheirPathAndTheClosestKey() {
        let topLevel = recipeError { _ = try recipe(#"{"environment": "Pendulum-v1", "seeds": 3}"#) }
        #expect(topLevel?.path == "seeds")
        #expect(topLevel?.message.contains("did you mean seed") == true)
        let nested = recipeError { _ = try recipe(#"{"environment": "Pendulum-v1", "loop": {"episode": 3}}"#) }
        #expect(nested?.message.contains("loop.episode") == true)
        #expect(nested?.message.contains("did you mean episodes") == true)
    }

    @Test func outOfRangeNumbersGiveTheValidRange() {
        let error = recipeError { _ = try recipe(#"{"environment": "Pendulum-v1", "loop": {"replanEvery": 0}}"#) }
        #expect(error?.message.contains("loop.replanEvery") == true)
        #expect(error?.message.contains("1...") == true)
    }

    @Test func wrongTypesAreExplained() {
        let error = recipeError { _ = try recipe(#"{"environment": "Pendulum-v1", "loop": {"episodes": "many"}}"#) }
        #expect(error?.message.contains("loop.episodes") == true)
        #expect(error?.message.contains("integer") == true)
    }

    @Test func overridesSetNestedValues() throws {
        var json = try JSONValue(parsing: #"{"environment": "Pendulum-v1", "loop": {"episodes": 3}}"#)
        try Recipe.applyOverrides(["loop.episodes=7", "seed=4", "planner.horizon=30", "environment=\"CartPole-v1\""], to: &json)
        let decoded = try Recipe(json: json)
        #expect(decoded.loop.episodes == 7 && decoded.seed == 4)
        #expect(decoded.planner == .object(["horizon": .number(30)]))
        #expect(decoded.environment == .string("CartPole-v1"))
        #expect(throws: RecipeError.self) { try Recipe.applyOverrides(["lop.episodes=1"], to: &json) }
        #expect(throws: RecipeError.self) { try Recipe.applyOverrides(["noequals"], to: &json) }
    }

    @Test func unknownComponentsSuggestRegisteredNames() {
        let registry = makeTestRegistry()
        let error = recipeError {
            _ = try MBRLLoop(recipe: try recipe(#"{"environment": "Pendulum-v2", "model": "least-squares", "planner": "test-shooting"}"#),
                             registry: registry)
        }
        #expect(error?.path == "environment.type")
        #expect(error?.message.contains("Pendulum-v1") == true)
        let plannerError = recipeError {
            _ = try MBRLLoop(recipe: try recipe(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": {"type": "test-shootin"}}"#),
                             registry: registry)
        }
        #expect(plannerError?.path == "planner.type")
        #expect(plannerError?.message.contains("test-shooting") == true)
        let keyError = recipeError {
            _ = try MBRLLoop(recipe: try recipe(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": {"type": "test-shooting", "candidate": 5}}"#),
                             registry: registry)
        }
        #expect(keyError?.message.contains("planner.candidate") == true)
        #expect(keyError?.message.contains("candidates") == true)
    }

    @Test func incompatibleComponentsFailBeforeAnyStep() {
        // A planner that needs a sequence scorer on a discrete-action environment works through
        // the model; one that needs gradients cannot plan through a least-squares model.
        let registry = makeTestRegistry()
        registry.planners.register("needs-gradients", summary: "test", config: EmptyConfig.self) { _, _ in GradientHungryPlanner() }
        let error = recipeError {
            _ = try MBRLLoop(recipe: try recipe(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "needs-gradients"}"#),
                             registry: registry)
        }
        #expect(error?.path == "planner")
        #expect(error?.message.contains("gradients") == true)
    }

    @Test func learnedRewardNeedsARewardHead() {
        let error = recipeError {
            _ = try MBRLLoop(recipe: try recipe(#"{"environment": "Pendulum-v1", "model": "least-squares", "planner": "test-shooting", "planning": {"reward": "learned"}}"#),
                             registry: makeTestRegistry())
        }
        #expect(error?.path == "planning.reward")
    }
}

struct GradientHungryPlanner: Planner {
    var name: String { "needs-gradients" }
    var requirements: PlanningCapabilities { [.sequenceScoring, .returnGradients] }
    mutating func plan(from observation: [Float], model: any PlanningModel, generator: inout RandomGenerator) throws -> Plan {
        Plan(actions: Matrix(rows: 1, columns: 1))
    }
    mutating func reset() {}
}
