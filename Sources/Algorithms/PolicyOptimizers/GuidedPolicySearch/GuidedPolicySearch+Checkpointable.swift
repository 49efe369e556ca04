import Foundation
import MBRLCore

extension GuidedPolicySearch: Checkpointable {
    /// Writes the global policy, its Adam moments, and the local controllers, the normalisation
    /// and the carried state (dynamics, costs, priors, samples, eta, step multipliers) as JSON
    /// bytes (Swift writes `Double`s in JSON so that they read back exactly).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try policy.global.write(to: &writer, prefix: "\(prefix).global")
        try policyOptimizer.write(to: &writer, prefix: "\(prefix).globalOptimizer")
        let stored = StoredState(state: state, controllers: policy.controllers, inputShift: policy.inputShift,
                                 inputScale: policy.inputScale, globalTrained: policy.globalTrained)
        writer.add(name: "\(prefix).state", bytes: Array(try JSONEncoder().encode(stored)))
    }

    /// Restores what `write` stored into an optimizer built from the same settings.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var global = policy.global, optimizer = policyOptimizer
        try global.read(from: checkpoint, prefix: "\(prefix).global")
        try optimizer.read(from: checkpoint, prefix: "\(prefix).globalOptimizer")
        let stored = try JSONDecoder().decode(StoredState.self, from: Data(try checkpoint.bytes(named: "\(prefix).state")))
        guard stored.controllers.count == config.conditions else {
            throw MBRLError.fileFormat("the checkpoint holds \(stored.controllers.count) controllers, the recipe has \(config.conditions) conditions")
        }
        policy.global = global
        policyOptimizer = optimizer
        policy.controllers = stored.controllers
        policy.inputShift = stored.inputShift
        policy.inputScale = stored.inputScale
        policy.globalTrained = stored.globalTrained
        state = stored.state
    }

    struct StoredState: Codable {
        var state: State
        var controllers: [LinearGaussianController]
        var inputShift: [Float]
        var inputScale: [Float]
        var globalTrained: Bool
    }
}
