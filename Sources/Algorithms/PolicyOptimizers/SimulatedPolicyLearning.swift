import MBRLCore
import Models

/// Policy learning inside a video model: SimPLe (Kaiser et al. 2019, "Model-Based
/// Reinforcement Learning for Atari") on the recipe's latent model with its decoder, with PPO
/// (`ProximalPolicyUpdate`) as the learner.
///
/// The loop runs the policy in the real environment and refits the latent model (encoder,
/// latent dynamics, decoder, reward head: the pixel-prediction model trained on next frames and
/// rewards, whose reward loss keeps small task-relevant objects from being ignored). After every
/// fit (`modelDidFit`):
/// 1. with `learnFromRealSteps`, one PPO update on the real steps collected since the last fit;
/// 2. the termination classifier (`LatentTerminationClassifier`) is fitted to the encoded next
///    observations of the most recent `terminationSamples` real transitions;
/// 3. `updatesPerFit` PPO updates follow, each on `imaginedRollouts` trajectories of `horizon`
///    imagined steps: each starts from a frame stack sampled from the real buffer (`frameStack`
///    consecutive observations of one episode, padded at its start), encoded once; then the
///    policy acts on the observation (the real one at the first step, the decoder's prediction
///    clamped to `[0, 1]` afterwards), the latent dynamics steps (the mean over members), the
///    reward head gives the reward and the classifier the termination; a terminated trajectory
///    restarts from a fresh real frame stack and the last step bootstraps from the value of its
///    predicted next observation. GAE(`discount`, `gaeLambda`) with the learner's value network.
///
/// Where this differs from the paper:
/// - the model is the framework's latent model (an MLP or convolutional encoder to a small
///   continuous latent, deterministic or Gaussian latent dynamics, a decoder), not SimPLe's
///   stochastic video model with a discrete latent inferred from the future frame; it rolls in
///   latent space and decodes each step, instead of feeding its predicted frames back in;
/// - terminations come from a classifier on the latent state fitted by this optimizer (the
///   latent model has no termination head; the paper's Atari rollouts do not end on a
///   predicted termination);
/// - the policy is an MLP over the flattened frame stack (the paper uses a convolutional policy);
/// - rollouts start from any real frame stack uniformly (the paper samples start frames
///   likewise) and the rewards are the reward head's real values (the paper predicts rewards
///   as three classes: -1, 0, 1).
///
/// Refused when the recipe is built: a model without a decoder (anything but `"latent"`), and
/// a `frameStack` shorter than the model's `historyLength`.
///
/// ```json
/// "environment": "CartPolePixels-v1",
/// "model": {"type": "latent", "latentSize": 16, "multiStepLength": 3},
/// "policyOptimizer": {"type": "simple", "horizon": 50, "imaginedRollouts": 16, "updatesPerFit": 20},
/// "loop": {"explorationEpisodes": 0, "episodes": 100000, "maxSteps": 20000, "trainEvery": 2000}
/// ```
public struct SimulatedPolicyLearning<LearnedPolicy: StochasticPolicy>: Sendable {
    /// The settings.
    public let config: Config
    /// The PPO update (policy, value network, Adam moments, counts).
    public internal(set) var learner: ProximalPolicyUpdate<LearnedPolicy>
    /// The termination classifier on latent states (built at the first model fit).
    public internal(set) var terminationClassifier: LatentTerminationClassifier?
    /// Real steps stored (exploration-phase steps excluded).
    public internal(set) var stepsSeen = 0
    /// Model fits worked on.
    public internal(set) var fitsSeen = 0
    /// PPO updates on imagined trajectories over the run.
    public internal(set) var imaginedUpdates = 0
    /// The real steps collected since the last fit.
    var steps: OnPolicySteps
    /// The samples the acting policy drew.
    let recorder = PolicySampleRecorder()

    /// An optimizer around `policy`, its value network drawn from `generator`.
    ///
    /// - Throws: `MBRLError.invalidArgument` for a bad config.
    public init(config: Config, policy: LearnedPolicy, generator: inout RandomGenerator) throws {
        self.config = config
        learner = try ProximalPolicyUpdate(policy: policy, config: config.learner, generator: &generator)
        steps = OnPolicySteps(observationSize: policy.observationSize, sampleSize: policy.sampleSize)
    }

    // MARK: - Build-time checks

    /// Why the recipe's model cannot serve this optimizer, or nil when it can: it must predict
    /// observations through a decoder (a `LatentModel`), trained on frames, whose encoder's
    /// history fits in the start frame stacks.
    public func incompatibility(with model: (any DynamicsModel)?) -> String? {
        guard let latent = model as? LatentModel else {
            return "a model that predicts observations through a decoder (\"latent\": an encoder, latent dynamics, a decoder and a reward head), to roll imagined frames for the policy"
        }
        if latent.config.predictionWeight <= 0 && latent.config.reconstructionWeight <= 0 {
            return "a trained decoder: the latent model's predictionWeight and reconstructionWeight are both 0, so its decoder never learns to predict frames; give either a positive weight"
        }
        if config.frameStack > 0 && config.frameStack < latent.historyLength {
            return "start frame stacks at least as long as the model's history: frameStack \(config.frameStack) is shorter than the latent model's historyLength \(latent.historyLength); set frameStack to \(latent.historyLength) or more (or 0, the model's history)"
        }
        return nil
    }

