import Algorithms
import MBRLCore

/// `mbrl-run list` and `mbrl-run describe NAME`.
enum ListCommand {
    static let help = "mbrl-run list: every registered component with a one-line description"

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        let registry = makeRegistry()
        for kind in ComponentRegistry.Kind.allCases {
            let components = registry.allComponents.filter { $0.kind == kind }
            guard !components.isEmpty else { continue }
            print("\(kind.rawValue)s:")
            let width = components.map(\.name.count).max() ?? 0
            for component in components {
                print("  " + component.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + component.summary)
            }
        }
    }
}

enum DescribeCommand {
    static let help = "mbrl-run describe NAME: a component's config keys, their types, defaults and meaning ('distill': the keys of a distillation config)"

    static func main(_ arguments: [String]) throws {
        if arguments.contains("--help") { print(help); return }
        guard let name = arguments.first else { throw UsageError("describe needs a component name; 'mbrl-run list' shows them") }
        let registry = makeRegistry()
        if name == "distill", registry.info(named: name) == nil {
            print("distill (mbrl-run distill CONFIG): policy distillation from teacher run directories into one student")
            printKeys(PolicyDistillationConfig.keyDocumentation())
            return
        }
        guard let info = registry.info(named: name) else {
            let names = registry.allComponents.map(\.name)
            throw UsageError("unknown component \"\(name)\"\(NameSuggestions.hint(for: name, in: names)); 'mbrl-run list' shows them all")
        }
        print("\(info.name) (\(info.kind.rawValue)): \(info.summary)")
        if info.keys.isEmpty {
            print("  no settings")
            return
        }
        printKeys(info.keys)
    }

    static func printKeys(_ keys: [ComponentRegistry.KeyDocumentation]) {
        let width = keys.map(\.name.count).max() ?? 0
        for key in keys {
            print("  " + key.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                + "\(key.type), default \(key.defaultValue)" + (key.summary.isEmpty ? "" : ": \(key.summary)"))
        }
    }
}
