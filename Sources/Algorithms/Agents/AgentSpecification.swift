import MBRLCore

/// Who acts in one kind of episode, as a recipe's `acting` section names it:
///
/// - `"random"`: uniform random actions;
/// - `"planner"`: the recipe's planner through the recipe's (fitted) model: MPC;
/// - `"policy"`: the policy optimizer's current policy;
/// - `{"type": "planner", "model": "true-dynamics", "planner": {...}}`: a planner (the recipe's
///   unless given) on the environment's true dynamics: an expert;
/// - `{"type": "saved-policy", "run": "runs/NAME-seed0"}`: the policy saved in an earlier run's
///   checkpoint: an expert.
public enum AgentSpecification: Equatable, Sendable {
    case random
    case planner
    case policy
    /// A planner on the environment's true dynamics; `planner` nil means the recipe's.
    case trueDynamicsPlanner(planner: JSONValue?)
    /// The policy of the run stored in `run` (a run directory).
    case savedPolicy(run: String)

    /// The recipe form.
    public var json: JSONValue {
        switch self {
        case .random: return .string("random")
        case .planner: return .string("planner")
        case .policy: return .string("policy")
        case .trueDynamicsPlanner(let planner):
            var members: [String: JSONValue] = ["type": .string("planner"), "model": .string("true-dynamics")]
            if let planner { members["planner"] = planner }
            return .object(members)
        case .savedPolicy(let run): return .object(["type": .string("saved-policy"), "run": .string(run)])
        }
    }

    static let forms = "\"random\", \"planner\", \"policy\", {\"type\": \"planner\", \"model\": \"true-dynamics\"} or {\"type\": \"saved-policy\", \"run\": DIR}"

    /// Reads the recipe form at `path`.
    public init(json: JSONValue, path: String) throws {
        switch json {
        case .string("random"): self = .random
        case .string("planner"): self = .planner
        case .string("policy"): self = .policy
        case .string(let other):
            throw RecipeError(path: path, message: "unknown agent \"\(other)\"\(NameSuggestions.hint(for: other, in: ["random", "planner", "policy"])); use \(Self.forms)")
        case .object(let members):
            guard case .string(let type)? = members["type"] else {
                throw RecipeError(path: path, message: "an agent object needs a \"type\": \"planner\" or \"saved-policy\"")
            }
            switch type {
            case "planner":
                for key in members.keys.sorted() where !["type", "model", "planner"].contains(key) {
                    throw RecipeError(path: "\(path).\(key)", message: "unknown key\(NameSuggestions.hint(for: key, in: ["model", "planner"])); an expert planner takes model and planner")
                }
                guard members["model"] == .string("true-dynamics") else {
                    throw RecipeError(path: "\(path).model", message: "an expert planner plans on \"true-dynamics\" (the recipe's own model is \"planner\")")
                }
                self = .trueDynamicsPlanner(planner: members["planner"])
            case "saved-policy":
                for key in members.keys.sorted() where !["type", "run"].contains(key) {
                    throw RecipeError(path: "\(path).\(key)", message: "unknown key\(NameSuggestions.hint(for: key, in: ["run"])); a saved policy takes run (a run directory)")
                }
                guard case .string(let run)? = members["run"], !run.isEmpty else {
                    throw RecipeError(path: "\(path).run", message: "a saved policy needs \"run\": the directory of the run whose policy acts")
                }
                self = .savedPolicy(run: run)
            default:
                throw RecipeError(path: "\(path).type", message: "unknown agent type \"\(type)\"\(NameSuggestions.hint(for: type, in: ["planner", "saved-policy"])); use \(Self.forms)")
            }
        default:
            throw RecipeError(path: path, message: "an agent is a name or an object, got a \(json.kindName); use \(Self.forms)")
        }
    }
}

/// The recipe's `acting` section: who acts in exploration, training and evaluation episodes.
/// Training defaults to the planner when the recipe names one, else to the policy optimizer's
/// policy; evaluation defaults to the training agent.
///
/// ```json
/// "acting": {"exploration": "random", "training": "planner", "evaluation": "policy"}
/// ```
public struct ActingConfig: Equatable, Sendable {
    /// Who acts before the first fit (default random).
    public var exploration: AgentSpecification = .random
    /// Who acts in training episodes (nil: the planner if there is one, else the policy).
    public var training: AgentSpecification?
    /// Who acts in evaluation episodes (nil: the training agent).
    public var evaluation: AgentSpecification?

    public init(exploration: AgentSpecification = .random, training: AgentSpecification? = nil, evaluation: AgentSpecification? = nil) {
        self.exploration = exploration
        self.training = training
        self.evaluation = evaluation
    }

    static let keys = ["exploration", "training", "evaluation"]
    static let keyDescriptions = [
        "exploration": "who acts before the first fit: random (default), planner, policy, a true-dynamics planner or a saved policy",
        "training": "who acts in training episodes (default: the planner if the recipe has one, else the policy)",
        "evaluation": "who acts in evaluation episodes (default: the training agent)",
    ]

    /// Reads the section; unknown keys are refused with their path.
    public init(json: JSONValue) throws {
        guard case .object(let members) = json else {
            throw RecipeError(path: "acting", message: "acting is an object with exploration, training and evaluation, got a \(json.kindName)")
        }
        for key in members.keys.sorted() where !Self.keys.contains(key) {
            throw RecipeError(path: "acting.\(key)", message: "unknown key\(NameSuggestions.hint(for: key, in: Self.keys)); valid keys: \(Self.keys.joined(separator: ", "))")
        }
        if let value = members["exploration"] { exploration = try AgentSpecification(json: value, path: "acting.exploration") }
        if let value = members["training"], value != .null { training = try AgentSpecification(json: value, path: "acting.training") }
        if let value = members["evaluation"], value != .null { evaluation = try AgentSpecification(json: value, path: "acting.evaluation") }
    }

    /// The section with the defaults resolved for a recipe that has (or lacks) a planner.
    func resolved(hasPlanner: Bool) -> (exploration: AgentSpecification, training: AgentSpecification, evaluation: AgentSpecification) {
        let training = training ?? (hasPlanner ? .planner : .policy)
        return (exploration, training, evaluation ?? training)
    }
}
