import MBRLCore

extension DynaMaze: StatefulEnvironment {
    /// `[row, column, totalSteps]`: the agent's cell and the number of steps taken over all
    /// episodes (which decides the walls in effect).
    public var physicalState: [Double] {
        [Double(position.row), Double(position.column), Double(totalSteps)]
    }

    /// Sets the agent's cell and the step count. Throws unless `state` is three whole numbers,
    /// the cell lies on the grid, the count is 0 or more, and the cell can be occupied at that
    /// count: open under the walls in effect, or (after a wall change) a cell that only one of
    /// the two wall sets covers, where an agent can be caught by a moving wall.
    public mutating func setPhysicalState(_ state: [Double]) throws {
        guard state.count == 3 else {
            throw MBRLError.shapeMismatch("a DynaMaze state is [row, column, totalSteps], got \(state.count) entries")
        }
        guard state.allSatisfy({ $0.isFinite && $0 == $0.rounded() && $0.magnitude < 1e15 }) else {
            throw MBRLError.invalidArgument("a DynaMaze state holds whole numbers [row, column, totalSteps], got \(state)")
        }
        let cell = DynaMazeLayout.Cell(row: Int(state[0]), column: Int(state[1]))
        let steps = Int(state[2])
        guard layout.contains(cell) else {
            throw MBRLError.invalidArgument("cell \(cell) lies outside the \(layout.rows) x \(layout.columns) maze")
        }
        guard steps >= 0 else {
            throw MBRLError.invalidArgument("totalSteps must be 0 or more, got \(steps)")
        }
        guard isOccupiable(cell, afterSteps: steps) else {
            throw MBRLError.invalidArgument("cell \(cell) is a wall after \(steps) steps; the agent cannot stand there")
        }
        position = cell
        totalSteps = steps
    }

    /// An independent copy (the maze is a value type).
    public func clone() throws -> DynaMaze { self }

    /// Whether an agent can stand on `cell` after `totalSteps` steps.
    func isOccupiable(_ cell: DynaMazeLayout.Cell, afterSteps totalSteps: Int) -> Bool {
        guard let changedWalls = layout.changedWalls, totalSteps >= layout.wallChangeStep else {
            return !layout.walls.contains(cell)
        }
        return !(layout.walls.contains(cell) && changedWalls.contains(cell))
    }
}
