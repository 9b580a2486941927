import Foundation

/// Loads hex fixtures from Fixtures/ next to this file: '#' lines are comments, whitespace is ignored.
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let hex = text.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("#") }
            .joined()
            .filter { !$0.isWhitespace }
        return try hexBytes(String(hex))
    }
}

struct BadHex: Error {}

func hexBytes(_ text: String) throws -> [UInt8] {
    let chars = Array(text.filter { !$0.isWhitespace }.utf8)
    guard chars.count % 2 == 0 else { throw BadHex() }
    var out: [UInt8] = []
    var i = 0
    while i < chars.count {
        guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { throw BadHex() }
        out.append(byte)
        i += 2
    }
    return out
}

/// The `description` of the error thrown by `body`, or nil when nothing was thrown.
func errorText<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}
