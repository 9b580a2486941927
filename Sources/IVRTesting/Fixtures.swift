import Foundation

/// Loads test fixtures from a test target's `Fixtures/` folder, next to the test source file.
public enum Fixtures {
    public static func url(_ name: String, testFile: String = #filePath) -> URL {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures")
            .appendingPathComponent(name)
    }

    public static func data(_ name: String, testFile: String = #filePath) throws -> Data {
        try Data(contentsOf: url(name, testFile: testFile))
    }

    public static func string(_ name: String, testFile: String = #filePath) throws -> String {
        String(decoding: try data(name, testFile: testFile), as: UTF8.self)
    }

    /// The repository's root (the folder holding Package.swift), found from a test file's path.
    public static func repositoryRoot(testFile: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: testFile).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return url
    }

    /// A new empty temporary directory.
    public static func temporaryDirectory(_ prefix: String = "ivr-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Waits until `condition` holds, polling; returns false if it never did within `attempts` polls.
/// For results produced asynchronously (webhook work): it asserts an outcome, never a duration.
public func eventually(attempts: Int = 200, every interval: Duration = .milliseconds(25),
                       _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<attempts {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
