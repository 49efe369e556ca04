import Foundation
import MBRLCore

/// A sweep expanded: its points and runs (one per point and seed, each with its directory), the
/// base recipe they share and the Slurm jobs submitted for them. `mbrl-run sweep` writes it to
/// `manifest.json` in the sweep directory, next to `base-recipe.json`; `sweep status`, `sweep
/// task` and `report` read it.
///
/// ```swift
/// let specification = try SweepSpecification.load(from: URL(fileURLWithPath: "sweeps/pendulum-horizon.json"))
/// let manifest = try SweepManifest(specification: specification)
/// for run in manifest.runs { print(run.index, manifest.points[run.point].label, run.seed, run.directory) }
/// ```
public struct SweepManifest: Sendable, Codable, Equatable {
    /// The manifest's file in the sweep directory.
    public static let fileName = "manifest.json"
    /// The base recipe's copy in the sweep directory, which every run starts from.
    public static let baseRecipeFileName = "base-recipe.json"
    /// The folder of run directories in the sweep directory.
    public static let runsFolder = "runs"

    /// The manifest's format.
    public var formatVersion = 1
    public var name: String
    public var description: String
    /// Where the base recipe came from: its path, or `"inline"`.
    public var recipeSource: String
    /// The base recipe as read (with a `name`), before any setting.
    public var baseRecipe: JSONValue
    /// Settings every run gets.
    public var fixedSettings: [SweepSetting]
    /// The grid's key paths, in the order of the points' `gridSettings`.
    public var gridKeys: [String]
    /// The variants' names, in order (empty without variants).
    public var variants: [String]
    public var seeds: [UInt64]
    public var points: [SweepPoint]
    public var runs: [SweepRun]
    /// Resources of each run under Slurm.
    public var slurm: SlurmSettings
    /// Slurm job ids submitted for this sweep, oldest first.
    public var slurmJobs: [String] = []

    /// Expands `specification`, reading its base recipe (a path is read relative to the current
    /// directory).
    public init(specification: SweepSpecification) throws {
        let (recipe, source) = try Self.readBaseRecipe(specification.recipe)
        self.init(specification: specification, baseRecipe: recipe, recipeSource: source)
    }

    /// Expands `specification` around `baseRecipe`.
    public init(specification: SweepSpecification, baseRecipe: JSONValue, recipeSource: String) {
        name = specification.name
        description = specification.description
        self.recipeSource = recipeSource
        self.baseRecipe = baseRecipe
        fixedSettings = specification.fixedSettings
        gridKeys = specification.grid.map(\.key)
        variants = specification.variants.map(\.name)
        seeds = specification.seeds
        slurm = specification.slurm
        points = Self.points(grid: specification.grid, variants: specification.variants)
        runs = []
        for point in points {
            for seed in seeds {
                runs.append(SweepRun(index: runs.count, point: point.index, seed: seed,
                                     directory: "\(Self.runsFolder)/\(point.directory)/seed\(seed)"))
            }
        }
    }

    /// Every variant crossed with every combination of grid values (the last key varying
    /// fastest), labelled and given unique directory names.
    static func points(grid: [(key: String, values: [JSONValue])], variants: [SweepVariant]) -> [SweepPoint] {
        var combinations: [[SweepSetting]] = [[]]
        for (key, values) in grid {
            combinations = combinations.flatMap { prefix in values.map { prefix + [SweepSetting(key: key, value: $0)] } }
        }
        // Labels use the last part of each key path, unless two keys end alike.
        let leaves = grid.map { $0.key.split(separator: ".").last.map(String.init) ?? $0.key }
        let useLeaves = Set(leaves).count == leaves.count
        func shortKey(_ key: String) -> String {
            guard useLeaves, let position = grid.firstIndex(where: { $0.key == key }) else { return key }
            return leaves[position]
        }
        var points: [SweepPoint] = []
        var usedDirectories: Set<String> = []
        for variant in variants.isEmpty ? [nil] : variants.map(Optional.some) {
            for combination in combinations {
                let parts = (variant.map { [$0.name] } ?? []) + combination.map { "\(shortKey($0.key))=\($0.valueText)" }
                let label = parts.isEmpty ? "base" : parts.joined(separator: ", ")
                var directory = parts.isEmpty ? "base" : parts.map(directoryName).joined(separator: "_")
                if directory.count > 120 || usedDirectories.contains(directory) {
                    directory = "point\(points.count)-" + String(directory.prefix(100))
                }
                usedDirectories.insert(directory)
                points.append(SweepPoint(index: points.count, label: label, directory: directory, variant: variant?.name,
                                         gridSettings: combination, settings: (variant?.settings ?? []) + combination))
            }
        }
        return points
    }

