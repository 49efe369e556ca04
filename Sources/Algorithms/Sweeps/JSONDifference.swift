import MBRLCore

/// Where two recipes differ, for messages.
struct JSONDifference {
    var path: String
    var old: JSONValue?
    var new: JSONValue?

    func describe(there: String, here: String) -> String {
        "first difference at \(path.isEmpty ? "the top level" : path): \(old?.description ?? "absent") \(there), \(new?.description ?? "absent") \(here)"
    }
}
