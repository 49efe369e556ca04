/// Maps the component names recipes use (`"CartPole-v1"`, `"gaussian-ensemble"`, `"cem"`, ...)
/// to factories. Each module registers its own components with one function
/// (`registerEnvironments(in:)`, `registerModels(in:)`, ...); a user who adds components calls
/// those and then registers theirs the same way.
///
/// A component is built from a recipe object whose `"type"` names it and whose other keys are
/// its config; unknown names and keys are `RecipeError`s with the JSON path and the closest
/// valid names.
///
/// ```swift
/// let registry = ComponentRegistry()
/// registerEnvironments(in: registry)
/// registry.planners.register("my-planner", summary: "plans my way", config: MyPlanner.Config.self) { config, context in
///     MyPlanner(config: config, actionSpace: context.actionSpace)
/// }
/// let (planner, resolved) = try registry.planners.build(.object(["type": .string("my-planner")]),
///                                                        context: plannerContext, path: "planner")
/// ```
public final class ComponentRegistry: @unchecked Sendable {
    /// The kinds of component a recipe composes.
    public enum Kind: String, CaseIterable, Sendable {
        case environment
        case model
        case planner
        case policyOptimizer = "policy-optimizer"
    }

    /// One config key as `describe` shows it.
    public struct KeyDocumentation: Sendable, Equatable {
        public var name: String
        public var type: String
        public var defaultValue: JSONValue
        public var summary: String
    }

    /// What `list` and `describe` show of a component.
    public struct ComponentInfo: Sendable {
        public var name: String
        public var kind: Kind
        public var summary: String
        public var keys: [KeyDocumentation]
    }

    /// The components of one kind, built with a `Context` into a `Product`.
    public struct Section<Context, Product> {
        struct Entry {
            let info: ComponentInfo
            let build: (JSONValue, Context, String) throws -> (Product, JSONValue)
        }

        /// The kind of component this section holds.
        public let kind: Kind
        var entries: [String: Entry] = [:]

        init(kind: Kind) { self.kind = kind }

        /// Registers `name` (replacing an earlier registration of the same name).
        ///
        /// - Parameter presets: config values this component uses instead of the config type's
        ///   own defaults (for example `["ensembleSize": 1]` for a single-network variant); a
        ///   recipe's own values still win, and `describe` shows the presets as the defaults.
        public mutating func register<Config: DocumentedConfig>(
            _ name: String, summary: String, config: Config.Type, presets: [String: JSONValue] = [:],
            build: @escaping (Config, Context) throws -> Product
        ) {
            var keys = Config.keyDocumentation()
            if !presets.isEmpty, let presetDefaults = try? JSONValue(encoding: JSONValue.object(presets).decode(Config.self)) {
                keys = keys.map { key in
                    var key = key
                    key.defaultValue = presetDefaults[key.name] ?? key.defaultValue
                    return key
                }
            }
            let info = ComponentInfo(name: name, kind: kind, summary: summary, keys: keys)
            entries[name] = Entry(info: info) { json, context, path in
                let config: Config
                do {
                    config = try JSONValue.object(presets.merging(json.objectMembers) { _, given in given }).decode(Config.self)
                } catch {
                    throw RecipeError(path: path, message: JSONValue.describe(error, pathPrefix: path.isEmpty ? [] : [path]))
                }
                let product: Product
                do {
                    product = try build(config, context)
                } catch let error as RecipeError {
                    throw error
                } catch {
                    throw RecipeError(path: path, message: "\(name): \(error)")
                }
                var resolved = try JSONValue(encoding: config)
                try resolved.set(path: ["type"], to: .string(name))
                return (product, resolved)
            }
        }

        /// Every registered name, sorted.
        public var names: [String] { entries.keys.sorted() }

        /// The description of `name`, if registered.
        public func info(_ name: String) -> ComponentInfo? { entries[name]?.info }

