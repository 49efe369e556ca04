import Foundation
import MBRLCore

/// A tabular planning experiment on a maze, described as data: the environment, the agents
/// (each a registered policy optimizer with its settings), what to measure and how many
/// independent repetitions to average, as in Sutton & Barto's chapter 8 figures.
///
/// Three measures:
/// - `"steps-per-episode"` (Figure 8.2): steps of each of `episodes` episodes.
/// - `"cumulative-reward"` (Figures 8.4 and 8.5): cumulative reward after each of `steps` time
///   steps; episodes restart at the goal and the environment's step count runs on (it moves the
///   walls of the blocking and shortcut mazes). `changeStep` marks the wall change.
/// - `"updates-to-optimal-path"` (Example 8.4): Q updates (real and planned) until the greedy
///   policy, run from the start, reaches the goal in the fewest possible steps (or within
///   `pathTolerance` times as many); checked after every real step, for at most `steps` real
///   steps. The shortest episode is found by
///   breadth-first search through copies of the environment, which must therefore be a
///   deterministic `StatefulEnvironment`.
///
/// ```json
/// {
///   "name": "dyna-maze-figure-8-2",
///   "environment": "DynaMaze-v0",
///   "measure": "steps-per-episode",
///   "episodes": 50,
///   "repetitions": 30,
///   "agents": [
///     {"label": "n = 0", "optimizer": {"type": "dyna-q", "planningSteps": 0}},
///     {"label": "n = 50", "optimizer": {"type": "dyna-q", "planningSteps": 50}}
///   ],
///   "plot": {"firstEpisode": 2}
/// }
/// ```
public struct MazeExperiment: Sendable {
    /// What an experiment records.
    public enum Measure: String, Sendable, Codable, CaseIterable {
        case stepsPerEpisode = "steps-per-episode"
        case cumulativeReward = "cumulative-reward"
        case updatesToOptimalPath = "updates-to-optimal-path"
    }

    /// One agent: a label for the plot and a policy optimizer.
    public struct Agent: Sendable, Equatable {
        /// The name in the legend and the CSV header (default: the optimizer's name).
        public var label: String
        /// A registered policy optimizer: a name or `{"type": name, ...settings}`.
        public var optimizer: JSONValue

        public init(label: String, optimizer: JSONValue) {
            self.label = label
            self.optimizer = optimizer
        }
    }

    /// How the figure is drawn.
    public struct PlotSettings: Sendable, Equatable {
        /// The title (default: the experiment's name).
        public var title: String
        /// The first episode drawn for `"steps-per-episode"` (the book's Figure 8.2 starts at 2,
        /// since every agent's first episode is a random walk of about 1,700 steps).
        public var firstEpisode: Int

        public init(title: String = "", firstEpisode: Int = 1) {
            self.title = title
            self.firstEpisode = firstEpisode
        }
    }

    /// A short name for the run directory and the plot title.
    public var name: String
    /// One-line description.
    public var description: String
    /// The seed every repetition's generator derives from.
    public var seed: UInt64
    /// The environment: a registered name or `{"type": name}`; its spaces must be discrete.
    public var environment: JSONValue
    /// What to measure.
    public var measure: Measure
    /// Independent runs averaged per agent (default 30).
    public var repetitions: Int
    /// Episodes per run, for `"steps-per-episode"` (default 50).
    public var episodes: Int
    /// Time steps per run for `"cumulative-reward"`; the most real steps per run for
    /// `"updates-to-optimal-path"` (default 3000).
    public var steps: Int
    /// Episodes longer than this are cut off (truncated) and a new one starts (default 100,000).
    public var maxEpisodeSteps: Int
    /// For `"updates-to-optimal-path"`: the greedy path counts as optimal when it takes at most
    /// this many times the fewest steps (default 1: exactly optimal). Epsilon-greedy learners
    /// with zero initial values can settle for a while on a longer route they know; 1.2 accepts
    /// the Dyna maze's 16-step route over the top against the 14-step one below.
    public var pathTolerance: Double
    /// A time step to mark in the plot and to split cumulative reward at (the wall change of the
    /// blocking and shortcut mazes), or `nil`.
    public var changeStep: Int?
    /// The agents compared.
    public var agents: [Agent]
    /// Plot settings.
    public var plot: PlotSettings

