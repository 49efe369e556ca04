import Envs
import Foundation
import MBRLCore
import Testing

/// `Rollout`, the logic behind `mbrl-run rollout`.
@Suite struct RolloutCommandTests {
    /// Runs `rollout` and returns its lines parsed as JSON objects.
    func lines(_ rollout: Rollout) throws -> [[String: Any]] {
        var output: [String] = []
        try rollout.run { output.append($0) }
        return try output.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    func numbers(_ value: Any?) -> [Float] {
        (value as? [NSNumber])?.map { $0.floatValue } ?? []
    }

    @Test func printsTheResetObservationThenOneLinePerStep() throws {
        let rollout = Rollout(environmentID: "Pendulum-v1", initialState: [Double.pi, 0],
                              actions: .given([[1], [-2], [0.5]]), steps: 3)
        let output = try lines(rollout)
        #expect(output.count == 4)
        #expect(output[0]["step"] as? Int == 0 && output[0].count == 2)
        #expect(numbers(output[0]["observation"]) == [-1, Float(sin(Double.pi)), 0])

        var pendulum = Pendulum()
        try pendulum.setPhysicalState([Double.pi, 0])
        for (index, action) in [Float(1), -2, 0.5].enumerated() {
            let expected = try pendulum.step([action])
            let line = output[index + 1]
            #expect(line["step"] as? Int == index + 1)
            #expect(numbers(line["observation"]) == expected.observation)
            #expect((line["reward"] as? NSNumber)?.floatValue == expected.reward)
            #expect(line["terminated"] as? Bool == false && line["truncated"] as? Bool == false)
            #expect(numbers(line["action"]) == [action])
        }
    }

    @Test func stopsAtTheEpisodeEndUnlessToldToContinue() throws {
        let pushes = Array(repeating: [Float(1)], count: 5)
        let stopping = try lines(Rollout(environmentID: "CartPole-v1", initialState: [2.39, 1, 0, 0],
                                         actions: .given(pushes), steps: 5))
        #expect(stopping.count == 2 && stopping[1]["terminated"] as? Bool == true)
        let continuing = try lines(Rollout(environmentID: "CartPole-v1", initialState: [2.39, 1, 0, 0],
                                           actions: .given(pushes), steps: 5, continueAfterDone: true))
        #expect(continuing.count == 6)
        #expect(continuing.dropFirst().map { ($0["reward"] as? NSNumber)?.floatValue } == [1, 0, 0, 0, 0])
        let truncated = try lines(Rollout(environmentID: "Pendulum-v1", steps: 250))
        #expect(truncated.count == 201 && truncated[200]["truncated"] as? Bool == true)
    }

    @Test func randomActionsFollowTheSeed() throws {
        let first = try lines(Rollout(environmentID: "Acrobot-v1", seed: 9, steps: 20))
        let again = try lines(Rollout(environmentID: "Acrobot-v1", seed: 9, steps: 20))
        let other = try lines(Rollout(environmentID: "Acrobot-v1", seed: 10, steps: 20))
        #expect(first.count == 21)
        #expect(first.map { numbers($0["observation"]) } == again.map { numbers($0["observation"]) })
        #expect(first.map { numbers($0["observation"]) } != other.map { numbers($0["observation"]) })
        #expect(first.dropFirst().allSatisfy { [0, 1, 2].contains(numbers($0["action"]).first ?? -1) })
    }

    @Test func badInputsThrowInvalidArgumentWithAUsefulMessage() {
        func message(_ rollout: Rollout) -> String? {
            do { try rollout.run { _ in } } catch let MBRLError.invalidArgument(text) { return text } catch { return "other: \(error)" }
            return nil
        }
        #expect(message(Rollout(environmentID: "Pendulum", steps: 1))?.contains("did you mean Pendulum-v1") == true)
        #expect(message(Rollout(environmentID: "Pendulum-v1", initialState: [1, 2, 3], steps: 1))?
            .contains("physical state has 2 entries") == true)
        #expect(message(Rollout(environmentID: "Pendulum-v1", actions: .given([[1]]), steps: 2))?
            .contains("2 steps need 2 actions; 1 were given") == true)
        #expect(message(Rollout(environmentID: "Pendulum-v1", actions: .given([[1], [1, 2]]), steps: 2))?
            .contains("action 2 has 2 numbers; Pendulum-v1 takes 1") == true)
        let discrete = message(Rollout(environmentID: "CartPole-v1", actions: .given([[0], [3]]), steps: 2))
        #expect(discrete?.contains("step 2: CartPole-v1: action [3.0]") == true, "\(discrete ?? "")")
    }

    @Test func actionFilesAreParsedLineByLine() throws {
        let text = "# torque per step\n0.5\n\n -1.25 , 2\r\n3e-1\n"
        #expect(try Rollout.parseActions(text) == [[0.5], [-1.25, 2], [0.3]])
        #expect(throws: MBRLError.invalidArgument(
            "actions line 2: \"abc\" is not a finite number (write one action per line, numbers separated by commas)")) {
            try Rollout.parseActions("1\n1,abc\n")
        }
        #expect(throws: MBRLError.self) { try Rollout.parseActions("1,,2") }
        #expect(throws: MBRLError.self) { try Rollout.parseActions("nan") }
    }
}