    // MARK: - Real steps

    /// Stores a real step for the next fit's real-step update.
    mutating func store(_ transition: Transition, isExploration: Bool) throws {
        guard !isExploration else { return }
        stepsSeen += 1
        let sample = recorder.take(observation: transition.observation, action: transition.action) ?? transition.action
        try steps.append(observation: transition.observation, sample: sample, reward: transition.reward,
                         nextObservation: transition.nextObservation, terminated: transition.terminated,
                         truncated: transition.truncated)
    }

    // MARK: - Start frame stacks

    /// `count` frame stacks sampled uniformly from `buffer`: the encoder's input `[count,
    /// historyLength * raw]` and the newest observation `[count, raw]`.
    func startStacks(count: Int, model: LatentModel, buffer: ReplayBuffer,
                     generator: inout RandomGenerator) throws -> (histories: Matrix, newest: Matrix) {
        let ages = (0..<count).map { _ in generator.nextInt(below: buffer.count) }
        return try stacks(at: ages, next: false, model: model, buffer: buffer)
    }

    /// The frame stacks ending at the observations (or, with `next`, the next observations) of
    /// the transitions at `ages`.
    func stacks(at ages: [Int], next: Bool, model: LatentModel, buffer: ReplayBuffer) throws -> (histories: Matrix, newest: Matrix) {
        let stack = max(config.frameStack, model.historyLength)
        let window = try LatentTrainingBatch(buffer: buffer, starts: ages, stepCount: 1, historyLength: stack)
        let frames = window.frames[next ? 1 : 0]
        let raw = model.rawObservationSize
        let histories = stack == model.historyLength ? frames : frames.columns((stack - model.historyLength) * raw ..< stack * raw)
        return (histories, frames.columns((stack - 1) * raw ..< stack * raw))
    }

    // MARK: - Termination classifier

    /// Fits the classifier to the encoded next observations of the most recent real
    /// transitions; returns its loss and balanced accuracy.
    mutating func fitTerminationClassifier(model: LatentModel, buffer: ReplayBuffer,
                                           generator: inout RandomGenerator) throws -> (loss: Float, balancedAccuracy: Float) {
        var classifier = try terminationClassifier
            ?? LatentTerminationClassifier(latentSize: model.latentSize, hiddenSizes: config.terminationHiddenSizes,
                                           learningRate: 1e-3, generator: &generator)
        let count = min(config.terminationSamples, buffer.count)
        let ages = Array((buffer.count - count)..<buffer.count)
        var latents: [Matrix] = [], labels: [Bool] = []
        for start in stride(from: 0, to: ages.count, by: 1024) {
            let chunk = Array(ages[start..<min(start + 1024, ages.count)])
            latents.append(try model.encode(observations: try stacks(at: chunk, next: true, model: model, buffer: buffer).histories))
            labels.append(contentsOf: chunk.map { buffer[$0].terminated })
        }
        let all = Matrix(rows: labels.count, columns: model.latentSize, values: latents.flatMap(\.values))
        let result = try classifier.fit(latents: all, terminated: labels, epochs: config.terminationEpochs, batchSize: 256,
                                        generator: &generator)
        terminationClassifier = classifier
        return result
    }

    // MARK: - Imagined trajectories

    /// What one batch of imagined trajectories held.
    public struct ImaginedBatch: Sendable {
        /// The steps with GAE advantages and returns.
        public var batch: TrajectoryBatch
        /// The mean summed reward per imagined episode (a trajectory cut at `horizon` counts as one).
        public var meanReturn: Double
        /// The fraction of imagined steps that terminated.
        public var terminationRate: Double
    }

