import Foundation

/// Loads a hex fixture: '#' starts a comment, whitespace is ignored.
func loadHexFixture(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    var digits: [UInt8] = []
    for line in text.split(whereSeparator: \.isNewline) {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        digits += code.utf8.filter { !$0.isASCIIWhitespace }
    }
    var out: [UInt8] = []
    var i = 0
    while i + 1 < digits.count {
        guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else {
            throw FixtureError.badHex(name)
        }
        out.append(byte)
        i += 2
    }
    return out
}

enum FixtureError: Error { case badHex(String) }

private extension UInt8 {
    var isASCIIWhitespace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }
}
