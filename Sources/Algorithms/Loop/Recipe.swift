import Foundation
import MBRLCore

/// A run described as data: the environment, the model, the planner and/or a policy optimizer,
/// who acts in which episodes, how plans are scored, the loop's settings, the seed and where
/// outputs go. Every key but `environment` has a default; sizes that depend on the environment
/// are filled in when the recipe is built.
///
/// With no `policyOptimizer`, the model defaults to `"gaussian-ensemble"` and the planner to
/// `"cem"`. With a `policyOptimizer`, both default to none (`null`); a recipe may still name a
/// planner, which then acts in training episodes (unless `acting.training` says otherwise) while
/// the optimizer learns from its data.
///
/// ```json
/// {
///   "name": "pets-cartpole",
///   "seed": 0,
///   "environment": "ContinuousCartPole-v0",
///   "model": {"type": "gaussian-ensemble", "ensembleSize": 7},
///   "planner": {"type": "cem", "population": 350, "horizon": 15},
///   "planning": {"particleCount": 20, "propagation": "random-model"},
///   "loop": {"explorationEpisodes": 1, "episodes": 10, "trainEvery": 50}
/// }
/// ```
public struct Recipe: Sendable {
    /// A short name for logs and the default run directory.
    public var name: String
    /// One-line description.
    public var description: String
    /// The seed every generator of the run derives from.
    public var seed: UInt64
    /// The environment: a registered name or `{"type": name, ...config}`; a built-in environment
    /// may be named by `"id"` instead of `"type"`, for example
    /// `{"id": "Pendulum-v1", "randomize": {"mass": [0.7, 1.3]}}`.
    public var environment: JSONValue
    /// The dynamics model (default `"gaussian-ensemble"`).
    public var model: JSONValue
    /// The planner (default `"cem"` without a policy optimizer, none with one); nil for none.
    public var planner: JSONValue?
    /// A policy optimizer (for example `"dyna-q"`), or nil; its model defaults to none (`null`).
    public var policyOptimizer: JSONValue?
    /// Who acts in exploration, training and evaluation episodes.
    public var acting: ActingConfig
    /// How plans are scored through the model.
    public var planning: PlanningConfig
    /// The outer loop's settings.
    public var loop: LoopConfig
    /// Where outputs go.
    public var output: OutputConfig

    static let topLevelKeys = ["name", "description", "seed", "environment", "model", "planner", "policyOptimizer",
                               "acting", "planning", "loop", "output"]

    /// Keys of `mbrl-run maze` experiment files, which are not recipes.
    static let mazeExperimentKeys = ["measure", "agents", "repetitions"]

    /// Reads the recipe at `url`, applies `overrides` (`key.path=value`, as `--set` gives them),
    /// and decodes it. Errors name the file and the JSON path.
    public static func load(from url: URL, overrides: [String] = []) throws -> Recipe {
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
        var recipe = try Recipe(json: json)
        if recipe.name.isEmpty { recipe.name = url.deletingPathExtension().lastPathComponent }
        return recipe
    }

    /// Applies `key.path=value` overrides to a recipe's JSON.
    public static func applyOverrides(_ overrides: [String], to json: inout JSONValue) throws {
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
                throw RecipeError(path: "", message: "--set takes key.path=value, got \"\(override)\"")
            }
            let path = override[..<equals].split(separator: ".").map(String.init)
            let value = JSONValue.parsingCommandLineValue(String(override[override.index(after: equals)...]))
            guard let first = path.first, topLevelKeys.contains(first) else {
                throw RecipeError(path: String(override[..<equals]),
                                  message: "unknown recipe key\(NameSuggestions.hint(for: path.first ?? "", in: topLevelKeys)); top-level keys: \(topLevelKeys.joined(separator: ", "))")
            }
            if path.count > 1, path[0] == "environment", case .string(let name)? = json["environment"] {
                // `--set environment.parameters.mass=1.4` on `"environment": "Pendulum-v1"`.
                try json.set(path: ["environment"], to: .object(["type": .string(name)]))
            }
            try json.set(path: path, to: value)
        }
    }

    /// The environment specification with a built-in environment named by `"id"` instead of
    /// `"type"` (`{"id": "Pendulum-v1", "randomize": {...}}`) rewritten to the registry's
    /// `{"type": "Pendulum-v1", ...}`; every other specification unchanged.
    static func normalizedEnvironment(_ specification: JSONValue) -> JSONValue {
        guard case .object(var members) = specification, members["type"] == nil, let id = members["id"] else {
            return specification
        }
        members["type"] = id
        members["id"] = nil
        return .object(members)
    }

    /// Decodes a recipe from JSON, rejecting unknown keys with their path.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw RecipeError(path: "", message: "a recipe is a JSON object, got a \(json.kindName)")
        }
        if members.keys.contains(where: { Recipe.mazeExperimentKeys.contains($0) }) && members["loop"] == nil {
            throw RecipeError(path: "", message: "this is a maze experiment (it has \(Recipe.mazeExperimentKeys.filter { members[$0] != nil }.joined(separator: ", "))), not a recipe; run it with 'mbrl-run maze FILE'")
        }
        if members["teachers"] != nil && members["loop"] == nil {
            throw RecipeError(path: "", message: "this is a distillation config (it has teachers), not a recipe; run it with 'mbrl-run distill FILE'")
        }
        for key in members.keys.sorted() where !Recipe.topLevelKeys.contains(key) {
            throw RecipeError(path: key, message: "unknown recipe key\(NameSuggestions.hint(for: key, in: Recipe.topLevelKeys)); valid keys: \(Recipe.topLevelKeys.joined(separator: ", "))")
        }
        func decode<T: Decodable>(_ type: T.Type, _ key: String, default defaultValue: T) throws -> T {
            guard let value = members[key] else { return defaultValue }
            do { return try value.decode(type) } catch {
                throw RecipeError(path: key, message: JSONValue.describe(error, pathPrefix: [key]))
            }
        }
        name = try decode(String.self, "name", default: "")
        description = try decode(String.self, "description", default: "")
        let seedValue = try decode(Int64.self, "seed", default: 0)
        guard seedValue >= 0 else { throw RecipeError(path: "seed", message: "the seed must be 0 or more, got \(seedValue)") }
        seed = UInt64(seedValue)
        guard let environment = members["environment"] else {
            throw RecipeError(path: "environment", message: "a recipe needs an environment, for example \"environment\": \"Pendulum-v1\"")
        }
        self.environment = Self.normalizedEnvironment(environment)
        if let optimizer = members["policyOptimizer"], optimizer != .null {
            policyOptimizer = optimizer
            model = members["model"] ?? .null
            planner = members["planner"].flatMap { $0 == .null ? nil : $0 }
        } else {
            policyOptimizer = nil
            model = members["model"] ?? .string("gaussian-ensemble")
            planner = members["planner"] ?? .string("cem")
            if planner == .null { planner = nil }
        }
        acting = try members["acting"].map { try ActingConfig(json: $0) } ?? ActingConfig()
        planning = try decode(PlanningConfig.self, "planning", default: PlanningConfig())
        loop = try decode(LoopConfig.self, "loop", default: LoopConfig())
        output = try decode(OutputConfig.self, "output", default: OutputConfig())
    }

    /// The run directory: `output.directory`, or `runs/<name>-seed<seed>`.
    public var runDirectory: URL {
        URL(fileURLWithPath: output.directory.isEmpty ? "runs/\(name.isEmpty ? "run" : name)-seed\(seed)" : output.directory)
    }
}
