/// Turns SDP text into a `SessionDescription`, checking each line it understands.
enum SDPParser {
    /// Letters that belong to the session level only (RFC 8866 §5).
    private static let sessionOnly: Set<Character> = ["v", "o", "s", "u", "e", "p", "t", "r", "z"]

    static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        // "\r\n" is one Character in Swift: split on any newline character.
        let raw = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var numbered: [(number: Int, text: Substring)] = []
        for (index, line) in raw.enumerated() where !line.isEmpty {
            numbered.append((index + 1, line))
        }

        func required(_ position: Int, _ type: Character, _ expected: String) throws(SDPError) -> Substring {
            guard position < numbered.count else {
                throw SDPError.unexpectedEnd(line: position == 0 ? 1 : numbered[position - 1].number + 1,
                                             expected: expected)
            }
            let (number, line) = numbered[position]
            guard line.first == type, line.dropFirst().first == "=" else {
                throw SDPError.syntax(line: number, text: String(line), expected: expected,
                                      found: String(line.prefix(2)))
            }
            return line.dropFirst(2)
        }

        let version = try required(0, "v", "'v=0'")
        guard version == "0" else {
            throw SDPError.syntax(line: numbered[0].number, text: String(numbered[0].text),
                                  expected: "version 0", found: String(version))
        }
        let originText = try required(1, "o", "an 'o=' line")
        let origin: Origin
        do { origin = try Origin(parsing: originText) } catch { throw wrap(error, numbered[1]) }
        let sessionName = try required(2, "s", "an 's=' line")

        var session = SessionDescription(origin: origin, sessionName: String(sessionName))
        for (number, line) in numbered.dropFirst(3) {
            guard let type = line.first, type.isASCII, type.isLetter, line.dropFirst().first == "=" else {
                throw SDPError.syntax(line: number, text: String(line), expected: "'<type>=<value>'",
                                      found: String(line.prefix(2)))
            }
            let value = line.dropFirst(2)
            do {
                if type == "m" {
                    session.media.append(try MediaDescription(parsingMediaLine: value, lineNumber: number))
                    continue
                }
                let parsed = try parseLine(type, value, inMedia: !session.media.isEmpty)
                if session.media.isEmpty {
                    session.lines.append(parsed)
                } else {
                    session.media[session.media.count - 1].lines.append(parsed)
                }
            } catch {
                throw wrap(error, (number, line))
            }
        }
        return session
    }

    private static func wrap(_ error: FieldError, _ line: (number: Int, text: Substring)) -> SDPError {
        .syntax(line: line.number, text: String(line.text), expected: error.expected, found: error.found)
    }

    private static func parseLine(_ type: Character, _ value: Substring, inMedia: Bool) throws(FieldError) -> SDPLine {
        if inMedia, sessionOnly.contains(type) {
            throw FieldError("a media-level line (i=, c=, b=, k=, a=) after 'm='", found: "\(type)=")
        }
        switch type {
        case "v", "o", "s":
            throw FieldError("a single '\(type)=' line at the start", found: "\(type)=")
        case "c": _ = try Connection(parsing: value)
        case "b": _ = try Bandwidth(parsing: value)
        case "t": _ = try Timing(parsing: value)
        case "a":
            let attribute = SDPAttribute(text: value)
            try validate(attribute)
            return .attribute(attribute)
        default: break
        }
        return .field(type: type, value: String(value))
    }

    /// Checks the syntax of the attributes we give typed access to; others pass untouched.
    private static func validate(_ attribute: SDPAttribute) throws(FieldError) {
        let value = attribute.value?[...] ?? ""
        switch attribute.name.trimmingSpaces.lowercased() {
        case "": throw FieldError("an attribute name after 'a='", found: "")
        case "rtpmap": _ = try RTPMap(parsing: value)
        case "fmtp": _ = try FormatParameters(parsing: value)
        case "rtcp-fb": _ = try RTCPFeedback(parsing: value)
        case "extmap": _ = try ExtMap(parsing: value)
        case "ssrc": _ = try SSRCAttribute(parsing: value)
        case "candidate": _ = try Candidate(parsing: value)
        case "fingerprint": _ = try Fingerprint(parsing: value)
        case "group": _ = try MediaGroup(parsing: value)
        case "setup":
            guard SetupRole(rawValue: String(value.trimmingSpaces)) != nil else {
                throw FieldError("a setup role (actpass, active, passive, holdconn)", found: value.trimmingSpaces)
            }
        case "ptime", "maxptime":
            let _: UInt32 = try Numbers.parse(value.trimmingSpaces, expected: "a packet time in milliseconds")
        case "mid", "ice-ufrag", "ice-pwd":
            guard !value.trimmingSpaces.isEmpty else {
                throw FieldError("a value after 'a=\(attribute.name):'", found: "")
            }
        default: break
        }
    }
}
