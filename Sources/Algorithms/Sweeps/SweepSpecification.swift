import Foundation
import MBRLCore

/// A sweep file: a base recipe, settings shared by every run, a grid of recipe settings and
/// named variants, and seeds. `mbrl-run sweep FILE` expands it into one run per point and seed
/// (`SweepManifest`).
///
/// Keys are recipe key paths as `--set` takes them (`planner.horizon`); values are JSON. The
/// points are every combination of the grid's values (keys in alphabetical order), for each
/// variant in the order listed; no grid and no variants make one point (the base recipe).
///
/// ```json
/// {
///   "name": "pendulum-horizon",
///   "recipe": "recipes/mpc-v15-pendulum.json",
///   "seeds": [0, 1, 2],
///   "set": {"loop.episodes": 5},
///   "grid": {"planner.horizon": [10, 20], "planner.sequenceCount": [500, 1000]},
///   "variants": [{"name": "small-model", "set": {"model.hiddenSizes": [32, 32]}},
///                {"name": "large-model", "set": {"model.hiddenSizes": [200, 200]}}],
///   "output": "runs/sweeps/pendulum-horizon",
///   "slurm": {"time": "00:30:00", "cpusPerTask": 2, "memory": "4G"}
/// }
/// ```
public struct SweepSpecification: Sendable, Equatable {
    /// The sweep's name (default: the sweep file's name without `.json`).
    public var name: String
    /// One-line description.
    public var description: String
    /// The base recipe: a path (relative to the current directory, as `mbrl-run run` takes it)
    /// or the recipe itself as a JSON object.
    public var recipe: JSONValue
    /// The seeds each point runs with.
    public var seeds: [UInt64]
    /// Settings applied to every run (before the point's own).
    public var fixedSettings: [SweepSetting]
    /// Per key path, the values the grid takes.
    public var grid: [(key: String, values: [JSONValue])]
    /// Named sets of settings; each is crossed with the grid.
    public var variants: [SweepVariant]
    /// The sweep directory (default `runs/sweeps/<name>`).
    public var output: String
    /// Resources of each run under `--executor slurm`.
    public var slurm: SlurmSettings

    static let keys = ["name", "description", "recipe", "seeds", "set", "grid", "variants", "output", "slurm"]

