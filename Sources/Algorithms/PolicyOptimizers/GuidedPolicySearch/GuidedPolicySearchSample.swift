/// One trajectory of guided policy search: `T` observations and actions (actions clipped to the
/// action box, as the environment applied them), with the condition it started from.
///
/// A sample whose episode terminated before `T` steps (a goal reached) is continued as an
/// absorbing state: its last observation repeated with zero actions.
public struct GuidedPolicySearchSample: Codable, Sendable, Equatable {
    /// `x_0 ... x_{T-1}`.
    public var observations: [[Double]] = []
    /// `u_0 ... u_{T-1}`.
    public var actions: [[Double]] = []
    /// The observation after the last action.
    public var finalObservation: [Double] = []
    /// The initial condition's index.
    public var condition: Int

    public init(condition: Int) { self.condition = condition }
}
