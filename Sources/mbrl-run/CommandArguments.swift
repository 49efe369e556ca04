/// A small parser for `mbrl-run`'s arguments: positionals, `--name value` / `--name=value`
/// options and `--flag` flags, with errors that name the bad argument.
struct CommandArguments {
    private(set) var positionals: [String] = []
    private var options: [String: [String]] = [:]
    private var flags: Set<String> = []
    private var consumed: Set<String> = []

    /// Parses `arguments`; `flagNames` lists the options that take no value.
    init(_ arguments: [String], flagNames: Set<String> = []) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") && argument.count > 2 {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    options[String(body[..<equals]), default: []].append(String(body[body.index(after: equals)...]))
                } else if flagNames.contains(String(body)) {
                    flags.insert(String(body))
                } else {
                    guard index + 1 < arguments.count else {
                        throw UsageError("option \(argument) needs a value")
                    }
                    options[String(body), default: []].append(arguments[index + 1])
                    index += 1
                }
            } else {
                positionals.append(argument)
            }
            index += 1
        }
    }

    /// Whether `--name` was given as a flag.
    mutating func flag(_ name: String) -> Bool {
        consumed.insert(name)
        return flags.contains(name)
    }

    /// The last value of `--name`, if given.
    mutating func string(_ name: String) -> String? {
        consumed.insert(name)
        return options[name]?.last
    }

    /// Every value of a repeatable `--name`.
    mutating func strings(_ name: String) -> [String] {
        consumed.insert(name)
        return options[name] ?? []
    }

    /// `--name` as an integer in `range`, or `defaultValue` when absent.
    mutating func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("--\(name) takes an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// `--name` as a comma-separated list of numbers, or `nil` when absent.
    mutating func numbers(_ name: String) throws -> [Double]? {
        guard let text = string(name) else { return nil }
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Double] = []
        for part in parts {
            guard let value = Double(part) else {
                throw UsageError("--\(name) takes comma-separated numbers; \"\(part)\" is not a number")
            }
            values.append(value)
        }
        return values
    }

    /// Throws when an option or flag was given that no command read.
    func rejectUnknown(command: String) throws {
        let unknown = Set(options.keys).union(flags).subtracting(consumed)
        if let first = unknown.sorted().first {
            throw UsageError("unknown option --\(first) for '\(command)'; see 'mbrl-run \(command) --help'")
        }
    }
}

/// A command-line mistake: printed with the usage hint, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func trimmingCharacters(in set: CharacterSetLike) -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// Only whitespace trimming is needed; this keeps the parser free of Foundation.
enum CharacterSetLike { case whitespaces }
