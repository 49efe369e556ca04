import MBRLCore

/// An environment whose physical parameters (masses, lengths, gravity, force scale) are settings
/// that can change between episodes, as domain randomization needs.
///
/// The nominal values reproduce the environment exactly (for Gymnasium's environments, Gymnasium's
/// trajectories bit for bit). Parameters are read and set by name; `setParameters` checks every
/// name and value before changing anything. A new value takes effect at the next `step`.
///
/// ```swift
/// var pendulum = Pendulum()
/// pendulum.physicalParameters.map(\.name)     // ["gravity", "length", "mass"]
/// try pendulum.setParameters(["mass": 1.4])
/// pendulum.parameterValues["mass"]             // 1.4
/// try pendulum.setParameters(["mas": 1.4])      // invalid argument: unknown parameter "mas" ...
/// ```
public protocol ParameterizedEnvironment: Environment {
    /// The parameters this environment exposes, sorted by name.
    var physicalParameters: [PhysicalParameter] { get }
    /// The current value of every parameter, by name.
    var parameterValues: [String: Double] { get }
    /// Sets the named parameters; the caller (`setParameters`) has checked every name and value.
    mutating func assignCheckedParameters(_ values: [String: Double])
}

extension ParameterizedEnvironment {
    /// Sets the named parameters (the others keep their values). Throws `invalidArgument`, and
    /// changes nothing, when a name is unknown or a value is outside the parameter's domain.
    public mutating func setParameters(_ values: [String: Double]) throws {
        if let problem = parameterProblem(values) { throw MBRLError.invalidArgument(problem) }
        assignCheckedParameters(values)
    }

    /// Why `values` cannot be set (an unknown name or a value outside its domain), or `nil`.
    public func parameterProblem(_ values: [String: Double]) -> String? {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let parameter = physicalParameters.first(where: { $0.name == name }) else {
                let hint = NameSuggestions.hint(for: name, in: physicalParameters.map(\.name))
                return "\(id) has no parameter \"\(name)\"\(hint.isEmpty ? "." : hint) Valid parameters: \(parameterListing)"
            }
            if let problem = parameter.problem(with: value) { return "\(id) parameter \(name) \(problem)" }
        }
        return nil
    }

    /// Every parameter with its nominal value, for messages: `gravity (nominal 10 m/s^2), ...`.
    public var parameterListing: String { physicalParameters.map(\.listing).joined(separator: ", ") }
}
