import MBRLCore

/// Resources of each run of a sweep under Slurm (`#SBATCH` lines of the job-array script);
/// every key is optional, and an absent one leaves the cluster's default.
///
/// ```json
/// "slurm": {"time": "00:30:00", "cpusPerTask": 2, "memory": "4G", "partition": "cpu",
///           "maxParallel": 16, "directives": ["--qos=short"]}
/// ```
public struct SlurmSettings: DocumentedConfig, Equatable {
    /// Wall-time limit of one run (`--time`), for example `"00:30:00"` or `"1-00:00:00"`.
    public var time: String? = nil
    /// CPUs per run (`--cpus-per-task`).
    public var cpusPerTask: Int? = nil
    /// Memory per run (`--mem`), for example `"4G"`.
    public var memory: String? = nil
    /// The partition (`--partition`).
    public var partition: String? = nil
    /// The account charged (`--account`).
    public var account: String? = nil
    /// At most this many runs at once (the array's `%N` throttle).
    public var maxParallel: Int? = nil
    /// Further `sbatch` options, one per `#SBATCH` line, for example `"--qos=short"`.
    public var directives: [String] = []

    public init() {}
    public static var defaults: Self { Self() }

    public static let keyDescriptions = [
        "time": "wall-time limit of one run, for example 00:30:00 (null: the partition's default)",
        "cpusPerTask": "CPUs per run (null: the cluster's default)",
        "memory": "memory per run, for example 4G (null: the cluster's default)",
        "partition": "the partition (null: the default partition)",
        "account": "the account charged (null: your default account)",
        "maxParallel": "at most this many runs at once (null: no limit)",
        "directives": "further sbatch options, one per #SBATCH line",
    ]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case time, cpusPerTask, memory, partition, account, maxParallel, directives
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        time = try container.decodeIfPresent(String.self, forKey: .time)
        cpusPerTask = try container.decodeIfPresent(Int.self, forKey: .cpusPerTask)
        memory = try container.decodeIfPresent(String.self, forKey: .memory)
        partition = try container.decodeIfPresent(String.self, forKey: .partition)
        account = try container.decodeIfPresent(String.self, forKey: .account)
        maxParallel = try container.decodeIfPresent(Int.self, forKey: .maxParallel)
        directives = try container.decodeIfPresent([String].self, forKey: .directives) ?? []
        do {
            try validate()
        } catch let error as MBRLError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(time, forKey: .time)
        try container.encode(cpusPerTask, forKey: .cpusPerTask)
        try container.encode(memory, forKey: .memory)
        try container.encode(partition, forKey: .partition)
        try container.encode(account, forKey: .account)
        try container.encode(maxParallel, forKey: .maxParallel)
        try container.encode(directives, forKey: .directives)
    }

    /// Checks the values' forms (command-line flags are checked the same way).
    public func validate() throws {
        if let time {
            // Slurm's forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
            let valid = !time.isEmpty && time.allSatisfy { $0.isNumber || $0 == ":" || $0 == "-" }
                && time.first?.isNumber == true && time.last?.isNumber == true
            guard valid else { throw MBRLError.invalidArgument("the Slurm time limit \"\(time)\" is not minutes or [D-]HH:MM:SS, for example 00:30:00") }
        }
        if let cpusPerTask, cpusPerTask < 1 {
            throw MBRLError.invalidArgument("cpusPerTask must be 1 or more, got \(cpusPerTask)")
        }
        if let memory {
            let digits = memory.prefix { $0.isNumber }
            let unit = memory.dropFirst(digits.count)
            guard !digits.isEmpty, ["", "K", "M", "G", "T"].contains(unit.uppercased()) else {
                throw MBRLError.invalidArgument("the Slurm memory \"\(memory)\" is not a size such as 4G or 500M")
            }
        }
        if let maxParallel, maxParallel < 1 {
            throw MBRLError.invalidArgument("maxParallel must be 1 or more, got \(maxParallel)")
        }
        for text in [partition, account].compactMap({ $0 }) + directives where text.contains(where: \.isNewline) {
            throw MBRLError.invalidArgument("Slurm settings are single lines; \"\(text)\" holds a line break")
        }
        for directive in directives where !directive.hasPrefix("-") {
            throw MBRLError.invalidArgument("a Slurm directive is an sbatch option such as --qos=short, got \"\(directive)\"")
        }
    }
}
