import Foundation
import Testing

/// The package root (three levels above this file).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The example packages in `Examples/` are what `scripts/check_downstream_package.sh` (run by CI)
/// builds against a tagged copy of the checkout. These tests keep the README and the script in
/// step with them: the README's program is an example's source word for word, and every example
/// asks for the version the script tags.
struct ExamplePackagesTests {
    func text(_ relativePath: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
    }

    /// The Swift code blocks of `text` after the heading `heading`, up to the next `## ` heading.
    static func swiftBlocks(in text: String, section heading: String) -> [String] {
        guard let start = text.range(of: "\n\(heading)\n") else { return [] }
        var body = text[start.upperBound...]
        if let next = body.range(of: "\n## ") { body = body[..<next.lowerBound] }
        var blocks: [String] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if let lines = current {
                if line == "```" {
                    blocks.append(lines.joined(separator: "\n") + "\n")
                    current = nil
                } else {
                    current = lines + [line]
                }
            } else if line == "```swift" {
                current = []
            }
        }
        return blocks
    }

    @Test func readmeProgramIsTheLoopInCodeExample() throws {
        let readme = try text("README.md")
        let example = try text("Examples/LoopInCode/Sources/loop-in-code/main.swift")
        let blocks = Self.swiftBlocks(in: readme, section: "## Use it from your package")
        let program = blocks.first { $0.hasPrefix("import ") }
        #expect(program != nil, "README: no Swift block starting with 'import' under '## Use it from your package'")
        #expect(program == example, """
            README's program under '## Use it from your package' differs from \
            Examples/LoopInCode/Sources/loop-in-code/main.swift, which CI compiles; copy one to the other
            """)
    }

    @Test func examplesAskForTheVersionTheCheckTags() throws {
        let script = try text("scripts/check_downstream_package.sh")
        let taggedVersion = script.split(separator: "\n").first { $0.hasPrefix("version=") }
            .map { $0.dropFirst("version=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        #expect(taggedVersion != nil, "scripts/check_downstream_package.sh sets no version=")
        let examples = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Examples").path)
            .filter { FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Examples/\($0)/Package.swift").path) }
        #expect(examples.count >= 4, "expected the four example packages in Examples/, found \(examples.sorted())")
        for example in examples {
            let manifest = try text("Examples/\(example)/Package.swift")
            #expect(manifest.contains("from: \"\(taggedVersion ?? "")\""),
                    "Examples/\(example)/Package.swift does not ask for from: \"\(taggedVersion ?? "")\", the version the check tags")
            #expect(manifest.contains("package: \"mbrl\""), "Examples/\(example)/Package.swift names no product of package \"mbrl\"")
        }
    }
}
