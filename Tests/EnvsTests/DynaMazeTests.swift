import Envs
import MBRLCore
import Testing

/// Shortest number of moves from `start` to the goal under the walls in effect after `steps` steps
/// (breadth-first search through `DynaMaze.destination`), or nil when the goal is unreachable.
private func shortestPathLength(_ maze: DynaMaze, from start: DynaMazeLayout.Cell, afterSteps steps: Int) -> Int? {
    var distance = [start: 0]
    var frontier = [start]
    while !frontier.isEmpty {
        var next: [DynaMazeLayout.Cell] = []
        for cell in frontier {
            if cell == maze.layout.goal { return distance[cell] }
            for action in DynaMaze.Action.allCases {
                let target = maze.destination(from: cell, action: action, afterSteps: steps)
                if distance[target] == nil {
                    distance[target] = distance[cell]! + 1
                    next.append(target)
                }
            }
        }
        frontier = next
    }
    return nil
}

private func action(_ move: DynaMaze.Action) -> [Float] { [Float(move.rawValue)] }

@Suite struct DynaMazeTests {
    @Test func bookLayoutMatchesExample81() throws {
        var maze = DynaMaze()
        #expect(maze.id == "DynaMaze-v0")
        #expect(maze.observationSpace == .discrete(Discrete(count: 54)))
        #expect(maze.actionSpace == .discrete(Discrete(count: 4)))
        #expect(try maze.reset(seed: 0) == [18])  // row 2, column 0
        #expect(maze.row == 2 && maze.column == 0)
        let expectedWalls: Set<DynaMazeLayout.Cell> = [
            .init(row: 1, column: 2), .init(row: 2, column: 2), .init(row: 3, column: 2), .init(row: 4, column: 5),
            .init(row: 0, column: 7), .init(row: 1, column: 7), .init(row: 2, column: 7)]
        #expect(maze.currentWalls == expectedWalls)
        #expect(maze.stateIndex(of: maze.layout.goal) == 8)
        #expect(maze.cell(ofStateIndex: 8) == DynaMazeLayout.Cell(row: 0, column: 8))
        // The book: the shortest path from S to G takes 14 steps.
        #expect(shortestPathLength(maze, from: maze.layout.start, afterSteps: 0) == 14)
    }

    @Test func wallsAndBordersLeaveTheAgentInPlace() throws {
        var maze = DynaMaze()
        _ = try maze.reset(seed: nil)
        var step = try maze.step(action(.left))  // off the grid
        #expect(step.observation == [18] && step.reward == 0 && !step.terminated)
        step = try maze.step(action(.right))     // (2, 1)
        #expect(step.observation == [19])
        step = try maze.step(action(.right))     // (2, 2) is a wall
        #expect(step.observation == [19])
        #expect(maze.totalSteps == 3)
    }

    @Test func followingAShortestPathPaysOneAtTheGoal() throws {
        var maze = DynaMaze()
        _ = try maze.reset(seed: 7)
        // Greedy descent on the breadth-first distance reaches G in 14 steps.
        var rewards: [Float] = []
        var terminated = false
        while !terminated {
            let here = maze.position
            let remaining = shortestPathLength(maze, from: here, afterSteps: maze.totalSteps)!
            let move = DynaMaze.Action.allCases.first { candidate in
                let target = maze.destination(from: here, action: candidate, afterSteps: maze.totalSteps)
                return shortestPathLength(maze, from: target, afterSteps: maze.totalSteps) == remaining - 1
            }!
            let step = try maze.step(action(move))
            rewards.append(step.reward)
            terminated = step.terminated
            #expect(!step.truncated)
        }
        #expect(rewards.count == 14)
        #expect(rewards.last == 1 && rewards.dropLast().allSatisfy { $0 == 0 })
        #expect(maze.position == maze.layout.goal)
        #expect(try maze.reset(seed: nil) == [18])
    }

    @Test func invalidActionsThrow() throws {
        var maze = DynaMaze()
        _ = try maze.reset(seed: 0)
        for bad: [Float] in [[4], [-1], [0.5], [.nan], [.infinity], [1e30], [], [0, 1]] {
            #expect(throws: MBRLError.self) { try maze.step(bad) }
        }
        #expect(maze.totalSteps == 0)
    }

    @Test func blockingMazeWallMovesAfterConfiguredStepsAndPersistsThroughResets() throws {
        var maze = try DynaMaze(layout: .blocking(wallChangeStep: 5), id: "BlockingMaze-v0")
        #expect(try maze.reset(seed: 0) == [Float(5 * 9 + 3)])
        // Before the change the way round is on the right (through (3, 8)); the book's shortest path is 10.
        #expect(shortestPathLength(maze, from: maze.layout.start, afterSteps: 0) == 10)
        #expect(!maze.currentWalls.contains(.init(row: 3, column: 8)))
        for _ in 0..<4 { _ = try maze.step(action(.down)) }
        _ = try maze.reset(seed: nil)
        #expect(maze.totalSteps == 4)
        #expect(!maze.currentWalls.contains(.init(row: 3, column: 8)))
        _ = try maze.step(action(.down))
        #expect(maze.totalSteps == 5)
        _ = try maze.reset(seed: 0)
        #expect(maze.currentWalls.contains(.init(row: 3, column: 8)))
        #expect(!maze.currentWalls.contains(.init(row: 3, column: 0)))
        #expect(shortestPathLength(maze, from: maze.layout.start, afterSteps: maze.totalSteps) == 16)
        // Stepping up from (4, 8) now hits the wall.
        try maze.setPhysicalState([4, 8, Double(maze.totalSteps)])
        #expect(try maze.step(action(.up)).observation == [Float(4 * 9 + 8)])
        try maze.setPhysicalState([4, 8, 0])
        #expect(try maze.step(action(.up)).observation == [Float(3 * 9 + 8)])
    }

