import Envs
import MBRLCore
import Testing

@Suite struct ClassicControlCatalogTests {
    @Test func catalogMakesEveryIdTimeLimited() throws {
        let classicIDs = ["Acrobot-v1", "CartPole-v1", "ContinuousCartPole-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
        #expect(Set(classicIDs).isSubset(of: EnvironmentCatalog.ids))
        for id in classicIDs {
            var environment = try EnvironmentCatalog.make(id, seed: 4)
            #expect(environment.id == id)
            let entry = try EnvironmentCatalog.entry(id)
            #expect(entry.id == id && !entry.summary.isEmpty)
            _ = try environment.reset(seed: 4)
            #expect(environment is any KnownRewardEnvironment)
            #expect(environment is any ObservableStateEnvironment)
        }
        #expect(try EnvironmentCatalog.make("CartPole-v1") is TimeLimit<CartPole>)
        #expect(try EnvironmentCatalog.make("Pendulum-v1") is TimeLimit<Pendulum>)
    }

    @Test(arguments: [
        ("cartpole", ["CartPole-v1", "ContinuousCartPole-v0"]),
        ("Pendulum-v0", ["Pendulum-v1"]),
        ("acrobot", ["Acrobot-v1"]),
        ("MountainCarContinuous", ["MountainCarContinuous-v0"]),
    ])
    func unknownIdsSuggestTheClosest(query: String, expected: [String]) {
        do {
            _ = try EnvironmentCatalog.make(query)
            Issue.record("\(query) was accepted")
        } catch let MBRLError.invalidArgument(message) {
            #expect(message.contains("unknown environment \"\(query)\""))
            let suggestion = message.components(separatedBy: "did you mean ").dropFirst().first?
                .components(separatedBy: "?").first ?? ""
            for id in expected { #expect(suggestion.contains(id), "\(message)") }
            #expect(message.contains("Known environments: Acrobot-v1"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func nonsenseGetsNoSuggestionButTheList() {
        #expect(throws: MBRLError.invalidArgument(
            "unknown environment \"zzzzzzzz\" Known environments: \(EnvironmentCatalog.ids.joined(separator: ", ")).")) {
            try EnvironmentCatalog.make("zzzzzzzz")
        }
    }
}
