/// A `gather` step's `pattern:`: a regular expression the caller's whole entry must match, run in time linear
/// in the entry whatever the pattern. A backtracking engine takes exponential time on patterns such as `(\d+)+`,
/// and the caller chooses the entry: with the call's task stuck in the match, the caller could hang the call.
/// So the pattern is compiled here to a small automaton (Thompson's construction) and run by keeping the set
/// of states (a Pike VM without captures): every state is visited at most once per key.
///
/// The syntax is the common part of regular expressions, over what a keypad sends (`0`–`9`, `*`, `#`,
/// `A`–`D`): literals, `.`, `\d`, `\D`, classes `[0-9#]` and `[^*]`, groups `( )` and `(?: )`, alternation `|`,
/// quantifiers `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (a lazy `?` after one is accepted and changes nothing, as
/// only whole matches count), and `^`/`$` at the ends. Anything else is refused with the reason.
public struct DigitPattern: Sendable, Equatable {
    public let source: String
    private let program: [Instruction]

    /// Counted repetitions are expanded, so their counts and the program's size are bounded.
    public static let maxCount = 64
    static let maxInstructions = 8_192

    public init(_ source: String) throws(DigitPatternError) {
        var parser = Parser(scalars: Array(source.unicodeScalars))
        let node = try parser.parse()
        var program: [Instruction] = []
        try Self.compile(node, into: &program)
        program.append(.match)
        self.source = source
        self.program = program
    }

    /// True when the whole of `entry` matches.
    public func matches(_ entry: String) -> Bool {
        var current = closure(of: [0])
        for scalar in entry.unicodeScalars {
            guard scalar.isASCII else { return false }
            let byte = UInt8(scalar.value)
            var next: [Int] = []
            for pc in current {
                if case let .byte(set) = program[pc], set.contains(byte) { next.append(pc + 1) }
            }
            current = closure(of: next)
            if current.isEmpty { return false }
        }
        return current.contains { program[$0] == .match }
    }

    /// The states reachable from `starts` without reading a key.
    private func closure(of starts: [Int]) -> [Int] {
        var seen = [Bool](repeating: false, count: program.count)
        var out: [Int] = []
        var stack = starts.reversed().map { $0 }
        while let pc = stack.popLast() {
            guard !seen[pc] else { continue }
            seen[pc] = true
            switch program[pc] {
            case let .jump(to): stack.append(to)
            case let .split(a, b):
                stack.append(b)
                stack.append(a)
            case .byte, .match: out.append(pc)
            }
        }
        return out
    }

    // MARK: - The automaton

    enum Instruction: Sendable, Equatable {
        case byte(ByteSet)
        case split(Int, Int)
        case jump(Int)
        case match
    }

    private static func compile(_ node: Node, into p: inout [Instruction]) throws(DigitPatternError) {
        guard p.count < maxInstructions else { throw .tooLarge }
        switch node {
        case let .set(set):
            p.append(.byte(set))
        case let .sequence(nodes):
            for n in nodes { try compile(n, into: &p) }
        case let .choice(nodes):
            // split a, next; a: …; jump end; next: split b, … ; the last branch falls through.
            var jumps: [Int] = []
            for (i, n) in nodes.enumerated() {
                if i < nodes.count - 1 {
                    let split = p.count
                    p.append(.split(split + 1, -1))
                    try compile(n, into: &p)
                    jumps.append(p.count)
                    p.append(.jump(-1))
                    p[split] = .split(split + 1, p.count)
                } else {
                    try compile(n, into: &p)
                }
            }
            for j in jumps { p[j] = .jump(p.count) }
        case let .repeated(n, min, max):
            for _ in 0..<min { try compile(n, into: &p) }
            if let max {
                // Each optional copy: split in, out.
                var exits: [Int] = []
                for _ in min..<max {
                    exits.append(p.count)
                    p.append(.split(p.count + 1, -1))
                    try compile(n, into: &p)
                }
                for e in exits { p[e] = .split(e + 1, p.count) }
            } else {
                let loop = p.count
                p.append(.split(loop + 1, -1))
                try compile(n, into: &p)
                p.append(.jump(loop))
                p[loop] = .split(loop + 1, p.count)
            }
        }
        guard p.count <= maxInstructions else { throw .tooLarge }
    }

    indirect enum Node: Sendable, Equatable {
        case set(ByteSet)
        case sequence([Node])
        case choice([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    /// A set of ASCII bytes.
    struct ByteSet: Sendable, Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        static let any = ByteSet(low: .max, high: .max)
        static let digits = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))

        init(low: UInt64 = 0, high: UInt64 = 0) {
            self.low = low
            self.high = high
        }

        init(range: ClosedRange<UInt8>) {
            for b in range { insert(b) }
        }

        func contains(_ b: UInt8) -> Bool {
            b < 64 ? low & (1 << UInt64(b)) != 0 : b < 128 && high & (1 << UInt64(b - 64)) != 0
        }

        mutating func insert(_ b: UInt8) {
            if b < 64 { low |= 1 << UInt64(b) } else if b < 128 { high |= 1 << UInt64(b - 64) }
        }

        mutating func formUnion(_ other: ByteSet) {
            low |= other.low
            high |= other.high
        }

        var inverted: ByteSet { ByteSet(low: ~low, high: ~high) }
    }
}

/// Why a `pattern:` is refused.
public enum DigitPatternError: Error, Equatable, CustomStringConvertible {
    case unsupported(String, at: Int)
    case unbalanced(String, at: Int)
    case count(String, at: Int)
    case tooLarge

    public var description: String {
        switch self {
        case let .unsupported(what, at): return "\(what) at character \(at + 1) is not supported"
        case let .unbalanced(what, at): return "\(what) at character \(at + 1)"
        case let .count(what, at): return "\(what) at character \(at + 1)"
        case .tooLarge: return "it expands to more than \(DigitPattern.maxInstructions) states (use smaller counts)"
        }
    }
}