    /// Reads and checks the sweep file at `url`. Errors name the file and the key.
    public static func load(from url: URL) throws -> SweepSpecification {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MBRLError.invalidArgument("cannot read the sweep file \(url.path): \(error.localizedDescription)")
        }
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw MBRLError.invalidArgument("the sweep file \(url.path) is \(error)")
        }
        var specification = try SweepSpecification(json: json, source: url.path)
        if specification.name.isEmpty { specification.name = url.deletingPathExtension().lastPathComponent }
        if specification.output.isEmpty { specification.output = "runs/sweeps/\(specification.name)" }
        return specification
    }

    /// Decodes a sweep from JSON, rejecting unknown keys with the nearest valid name.
    /// `source` names the file in messages.
    public init(json: JSONValue, source: String = "the sweep file") throws {
        func invalid(_ key: String, _ message: String) -> MBRLError {
            .invalidArgument("\(source): \(key.isEmpty ? "" : "\"\(key)\" ")\(message)")
        }
        guard case .object(let members) = json else {
            throw invalid("", "a sweep is a JSON object, got a \(json.kindName)")
        }
        if members["environment"] != nil || members["loop"] != nil {
            throw invalid("", "this looks like a recipe, not a sweep; a sweep names its recipe under \"recipe\" (see 'mbrl-run sweep --help')")
        }
        for key in members.keys.sorted() where !Self.keys.contains(key) {
            throw invalid(key, "is not a sweep key\(NameSuggestions.hint(for: key, in: Self.keys)); valid keys: \(Self.keys.joined(separator: ", "))")
        }
        let name = try members["name"].map { value in
            guard let text = value.stringValue else { throw invalid("name", "must be a string") }
            return text
        } ?? ""
        let description = members["description"]?.stringValue ?? ""
        guard let recipe = members["recipe"] else {
            throw invalid("recipe", "is missing: name the base recipe, for example \"recipe\": \"recipes/pets-cartpole.json\"")
        }
        switch recipe {
        case .string(let path) where !path.isEmpty: break
        case .object: break
        default: throw invalid("recipe", "must be a recipe file's path or a recipe object, got a \(recipe.kindName)")
        }
        guard case .array(let seedValues)? = members["seeds"], !seedValues.isEmpty else {
            throw invalid("seeds", "must be a non-empty list of seeds, for example \"seeds\": [0, 1, 2]")
        }
        let seeds = try seedValues.map { value in
            guard case .number(let number) = value, number >= 0, number == number.rounded(), number < 9.0e15 else {
                throw invalid("seeds", "must hold whole numbers 0 or more, got \(value)")
            }
            return UInt64(number)
        }
        if let repeated = seeds.first(where: { seed in seeds.filter { $0 == seed }.count > 1 }) {
            throw invalid("seeds", "lists the seed \(repeated) twice")
        }
        let fixedSettings = try Self.settings(members["set"], key: "set", invalid: invalid)
        var grid: [(key: String, values: [JSONValue])] = []
        if let gridValue = members["grid"] {
            guard case .object(let entries) = gridValue else {
                throw invalid("grid", "must be an object of key paths to lists of values, for example {\"planner.horizon\": [10, 20]}")
            }
            for key in entries.keys.sorted() {
                guard case .array(let values)? = entries[key], !values.isEmpty else {
                    throw invalid("grid", "\(key) must be a non-empty list of values, for example [10, 20]")
                }
                if let repeated = values.first(where: { value in values.filter { $0 == value }.count > 1 }) {
                    throw invalid("grid", "\(key) lists the value \(repeated) twice")
                }
                try Self.checkKeyPath(key, in: "grid", invalid: invalid)
                grid.append((key, values))
            }
        }
        var variants: [SweepVariant] = []
        if let variantValue = members["variants"] {
            guard case .array(let entries) = variantValue else {
                throw invalid("variants", "must be a list of {\"name\": ..., \"set\": {...}} objects")
            }
            for (index, entry) in entries.enumerated() {
                guard case .object(let fields) = entry else {
                    throw invalid("variants", "entry \(index) must be an object {\"name\": ..., \"set\": {...}}, got a \(entry.kindName)")
                }
                for key in fields.keys.sorted() where !["name", "set"].contains(key) {
                    throw invalid("variants", "entry \(index): unknown key \"\(key)\"\(NameSuggestions.hint(for: key, in: ["name", "set"])); valid keys: name, set")
                }
                guard let variantName = fields["name"]?.stringValue, !variantName.isEmpty else {
                    throw invalid("variants", "entry \(index) needs a \"name\" (a non-empty string)")
                }
                guard !variants.contains(where: { $0.name == variantName }) else {
                    throw invalid("variants", "two variants are named \"\(variantName)\"")
                }
                let settings = try Self.settings(fields["set"], key: "variants[\(index)].set", invalid: invalid)
                variants.append(SweepVariant(name: variantName, settings: settings))
            }
        }
        // A key may be set in one place only, so a point's settings never depend on their order.
        let fixedKeys = fixedSettings.map(\.key), gridKeys = grid.map(\.key)
        for key in gridKeys where fixedKeys.contains(key) {
            throw invalid("grid", "\(key) is also under \"set\"; a key is either fixed or swept")
        }
        for variant in variants {
            for setting in variant.settings where fixedKeys.contains(setting.key) || gridKeys.contains(setting.key) {
                throw invalid("variants", "\(variant.name) sets \(setting.key), which is also under \(fixedKeys.contains(setting.key) ? "\"set\"" : "\"grid\"")")
            }
        }
        let output = try members["output"].map { value in
            guard let text = value.stringValue, !text.isEmpty else { throw invalid("output", "must be a directory path (a non-empty string)") }
            return text
        } ?? ""
        let slurmSettings: SlurmSettings
        do {
            slurmSettings = try members["slurm"].map { try $0.decode(SlurmSettings.self) } ?? SlurmSettings()
        } catch let error as DecodingError {
            throw invalid("slurm", JSONValue.describe(error, pathPrefix: ["slurm"]))
        }
        self.name = name
        self.description = description
        self.recipe = recipe
        self.seeds = seeds
        self.fixedSettings = fixedSettings
        self.grid = grid
        self.variants = variants
        self.output = output
        slurm = slurmSettings
    }

    /// The number of runs: points times seeds.
    public var runCount: Int {
        max(1, variants.count) * grid.reduce(1) { $0 * $1.values.count } * seeds.count
    }

    /// Settings from an object of key paths to values.
    static func settings(_ value: JSONValue?, key: String, invalid: (String, String) -> MBRLError) throws -> [SweepSetting] {
        guard let value else { return [] }
        guard case .object(let entries) = value else {
            throw invalid(key, "must be an object of key paths to values, for example {\"loop.episodes\": 5}")
        }
        return try entries.keys.sorted().map { path in
            try checkKeyPath(path, in: key, invalid: invalid)
            return SweepSetting(key: path, value: entries[path] ?? .null)
        }
    }

    /// A key path is dot-separated names; `seed` and `output.directory` belong to the sweep.
    static func checkKeyPath(_ path: String, in key: String, invalid: (String, String) -> MBRLError) throws {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw invalid(key, "\"\(path)\" is not a key path (names joined by dots, for example planner.horizon)")
        }
        if path == "seed" {
            throw invalid(key, "sets \"seed\"; list the seeds under \"seeds\" instead")
        }
        if path == "output" || path == "output.directory" {
            throw invalid(key, "sets \"\(path)\"; the sweep chooses each run's directory (set the sweep's \"output\" instead)")
        }
    }

    public static func == (lhs: SweepSpecification, rhs: SweepSpecification) -> Bool {
        lhs.name == rhs.name && lhs.description == rhs.description && lhs.recipe == rhs.recipe && lhs.seeds == rhs.seeds
            && lhs.fixedSettings == rhs.fixedSettings && lhs.variants == rhs.variants && lhs.output == rhs.output
            && lhs.slurm == rhs.slurm
            && lhs.grid.elementsEqual(rhs.grid) { $0.key == $1.key && $0.values == $1.values }
    }
}
