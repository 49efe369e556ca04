extension ReplayBuffer {
    /// Appends `N` transitions given as matrices in one call, overwriting the oldest when full,
    /// with no per-row `Transition` allocation (MBPO writes about 10^5 imagined rows per epoch).
    ///
    /// The result is the same as appending the rows one by one in order: episode bookkeeping
    /// advances after every row that is `terminated` or `truncated`. Rows from interleaved
    /// imagined trajectories therefore get episode indices that do not follow one trajectory;
    /// k-step window sampling (`sequenceStarts`) is meaningless on such a buffer.
    ///
    /// ```swift
    /// try modelBuffer.append(observations: states, actions: actions, rewards: rewards,   // [N, obs], [N, act], [N]
    ///                        nextObservations: next, terminated: done)                     // [N, obs], [N]
    /// ```
    ///
    /// - Parameters:
    ///   - observations: `[N, obs]`.
    ///   - actions: `[N, act]`.
    ///   - rewards: `[N]`.
    ///   - nextObservations: `[N, obs]`.
    ///   - terminated: `[N]`.
    ///   - truncated: `[N]`, or `nil` for none truncated.
    /// - Throws: `MBRLError.shapeMismatch` when a size disagrees, `MBRLError.nonFinite` naming
    ///   the first row holding NaN or Inf; nothing is stored when it throws.
    public mutating func append(
        observations: Matrix, actions: Matrix, rewards: [Float], nextObservations: Matrix,
        terminated: [Bool], truncated: [Bool]? = nil
    ) throws {
        let rows = rewards.count
        guard observations.columns == observationSize, nextObservations.columns == observationSize else {
            throw MBRLError.shapeMismatch(
                "the buffer stores observations of \(observationSize) entries, got \(observations.shapeText) and \(nextObservations.shapeText) matrices")
        }
        guard actions.columns == actionSize else {
            throw MBRLError.shapeMismatch("the buffer stores actions of \(actionSize) entries, got a \(actions.shapeText) matrix")
        }
        guard observations.rows == rows, actions.rows == rows, nextObservations.rows == rows, terminated.count == rows,
              truncated.map({ $0.count == rows }) ?? true else {
            throw MBRLError.shapeMismatch(
                "batched append needs the same row count everywhere: observations \(observations.shapeText), actions \(actions.shapeText), \(rows) rewards, next observations \(nextObservations.shapeText), \(terminated.count) terminated flags\(truncated.map { ", \($0.count) truncated flags" } ?? "")")
        }
        try Self.requireFinite(observations, name: "observations", width: observationSize, firstIndex: totalAppended)
        try Self.requireFinite(nextObservations, name: "next observations", width: observationSize, firstIndex: totalAppended)
        try Self.requireFinite(actions, name: "actions", width: actionSize, firstIndex: totalAppended)
        if let bad = rewards.firstIndex(where: { !$0.isFinite }) {
            throw MBRLError.nonFinite("the reward of row \(bad) (transition \(totalAppended + bad)) is \(rewards[bad]); nothing was stored")
        }
        guard rows > 0 else { return }

        // Episode index of every row, as one-by-one appends would give.
        var episodes = [Int](repeating: 0, count: rows)
        var episode = currentEpisode
        for row in 0..<rows {
            episodes[row] = episode
            if terminated[row] || (truncated?[row] ?? false) { episode += 1 }
        }

        // Rows that fill free space are appended; the rest overwrite the oldest slots.
        let fill = min(capacity - count, rows)
        if fill > 0 {
            observations.withUnsafeBufferPointer { self.observations.append(contentsOf: $0.prefix(fill * observationSize)) }
            actions.withUnsafeBufferPointer { self.actions.append(contentsOf: $0.prefix(fill * actionSize)) }
            nextObservations.withUnsafeBufferPointer { self.nextObservations.append(contentsOf: $0.prefix(fill * observationSize)) }
            self.rewards.append(contentsOf: rewards[0..<fill])
            terminatedFlags.append(contentsOf: terminated[0..<fill])
            truncatedFlags.append(contentsOf: truncated.map { Array($0[0..<fill]) } ?? Array(repeating: false, count: fill))
            episodeIndices.append(contentsOf: episodes[0..<fill])
            count += fill
            head = (head + fill) % capacity
        }
        let remaining = rows - fill
        if remaining > 0 {
            // Only the last `capacity` rows survive; earlier ones would be overwritten at once.
            let skipped = max(0, remaining - capacity)
            head = (head + skipped) % capacity
            for row in (fill + skipped)..<rows {
                let slot = head
                Self.copyRow(row, of: observations, width: observationSize, into: &self.observations, slot: slot)
                Self.copyRow(row, of: nextObservations, width: observationSize, into: &self.nextObservations, slot: slot)
                Self.copyRow(row, of: actions, width: actionSize, into: &self.actions, slot: slot)
                self.rewards[slot] = rewards[row]
                terminatedFlags[slot] = terminated[row]
                truncatedFlags[slot] = truncated?[row] ?? false
                episodeIndices[slot] = episodes[row]
                head = (head + 1) % capacity
            }
        }
        totalAppended += rows
        currentEpisode = episode
    }

    /// Appends every row of `batch` (see `append(observations:actions:rewards:nextObservations:terminated:truncated:)`).
    public mutating func append(_ batch: TransitionBatch) throws {
        try append(observations: batch.observations, actions: batch.actions, rewards: batch.rewards,
                   nextObservations: batch.nextObservations, terminated: batch.terminated, truncated: batch.truncated)
    }

    /// Throws `nonFinite` naming the first row of `matrix` holding NaN or Inf.
    private static func requireFinite(_ matrix: Matrix, name: String, width: Int, firstIndex: Int) throws {
        let bad: Int? = matrix.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite { return index }
            return nil
        }
        if let bad, width > 0 {
            throw MBRLError.nonFinite("the \(name) of row \(bad / width) (transition \(firstIndex + bad / width)) hold NaN or Inf; nothing was stored")
        }
    }

    /// Copies row `row` of `source` over slot `slot` of `storage` (rows of `width`).
    @inline(__always)
    private static func copyRow(_ row: Int, of source: Matrix, width: Int, into storage: inout [Float], slot: Int) {
        guard width > 0 else { return }
        source.withUnsafeBufferPointer { from in
            storage.withUnsafeMutableBufferPointer { to in
                (to.baseAddress! + slot * width).update(from: from.baseAddress! + row * width, count: width)
            }
        }
    }
}
