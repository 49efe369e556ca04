import MBRLCore

/// The optimiser a `ModelTrainer` steps: Adam or AdamW (one of the two is set), with the same
/// saved state. Stored as optionals so that steps update the moments in place.
struct ModelOptimizer: Sendable, Equatable {
    private var adam: Adam?
    private var adamW: AdamW?

    init(config: ModelTrainerConfig) throws {
        switch config.optimizer {
        case .adam:
            adam = try Adam(learningRate: config.learningRate, epsilon: config.epsilon, weightDecay: config.weightDecay)
        case .adamW:
            adamW = try AdamW(learningRate: config.learningRate, epsilon: config.epsilon, weightDecay: config.weightDecay)
        }
    }

    /// The step count and moments.
    var state: Adam.State {
        get { adam?.state ?? adamW?.state ?? Adam.State() }
        set {
            if adam != nil { adam!.state = newValue } else { adamW?.state = newValue }
        }
    }

    mutating func step<Container: ParameterContainer>(_ container: inout Container, gradients: [Matrix]) throws {
        if adam != nil {
            try adam!.step(&container, gradients: gradients)
        } else {
            try adamW!.step(&container, gradients: gradients)
        }
    }

    mutating func reset() {
        adam?.reset()
        adamW?.reset()
    }
}
