import Algorithms
import MBRLCore

/// `mbrl-run validate RECIPE`: builds every component and checks they fit together, without
/// running a step; prints the resolved recipe.
enum ValidateCommand {
    static let help = """
        mbrl-run validate RECIPE [--set key.path=value ...]

        Checks RECIPE: unknown keys and components, values out of range and incompatible
        components are reported with their JSON path. Prints the resolved recipe (every default
        written out) when it is valid.
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        let recipe = try RunCommand.loadRecipe(&parsed, command: "validate")
        try parsed.rejectUnknown(command: "validate")
        let resolved = try MBRLLoop(recipe: recipe, registry: makeRegistry()).resolvedRecipe
        print(resolved.formatted())
    }
}
