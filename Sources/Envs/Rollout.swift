import MBRLCore

/// Steps a catalog environment from a reset (and optionally a given physical state) with given or
/// random actions, and reports every step as one line of JSON: the logic of `mbrl-run rollout`.
///
/// The first line is the reset observation, `{"step":0,"observation":[...]}` (after
/// `initialState` is applied, when given). Each step `k = 1, 2, ...` prints
/// `{"step":k,"observation":[...],"reward":r,"terminated":b,"truncated":b,"action":[...]}`.
/// The rollout stops after `steps` steps, or at the first step that terminates or truncates the
/// episode unless `continueAfterDone` is set (then it keeps stepping the same episode without a
/// reset, showing what the environment does there: Gymnasium's cart-pole pays 0, a time limit
/// keeps reporting `truncated`).
///
/// ```swift
/// var rollout = Rollout(environmentID: "Pendulum-v1", steps: 3)
/// rollout.initialState = [Double.pi, 0]
/// try rollout.run { line in print(line) }
/// ```
public struct Rollout: Sendable {
    /// Where the actions come from.
    public enum Actions: Sendable, Equatable {
        /// Uniform samples of the action space from a generator seeded with the rollout's seed
        /// (stream 1, so they do not repeat the reset's draws).
        case random
        /// One action row per step, in order.
        case given([[Float]])
    }

    /// The catalog id of the environment.
    public var environmentID: String
    /// The physical state set after the reset, or `nil` to keep the reset's state.
    public var initialState: [Double]?
    /// Seeds the environment's reset and the random actions. Default 0.
    public var seed: UInt64
    /// The actions. Default `.random`.
    public var actions: Actions
    /// The largest number of steps.
    public var steps: Int
    /// Whether to keep stepping after the episode terminates or truncates. Default `false`.
    public var continueAfterDone: Bool

    /// A rollout of at most `steps` steps of `environmentID`.
    public init(environmentID: String, initialState: [Double]? = nil, seed: UInt64 = 0,
                actions: Actions = .random, steps: Int, continueAfterDone: Bool = false) {
        self.environmentID = environmentID
        self.initialState = initialState
        self.seed = seed
        self.actions = actions
        self.steps = steps
        self.continueAfterDone = continueAfterDone
    }

    /// Runs the rollout, handing each JSON line (without newline) to `emit`; returns the number
    /// of steps taken.
    ///
    /// Throws `invalidArgument` for an unknown id (naming the closest ids), a state of the wrong
    /// size or not finite, an environment without a settable state, too few given actions,
    /// actions of the wrong size, or an invalid action (naming the step).
    @discardableResult
    public func run(emit: (String) throws -> Void) throws -> Int {
        guard steps >= 0 else { throw MBRLError.invalidArgument("a rollout needs a non-negative number of steps, got \(steps)") }
        var environment = try EnvironmentCatalog.make(environmentID, seed: seed)
        var observation = try environment.reset(seed: seed)
        if let initialState {
            guard var stateful = environment as? any ObservableStateEnvironment else {
                throw MBRLError.invalidArgument("\(environmentID) has no settable physical state, so a rollout cannot start from a given state")
            }
            try stateful.setPhysicalState(initialState)
            observation = stateful.currentObservation
            environment = stateful
        }
        if case .given(let rows) = actions {
            guard rows.count >= steps else {
                throw MBRLError.invalidArgument("\(steps) steps need \(steps) actions; \(rows.count) were given")
            }
            if let bad = rows.prefix(steps).firstIndex(where: { $0.count != environment.actionSize }) {
                throw MBRLError.invalidArgument(
                    "action \(bad + 1) has \(rows[bad].count) numbers; \(environmentID) takes \(environment.actionSize) per action")
            }
        }
        var generator = RandomGenerator(seed: seed, stream: 1)
        try emit("{\"step\":0,\"observation\":\(Self.json(observation))}")
        var taken = 0
        while taken < steps {
            let action: [Float]
            switch actions {
            case .random: action = environment.actionSpace.sample(using: &generator)
            case .given(let rows): action = rows[taken]
            }
            let result: StepResult
            do {
                result = try environment.step(action)
            } catch let MBRLError.invalidArgument(message) {
                throw MBRLError.invalidArgument("step \(taken + 1): \(message)")
            }
            taken += 1
            try emit("{\"step\":\(taken),\"observation\":\(Self.json(result.observation)),\"reward\":\(Self.json(result.reward)),"
                     + "\"terminated\":\(result.terminated),\"truncated\":\(result.truncated),\"action\":\(Self.json(action))}")
            if result.isDone && !continueAfterDone { break }
        }
        return taken
    }

    /// Parses an actions file: one action per line, its numbers separated by commas (spaces
    /// around them allowed); blank lines and lines starting with `#` are skipped.
    public static func parseActions(_ text: String) throws -> [[Float]] {
        var rows: [[Float]] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            var row: [Float] = []
            for part in line.split(separator: ",", omittingEmptySubsequences: false) {
                let field = String(part).trimmingSpaces()
                guard let value = Float(field), value.isFinite else {
                    throw MBRLError.invalidArgument(
                        "actions line \(index + 1): \"\(field)\" is not a finite number (write one action per line, numbers separated by commas)")
                }
                row.append(value)
            }
            rows.append(row)
        }
        return rows
    }

    // MARK: - JSON numbers

    static func json(_ values: [Float]) -> String {
        "[" + values.map(json).joined(separator: ",") + "]"
    }

    /// A `Float` as a JSON number (shortest round-trip form), `null` when not finite.
    static func json(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
