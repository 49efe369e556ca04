/// `mbrl-run run RECIPE`: the main job. The recipe runner arrives with the runner module; until
/// then the command checks its argument and says that no recipes can run yet.
enum RunCommand {
    static let help = """
        mbrl-run run RECIPE [--seed S] [--steps N] [--out DIR]

        Runs the recipe RECIPE (a JSON file, for example recipes/pets-cartpole.json).
        """

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        var parsed = try CommandArguments(arguments)
        _ = parsed.string("seed"); _ = parsed.string("steps"); _ = parsed.string("out")
        try parsed.rejectUnknown(command: "run")
        let recipe = parsed.positionals.first ?? "(none given)"
        print("mbrl-run: no recipes yet: the recipe runner is not part of this build, so \(recipe) was not run.")
    }
}
