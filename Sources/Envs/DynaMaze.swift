import MBRLCore

/// The Dyna maze of Sutton and Barto (2nd edition, Example 8.1) and its changing variants, the
/// blocking maze (Example 8.2) and the shortcut maze (Example 8.3).
///
/// - Observation: `Space.discrete(rows * columns)`, one entry holding the state index
///   `row * columns + column` (54 states for the book's 6 x 9 grid).
/// - Action: `Space.discrete(4)`: 0 up, 1 down, 2 left, 3 right. A move into a wall or off the
///   grid leaves the agent where it is.
/// - Reward: 1 on the step that reaches the goal, which ends the episode (`terminated`); 0
///   otherwise. Episodes have no time limit; wrap in `TimeLimit` for one.
/// - Changing walls: the step count runs over all episodes (resets do not clear it), so the
///   blocking and shortcut mazes change once, after `layout.wallChangeStep` steps, as in the
///   book. An agent standing on a cell when a wall appears there stays put and can walk out.
/// - The maze is deterministic: `reset(seed:)` ignores the seed.
///
/// ```swift
/// var maze = DynaMaze()                                   // Example 8.1, "DynaMaze-v0"
/// var observation = try maze.reset(seed: 0)               // [18]: row 2, column 0
/// let step = try maze.step([Float(DynaMaze.Action.up.rawValue)])
/// print(maze.row, maze.column, step.reward)               // 1 0 0.0
/// var blocking = try DynaMaze(layout: .blocking(), id: "BlockingMaze-v0")
/// ```
public struct DynaMaze: Environment, Sendable {
    /// The four moves, with the index an action row carries.
    public enum Action: Int, Sendable, CaseIterable {
        case up = 0, down, left, right
    }

    /// The identifier a recipe names the maze by.
    public let id: String
    /// The grid, walls and wall change.
    public let layout: DynaMazeLayout
    /// The agent's cell.
    public internal(set) var position: DynaMazeLayout.Cell
    /// Steps taken over all episodes since the maze was made (drives the wall change).
    public internal(set) var totalSteps: Int

    /// The book's maze (Example 8.1) as `"DynaMaze-v0"`.
    public init() {
        self.init(validLayout: .dynaMaze, id: "DynaMaze-v0")
    }

    /// A maze with `layout`, which is validated first (see `DynaMazeLayout.validate()`).
    ///
    /// - Parameters:
    ///   - layout: the grid; `.dynaMaze`, `.blocking()`, `.shortcut()` or your own.
    ///   - id: the identifier, for example `"BlockingMaze-v0"`.
    public init(layout: DynaMazeLayout, id: String = "DynaMaze-v0") throws {
        try layout.validate()
        self.init(validLayout: layout, id: id)
    }

    private init(validLayout layout: DynaMazeLayout, id: String) {
        self.id = id
        self.layout = layout
        self.position = layout.start
        self.totalSteps = 0
    }

    /// `Space.discrete(rows * columns)`.
    public var observationSpace: Space { .discrete(Discrete(count: layout.cellCount)) }
    /// `Space.discrete(4)`: up, down, left, right.
    public var actionSpace: Space { .discrete(Discrete(count: Action.allCases.count)) }

    /// The agent's row (0 at the top).
    public var row: Int { position.row }
    /// The agent's column (0 at the left).
    public var column: Int { position.column }
    /// The agent's state index, `row * columns + column`.
    public var stateIndex: Int { stateIndex(of: position) }
    /// The walls the next step will see.
    public var currentWalls: Set<DynaMazeLayout.Cell> { layout.wallsInEffect(afterSteps: totalSteps) }

    /// The state index of `cell`: `row * columns + column`.
    public func stateIndex(of cell: DynaMazeLayout.Cell) -> Int {
        cell.row * layout.columns + cell.column
    }

    /// The cell of state index `index` (which must lie in `0..<rows * columns`).
    public func cell(ofStateIndex index: Int) -> DynaMazeLayout.Cell {
        DynaMazeLayout.Cell(row: index / layout.columns, column: index % layout.columns)
    }

    /// The cell a move from `cell` leads to under the walls in effect after `totalSteps` steps.
    public func destination(from cell: DynaMazeLayout.Cell, action: Action, afterSteps totalSteps: Int) -> DynaMazeLayout.Cell {
        var target = cell
        switch action {
        case .up: target.row -= 1
        case .down: target.row += 1
        case .left: target.column -= 1
        case .right: target.column += 1
        }
        if !layout.contains(target) || layout.wallsInEffect(afterSteps: totalSteps).contains(target) {
            return cell
        }
        return target
    }

    /// Puts the agent on the start cell. The seed is accepted and ignored (the maze is
    /// deterministic); the step count that drives the wall change carries on.
    public mutating func reset(seed: UInt64?) throws -> [Float] {
        position = layout.start
        return [Float(stateIndex)]
    }

    /// Moves the agent; throws `MBRLError.invalidArgument` unless `action` is one entry holding
    /// 0, 1, 2 or 3.
    public mutating func step(_ action: [Float]) throws -> StepResult {
        let move = try Self.decodeAction(action)
        position = destination(from: position, action: move, afterSteps: totalSteps)
        totalSteps += 1
        let reachedGoal = position == layout.goal
        return StepResult(observation: [Float(stateIndex)], reward: reachedGoal ? 1 : 0,
                          terminated: reachedGoal, truncated: false)
    }

    /// The move an action row names, or an error saying what a valid action looks like.
    static func decodeAction(_ action: [Float]) throws -> Action {
        guard action.count == 1 else {
            throw MBRLError.shapeMismatch("a DynaMaze action is 1 entry (0 up, 1 down, 2 left, 3 right), got \(action.count) entries")
        }
        let value = action[0]
        guard value.isFinite, value == value.rounded(), value >= 0, value < Float(Action.allCases.count),
              let move = Action(rawValue: Int(value)) else {
            throw MBRLError.invalidArgument("a DynaMaze action is 0 (up), 1 (down), 2 (left) or 3 (right), got \(value)")
        }
        return move
    }
}
