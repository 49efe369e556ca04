import Envs
import MBRLCore
import Testing

/// Every built-in environment passes the environment checker without errors.
@Suite struct CatalogCheckerTests {
    @Test(arguments: EnvironmentCatalog.ids)
    func builtInEnvironmentPassesTheChecker(id: String) throws {
        let environment = try EnvironmentCatalog.make(id, seed: 1)
        let errors = EnvironmentChecker.check(environment, seed: 3, steps: 300).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(id): \(errors.map(\.message).joined(separator: "; "))")
    }
}
