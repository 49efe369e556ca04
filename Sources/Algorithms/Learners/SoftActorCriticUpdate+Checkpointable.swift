import MBRLCore

extension SoftActorCriticUpdate: Checkpointable {
    /// Writes the actor, the critics, the target critics, the three optimisers' moments, the
    /// temperature and the step count under `prefix` (`<prefix>.actor`, `<prefix>.critics`, ...).
    public func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try actor.write(to: &writer, prefix: "\(prefix).actor")
        try critics.write(to: &writer, prefix: "\(prefix).critics")
        try targetCritics.write(to: &writer, prefix: "\(prefix).targetCritics")
        actorOptimizer.state.write(to: &writer, prefix: "\(prefix).actorOptimizer")
        criticOptimizer.state.write(to: &writer, prefix: "\(prefix).criticOptimizer")
        temperatureOptimizer.state.write(to: &writer, prefix: "\(prefix).temperatureOptimizer")
        writer.add(name: "\(prefix).logAlpha", matrix: Matrix(rows: 1, columns: 1, values: [logAlpha]))
        writer.add(name: "\(prefix).stepCount", integers: [stepCount])
    }

    /// Restores what `write` stored into a learner built from the same recipe; nothing is
    /// changed when an entry is missing or of another shape.
    public mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        var restoredActor = actor, restoredCritics = critics, restoredTargets = targetCritics
        try restoredActor.read(from: checkpoint, prefix: "\(prefix).actor")
        try restoredCritics.read(from: checkpoint, prefix: "\(prefix).critics")
        try restoredTargets.read(from: checkpoint, prefix: "\(prefix).targetCritics")
        let actorState = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).actorOptimizer")
        let criticState = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).criticOptimizer")
        let temperatureState = try Adam.State(checkpoint: checkpoint, prefix: "\(prefix).temperatureOptimizer")
        try Self.checkMoments(actorState, against: restoredActor.parameters, name: "\(prefix).actorOptimizer", source: checkpoint.source)
        try Self.checkMoments(criticState, against: restoredCritics.parameters, name: "\(prefix).criticOptimizer", source: checkpoint.source)
        try Self.checkMoments(temperatureState, against: [Matrix(rows: 1, columns: 1)], name: "\(prefix).temperatureOptimizer",
                              source: checkpoint.source)
        let logAlphaMatrix = try checkpoint.matrix(named: "\(prefix).logAlpha")
        guard logAlphaMatrix.rows == 1, logAlphaMatrix.columns == 1 else {
            throw MBRLError.shapeMismatch(
                "checkpoint '\(checkpoint.source)': '\(prefix).logAlpha' is \(logAlphaMatrix.rows) x \(logAlphaMatrix.columns), expected 1 x 1")
        }
        let steps = try checkpoint.integers(named: "\(prefix).stepCount", shape: [1])[0]
        actor = restoredActor
        critics = restoredCritics
        targetCritics = restoredTargets
        actorOptimizer.state = actorState
        criticOptimizer.state = criticState
        temperatureOptimizer.state = temperatureState
        logAlpha = logAlphaMatrix[0, 0]
        stepCount = steps
    }

    /// Throws unless the saved moments are empty (no step yet) or match the parameters' shapes.
    private static func checkMoments(_ state: Adam.State, against parameters: [Matrix], name: String, source: String) throws {
        for moments in [state.firstMoments, state.secondMoments] where !moments.isEmpty {
            guard moments.count == parameters.count,
                  zip(moments, parameters).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
                throw MBRLError.shapeMismatch(
                    "checkpoint '\(source)': the moments of '\(name)' do not match the networks' parameters; was it written for another recipe?")
            }
        }
    }
}
