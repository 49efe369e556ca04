/// "Did you mean ...?" for unknown names: recipe keys, component names, environment ids,
/// checkpoint entries.
///
/// ```swift
/// NameSuggestions.closest(to: "particle_count", in: ["particleCount", "propagation"])
/// // ["particleCount"]
/// ```
public enum NameSuggestions {
    /// Up to `limit` candidates nearest to `query`: first those that contain it or that it
    /// contains (ignoring case and punctuation), then those within a small edit distance.
    public static func closest(to query: String, in candidates: [String], limit: Int = 3) -> [String] {
        let key = normalized(query)
        guard !key.isEmpty else { return [] }
        let scored = candidates.map { candidate -> (name: String, score: Int) in
            let normalizedCandidate = normalized(candidate)
            if normalizedCandidate == key { return (candidate, -1) }
            if normalizedCandidate.contains(key) || key.contains(normalizedCandidate) { return (candidate, 0) }
            return (candidate, editDistance(key, normalizedCandidate))
        }
        let threshold = max(2, key.count / 3)
        return scored.filter { $0.score <= threshold }
            .sorted { ($0.score, $0.name) < ($1.score, $1.name) }
            .prefix(limit).map(\.name)
    }

    /// `"; did you mean a or b?"`, or an empty string when nothing is close.
    public static func hint(for query: String, in candidates: [String]) -> String {
        let suggestions = closest(to: query, in: candidates)
        guard !suggestions.isEmpty else { return "" }
        return "; did you mean \(listed(suggestions, conjunction: "or"))?"
    }

    /// `"a, b and c"`-style lists.
    public static func listed(_ items: [String], conjunction: String = "and") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
    }

    /// Lower-cased letters and digits only, so `particle_count` matches `particleCount`.
    static func normalized(_ text: String) -> [Character] {
        text.lowercased().filter { $0.isLetter || $0.isNumber }.map { $0 }
    }

    /// Levenshtein distance.
    public static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for i in 1...lhs.count {
            current[0] = i
            for j in 1...rhs.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (lhs[i - 1] == rhs[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
