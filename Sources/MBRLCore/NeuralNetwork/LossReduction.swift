/// Shape checks and the reduction shared by the losses.
///
/// A loss over an ensemble's stacked predictions `[E * B, D]` is the sum over members of each
/// member's mean over its `B * D` entries (mbrl-lib's `GaussianMLP` losses); with one member this
/// is the plain mean over all entries. Targets are either stacked like the predictions or one
/// `[B, D]` block shared by every member.
enum LossReduction {
    /// The factor that turns a sum over all entries into the loss: `E / (rows * columns)`.
    static func scale(rows: Int, columns: Int, memberCount: Int) -> Double {
        rows * columns == 0 ? 0 : Double(memberCount) / Double(rows * columns)
    }

    /// Checks `prediction` against `target` and returns how many prediction rows share one target
    /// block: 1 when the target is stacked like the prediction, `memberCount` when it is shared.
    static func validate(prediction: Matrix, target: Matrix, memberCount: Int, predictionName: String) throws -> Int {
        guard memberCount > 0 else {
            throw MBRLError.invalidArgument("the member count must be positive, got \(memberCount)")
        }
        guard prediction.rows % memberCount == 0 else {
            throw MBRLError.shapeMismatch(
                "the \(predictionName) has \(prediction.rows) rows, not a multiple of the \(memberCount) members")
        }
        guard target.columns == prediction.columns else {
            throw MBRLError.shapeMismatch(
                "the \(predictionName) is \(prediction.shapeText) but the target is \(target.shapeText); the columns must match")
        }
        if target.rows == prediction.rows { return 1 }
        if target.rows * memberCount == prediction.rows { return memberCount }
        throw MBRLError.shapeMismatch(
            "the \(predictionName) is \(prediction.shapeText) but the target is \(target.shapeText); "
                + "the target needs the same rows, or \(prediction.rows / memberCount) rows shared by the \(memberCount) members")
    }
}
