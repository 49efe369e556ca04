import Envs
import Foundation
import MBRLCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Whether the tests can talk to a real Gymnasium (python3 with gymnasium importable).
private let gymnasiumInstalled = GymnasiumEnvironment.isGymnasiumInstalled()
private let pythonAvailable = (try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", "-c", ""])).map {
    $0.waitUntilExit()
    return $0.terminationStatus == 0
} ?? false

/// Whether process `identifier` is gone entirely (exited and reaped, so no zombie remains).
private func processIsGone(_ identifier: Int32) -> Bool {
    kill(identifier, 0) == -1 && errno == ESRCH
}

/// Runs `test` with the path of an executable shell script standing in for a Python
/// interpreter, and removes the script afterwards.
private func withFakeInterpreter(_ body: String, _ test: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gymnasium-bridge-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("python").path
    try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
    try test(path)
}

private func bridgeError(_ body: () throws -> Void) -> GymnasiumEnvironmentError? {
    do {
        try body()
        return nil
    } catch let error as GymnasiumEnvironmentError {
        return error
    } catch {
        Issue.record("expected a GymnasiumEnvironmentError, got \(error)")
        return nil
    }
}

/// Failures that need no Gymnasium: fake interpreters stand in for Python.
@Suite struct GymnasiumBridgeFailureTests {
    @Test func missingPythonNamesTheFix() {
        let error = bridgeError { _ = try GymnasiumEnvironment(id: "CartPole-v1", python: "python-that-does-not-exist-42") }
        guard case .pythonNotFound = error else { Issue.record("got \(String(describing: error))"); return }
        #expect("\(error!)".contains("PATH") && "\(error!)".contains("python:"))
        #expect(!GymnasiumEnvironment.isGymnasiumInstalled(python: "python-that-does-not-exist-42"))
    }

    @Test func childThatExitsReportsStatusAndStandardError() throws {
        var error: GymnasiumEnvironmentError?
        try withFakeInterpreter("echo 'Traceback: something broke' >&2\nexit 7") { python in
            error = bridgeError { _ = try GymnasiumEnvironment(id: "CartPole-v1", python: python) }
        }
        guard case .processExited(_, _, let status, let tail) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status == "exited with status 7")
        #expect(tail.contains("something broke"))
    }

    @Test func hungChildTimesOutAndIsKilled() throws {
        let start = ContinuousClock.now
        var error: GymnasiumEnvironmentError?
        try withFakeInterpreter("exec sleep 30") { python in
            error = bridgeError { _ = try GymnasiumEnvironment(id: "CartPole-v1", python: python, startupTimeout: 0.3) }
        }
        guard case .timedOut(_, "start-up", 0.3) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect("\(error!)".contains("timeout"))
    }

    @Test func malformedResponseIsReported() throws {
        var error: GymnasiumEnvironmentError?
        try withFakeInterpreter("echo 'this is not json'\nexec sleep 30") { python in
            error = bridgeError { _ = try GymnasiumEnvironment(id: "CartPole-v1", python: python) }
        }
        guard case .malformedResponse(_, _, let response, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(response == "this is not json")
    }

    @Test(.enabled(if: pythonAvailable, "python3 is not on PATH"))
    func missingGymnasiumNamesTheInstallScript() throws {
        // -I -S hide every site-packages directory, so gymnasium cannot be imported.
        var error: GymnasiumEnvironmentError?
        try withFakeInterpreter("exec python3 -I -S \"$@\"") { python in
            error = bridgeError { _ = try GymnasiumEnvironment(id: "CartPole-v1", python: python) }
        }
        guard case .gymnasiumNotInstalled(_, let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("No module named"))
        #expect("\(error!)".contains("scripts/install_gymnasium.sh") && "\(error!)".contains("pip install"))
    }
}

/// The bridge against a real Gymnasium (skipped, with this message, when it is not installed).
@Suite(.enabled(if: gymnasiumInstalled,
                "python3 cannot import gymnasium: run scripts/install_gymnasium.sh to enable the Gymnasium bridge tests"))
