import Foundation
import MBRLCore

/// Runs an installed Gymnasium environment in a Python child process and speaks to it through
/// a line-based JSON protocol, so any Gymnasium task (MuJoCo ones too, when
/// `gymnasium[mujoco]` is installed) can be used from Swift.
///
/// Spaces are read from Python: a `Box` becomes `Space.box` with its bounds flattened
/// (`observationShape` keeps the shape), a `Discrete(n, start)` becomes `Space.discrete(n)`
/// with indices shifted to start at 0. Other spaces are rejected with a clear error.
///
/// Errors are `GymnasiumEnvironmentError`s that name the fix: Python not found, gymnasium not
/// installed (run `scripts/install_gymnasium.sh`), unknown id (Gymnasium's message), the
/// child died (exit status and the tail of its stderr), the child hung (each request has a
/// timeout, after which the child is killed), a malformed response. Actions of the wrong size,
/// NaN actions and out-of-range discrete actions throw `MBRLError` before reaching Python.
///
/// The child is stopped and reaped by `close()` or, failing that, when the object is released,
/// so no zombie processes remain. The type is a class: copies share one process. Starting the
/// first bridge sets SIGPIPE to be ignored process-wide, so a child that dies while being written
/// to gives an error instead of ending the Swift process.
///
/// ```swift
/// let environment = try GymnasiumEnvironment(id: "CartPole-v1")
/// defer { environment.close() }
/// var observation = try environment.reset(seed: 0)
/// var step = try environment.step([1])
/// print(environment.observationSpace, step.reward)
/// ```
public final class GymnasiumEnvironment: Environment {
    /// The Gymnasium id, for example `"CartPole-v1"`.
    public let id: String
    /// The observation space Python reported, flattened.
    public let observationSpace: Space
    /// The action space Python reported, flattened.
    public let actionSpace: Space
    /// The observation's shape in Python (for example `[4]`, or `[96, 96, 3]` for images).
    public let observationShape: [Int]
    /// The action's shape in Python (`[]` for a discrete action).
    public let actionShape: [Int]
    /// The version of the gymnasium package the child imported.
    public let gymnasiumVersion: String
    /// The interpreter the child runs.
    public var pythonPath: String { bridge.pythonPath }
    /// Seconds to wait for each reset or step answer before the child is considered hung and killed.
    public var requestTimeout: Double
    private let bridge: GymnasiumEnvironmentProcess
    private let encoder = JSONEncoder()

    /// Starts Python, imports gymnasium and makes environment `id`.
    ///
    /// - Parameters:
    ///   - id: a registered Gymnasium id, for example `"Pendulum-v1"` or `"HalfCheetah-v5"`.
    ///   - python: the interpreter, a name looked up on `PATH` or a path. Default `"python3"`.
    ///   - makeArguments: keyword arguments for `gymnasium.make`, for example
    ///     `["max_episode_steps": 100]`.
    ///   - requestTimeout: seconds each later request may take (default 30).
    ///   - startupTimeout: seconds start-up (import and make) may take (default 120).
    /// - Throws: `GymnasiumEnvironmentError`.
    public init(id: String, python: String = "python3", makeArguments: [String: Argument] = [:],
                requestTimeout: Double = 30, startupTimeout: Double = 120) throws {
        self.id = id
        self.requestTimeout = requestTimeout
        let configuration = try Self.encodeConfiguration(id: id, makeArguments: makeArguments)
        let bridge = try GymnasiumEnvironmentProcess(python: python, script: Self.bridgeScript, arguments: [configuration],
                                                     environmentIdentifier: id)
        let hello = try Self.decode(bridge.readLine(name: "start-up", timeout: startupTimeout), request: "start-up", bridge: bridge)
        guard hello.ok else {
            let reason = hello.error ?? "no reason given"
            let error: GymnasiumEnvironmentError
            switch hello.kind {
            case "import": error = .gymnasiumNotInstalled(python: bridge.pythonPath, reason: reason)
            case "space": error = .unsupportedSpace(id: id, reason: reason)
            default: error = .makeFailed(id: id, reason: reason)
            }
            bridge.fail(with: error, graceful: true)
            throw error
        }
        do {
            guard let observationDescription = hello.observationSpace, let actionDescription = hello.actionSpace else {
                throw GymnasiumEnvironmentError.malformedResponse(id: id, request: "start-up", response: "",
                                                                  reason: "the hello names no spaces")
            }
            (observationSpace, observationShape) = try observationDescription.space(id: id)
            (actionSpace, actionShape) = try actionDescription.space(id: id)
        } catch let error as GymnasiumEnvironmentError {
            bridge.fail(with: error, graceful: false)
            throw error
        }
        self.gymnasiumVersion = hello.gymnasiumVersion ?? "unknown"
        self.bridge = bridge
    }

