import Foundation
import MBRLCore

extension SweepManifest {
    /// Builds every point's recipe (with the first seed) through `registry`, as `mbrl-run
    /// validate` does, so a setting that is not a recipe key, an out-of-range value or
    /// incompatible components fail before any run starts. Returns each point's resolved recipe.
    ///
    /// Errors keep the recipe error's path and suggestions and add which point and settings
    /// caused them.
    public func validate(registry: ComponentRegistry) throws -> [JSONValue] {
        guard let firstSeed = seeds.first else { throw MBRLError.invalidArgument("the sweep has no seeds") }
        return try points.map { point in
            let context = "in the sweep's point \"\(point.label)\", which sets "
                + ((fixedSettings + point.settings).map(\.override).joined(separator: ", ").nonEmpty ?? "nothing")
            do {
                let recipe = try recipe(forPoint: point.index, seed: firstSeed)
                return try MBRLLoop(recipe: recipe, registry: registry).resolvedRecipe
            } catch let error as RecipeError {
                throw RecipeError(path: error.path, message: "\(error.message) (\(context))")
            } catch let error as MBRLError {
                throw error.appending(" (\(context))")
            } catch {
                throw MBRLError.invalidArgument("\(error) (\(context))")
            }
        }
    }

    /// Why `sweepDirectory` cannot take this sweep's runs, or nil when it can: it holds a
    /// manifest whose runs started from a different base recipe or shared settings, or a run
    /// directory of this sweep holds a run of another recipe than the one the sweep gives it.
    /// `resolvedRecipes` are `validate`'s results. The `output` section is not compared (a sweep
    /// directory may move).
    public func conflict(in sweepDirectory: URL, resolvedRecipes: [JSONValue]) -> String? {
        let fileManager = FileManager.default
        func holdsRun(_ directory: String) -> Bool {
            fileManager.fileExists(atPath: sweepDirectory.appendingPathComponent(directory).appendingPathComponent("metrics.csv").path)
        }
        let advice = "pass --overwrite to discard the sweep directory's runs and start over, or choose another directory (--out)"
        if let previous = try? SweepManifest.load(from: sweepDirectory), previous.runs.contains(where: { holdsRun($0.directory) }) {
            if let difference = Self.firstDifference(previous.baseRecipe, baseRecipe) {
                return "\(sweepDirectory.path) already holds runs of a different base recipe (\(previous.recipeSource); \(difference.describe(there: "there", here: "in \(recipeSource)"))); \(advice)"
            }
            if previous.fixedSettings != fixedSettings {
                let old = previous.fixedSettings.map(\.override).joined(separator: ", ").nonEmpty ?? "none"
                let new = fixedSettings.map(\.override).joined(separator: ", ").nonEmpty ?? "none"
                return "\(sweepDirectory.path) already holds runs with other shared settings (\"set\": \(old) there, \(new) here); \(advice)"
            }
        }
        for run in runs where run.point < resolvedRecipes.count {
            let recipeURL = sweepDirectory.appendingPathComponent(run.directory).appendingPathComponent("recipe.json")
            guard holdsRun(run.directory), let text = try? String(contentsOf: recipeURL, encoding: .utf8),
                  let existing = try? JSONValue(parsing: text) else { continue }
            var expected = resolvedRecipes[run.point]
            try? expected.set(path: ["seed"], to: .number(Double(run.seed)))
            if let difference = Self.firstDifference(existing.removingMember("output"), expected.removingMember("output")) {
                return "\(run.directory) in \(sweepDirectory.path) already holds a run of a different recipe (\(difference.describe(there: "there", here: "in this sweep"))); \(advice)"
            }
        }
        return nil
    }

    /// The first path where two JSON values differ, with both values (nil where absent).
    static func firstDifference(_ lhs: JSONValue?, _ rhs: JSONValue?, path: [String] = []) -> JSONDifference? {
        if lhs == rhs { return nil }
        if case .object(let left)? = lhs, case .object(let right)? = rhs {
            for key in Set(left.keys).union(right.keys).sorted() {
                if let difference = firstDifference(left[key], right[key], path: path + [key]) { return difference }
            }
            return nil
        }
        return JSONDifference(path: path.joined(separator: "."), old: lhs, new: rhs)
    }
}

extension JSONValue {
    /// The object without `key` (other values unchanged).
    func removingMember(_ key: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[key] = nil
        return .object(members)
    }
}

extension MBRLError {
    /// The same error with `suffix` added to its message.
    func appending(_ suffix: String) -> MBRLError {
        switch self {
        case .invalidArgument(let message): return .invalidArgument(message + suffix)
        case .shapeMismatch(let message): return .shapeMismatch(message + suffix)
        case .nonFinite(let message): return .nonFinite(message + suffix)
        case .fileFormat(let message): return .fileFormat(message + suffix)
        case .incompatible(let message): return .incompatible(message + suffix)
        case .environmentFailure(let message): return .environmentFailure(message + suffix)
        }
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
