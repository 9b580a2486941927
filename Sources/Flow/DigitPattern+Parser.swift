extension DigitPattern {
    /// Recursive descent over the pattern's scalars: alternation, then sequences, then quantified atoms.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0
        var depth = 0

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        mutating func parse() throws(DigitPatternError) -> Node {
            if peek == "^" { i += 1 }
            let node = try choice()
            if i < scalars.count {
                // Only an unmatched `)` stops a choice before the end.
                throw .unbalanced("an unmatched ')'", at: i)
            }
            return node
        }

        var peek: Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }

        mutating func choice() throws(DigitPatternError) -> Node {
            var branches = [try sequence()]
            while peek == "|" {
                i += 1
                branches.append(try sequence())
            }
            return branches.count == 1 ? branches[0] : .choice(branches)
        }

        mutating func sequence() throws(DigitPatternError) -> Node {
            var items: [Node] = []
            while let c = peek, c != "|", c != ")" {
                if c == "$" {
                    guard i == scalars.count - 1 else { throw .unsupported("'$' before the end", at: i) }
                    i += 1
                    break
                }
                items.append(try quantified(try atom()))
            }
            return .sequence(items)
        }

        mutating func atom() throws(DigitPatternError) -> Node {
            let start = i
            let c = scalars[i]
            i += 1
            switch c {
            case "(":
                if peek == "?" {
                    guard i + 1 < scalars.count, scalars[i + 1] == ":" else {
                        throw .unsupported("a group of the form '(?'", at: start)
                    }
                    i += 2
                }
                depth += 1
                guard depth <= 32 else { throw .unsupported("nesting deeper than 32 groups", at: start) }
                let inner = try choice()
                guard peek == ")" else { throw .unbalanced("a '(' without its ')'", at: start) }
                i += 1
                depth -= 1
                return inner
            case "[": return .set(try bracket(start: start))
            case ".": return .set(.any)
            case "\\": return .set(try escape(start: start))
            case "*", "+", "?", "{": throw .unsupported("a quantifier '\(c)' with nothing before it", at: start)
            case "^": throw .unsupported("'^' after the start", at: start)
            default: return .set(try literal(c, at: start))
            }
        }

        mutating func quantified(_ node: Node) throws(DigitPatternError) -> Node {
            guard let c = peek, c == "*" || c == "+" || c == "?" || c == "{" else { return node }
            let start = i
            i += 1
            let bounds: (Int, Int?)
            switch c {
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "?": bounds = (0, 1)
            default: bounds = try counts(start: start)
            }
            // A lazy `?` after a quantifier: only whole matches count, so it changes nothing.
            if peek == "?" { i += 1 }
            if peek == "+" { throw .unsupported("a possessive quantifier", at: i) }
            if let next = peek, next == "*" || next == "?" || next == "{" {
                throw .unsupported("a second quantifier on one item (put the first in a group)", at: i)
            }
            return .repeated(node, min: bounds.0, max: bounds.1)
        }

        /// `{n}`, `{n,}` or `{n,m}`, each count 0…64.
        mutating func counts(start: Int) throws(DigitPatternError) -> (Int, Int?) {
            func number() -> Int? {
                var digits = ""
                while let c = peek, ("0"..."9").contains(c), digits.count < 3 {
                    digits.unicodeScalars.append(c)
                    i += 1
                }
                return Int(digits)
            }
            guard let low = number() else { throw .count("'{' must start a count such as {4} or {4,8}", at: start) }
            var high: Int? = low
            if peek == "," {
                i += 1
                high = peek == "}" ? nil : number()
                if high == nil && peek != "}" { throw .count("'{\(low),' must be followed by a number or '}'", at: start) }
            }
            guard peek == "}" else { throw .count("a count is not closed with '}'", at: start) }
            i += 1
            guard low <= DigitPattern.maxCount, (high ?? low) <= DigitPattern.maxCount else {
                throw .count("counts above \(DigitPattern.maxCount) (the most keys a gather takes)", at: start)
            }
            if let high, high < low { throw .count("{\(low),\(high)} counts down", at: start) }
            return (low, high)
        }

        mutating func bracket(start: Int) throws(DigitPatternError) -> ByteSet {
            var set = ByteSet()
            let negated = peek == "^"
            if negated { i += 1 }
            var first = true
            while true {
                guard let c = peek else { throw .unbalanced("a '[' without its ']'", at: start) }
                if c == "]" && !first { i += 1; break }
                first = false
                let at = i
                i += 1
                if c == "\\" {
                    set.formUnion(try escape(start: at))
                    continue
                }
                if c == "[" { throw .unsupported("a '[' inside a class", at: at) }
                let low = try byte(c, at: at)
                if peek == "-", i + 1 < scalars.count, scalars[i + 1] != "]" {
                    i += 1
                    let hiAt = i
                    let hiScalar = scalars[i]
                    i += 1
                    guard hiScalar != "\\", hiScalar != "[" else { throw .unsupported("an escape as a range's end", at: hiAt) }
                    let high = try byte(hiScalar, at: hiAt)
                    guard low <= high else { throw .unsupported("a range that counts down", at: at) }
                    set.formUnion(ByteSet(range: low...high))
                } else {
                    set.insert(low)
                }
            }
            return negated ? set.inverted : set
        }

        mutating func escape(start: Int) throws(DigitPatternError) -> ByteSet {
            guard let c = peek else { throw .unsupported("a '\\' at the end", at: start) }
            i += 1
            switch c {
            case "d": return .digits
            case "D": return ByteSet.digits.inverted
            default:
                guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c), c.value >= 0x21 else {
                    throw .unsupported("the escape '\\\(c)'", at: start)
                }
                var set = ByteSet()
                set.insert(UInt8(c.value))
                return set
            }
        }

        func literal(_ c: Unicode.Scalar, at: Int) throws(DigitPatternError) -> ByteSet {
            if c == ")" { throw .unbalanced("an unmatched ')'", at: at) }
            if c == "]" || c == "}" { throw .unsupported("a '\(c)' outside its pair", at: at) }
            var set = ByteSet()
            set.insert(try byte(c, at: at))
            return set
        }

        func byte(_ c: Unicode.Scalar, at: Int) throws(DigitPatternError) -> UInt8 {
            guard c.isASCII, c.value >= 0x20 else { throw .unsupported("the character '\(c.escaped(asASCII: true))'", at: at) }
            return UInt8(c.value)
        }
    }
}