        /// Builds the component `specification` names: a string (the name, default config) or an
        /// object with `"type"` and config keys. Returns the component and its resolved config
        /// (every default written out). Errors are `RecipeError`s rooted at `path`.
        public func build(_ specification: JSONValue, context: Context, path: String) throws -> (product: Product, resolved: JSONValue) {
            let name: String
            var config: [String: JSONValue]
            switch specification {
            case .string(let text):
                name = text
                config = [:]
            case .object(let members):
                guard case .string(let text)? = members["type"] else {
                    throw RecipeError(path: path.isEmpty ? "type" : "\(path).type",
                                      message: "missing \"type\" naming the \(kind.rawValue); one of: \(names.joined(separator: ", "))")
                }
                name = text
                config = members
                config["type"] = nil
            default:
                throw RecipeError(path: path, message: "expected an object with \"type\" or a \(kind.rawValue) name, got a \(specification.kindName)")
            }
            guard let entry = entries[name] else {
                throw RecipeError(path: path.isEmpty ? "type" : "\(path).type",
                                  message: "unknown \(kind.rawValue) \"\(name)\"\(NameSuggestions.hint(for: name, in: names)) (known: \(names.joined(separator: ", ")))")
            }
            return try entry.build(.object(config), context, path)
        }
    }

    /// Environments, built with a seed.
    public var environments = Section<EnvironmentBuildContext, any Environment>(kind: .environment)
    /// Dynamics models, built for an environment's spaces.
    public var models = Section<ModelBuildContext, any DynamicsModel>(kind: .model)
    /// Planners, built for an environment's action space.
    public var planners = Section<PlannerBuildContext, any Planner>(kind: .planner)
    /// Policy optimizers, built for an environment's spaces.
    public var policyOptimizers = Section<PolicyOptimizerBuildContext, any PolicyOptimizer>(kind: .policyOptimizer)

    public init() {}

    /// Every component of every kind, for `mbrl-run list`.
    public var allComponents: [ComponentInfo] {
        environments.names.compactMap(environments.info) + models.names.compactMap(models.info)
            + planners.names.compactMap(planners.info) + policyOptimizers.names.compactMap(policyOptimizers.info)
    }

    /// The component called `name` of any kind, for `mbrl-run describe`.
    public func info(named name: String) -> ComponentInfo? {
        allComponents.first { $0.name == name }
    }
}

/// What an environment factory receives.
public struct EnvironmentBuildContext: Sendable {
    /// The seed of the environment's own generator.
    public var seed: UInt64
    public init(seed: UInt64) { self.seed = seed }
}

/// What a model factory receives: the sizes come from the environment, never from the user.
public struct ModelBuildContext: Sendable {
    public var observationSpace: Space
    public var actionSpace: Space
    /// The seed for initial weights.
    public var seed: UInt64
    /// Where the frames and the goal image lie in the observations of a goal-image environment
    /// (`GoalImageEnvironment`), nil for other environments.
    public var goalImage: GoalImageLayout?
    public init(observationSpace: Space, actionSpace: Space, seed: UInt64, goalImage: GoalImageLayout? = nil) {
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.seed = seed
        self.goalImage = goalImage
    }
}

/// What a planner factory receives.
public struct PlannerBuildContext: Sendable {
    public var observationSize: Int
    public var actionSpace: Space
    public init(observationSize: Int, actionSpace: Space) {
        self.observationSize = observationSize
        self.actionSpace = actionSpace
    }
}

/// What a policy-optimizer factory receives.
public struct PolicyOptimizerBuildContext: Sendable {
    public var observationSpace: Space
    public var actionSpace: Space
    public var seed: UInt64
    public init(observationSpace: Space, actionSpace: Space, seed: UInt64) {
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
        self.seed = seed
    }
}

/// The config of a component that has no settings.
public struct EmptyConfig: DocumentedConfig, Equatable {
    public init() {}
    public static var defaults: Self { Self() }
    public static let keyDescriptions: [String: String] = [:]
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if let key = container.allKeys.first {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key],
                                                    debugDescription: "unknown key \"\(key.stringValue)\": this component takes no settings"))
        }
    }
    public func encode(to encoder: Encoder) throws { _ = encoder.container(keyedBy: AnyCodingKey.self) }
}