    /// A file-name-safe form of a label part: letters, digits and `.=+-` kept, brackets and
    /// quotes dropped, anything else `-`.
    static func directoryName(_ text: String) -> String {
        var name = ""
        for character in text where !"[]{}\"'".contains(character) {
            name.append(character.isLetter || character.isNumber || ".=+-".contains(character) ? character : "-")
        }
        while name.hasPrefix(".") { name.removeFirst() }
        return name.isEmpty ? "value" : name
    }

    /// The base recipe named by a sweep's `recipe` (a path or an object) and where it came from.
    /// A recipe without a `name` gets its file's name, as `mbrl-run run` gives it.
    public static func readBaseRecipe(_ recipe: JSONValue) throws -> (recipe: JSONValue, source: String) {
        var json: JSONValue
        let source: String
        if let path = recipe.stringValue {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw MBRLError.invalidArgument("the sweep's recipe \(path) does not exist (a relative path is read from the current directory, \(FileManager.default.currentDirectoryPath))")
            }
            do {
                json = try JSONValue(parsing: try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw RecipeError(path: "", message: "\(path) is \(error)")
            }
            source = path
            if json["name"]?.stringValue?.isEmpty ?? true {
                try json.set(path: ["name"], to: .string(url.deletingPathExtension().lastPathComponent))
            }
        } else {
            json = recipe
            source = "inline"
            if json["name"]?.stringValue?.isEmpty ?? true { try json.set(path: ["name"], to: .string("sweep-recipe")) }
        }
        guard case .object = json else {
            throw RecipeError(path: "", message: "the sweep's recipe is a JSON object, got a \(json.kindName)")
        }
        return (json, source)
    }

    // MARK: - Runs

    /// The `--set` overrides of a run's point (shared settings, then the point's), without the
    /// seed and directory.
    public func overrides(forPoint point: Int) -> [String] {
        (fixedSettings + points[point].settings).map(\.override)
    }

    /// The recipe of `point` with `seed`: the base recipe with the point's settings.
    public func recipe(forPoint point: Int, seed: UInt64) throws -> Recipe {
        var json = baseRecipe
        try Recipe.applyOverrides(overrides(forPoint: point) + ["seed=\(seed)"], to: &json)
        return try Recipe(json: json)
    }

    /// The `mbrl-run` arguments that start `run` afresh in `sweepDirectory`.
    public func startArguments(for run: SweepRun, in sweepDirectory: URL) -> [String] {
        let baseRecipe = sweepDirectory.appendingPathComponent(Self.baseRecipeFileName).path
        let directory = sweepDirectory.appendingPathComponent(run.directory).path
        return ["run", baseRecipe, "--seed", "\(run.seed)", "--out", directory, "--overwrite", "--set", "output.progress=lines"]
            + overrides(forPoint: run.point).flatMap { ["--set", $0] }
    }

    /// The `mbrl-run` arguments that continue `run` from its checkpoint.
    public func resumeArguments(for run: SweepRun, in sweepDirectory: URL) -> [String] {
        ["run", "--resume", sweepDirectory.appendingPathComponent(run.directory).path]
    }

    /// `"3 points x 2 seeds = 6 runs"`.
    public var sizeDescription: String {
        "\(points.count) point\(points.count == 1 ? "" : "s") x \(seeds.count) seed\(seeds.count == 1 ? "" : "s") = \(runs.count) run\(runs.count == 1 ? "" : "s")"
    }

    // MARK: - Files

    /// Reads `manifest.json` from `sweepDirectory`.
    public static func load(from sweepDirectory: URL) throws -> SweepManifest {
        let url = sweepDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MBRLError.invalidArgument("\(sweepDirectory.path) is not a sweep directory (no \(fileName)); 'mbrl-run sweep SWEEP.json' makes one")
        }
        do {
            return try JSONDecoder().decode(SweepManifest.self, from: Data(contentsOf: url))
        } catch {
            throw MBRLError.fileFormat("\(url.path) is not a sweep manifest: \(JSONValue.describe(error))")
        }
    }

    /// Writes `manifest.json` and `base-recipe.json` into `sweepDirectory` (created if needed).
    public func write(to sweepDirectory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(at: sweepDirectory, withIntermediateDirectories: true)
            try (baseRecipe.formatted() + "\n").write(to: sweepDirectory.appendingPathComponent(Self.baseRecipeFileName),
                                                       atomically: true, encoding: .utf8)
            try encoder.encode(self).write(to: sweepDirectory.appendingPathComponent(Self.fileName), options: .atomic)
        } catch {
            throw MBRLError.fileFormat("cannot write the sweep manifest in \(sweepDirectory.path): \(error.localizedDescription)")
        }
    }
}
