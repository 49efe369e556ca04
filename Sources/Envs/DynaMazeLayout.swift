import MBRLCore

/// The grid of a `DynaMaze`: its size, start and goal cells, walls, and optionally a second set
/// of walls that replaces the first after a number of steps (the changing mazes of Sutton and
/// Barto's Examples 8.2 and 8.3).
///
/// Cells are `(row, column)` pairs counted from the top-left corner, starting at 0.
///
/// ```swift
/// let book = DynaMazeLayout.dynaMaze                       // Example 8.1
/// let blocking = DynaMazeLayout.blocking()                 // Example 8.2, wall moves after 1,000 steps
/// let shortcut = DynaMazeLayout.shortcut(wallChangeStep: 500)
/// var custom = DynaMazeLayout(rows: 3, columns: 4, start: .init(row: 2, column: 0),
///                             goal: .init(row: 0, column: 3), walls: [.init(row: 1, column: 1)])
/// try custom.validate()
/// ```
public struct DynaMazeLayout: Sendable, Equatable {
    /// One cell of the grid.
    public struct Cell: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The row, 0 at the top.
        public var row: Int
        /// The column, 0 at the left.
        public var column: Int

        /// The cell at `row`, `column`.
        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }

        public var description: String { "(\(row), \(column))" }
    }

    /// The number of rows.
    public var rows: Int
    /// The number of columns.
    public var columns: Int
    /// Where every episode starts.
    public var start: Cell
    /// The goal: reaching it pays 1 and ends the episode.
    public var goal: Cell
    /// The walls in effect before the change (for ever, when `changedWalls` is `nil`).
    public var walls: Set<Cell>
    /// The walls that replace `walls` once `wallChangeStep` steps have been taken, counted over
    /// all episodes; `nil` for a maze that never changes.
    public var changedWalls: Set<Cell>?
    /// The number of steps (over all episodes) after which `changedWalls` take effect: steps
    /// `1...wallChangeStep` see `walls`, later steps see `changedWalls`.
    public var wallChangeStep: Int

    /// A layout; call `validate()` (or build a `DynaMaze`, which does) before use.
    public init(rows: Int, columns: Int, start: Cell, goal: Cell, walls: Set<Cell>,
                changedWalls: Set<Cell>? = nil, wallChangeStep: Int = 0) {
        self.rows = rows
        self.columns = columns
        self.start = start
        self.goal = goal
        self.walls = walls
        self.changedWalls = changedWalls
        self.wallChangeStep = wallChangeStep
    }

    /// The maze of Sutton and Barto's Example 8.1 (Figure 8.2): 6 x 9, start at (2, 0), goal at
    /// (0, 8), walls at (1, 2), (2, 2), (3, 2), (4, 5), (0, 7), (1, 7), (2, 7). The shortest path
    /// takes 14 steps.
    public static let dynaMaze = DynaMazeLayout(
        rows: 6, columns: 9,
        start: Cell(row: 2, column: 0), goal: Cell(row: 0, column: 8),
        walls: [Cell(row: 1, column: 2), Cell(row: 2, column: 2), Cell(row: 3, column: 2),
                Cell(row: 4, column: 5), Cell(row: 0, column: 7), Cell(row: 1, column: 7),
                Cell(row: 2, column: 7)])

    /// The blocking maze of Example 8.2 (Figure 8.4): 6 x 9, start at (5, 3), goal at (0, 8). A
    /// wall fills row 3 from column 0 to 7 (the way round is on the right); after
    /// `wallChangeStep` steps (the book's 1,000) it moves to columns 1 to 8, blocking that path
    /// and opening a longer one on the left.
    public static func blocking(wallChangeStep: Int = 1000) -> DynaMazeLayout {
        DynaMazeLayout(
            rows: 6, columns: 9,
            start: Cell(row: 5, column: 3), goal: Cell(row: 0, column: 8),
            walls: Set((0...7).map { Cell(row: 3, column: $0) }),
            changedWalls: Set((1...8).map { Cell(row: 3, column: $0) }),
            wallChangeStep: wallChangeStep)
    }

    /// The shortcut maze of Example 8.3 (Figure 8.5): 6 x 9, start at (5, 3), goal at (0, 8). A
    /// wall fills row 3 from column 1 to 8 (the way round is on the left); after
    /// `wallChangeStep` steps (the book's 3,000) column 8 opens, a shorter path on the right.
    public static func shortcut(wallChangeStep: Int = 3000) -> DynaMazeLayout {
        DynaMazeLayout(
            rows: 6, columns: 9,
            start: Cell(row: 5, column: 3), goal: Cell(row: 0, column: 8),
            walls: Set((1...8).map { Cell(row: 3, column: $0) }),
            changedWalls: Set((1...7).map { Cell(row: 3, column: $0) }),
            wallChangeStep: wallChangeStep)
    }

    /// The number of cells, `rows * columns` (the size of the discrete observation space).
    public var cellCount: Int { rows * columns }

    /// Whether `cell` lies on the grid.
    public func contains(_ cell: Cell) -> Bool {
        cell.row >= 0 && cell.row < rows && cell.column >= 0 && cell.column < columns
    }

    /// The walls in effect for the step that follows `totalSteps` earlier steps.
    public func wallsInEffect(afterSteps totalSteps: Int) -> Set<Cell> {
        if let changedWalls, totalSteps >= wallChangeStep { return changedWalls }
        return walls
    }

    /// Throws an `MBRLError.invalidArgument` naming the first problem: a non-positive size, a
    /// start, goal or wall off the grid, a start or goal inside a wall, the start on the goal, or
    /// a negative `wallChangeStep`.
    public func validate() throws {
        guard rows > 0, columns > 0 else {
            throw MBRLError.invalidArgument("a maze needs at least one row and one column, got \(rows) x \(columns)")
        }
        for (name, cell) in [("start", start), ("goal", goal)] {
            guard contains(cell) else {
                throw MBRLError.invalidArgument("the maze \(name) \(cell) lies outside the \(rows) x \(columns) grid")
            }
        }
        guard start != goal else {
            throw MBRLError.invalidArgument("the maze start and goal are the same cell \(start)")
        }
        for (name, wallSet) in [("walls", walls), ("changedWalls", changedWalls ?? [])] {
            if let outside = wallSet.first(where: { !contains($0) }) {
                throw MBRLError.invalidArgument("\(name) holds \(outside), outside the \(rows) x \(columns) grid")
            }
            for (cellName, cell) in [("start", start), ("goal", goal)] where wallSet.contains(cell) {
                throw MBRLError.invalidArgument("\(name) covers the \(cellName) \(cell); start and goal must stay open")
            }
        }
        guard wallChangeStep >= 0 else {
            throw MBRLError.invalidArgument("wallChangeStep must be 0 or more, got \(wallChangeStep)")
        }
    }
}