    deinit {
        bridge.stop(graceful: true)
    }

    /// The child's process id (for diagnostics).
    public var processIdentifier: Int32 { bridge.processIdentifier }

    /// Whether the child process is still running.
    public var isRunning: Bool { bridge.isRunning }

    /// Starts an episode; `seed` is passed to Gymnasium's `reset(seed=...)`.
    public func reset(seed: UInt64?) throws -> [Float] {
        let response = try exchange(Request(command: "reset", seed: seed, action: nil), name: "reset")
        return try checkedObservation(response, request: "reset")
    }

    /// Sends `action` to Gymnasium's `step`. Throws `MBRLError` for an action of the wrong size,
    /// a NaN, or a discrete index out of range, and `GymnasiumEnvironmentError` when Python fails.
    public func step(_ action: [Float]) throws -> StepResult {
        try validate(action)
        let response = try exchange(Request(command: "step", seed: nil, action: action), name: "step")
        let observation = try checkedObservation(response, request: "step")
        guard let reward = response.reward, let terminated = response.terminated, let truncated = response.truncated else {
            throw fail(.malformedResponse(id: id, request: "step", response: "", reason: "reward or flags missing"))
        }
        return StepResult(observation: observation, reward: Float(reward), terminated: terminated, truncated: truncated,
                          info: response.info ?? [:])
    }

    /// Asks the child for its spaces again (they are also read at start-up).
    public func requestSpaces() throws -> (observation: Space, action: Space) {
        let response = try exchange(Request(command: "spaces", seed: nil, action: nil), name: "spaces")
        guard let observation = response.observationSpace, let action = response.actionSpace else {
            throw fail(.malformedResponse(id: id, request: "spaces", response: "", reason: "spaces missing"))
        }
        do {
            return (try observation.space(id: id).space, try action.space(id: id).space)
        } catch let error as GymnasiumEnvironmentError {
            throw fail(error)
        }
    }

    /// Closes the Gymnasium environment and stops and reaps the child. Idempotent; later
    /// requests throw `GymnasiumEnvironmentError.closed`.
    public func close() {
        if bridge.failure == nil, bridge.isRunning,
           let line = try? encoder.encode(Request(command: "close", seed: nil, action: nil)) {
            _ = try? bridge.request(Array(line), name: "close", timeout: 5)
        }
        bridge.stop(graceful: true)
    }

    /// Whether `python -c "import gymnasium"` succeeds (false when Python is missing), within
    /// `timeout` seconds. Tests and catalogs use it to skip Gymnasium-backed environments.
    public static func isGymnasiumInstalled(python: String = "python3", timeout: Double = 60) -> Bool {
        canImport("gymnasium", python: python, timeout: timeout)
    }

    /// Whether `python -c "import gymnasium, mujoco"` succeeds: Gymnasium's MuJoCo tasks can run
    /// (`scripts/install_gymnasium.sh --mujoco` installs them).
    public static func isMuJoCoInstalled(python: String = "python3", timeout: Double = 60) -> Bool {
        canImport("gymnasium, mujoco", python: python, timeout: timeout)
    }

