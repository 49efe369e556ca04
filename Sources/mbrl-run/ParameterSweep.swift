import Algorithms
import Foundation
import MBRLCore

/// `mbrl-run eval RUN... --sweep NAME=V1,V2,...`: the evaluation return of saved runs with one
/// physical parameter held at each value in turn (for a policy trained on one pendulum or on a
/// randomized family of them, tested on held-out masses), as a table and an SVG figure.
///
/// Runs are grouped by their recipe's name (one group per training setup, one run per seed); a
/// group's entry is the mean over its runs of each run's mean return, with the smallest and
/// largest run.
///
/// ```
/// mbrl-run eval runs/sac-s0 runs/sac-s1 runs/dr-s0 runs/dr-s1 --sweep mass=0.6,1,1.4 --episodes 20 --plot mass.svg
/// ```
struct ParameterSweep {
    let parameter: String
    let values: [Double]
    let runs: [String]
    let overrides: [String]

    /// Parses `NAME=V1,V2,...`.
    init(specification: String, runs: [String], overrides: [String]) throws {
        let parts = specification.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw UsageError("--sweep takes NAME=V1,V2,..., for example --sweep mass=0.6,0.8,1,1.2,1.4; got \"\(specification)\"")
        }
        let values = parts[1].split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw UsageError("--sweep \(parts[0]) needs comma-separated numbers, got \"\(parts[1])\"")
        }
        parameter = parts[0]
        self.values = values.compactMap { $0 }
        self.runs = runs
        self.overrides = overrides
    }

    func run(episodes: Int, seed: UInt64, plotPath: String?) throws {
        // returns[group][value index] = one mean return per run of the group
        var groups: [String] = []
        var returns: [String: [[Double]]] = [:]
        for path in runs {
            let directory = URL(fileURLWithPath: path)
            var name = ""
            for (index, value) in values.enumerated() {
                var recipe = try Recipe.load(from: directory.appendingPathComponent("recipe.json"),
                                             overrides: overrides + ["environment.randomize={}", "environment.parameters.\(parameter)=\(value)",
                                                                     "output.progress=quiet"])
                recipe.output.directory = directory.path
                name = recipe.name
                let records = try MBRLLoop(recipe: recipe, registry: makeRegistry())
                    .evaluateSaved(directory: directory, episodes: episodes, seed: seed)
                let mean = records.map(\.episodeReturn).reduce(0, +) / Double(records.count)
                print("\(path) \(parameter)=\(value): mean return \(String(format: "%.2f", mean)) over \(records.count) episodes")
                if returns[name] == nil {
                    groups.append(name)
                    returns[name] = Array(repeating: [], count: values.count)
                }
                returns[name]?[index].append(mean)
            }
        }
        // The table: one row per value, one column per group.
        print("\n| \(parameter) | " + groups.map { "\($0) (mean [min, max] over runs)" }.joined(separator: " | ") + " |")
        print("|---|" + groups.map { _ in "---|" }.joined())
        for (index, value) in values.enumerated() {
            let cells = groups.map { group -> String in
                let perRun = returns[group]?[index] ?? []
                let mean = perRun.reduce(0, +) / Double(max(perRun.count, 1))
                return String(format: "%.1f [%.1f, %.1f]", mean, perRun.min() ?? .nan, perRun.max() ?? .nan)
            }
            print("| \(String(format: "%g", value)) | " + cells.joined(separator: " | ") + " |")
        }
        guard let plotPath else { return }
        let series = groups.map { group -> QuantileBandPlot.Series in
            let perValue = returns[group] ?? []
            return QuantileBandPlot.Series(label: "\(group) (\(perValue.first?.count ?? 0) runs)", x: values,
                                           median: perValue.map { $0.reduce(0, +) / Double(max($0.count, 1)) },
                                           low: perValue.map { $0.min() ?? .nan }, high: perValue.map { $0.max() ?? .nan })
        }
        var figure = QuantileBandPlot(title: "evaluation return against \(parameter) (\(episodes) episodes per point)",
                                      xLabel: parameter, yLabel: "mean evaluation return", bandLabel: "band: min to max over runs",
                                      series: series)
        figure.logarithmic = false
        figure.lineLabel = "mean over runs"
        figure.legendAtBottom = true
        try figure.svg().write(toFile: plotPath, atomically: true, encoding: .utf8)
        print("figure written to \(plotPath)")
    }
}
