import Foundation

/// A campaign's list as CSV: a header `to,<var>,<var>…`, then one user per line. Fields may be quoted
/// ("a, b", with "" for a quote); empty lines are skipped.
public enum CampaignCSV {
    public static func rows(_ text: String) throws(CampaignRequestError) -> [CampaignRequest.Row] {
        var records = try records(text)
        guard !records.isEmpty else { throw .noRows }
        let (headerLine, header) = records.removeFirst()
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard names.first?.lowercased() == "to" else {
            throw .csv(line: headerLine,
                       "the header must start with 'to' (then the flow's variables), got '\(names.joined(separator: ","))'")
        }
        if let empty = names.dropFirst().firstIndex(where: \.isEmpty) {
            throw .csv(line: headerLine, "column \(empty + 1) has no name")
        }
        // A repeated name would keep only its last column's values.
        var seen: [String: Int] = ["to": 1]
        for (i, name) in names.enumerated().dropFirst() {
            if let first = seen[name] {
                throw .csv(line: headerLine, "column \(i + 1) repeats the name '\(name)' of column \(first)")
            }
            seen[name] = i + 1
        }
        return try records.map { (line, fields) throws(CampaignRequestError) in
            guard fields.count == names.count else {
                throw .csv(line: line, "\(fields.count) fields, the header has \(names.count)")
            }
            var vars: [String: String] = [:]
            for (name, value) in zip(names.dropFirst(), fields.dropFirst()) { vars[name] = value }
            return CampaignRequest.Row(to: fields[0].trimmingCharacters(in: .whitespaces), vars: vars)
        }
    }

    /// Lines split into fields, each with its first line number.
    static func records(_ text: String) throws(CampaignRequestError) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        var fields: [String] = [], field = "", quoted = false, afterQuote = false
        var line = 1, start = 1
        var chars = text.unicodeScalars[...]
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
        func endRecord() throws(CampaignRequestError) {
            fields.append(field)
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                // The header and at most `maxRows` users; refused as soon as the list is longer, so a huge
                // body is not turned into records first.
                guard out.count <= CampaignRequest.maxRows else {
                    throw .csv(line: start, "more than \(CampaignRequest.maxRows) rows; split the list into several campaigns")
                }
                out.append((start, fields))
            }
            fields = []
            field = ""
        }
        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if chars.index(after: i) < chars.endIndex, chars[chars.index(after: i)] == "\"" {
                        field.unicodeScalars.append("\"")
                        i = chars.index(after: i)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !afterQuote {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\n" || c == "\r" {
                if c == "\r", chars.index(after: i) < chars.endIndex, chars[chars.index(after: i)] == "\n" {
                    i = chars.index(after: i)
                }
                try endRecord()
                afterQuote = false
                line += 1
                start = line
            } else if afterQuote {
                throw .csv(line: line, "text after a closing quote")
            } else {
                field.unicodeScalars.append(c)
            }
            i = chars.index(after: i)
        }
        if quoted { throw .csv(line: start, "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { try endRecord() }
        return out
    }
}
