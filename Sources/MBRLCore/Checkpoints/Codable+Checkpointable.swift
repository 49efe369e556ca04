import Foundation

extension Checkpointable where Self: Codable {
    /// Stores the value's `Codable` form as one byte entry `<prefix>.state`: the default for
    /// small state such as a tabular learner's tables and counters (networks and optimiser
    /// moments write binary matrices instead).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        writer.add(name: "\(prefix).state", bytes: Array(try encoder.encode(self)))
    }

    /// Restores the value written by `write(to:prefix:)`.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        let bytes = try checkpoint.bytes(named: "\(prefix).state")
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw MBRLError.fileFormat("checkpoint '\(checkpoint.source)': '\(prefix).state' does not hold a \(Self.self): \(error)")
        }
    }
}
