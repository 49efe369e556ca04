import Foundation
import MBRLCore

/// The settings of `mbrl-run distill`: which teachers, which student, where the training
/// states come from, and how long to train. Every key but `teachers` has a default; unknown
/// keys are refused with their path and the nearest valid name.
///
/// Training proceeds in `rounds`. Each round, for every teacher, `episodesPerRound` episodes are
/// played in that teacher's environment by the actor `states` names; every visited state is
/// labelled with the teacher's distribution and kept (one memory per teacher, as Rusu et al.
/// 2015 keep one replay memory per task); then `updatesPerRound` Adam steps minimise the mean
/// `KL(teacher || student)` on minibatches that take `batchSize / teachers` rows from each
/// teacher's memory.
///
/// ```json
/// {
///   "name": "distill-pendulum",
///   "teachers": ["runs/sac-pendulum-seed0"],
///   "student": {"hiddenSizes": [32, 32]},
///   "states": "mixed",
///   "rounds": 5, "episodesPerRound": 4, "updatesPerRound": 1000
/// }
/// ```
public struct PolicyDistillationConfig: Sendable, Equatable {
    /// Who acts while states are collected.
    public enum StateSource: String, Sendable, Codable, CaseIterable {
        /// The teacher acts every round (Rusu et al. 2015's setting: the teacher's own replay data).
        case teacher
        /// The student acts every round, the teacher labels what it visits (DAgger, Ross et al. 2011).
        case student
        /// The teacher acts in the first round, the student in every later one (DAgger started
        /// from the teacher's states).
        case mixed
    }

    /// A short name for logs and the default output directory. Default `"distill"`.
    public var name = "distill"
    /// One line describing the experiment. Default empty.
    public var description = ""
    /// The seed of the student's initialisation, minibatches and collection episodes. Default 0.
    public var seed: UInt64 = 0
    /// The teachers' run directories (relative to the working directory). Required, at least one.
    public var teachers: [String] = []
    /// The environment every teacher collects and is evaluated in; nil (the default) for each
    /// teacher's own environment as its recipe saved it (multi-task distillation: one task per
    /// teacher). Every teacher's spaces must equal it.
    public var environment: JSONValue?
    /// The student's network; its `policy` family is set by the teachers' kind.
    public var student = DistilledPolicyConfig()
    /// Who acts while states are collected. Default `.mixed`.
    public var states = StateSource.mixed
    /// Whether the collecting actor samples from its distribution (`"exploration"`, the default)
    /// or acts with its mean or greedy action (`"evaluation"`).
    public var actingMode = ActionMode.exploration
    /// Collection and training rounds. Default 5.
    public var rounds = 5
    /// Episodes collected per teacher per round. Default 4.
    public var episodesPerRound = 4
    /// Adam steps per round. Default 1,000.
    public var updatesPerRound = 1000
    /// Rows per minibatch, shared equally among the teachers. Default 256.
    public var batchSize = 256
    /// Adam's learning rate. Default 1e-3.
    public var learningRate: Float = 1e-3
    /// Divides a discrete teacher's Q-values or logits before the softmax (Rusu et al. use
    /// 0.01 for DQN's Q-values); ignored for Gaussian teachers. Default 1.
    public var temperature: Float = 1
    /// Deterministic evaluation episodes per teacher environment, for teacher, untrained
    /// student and trained student alike (the same start states). Default 20.
    public var evaluationEpisodes = 20
    /// The output run directory; empty for `runs/<name>-seed<seed>`.
    public var output = ""

    public init() {}

    /// The run directory outputs go to.
    public var outputDirectory: String { output.isEmpty ? "runs/\(name)-seed\(seed)" : output }
}

