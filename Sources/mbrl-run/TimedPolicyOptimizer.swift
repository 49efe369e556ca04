import Foundation
import MBRLCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A policy optimizer that forwards every call to `base` and records how long its phases take,
/// for `mbrl-run bench mbpo`: the improvement after each real step, the work after each model
/// fit (MBPO's model rollouts), and the policy's actions, split into exploration and training
/// (training starts with the first model fit). After each fit it also keeps the fitted model and
/// a copy of the real data it was fitted on, so the fit can be timed again on its own.
///
/// The recorded state lives in `Times`, a class shared with the benchmark, since the loop keeps
/// the optimizer as a value.
///
/// ```swift
/// let times = TimedPolicyOptimizer<ModelBasedPolicyOptimization>.Times()
/// let timed = TimedPolicyOptimizer(base: mbpo, times: times)
/// // ... run the loop with `timed`, then read times.improvementSeconds
/// ```
struct TimedPolicyOptimizer<Base: PolicyOptimizer>: PolicyOptimizer {
    /// What the optimizer recorded; times are wall seconds (monotonic clock).
    final class Times {
        /// One model fit as the optimizer saw it.
        struct Fit {
            /// The model right after the fit.
            var model: any DynamicsModel
            /// Every real transition the model was fitted on, `[count]` rows.
            var data: TransitionBatch
        }

        /// Improvement calls during exploration.
        var explorationSteps = 0
        /// Improvement calls after exploration.
        var trainingSteps = 0
        /// Wall seconds of the improvement calls after exploration.
        var improvementSeconds = 0.0
        /// Wall seconds of the post-fit work (`modelDidFit`), the copies for `fits` excluded.
        var modelDidFitSeconds = 0.0
        /// Wall seconds of the policy's actions after exploration.
        var actingSeconds = 0.0
        /// The fits seen, in order.
        var fits: [Fit] = []
        /// Clock readings (wall, process CPU) at the end of the last exploration improvement
        /// call and of the last training one: the timed part of a run lies between them.
        var explorationEnd: (wall: Double, cpu: Double)?
        var trainingEnd: (wall: Double, cpu: Double)?
        /// Wall and CPU seconds spent copying the data for `fits`, inside the timed part.
        var bookkeepingSeconds = (wall: 0.0, cpu: 0.0)
        /// The metrics the last improvement call after exploration returned.
        var lastImprovementMetrics: [String: Double] = [:]
        /// The metrics the last `modelDidFit` returned.
        var lastFitMetrics: [String: Double] = [:]

        /// Whether training (the first model fit) has started.
        var isTraining: Bool { !fits.isEmpty }

        init() {}
    }

    /// The policy, its actions timed into `times`.
    struct TimedPolicy: Policy {
        var base: Base.OptimizedPolicy
        let times: Times

        /// The base policy's actions for `[B, observationSize]` rows, timed after exploration.
        func actions(for observations: Matrix, mode: ActionMode, generator: inout RandomGenerator) throws -> Matrix {
            let start = Self.wallSeconds()
            let actions = try base.actions(for: observations, mode: mode, generator: &generator)
            if times.isTraining { times.actingSeconds += Self.wallSeconds() - start }
            return actions
        }

        /// A monotonic clock in seconds.
        static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    }

    /// The optimizer doing the work.
    var base: Base
    /// Where the timings go.
    let times: Times

    /// `base`, timed into `times`.
    init(base: Base, times: Times) {
        self.base = base
        self.times = times
    }

    var name: String { base.name }
    var policy: TimedPolicy { TimedPolicy(base: base.policy, times: times) }
    var requirements: PolicyOptimizerRequirements { base.requirements }
    var actingRequest: ActingRequest { base.actingRequest }

    /// `base`'s improvement, timed after exploration; marks the clock at the end of every call.
    mutating func improve(after transition: Transition, context: PolicyOptimizerContext,
                          generator: inout RandomGenerator) throws -> [String: Double] {
        let start = TimedPolicy.wallSeconds()
        let metrics = try base.improve(after: transition, context: context, generator: &generator)
        let end = TimedPolicy.wallSeconds()
        if context.isExploration {
            times.explorationSteps += 1
            times.explorationEnd = (end, Self.processCPUSeconds())
        } else {
            times.trainingSteps += 1
            times.improvementSeconds += end - start
            if !metrics.isEmpty { times.lastImprovementMetrics = metrics }
            times.trainingEnd = (end, Self.processCPUSeconds())
        }
        return metrics
    }

    /// `base`'s post-fit work, timed; then keeps the fitted model and a copy of its data.
    mutating func modelDidFit(context: PolicyOptimizerContext, generator: inout RandomGenerator) throws -> [String: Double] {
        let start = TimedPolicy.wallSeconds()
        let metrics = try base.modelDidFit(context: context, generator: &generator)
        let end = TimedPolicy.wallSeconds()
        times.modelDidFitSeconds += end - start
        times.lastFitMetrics = metrics
        let cpuBefore = Self.processCPUSeconds()
        if let model = context.model {
            times.fits.append(Times.Fit(model: model, data: context.buffer.all()))
        }
        times.bookkeepingSeconds.wall += TimedPolicy.wallSeconds() - end
        times.bookkeepingSeconds.cpu += Self.processCPUSeconds() - cpuBefore
        return metrics
    }

    mutating func endEpisode() throws { try base.endEpisode() }

    func write(to writer: inout CheckpointWriter, prefix: String) throws {
        try base.write(to: &writer, prefix: prefix)
    }

    mutating func read(from checkpoint: Checkpoint, prefix: String) throws {
        try base.read(from: checkpoint, prefix: prefix)
    }

    /// CPU seconds this process has used (all threads; `CLOCK_PROCESS_CPUTIME_ID`).
    static func processCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return .nan }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