    /// `imaginedRollouts` trajectories of `horizon` steps through the latent model (see the
    /// type's description).
    ///
    /// - Throws: `MBRLError.shapeMismatch` for sizes that do not fit the model or the policy.
    public func imaginedBatch(model: LatentModel, buffer: ReplayBuffer, generator: inout RandomGenerator) throws -> ImaginedBatch {
        let rows = config.imaginedRollouts, horizon = config.horizon
        let observationSize = learner.policy.observationSize
        var start = try startStacks(count: rows, model: model, buffer: buffer, generator: &generator)
        var latents = try model.encode(observations: start.histories)
        var observations = start.newest
        var trajectories = TrajectoryBuffer(observationSize: observationSize, actionSize: learner.policy.sampleSize, environmentCount: rows)
        var episodeStarts = [Bool](repeating: true, count: rows)
        var rewardTotal = 0.0, episodes = rows, terminations = 0
        for step in 0..<horizon {
            let draw = try learner.policy.sample(for: observations, generator: &generator)
            let values = try learner.values(for: observations)
            let prediction = try model.predict(observations: latents, actions: draw.actions, generator: &generator)
            var nextLatents = prediction.nextObservations
            let rewards = prediction.rewards ?? [Float](repeating: 0, count: rows)
            let probabilities = try terminationClassifier?.probabilities(latents: nextLatents) ?? [Float](repeating: 0, count: rows)
            let terminated = probabilities.map { $0 >= config.terminationThreshold }
            var nextObservations = try model.decode(latents: nextLatents).map { $0.isNaN ? 0 : min(max($0, 0), 1) }
            let last = step == horizon - 1
            do {
                try trajectories.append(observations: observations, actions: draw.samples, rewards: rewards,
                                        logProbabilities: draw.logDensities, values: values, terminated: terminated,
                                        truncated: Array(repeating: last, count: rows), episodeStarts: episodeStarts,
                                        finalObservationValues: last ? try learner.values(for: nextObservations) : nil)
            } catch MBRLError.nonFinite {
                // The model diverged: a batch of NaN advantages, which the learner refuses and counts.
                let unknown = [Float](repeating: .nan, count: rows)
                return ImaginedBatch(batch: TrajectoryBatch(observations: observations, actions: draw.samples,
                                                            logProbabilities: draw.logDensities, values: values,
                                                            advantages: unknown, returns: unknown),
                                     meanReturn: .nan, terminationRate: .nan)
            }
            rewardTotal += rewards.reduce(0.0) { $0 + Double($1) }
            // A terminated trajectory restarts from a fresh real frame stack.
            let restarting = (0..<rows).filter { terminated[$0] }
            terminations += restarting.count
            if !restarting.isEmpty && !last {
                start = try startStacks(count: restarting.count, model: model, buffer: buffer, generator: &generator)
                let restartLatents = try model.encode(observations: start.histories)
                for (position, row) in restarting.enumerated() {
                    nextLatents.setRow(row, to: restartLatents.row(position))
                    nextObservations.setRow(row, to: start.newest.row(position))
                }
                episodes += restarting.count
            }
            latents = nextLatents
            observations = nextObservations
            episodeStarts = terminated
        }
        try trajectories.computeReturnsAndAdvantages(lastValues: try learner.values(for: observations), discount: config.discount,
                                                     gaeLambda: config.gaeLambda)
        return ImaginedBatch(batch: trajectories.batch(Array(0..<trajectories.count)), meanReturn: rewardTotal / Double(episodes),
                             terminationRate: Double(terminations) / Double(rows * horizon))
    }

    // MARK: - One model fit

    /// SimPLe's policy improvement after a model fit (see the type's description); returns the
    /// fit's metrics.
    mutating func optimizeAfterFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        guard let model = context.model as? LatentModel else {
            throw MBRLError.incompatible("simple rolls imagined frames through a latent model with a decoder; the recipe needs \"model\": {\"type\": \"latent\"}")
        }
        guard !context.buffer.isEmpty else { return [:] }
        fitsSeen += 1
        var metrics: [String: Double] = [:]

        // MARK: PPO on the real steps since the last fit
        if config.learnFromRealSteps && steps.count >= 2 {
            let batch = try ProximalPolicyOptimization<LearnedPolicy>.batch(of: steps, learner: learner, discount: config.discount,
                                                                           gaeLambda: config.gaeLambda)
            let real = try learner.update(on: batch, stepsSoFar: context.totalSteps, generator: &generator)
            for (name, value) in real.dictionary { metrics["real" + name.prefix(1).uppercased() + name.dropFirst()] = value }
        }
        steps.removeAll()

        // MARK: Terminations
        let termination = try fitTerminationClassifier(model: model, buffer: context.buffer, generator: &generator)
        metrics["terminationLoss"] = Double(termination.loss)
        metrics["terminationBalancedAccuracy"] = Double(termination.balancedAccuracy)

        // MARK: PPO on imagined trajectories
        var returns = 0.0, terminationRates = 0.0
        for _ in 0..<config.updatesPerFit {
            let imagined = try imaginedBatch(model: model, buffer: context.buffer, generator: &generator)
            let update = try learner.update(on: imagined.batch, stepsSoFar: context.totalSteps, generator: &generator)
            imaginedUpdates += 1
            returns += imagined.meanReturn
            terminationRates += imagined.terminationRate
            metrics.merge(update.dictionary) { _, new in new }
        }
        if config.updatesPerFit > 0 {
            metrics["imaginedReturn"] = returns / Double(config.updatesPerFit)
            metrics["imaginedTerminationRate"] = terminationRates / Double(config.updatesPerFit)
        }
        metrics["imaginedUpdates"] = Double(imaginedUpdates)
        return metrics
    }
}