    static let topLevelKeys = ["name", "description", "seed", "environment", "measure", "repetitions", "episodes", "steps",
                               "maxEpisodeSteps", "pathTolerance", "changeStep", "agents", "plot"]

    /// Reads the experiment at `url`, applies `overrides` (`key.path=value`, as `--set` gives
    /// them; see `applyOverrides`). Errors are `RecipeError`s naming the file or the JSON path.
    public static func load(from url: URL, overrides: [String] = []) throws -> MazeExperiment {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw RecipeError(path: "", message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        var json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw RecipeError(path: "", message: "\(url.path) is \(error)")
        }
        try applyOverrides(overrides, to: &json)
        var experiment = try MazeExperiment(json: json)
        if experiment.name.isEmpty { experiment.name = url.deletingPathExtension().lastPathComponent }
        return experiment
    }

    /// Applies `key.path=value` overrides; a path segment `name[index]` enters an array, as in
    /// `agents[1].optimizer.stepSize=0.5`. The value is JSON when it parses, else a string.
    public static func applyOverrides(_ overrides: [String], to json: inout JSONValue) throws {
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
                throw RecipeError(path: "", message: "--set takes key.path=value, got \"\(override)\"")
            }
            let path = String(override[..<equals])
            var segments: [(key: String, index: Int?)] = []
            for part in path.split(separator: ".", omittingEmptySubsequences: false) {
                if let open = part.firstIndex(of: "["), part.last == "]",
                   let index = Int(part[part.index(after: open)..<part.index(before: part.endIndex)]), index >= 0 {
                    segments.append((String(part[..<open]), index))
                } else {
                    segments.append((String(part), nil))
                }
            }
            guard let first = segments.first?.key, topLevelKeys.contains(first) else {
                throw RecipeError(path: path, message: "unknown key\(NameSuggestions.hint(for: segments.first?.key ?? "", in: topLevelKeys)); valid keys: \(topLevelKeys.joined(separator: ", "))")
            }
            let value = JSONValue.parsingCommandLineValue(String(override[override.index(after: equals)...]))
            json = try setting(json, segments[...], to: value, path: path)
        }
    }

    private static func setting(_ json: JSONValue, _ segments: ArraySlice<(key: String, index: Int?)>, to value: JSONValue,
                                path: String) throws -> JSONValue {
        guard let segment = segments.first else { return value }
        guard segment.key.isEmpty == false else { throw RecipeError(path: path, message: "empty key in the path") }
        var members: [String: JSONValue]
        switch json {
        case .object(let existing): members = existing
        case .null: members = [:]
        default: throw RecipeError(path: path, message: "cannot set \(segment.key): the value there is a \(json.kindName), not an object")
        }
        let child = members[segment.key] ?? .null
        if let index = segment.index {
            guard case .array(var elements) = child, elements.indices.contains(index) else {
                throw RecipeError(path: path, message: "\(segment.key) has no element \(index)")
            }
            elements[index] = try setting(elements[index], segments.dropFirst(), to: value, path: path)
            members[segment.key] = .array(elements)
        } else {
            members[segment.key] = try setting(child, segments.dropFirst(), to: value, path: path)
        }
        return .object(members)
    }

    /// Decodes an experiment, rejecting unknown keys and values out of range with their path.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw RecipeError(path: "", message: "a maze experiment is a JSON object, got a \(json.kindName)")
        }
        for key in members.keys.sorted() where !Self.topLevelKeys.contains(key) {
            throw RecipeError(path: key, message: "unknown key\(NameSuggestions.hint(for: key, in: Self.topLevelKeys)); valid keys: \(Self.topLevelKeys.joined(separator: ", "))")
        }
        func decode<T: Decodable>(_ key: String, default defaultValue: T) throws -> T {
            guard let value = members[key] else { return defaultValue }
            do { return try value.decode(T.self) } catch {
                throw RecipeError(path: key, message: JSONValue.describe(error, pathPrefix: [key]))
            }
        }
        func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
            let value: Int = try decode(key, default: defaultValue)
            guard range.contains(value) else {
                throw RecipeError(path: key, message: "\(key) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
            }
            return value
        }
        name = try decode("name", default: "")
        description = try decode("description", default: "")
        seed = UInt64(try integer("seed", default: 0, in: 0...Int.max))
        guard let environment = members["environment"] else {
            throw RecipeError(path: "environment", message: "a maze experiment needs an environment, for example \"environment\": \"DynaMaze-v0\"")
        }
        self.environment = environment
        let measureName: String = try decode("measure", default: Measure.stepsPerEpisode.rawValue)
        guard let measure = Measure(rawValue: measureName) else {
            let valid = Measure.allCases.map(\.rawValue)
            throw RecipeError(path: "measure", message: "unknown measure \"\(measureName)\"\(NameSuggestions.hint(for: measureName, in: valid)); one of: \(valid.joined(separator: ", "))")
        }
        self.measure = measure
        repetitions = try integer("repetitions", default: 30, in: 1...100_000)
        episodes = try integer("episodes", default: 50, in: 1...1_000_000)
        steps = try integer("steps", default: 3000, in: 1...100_000_000)
        maxEpisodeSteps = try integer("maxEpisodeSteps", default: 100_000, in: 1...100_000_000)
        pathTolerance = try decode("pathTolerance", default: 1.0)
        guard pathTolerance >= 1, pathTolerance <= 100 else {
            throw RecipeError(path: "pathTolerance", message: "pathTolerance must be in 1...100 (1: exactly the shortest path), got \(pathTolerance)")
        }
        changeStep = members["changeStep"] == nil ? nil : try integer("changeStep", default: 0, in: 0...100_000_000)
        plot = try decode("plot", default: PlotSettings())
        guard case .array(let agentValues)? = members["agents"], !agentValues.isEmpty else {
            throw RecipeError(path: "agents", message: "a maze experiment needs a non-empty array \"agents\" of {\"label\": ..., \"optimizer\": {\"type\": \"dyna-q\", ...}}")
        }
        agents = []
        for (index, value) in agentValues.enumerated() {
            let path = "agents[\(index)]"
            guard case .object(let agentMembers) = value else {
                throw RecipeError(path: path, message: "an agent is an object {\"label\": ..., \"optimizer\": ...}, got a \(value.kindName)")
            }
            for key in agentMembers.keys.sorted() where !["label", "optimizer"].contains(key) {
                throw RecipeError(path: "\(path).\(key)", message: "unknown key\(NameSuggestions.hint(for: key, in: ["label", "optimizer"])); an agent has label and optimizer")
            }
            guard let optimizer = agentMembers["optimizer"] else {
                throw RecipeError(path: "\(path).optimizer", message: "name a policy optimizer, for example {\"type\": \"dyna-q\", \"planningSteps\": 5}")
            }
            var label = optimizer.stringValue ?? optimizer["type"]?.stringValue ?? "agent \(index + 1)"
            if let given = agentMembers["label"] {
                guard let text = given.stringValue, !text.isEmpty else {
                    throw RecipeError(path: "\(path).label", message: "the label is a non-empty string")
                }
                label = text
            }
            guard !agents.contains(where: { $0.label == label }) else {
                throw RecipeError(path: "\(path).label", message: "two agents are labelled \"\(label)\"; labels name the CSV columns and must differ")
            }
            agents.append(Agent(label: label, optimizer: optimizer))
        }
    }

    /// The run directory used when none is given: `runs/<name>`.
    public var defaultDirectory: URL {
        URL(fileURLWithPath: "runs/\(name.isEmpty ? "maze" : name)")
    }
}

extension MazeExperiment.PlotSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case title, firstEpisode }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title, default: "")
        firstEpisode = try container.decode(Int.self, forKey: .firstEpisode, default: 1, in: 1...1_000_000)
    }
}
