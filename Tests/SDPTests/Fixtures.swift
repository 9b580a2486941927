import Foundation
import SDP

/// Loads files from `Tests/SDPTests/Fixtures/` next to this source file.
enum Fixtures {
    static func text(_ name: String) throws -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    static func offer(_ name: String) throws -> SessionDescription {
        try SessionDescription(parsing: try text(name))
    }

    /// The WhatsApp fixture with one line replaced (1-based line number), for error tests.
    static func whatsApp(replacing line: Int, with replacement: String?) throws -> String {
        var lines = try text("whatsapp-offer.sdp").split(separator: "\r\n", omittingEmptySubsequences: false)
            .map(String.init)
        if let replacement { lines[line - 1] = replacement } else { lines.remove(at: line - 1) }
        return lines.joined(separator: "\r\n")
    }

    /// The error thrown by `body`, if it is an `SDPError`.
    static func error<T>(_ body: () throws -> T) -> SDPError? {
        do {
            _ = try body()
            return nil
        } catch let error as SDPError {
            return error
        } catch {
            return nil
        }
    }
}
