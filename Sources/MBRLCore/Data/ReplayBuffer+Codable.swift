/// JSON-friendly coding of the whole buffer (every float as a number): right for small buffers;
/// large ones save compactly with `save(to:)` or `add(to:prefix:)`.
///
/// ```swift
/// let data = try JSONEncoder().encode(buffer)
/// let restored = try JSONDecoder().decode(ReplayBuffer.self, from: data)   // == buffer
/// ```
extension ReplayBuffer: Codable {
    private enum CodingKeys: String, CodingKey {
        case capacity, observationSize, actionSize
        case observations, actions, rewards, nextObservations, terminatedFlags, truncatedFlags, episodeIndices
        case head, count, totalAppended, currentEpisode
    }

    /// Restores a buffer from its encoded storage; throws `fileFormat` when the stored values are
    /// inconsistent (sizes, ring position, episode indices) or not finite.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = try ReplayBuffer.restored(
            capacity: try container.decode(Int.self, forKey: .capacity),
            observationSize: try container.decode(Int.self, forKey: .observationSize),
            actionSize: try container.decode(Int.self, forKey: .actionSize),
            observations: try container.decode([Float].self, forKey: .observations),
            actions: try container.decode([Float].self, forKey: .actions),
            rewards: try container.decode([Float].self, forKey: .rewards),
            nextObservations: try container.decode([Float].self, forKey: .nextObservations),
            terminated: try container.decode([Bool].self, forKey: .terminatedFlags),
            truncated: try container.decode([Bool].self, forKey: .truncatedFlags),
            episodes: try container.decode([Int].self, forKey: .episodeIndices),
            head: try container.decode(Int.self, forKey: .head),
            count: try container.decode(Int.self, forKey: .count),
            totalAppended: try container.decode(Int.self, forKey: .totalAppended),
            currentEpisode: try container.decode(Int.self, forKey: .currentEpisode)
        ).get()
    }

    /// Encodes the statistics (or storage) exactly, so decoding restores an equal value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(observationSize, forKey: .observationSize)
        try container.encode(actionSize, forKey: .actionSize)
        try container.encode(observations, forKey: .observations)
        try container.encode(actions, forKey: .actions)
        try container.encode(rewards, forKey: .rewards)
        try container.encode(nextObservations, forKey: .nextObservations)
        try container.encode(terminatedFlags, forKey: .terminatedFlags)
        try container.encode(truncatedFlags, forKey: .truncatedFlags)
        try container.encode(episodeIndices, forKey: .episodeIndices)
        try container.encode(head, forKey: .head)
        try container.encode(count, forKey: .count)
        try container.encode(totalAppended, forKey: .totalAppended)
        try container.encode(currentEpisode, forKey: .currentEpisode)
    }
}
