import MBRLCore

extension TrustRegionPolicyOptimization: ImitationFineTunable where LearnedPolicy == DiagonalGaussianMLPPolicy {
    /// The Gaussian policy.
    public var imitationPolicy: DiagonalGaussianMLPPolicy { learner.policy }

    /// Installs `policy` with every log standard deviation set to `log(initialStandardDeviation)`.
    public mutating func handOver(_ policy: DiagonalGaussianMLPPolicy, initialStandardDeviation: Float) throws {
        let logStd = try ImitationHandOverChecks.logStandardDeviation(initialStandardDeviation)
        try ImitationHandOverChecks.sameShapes(policy, learner.policy, learner: "trpo")
        var installed = policy
        installed.updateParameters { parameters in
            let last = parameters.count - 1
            for column in 0..<parameters[last].columns { parameters[last][0, column] = logStd }
        }
        learner.policy = installed
    }
}