    @Test func shortcutMazeOpensAfterTheChange() throws {
        let maze = try DynaMaze(layout: .shortcut(), id: "ShortcutMaze-v0")
        #expect(maze.layout.wallChangeStep == 3000)
        #expect(shortestPathLength(maze, from: maze.layout.start, afterSteps: 2999) == 16)
        #expect(shortestPathLength(maze, from: maze.layout.start, afterSteps: 3000) == 10)
        #expect(DynaMazeLayout.blocking().wallChangeStep == 1000)
    }

    @Test func physicalStateRoundTripsAndRejectsImpossibleStates() throws {
        var maze = try DynaMaze(layout: .blocking(wallChangeStep: 2))
        try maze.setPhysicalState([0, 1, 1])
        #expect(maze.physicalState == [0, 1, 1])
        #expect(maze.stateIndex == 1)
        var copy = try maze.clone()
        _ = try copy.step(action(.down))
        #expect(maze.physicalState == [0, 1, 1])
        #expect(copy.physicalState == [1, 1, 2])
        for bad: [Double] in [[0, 1], [0, 9, 0], [-1, 0, 0], [0.5, 0, 0], [0, 0, -1], [.nan, 0, 0], [3, 0, 0]] {
            #expect(throws: MBRLError.self) { try maze.setPhysicalState(bad) }
        }
        // (3, 8) is a wall only after the change: an agent can be caught there, (3, 4) never.
        try maze.setPhysicalState([3, 8, 5])
        #expect(throws: MBRLError.self) { try maze.setPhysicalState([3, 4, 5]) }
        #expect(throws: MBRLError.self) { try maze.setPhysicalState([3, 0, 0]) }
        try maze.setPhysicalState([3, 0, 5])
    }

    @Test func invalidLayoutsAreRejected() {
        var layout = DynaMazeLayout.dynaMaze
        layout.walls.insert(layout.start)
        #expect(throws: MBRLError.self) { try DynaMaze(layout: layout) }
        layout = .dynaMaze
        layout.goal = .init(row: 6, column: 0)
        #expect(throws: MBRLError.self) { try DynaMaze(layout: layout) }
        #expect(throws: MBRLError.self) { try DynaMaze(layout: .blocking(wallChangeStep: -1)) }
    }

    @Test func rewardAndTerminationFunctionsMatchSteps() throws {
        var maze = DynaMaze()
        var observation = try maze.reset(seed: 0)
        var generator = RandomGenerator(seed: 3)
        var observations = Matrix(rows: 0, columns: 1), actions = Matrix(rows: 0, columns: 1)
        var nextObservations = Matrix(rows: 0, columns: 1)
        var rewards: [Float] = [], terminations: [Bool] = []
        for _ in 0..<2000 {
            let chosen = maze.actionSpace.sample(using: &generator)
            let step = try maze.step(chosen)
            observations.appendRow(observation); actions.appendRow(chosen); nextObservations.appendRow(step.observation)
            rewards.append(step.reward); terminations.append(step.terminated)
            observation = step.isDone ? try maze.reset(seed: nil) : step.observation
        }
        #expect(terminations.contains(true))
        #expect(maze.rewardFunction.rewards(observations: observations, actions: actions, nextObservations: nextObservations) == rewards)
        #expect(maze.terminationFunction.terminations(observations: observations, actions: actions, nextObservations: nextObservations) == terminations)
    }

    @Test func renderShowsAgentGoalAndWalls() throws {
        var maze = DynaMaze()
        _ = try maze.reset(seed: 0)
        // 18 x 9 pixels: each cell is 2 pixels tall and 1 wide.
        let image = maze.renderedImage(width: 9, height: 12)
        func pixel(row: Int, column: Int) -> Float { image[(row * 2) * 9 + column] }
        #expect(pixel(row: 2, column: 0) == DynaMaze.agentBrightness)
        #expect(pixel(row: 0, column: 8) == DynaMaze.goalBrightness)
        #expect(pixel(row: 1, column: 2) == DynaMaze.wallBrightness)
        #expect(pixel(row: 5, column: 5) == DynaMaze.openCellBrightness)
        #expect(image.filter { $0 == DynaMaze.agentBrightness }.count == 2)
        let large = maze.renderedImage()
        #expect(large.count == 1024 && large.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
