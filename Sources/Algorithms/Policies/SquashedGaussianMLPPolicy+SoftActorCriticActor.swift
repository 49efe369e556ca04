import MBRLCore

extension SquashedGaussianMLPPolicy: SoftActorCriticActor {
    /// A reparameterised squashed sample with its log-density and pullback (`sampleWithPullback`).
    public func reparameterizedSample(for observations: Matrix, generator: inout RandomGenerator) throws
        -> SoftActorCriticActorSample {
        let (sample, pullback) = try sampleWithPullback(for: observations, generator: &generator)
        return SoftActorCriticActorSample(actions: sample.actions, logDensities: sample.logDensities) { actionGradient, logDensityGradient in
            try pullback(actionGradient, logDensityGradient).parameters
        }
    }

    /// A squashed sample with its log-density, for the critics' targets.
    public func sampleWithLogDensities(for observations: Matrix, generator: inout RandomGenerator) throws
        -> (actions: Matrix, logDensities: [Float]) {
        let sample = try sample(for: observations, generator: &generator)
        return (sample.actions, sample.logDensities)
    }
}