struct GymnasiumBridgeTests {
    @Test func cartPoleSpacesStepsAndEpisodeEnd() throws {
        let environment = try GymnasiumEnvironment(id: "CartPole-v1")
        defer { environment.close() }
        #expect(environment.gymnasiumVersion.hasPrefix("1."))
        #expect(environment.actionSpace == .discrete(Discrete(count: 2)))
        let thetaLimit = Float(2 * (12 * 2 * Double.pi / 360))  // twice the 12-degree failure angle, as Gymnasium bounds it
        #expect(environment.observationSpace == .box(Box(lowerBound: [-4.8, -.infinity, -thetaLimit, -.infinity],
                                                         upperBound: [4.8, .infinity, thetaLimit, .infinity])))
        #expect(environment.observationShape == [4])
        let spaces = try environment.requestSpaces()
        #expect(spaces.observation == environment.observationSpace && spaces.action == environment.actionSpace)

        let first = try environment.reset(seed: 42)
        #expect(try environment.reset(seed: 42) == first)
        #expect(try environment.reset(seed: 43) != first)
        _ = try environment.reset(seed: 42)
        var steps = 0
        var result: StepResult
        repeat {
            result = try environment.step([1])   // always push right: the pole falls
            steps += 1
            #expect(result.reward == 1)
        } while !result.isDone && steps < 500
        #expect(result.terminated && steps < 100)
        #expect(throws: MBRLError.self) { try environment.step([2]) }
        #expect(throws: MBRLError.self) { try environment.step([0, 1]) }
        #expect(throws: MBRLError.self) { try environment.step([.nan]) }
    }

    @Test func pendulumSpacesAndTimeLimitTruncation() throws {
        let environment = try GymnasiumEnvironment(id: "Pendulum-v1", makeArguments: ["max_episode_steps": 20])
        defer { environment.close() }
        #expect(environment.observationSpace == .box(Box(lowerBound: [-1, -1, -8], upperBound: [1, 1, 8])))
        #expect(environment.actionSpace == .box(Box(lowerBound: [-2], upperBound: [2])))
        let first = try environment.reset(seed: 7)
        #expect(environment.observationSpace.contains(first))
        var results: [StepResult] = []
        repeat { results.append(try environment.step([0.5])) } while !results.last!.isDone
        #expect(results.count == 20 && results.last!.truncated && !results.last!.terminated)
        #expect(results.allSatisfy { $0.reward <= 0 && environment.observationSpace.contains($0.observation) })
    }

    @Test func unknownIdForwardsGymnasiumsMessage() {
        let error = bridgeError { _ = try GymnasiumEnvironment(id: "NoSuchEnvironment-v0") }
        guard case .makeFailed(let id, let reason) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(id == "NoSuchEnvironment-v0")
        #expect(reason.contains("NameNotFound") && reason.contains("doesn't exist"))
    }

    @Test func killedChildGivesAClearErrorAndIsReaped() throws {
        let environment = try GymnasiumEnvironment(id: "CartPole-v1")
        _ = try environment.reset(seed: 0)
        _ = try environment.step([0])
        let identifier = environment.processIdentifier
        kill(identifier, SIGKILL)
        let error = bridgeError { _ = try environment.step([1]) }
        guard case .processExited(_, "step", let status, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(status.contains("signal 9"))
        #expect("\(error!)".contains("create a new GymnasiumEnvironment"))
        #expect(bridgeError { _ = try environment.reset(seed: 0) } == error)  // stays failed
        #expect(processIsGone(identifier))
    }

    @Test func hungChildTimesOutOnARequest() throws {
        let environment = try GymnasiumEnvironment(id: "CartPole-v1", requestTimeout: 0.3)
        _ = try environment.reset(seed: 0)
        let identifier = environment.processIdentifier
        kill(identifier, SIGSTOP)
        let error = bridgeError { _ = try environment.step([1]) }
        guard case .timedOut(_, "step", _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(processIsGone(identifier))
    }

    @Test func closeAndReleaseLeaveNoChildProcess() throws {
        let environment = try GymnasiumEnvironment(id: "CartPole-v1")
        _ = try environment.reset(seed: 0)
        let identifier = environment.processIdentifier
        #expect(environment.isRunning && !processIsGone(identifier))
        environment.close()
        #expect(processIsGone(identifier))
        guard case .closed = bridgeError({ _ = try environment.reset(seed: 0) }) else {
            Issue.record("a closed environment should throw .closed"); return
        }
        environment.close()  // idempotent

        var releasedIdentifier: Int32 = 0
        do {
            let temporary = try GymnasiumEnvironment(id: "CartPole-v1")
            releasedIdentifier = temporary.processIdentifier
            _ = try temporary.reset(seed: 1)
        }
        #expect(processIsGone(releasedIdentifier))
    }

    @Test func environmentCheckerAcceptsTheBridge() throws {
        let environment = try GymnasiumEnvironment(id: "CartPole-v1")
        defer { environment.close() }
        let issues = EnvironmentChecker.check(environment, seed: 3, steps: 100)
        #expect(issues.isEmpty, "\(issues)")
    }
}
