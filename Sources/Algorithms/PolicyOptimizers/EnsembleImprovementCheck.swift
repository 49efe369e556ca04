import MBRLCore

/// ME-TRPO's stopping rule for the policy updates of one model fit (Kurutach et al. 2018,
/// Algorithm 1; `is_done`, `update_stats` and `stop_critereon(mode="vector")` of
/// thanard/me-trpo's `model_based_rl.py` and `utils.py`).
///
/// It holds one reference return per ensemble member: at first the returns of the policy the
/// fit started with. At every check a member *sees improvement* when its new return is at least
/// its reference return (thanard counts a member as worse only when its cost is strictly
/// higher). When at least `improvementRatio` of the members see improvement (thanard stops when
/// more than `percent_models_threshold` 0.30 are worse), the check is accepted: the new returns
/// become the references (thanard's `"whole": true`) and the policy is the one to keep. After
/// `patience` checks in a row without acceptance the fit's updates stop (thanard's
/// `num_iters_threshold` 25 updates at `log_every` 5 updates per check: 5 checks).
///
/// ```swift
/// var check = try EnsembleImprovementCheck(initialReturns: [-900, -850, -870], improvementRatio: 0.7, patience: 5)
/// let verdict = try check.record([-700, -820, -880])   // 2 of 3 improved: fraction 0.67
/// // verdict.accepted == false, verdict.shouldStop == false
/// ```
public struct EnsembleImprovementCheck: Sendable, Equatable {
    /// The outcome of one check.
    public struct Verdict: Sendable, Equatable {
        /// The fraction of members whose return is at least their reference return.
        public var improvingFraction: Double
        /// Enough members improved: the checked policy is the one to keep.
        public var accepted: Bool
        /// `patience` checks in a row were not accepted: stop updating.
        public var shouldStop: Bool
    }

    /// The fraction of members that must see improvement (thanard: 1 - 0.30 = 0.7).
    public let improvementRatio: Double
    /// Checks in a row without acceptance before stopping.
    public let patience: Int
    /// `[members]`: the returns of the last accepted policy (at first the initial one).
    public private(set) var referenceReturns: [Double]
    /// Checks made.
    public private(set) var checks = 0
    /// Checks accepted.
    public private(set) var acceptedChecks = 0
    /// Checks since the last accepted one.
    public private(set) var checksWithoutImprovement = 0
    /// The improving fraction of every check, in order.
    public private(set) var improvingFractions: [Double] = []

    /// A check against `initialReturns`, one per member.
    ///
    /// - Throws: `MBRLError.invalidArgument` for no members, a ratio outside `(0, 1]` or a
    ///   patience below 1.
    public init(initialReturns: [Double], improvementRatio: Double, patience: Int) throws {
        guard !initialReturns.isEmpty else {
            throw MBRLError.invalidArgument("the ensemble improvement check needs the return of at least one member")
        }
        guard improvementRatio > 0 && improvementRatio <= 1 else {
            throw MBRLError.invalidArgument("improvementRatio must be in (0, 1], got \(improvementRatio)")
        }
        guard patience >= 1 else { throw MBRLError.invalidArgument("patience must be at least 1, got \(patience)") }
        referenceReturns = initialReturns
        self.improvementRatio = improvementRatio
        self.patience = patience
    }

    /// Scores the members' new returns against the references and updates them.
    ///
    /// - Parameter returns: `[members]`, the checked policy's return in each member.
    /// - Throws: `MBRLError.shapeMismatch` when the member count differs.
    public mutating func record(_ returns: [Double]) throws -> Verdict {
        guard returns.count == referenceReturns.count else {
            throw MBRLError.shapeMismatch(
                "the check holds \(referenceReturns.count) member returns, got \(returns.count)")
        }
        // A NaN return never counts as improvement.
        let improving = zip(returns, referenceReturns).filter { $0 >= $1 }.count
        let fraction = Double(improving) / Double(returns.count)
        let accepted = Double(improving) >= improvementRatio * Double(returns.count) - 1e-9
        checks += 1
        improvingFractions.append(fraction)
        if accepted {
            referenceReturns = returns
            acceptedChecks += 1
            checksWithoutImprovement = 0
        } else {
            checksWithoutImprovement += 1
        }
        return Verdict(improvingFraction: fraction, accepted: accepted, shouldStop: checksWithoutImprovement >= patience)
    }
}