    /// Whether `python -c "import MODULES"` exits with status 0 within `timeout` seconds.
    static func canImport(_ modules: String, python: String, timeout: Double) -> Bool {
        guard let path = try? GymnasiumEnvironmentProcess.resolveExecutable(python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c", "import \(modules)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return false
            }
            usleep(5_000)
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    // MARK: - Protocol

    private struct Request: Encodable {
        var command: String
        var seed: UInt64?
        var action: [Float]?
    }

    private func exchange(_ request: Request, name: String) throws -> BridgeResponse {
        let line: Data
        do {
            line = try encoder.encode(request)
        } catch {
            throw MBRLError.invalidArgument("cannot encode the \(name) request: \(error)")
        }
        let response = try Self.decode(bridge.request(Array(line), name: name, timeout: requestTimeout), request: name, bridge: bridge)
        guard response.ok else {
            throw GymnasiumEnvironmentError.environmentRaised(id: id, request: name, reason: response.error ?? "no reason given")
        }
        return response
    }

    private func checkedObservation(_ response: BridgeResponse, request: String) throws -> [Float] {
        guard let values = response.observation else {
            throw fail(.malformedResponse(id: id, request: request, response: "", reason: "no observation"))
        }
        guard values.count == observationSpace.flatSize else {
            throw fail(.malformedResponse(id: id, request: request, response: "",
                                          reason: "an observation of \(values.count) values; the space has \(observationSpace.flatSize)"))
        }
        return values.map { Float($0) }
    }

    private func validate(_ action: [Float]) throws {
        guard action.count == actionSpace.flatSize else {
            throw MBRLError.shapeMismatch("\(id) actions have \(actionSpace.flatSize) entries, got \(action.count)")
        }
        guard action.allSatisfy(\.isFinite) else {
            throw MBRLError.nonFinite("\(id) action \(action) has a NaN or infinite entry")
        }
        if case .discrete(let discrete) = actionSpace, !discrete.contains(action[0]) {
            throw MBRLError.invalidArgument("\(id) actions are indices 0..<\(discrete.count), got \(action[0])")
        }
    }

    private func fail(_ error: GymnasiumEnvironmentError) -> GymnasiumEnvironmentError {
        bridge.fail(with: error, graceful: false)
        return error
    }

    private static func encodeConfiguration(id: String, makeArguments: [String: Argument]) throws -> String {
        struct Configuration: Encodable {
            var id: String
            var kwargs: [String: Argument]
        }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .throw
        do {
            return String(decoding: try encoder.encode(Configuration(id: id, kwargs: makeArguments)), as: UTF8.self)
        } catch {
            throw MBRLError.invalidArgument("makeArguments for \(id) cannot be sent to Python (\(error)); use finite numbers")
        }
    }

    private static func decode(_ line: [UInt8], request: String, bridge: GymnasiumEnvironmentProcess) throws -> BridgeResponse {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(BridgeResponse.self, from: Data(line))
        } catch {
            let text = String(decoding: line.prefix(300), as: UTF8.self)
            let malformed = GymnasiumEnvironmentError.malformedResponse(
                id: bridge.environmentIdentifier, request: request, response: text, reason: "not a JSON bridge message")
            bridge.fail(with: malformed, graceful: false)
            throw malformed
        }
    }
}

/// One response line of the bridge.
struct BridgeResponse: Decodable {
    var ok: Bool
    var kind: String?
    var error: String?
    var gymnasiumVersion: String?
    var observationSpace: BridgeSpace?
    var actionSpace: BridgeSpace?
    var observation: [Double]?
    var reward: Double?
    var terminated: Bool?
    var truncated: Bool?
    var info: [String: Double]?
}

/// A space as the bridge describes it.
struct BridgeSpace: Decodable {
    var type: String
    var low: [Double]?
    var high: [Double]?
    var shape: [Int]?
    var n: Int?
    var start: Int?

    /// The framework's space and the Python shape, or a `malformedResponse`.
    func space(id: String) throws -> (space: Space, shape: [Int]) {
        switch type {
        case "box":
            guard let low, let high, let shape, low.count == high.count, shape.allSatisfy({ $0 >= 0 }),
                  shape.reduce(1, *) == low.count, !low.isEmpty else {
                throw GymnasiumEnvironmentError.malformedResponse(id: id, request: "start-up", response: "",
                                                                  reason: "a Box space with inconsistent bounds and shape")
            }
            return (.box(Box(lowerBound: low.map { Float($0) }, upperBound: high.map { Float($0) })), shape)
        case "discrete":
            guard let n, n > 0 else {
                throw GymnasiumEnvironmentError.malformedResponse(id: id, request: "start-up", response: "",
                                                                  reason: "a Discrete space without a positive n")
            }
            return (.discrete(Discrete(count: n)), [])
        default:
            throw GymnasiumEnvironmentError.unsupportedSpace(id: id, reason: "space type \(type) is not supported")
        }
    }
}
