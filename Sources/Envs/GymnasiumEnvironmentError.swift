/// Why a `GymnasiumEnvironment` could not start or answer, with a message that names the fix.
///
/// ```swift
/// do {
///     _ = try GymnasiumEnvironment(id: "CartPole-v1")
/// } catch let error as GymnasiumEnvironmentError {
///     print(error)   // for example: "Python at /usr/bin/python3 cannot import gymnasium (...). Run scripts/install_gymnasium.sh ..."
/// }
/// ```
public enum GymnasiumEnvironmentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The Python interpreter was not found (`python` names it; `searched` says where we looked).
    case pythonNotFound(python: String, searched: String)
    /// The interpreter could not be started.
    case launchFailed(python: String, reason: String)
    /// Python runs but cannot import gymnasium (or numpy).
    case gymnasiumNotInstalled(python: String, reason: String)
    /// `gymnasium.make` failed, for example for an unknown id; `reason` is Gymnasium's own message.
    case makeFailed(id: String, reason: String)
    /// The environment has a space the bridge cannot carry (only Box and Discrete are supported).
    case unsupportedSpace(id: String, reason: String)
    /// The Python process ended; `status` describes how, `standardErrorTail` is its last output.
    case processExited(id: String, request: String, status: String, standardErrorTail: String)
    /// The Python process did not answer within the timeout and was stopped.
    case timedOut(id: String, request: String, seconds: Double)
    /// The process answered something that is not a valid bridge response; it was stopped.
    case malformedResponse(id: String, request: String, response: String, reason: String)
    /// The environment raised a Python exception while handling a request (the bridge carries on).
    case environmentRaised(id: String, request: String, reason: String)
    /// The environment was used after `close()`.
    case closed(id: String)

    public var description: String {
        switch self {
        case .pythonNotFound(let python, let searched):
            return "Python interpreter '\(python)' was not found (searched \(searched)). Install Python 3, "
                + "or pass the interpreter's full path as `python:` (for example \"/usr/bin/python3\")."
        case .launchFailed(let python, let reason):
            return "could not start Python interpreter '\(python)': \(reason). Check that it is an executable Python 3."
        case .gymnasiumNotInstalled(let python, let reason):
            return "Python at \(python) cannot import gymnasium (\(reason)). Run scripts/install_gymnasium.sh, "
                + "or `\(python) -m pip install 'gymnasium>=1.0,<2'` (add `gymnasium[mujoco]` for MuJoCo tasks)."
        case .makeFailed(let id, let reason):
            return "Gymnasium could not make environment '\(id)': \(reason)\(reason.hasSuffix(".") ? "" : ".") List the registered ids with "
                + "`python3 -c \"import gymnasium; print(sorted(gymnasium.envs.registry))\"`; some need extras such as gymnasium[mujoco] or gymnasium[box2d]."
        case .unsupportedSpace(let id, let reason):
            return "Gymnasium environment '\(id)': \(reason)."
        case .processExited(let id, let request, let status, let tail):
            return "the Gymnasium process for '\(id)' \(status) while handling `\(request)`; create a new GymnasiumEnvironment. "
                + (tail.isEmpty ? "It wrote nothing to stderr." : "Its last stderr output:\n\(tail)")
        case .timedOut(let id, let request, let seconds):
            return "the Gymnasium process for '\(id)' did not answer `\(request)` within \(seconds) s and was stopped; "
                + "raise the timeout (requestTimeout / startupTimeout) if the environment is slow, then create a new GymnasiumEnvironment."
        case .malformedResponse(let id, let request, let response, let reason):
            return "the Gymnasium process for '\(id)' answered `\(request)` with something that is not a bridge response "
                + "(\(reason)): \(response.debugDescription); it was stopped. Is the `python` argument a real Python 3 interpreter?"
        case .environmentRaised(let id, let request, let reason):
            return "Gymnasium environment '\(id)' raised an exception on `\(request)`: \(reason)"
        case .closed(let id):
            return "Gymnasium environment '\(id)' was used after close(); create a new GymnasiumEnvironment."
        }
    }
}