extension PolicyDistillationConfig: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, seed, teachers, environment, student, states, actingMode, rounds, episodesPerRound,
             updatesPerRound, batchSize, learningRate, temperature, evaluationEpisodes, output
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        name = try container.decode(String.self, forKey: .name, default: defaults.name)
        description = try container.decode(String.self, forKey: .description, default: defaults.description)
        seed = try container.decode(UInt64.self, forKey: .seed, default: defaults.seed)
        teachers = try container.decode([String].self, forKey: .teachers, default: defaults.teachers)
        environment = try container.decodeIfPresent(JSONValue.self, forKey: .environment)
        if environment == .null { environment = nil }
        student = try container.decode(DistilledPolicyConfig.self, forKey: .student, default: defaults.student)
        states = try container.decode(StateSource.self, forKey: .states, default: defaults.states)
        actingMode = try container.decode(ActionMode.self, forKey: .actingMode, default: defaults.actingMode)
        rounds = try container.decode(Int.self, forKey: .rounds, default: defaults.rounds, in: 0...1_000_000)
        episodesPerRound = try container.decode(Int.self, forKey: .episodesPerRound, default: defaults.episodesPerRound, in: 1...1_000_000)
        updatesPerRound = try container.decode(Int.self, forKey: .updatesPerRound, default: defaults.updatesPerRound, in: 0...100_000_000)
        batchSize = try container.decode(Int.self, forKey: .batchSize, default: defaults.batchSize, in: 1...1_000_000)
        learningRate = try container.decode(Float.self, forKey: .learningRate, default: defaults.learningRate, in: 1e-9...10)
        temperature = try container.decode(Float.self, forKey: .temperature, default: defaults.temperature, in: 1e-6...1e6)
        evaluationEpisodes = try container.decode(Int.self, forKey: .evaluationEpisodes, default: defaults.evaluationEpisodes, in: 0...100_000)
        output = try container.decode(String.self, forKey: .output, default: defaults.output)
        guard !teachers.isEmpty else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.teachers],
                debugDescription: "teachers must name at least one run directory, for example \"teachers\": [\"runs/sac-pendulum-seed0\"]"))
        }
        guard batchSize >= teachers.count else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [CodingKeys.batchSize],
                debugDescription: "batchSize \(batchSize) is below the number of teachers (\(teachers.count)); each minibatch takes batchSize / teachers rows from every teacher"))
        }
    }

    /// Reads the config at `url` and applies `overrides` (`key.path=value`). Errors name the
    /// file and the JSON path.
    public static func load(from url: URL, overrides: [String] = []) throws -> PolicyDistillationConfig {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw RecipeError(path: "", message: "cannot read the distillation config \(url.path): \(error.localizedDescription)")
        }
        var json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw RecipeError(path: "", message: "\(url.path) is not valid JSON: \(error)")
        }
        let keys = CodingKeys.allCases.map(\.rawValue)
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
                throw RecipeError(path: "", message: "--set takes key.path=value, got \"\(override)\"")
            }
            let path = override[..<equals].split(separator: ".").map(String.init)
            guard let first = path.first, keys.contains(first) else {
                throw RecipeError(path: String(override[..<equals]),
                                  message: "unknown distillation key\(NameSuggestions.hint(for: path.first ?? "", in: keys)); keys: \(keys.joined(separator: ", "))")
            }
            try json.set(path: path, to: JSONValue.parsingCommandLineValue(String(override[override.index(after: equals)...])))
        }
        do {
            return try json.decode(PolicyDistillationConfig.self)
        } catch {
            throw RecipeError(path: "", message: "\(url.path): \(JSONValue.describe(error, pathPrefix: []))")
        }
    }
}

extension PolicyDistillationConfig: DocumentedConfig {
    public static var defaults: Self { Self() }

    public static let keyDescriptions: [String: String] = [
        "name": "a short name for logs and the default output directory",
        "description": "one line describing the experiment",
        "seed": "seed of the student's initialisation, minibatches and collection episodes",
        "teachers": "the teachers' run directories (at least one); each collects and is evaluated in its own saved environment unless \"environment\" is set",
        "environment": "one environment for every teacher (null: each teacher's own); spaces must match",
        "student": "the student's network: hiddenSizes, activation, initializer (its family follows the teachers)",
        "states": "who acts while states are collected: \"teacher\", \"student\" (DAgger) or \"mixed\" (teacher first round, student after)",
        "actingMode": "\"exploration\" (sample) or \"evaluation\" (mean or greedy action) while collecting",
        "rounds": "collection and training rounds",
        "episodesPerRound": "episodes collected per teacher per round",
        "updatesPerRound": "Adam steps per round",
        "batchSize": "rows per minibatch, shared equally among the teachers",
        "learningRate": "Adam's learning rate",
        "temperature": "divides a discrete teacher's Q-values or logits before the softmax (Rusu et al.: 0.01 for DQN)",
        "evaluationEpisodes": "deterministic evaluation episodes per teacher environment (teacher, untrained and trained student)",
        "output": "the output run directory (empty: runs/<name>-seed<seed>)",
    ]
}
