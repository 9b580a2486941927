import Testing
@testable import Flow

/// A gather's `pattern:` is matched by a small automaton, in time linear in the entry: the same answers as a
/// regular expression on the supported syntax, no blow-up on patterns that make a backtracking engine take
/// exponential time, and a precise refusal of anything else.
@Suite struct DigitPatternTests {
    static let patterns = [
        "[0-9]{6}", "9[0-9]*", "[0-9]+", "\\d{2,3}", "(1|2)\\d+", "\\d{2}#?", "(?:12|9)*", "[^*#]+", "\\*\\d+#",
        "^\\d{2}$", "[0-9A-D]{1,3}", "1?2?", "(\\d+)+", "(1|12)(2|)", "\\D\\d{1,}", ".{3}", "[*#]\\d{0,2}", "(1{2}){2}", "1*?2",
    ]

    /// Every entry over a small keypad alphabet up to 4 keys, against Swift's regular expressions.
    @Test(arguments: patterns) func answersAsARegularExpressionDoes(_ source: String) throws {
        let pattern = try DigitPattern(source)
        let regex = try Regex(source)
        var entries = [""]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in "129*#A".map { prefix + String($0) } }
            entries += frontier
        }
        for entry in entries {
            let expected = (try? regex.wholeMatch(in: entry)) != nil
            #expect(pattern.matches(entry) == expected, "'\(source)' on '\(entry)'")
        }
    }

    /// Patterns that take a backtracking engine exponential (or high polynomial) time on an entry that almost
    /// matches: answered here after one pass over the 64 keys.
    @Test func patternsThatExplodeInABacktrackingEngineAnswerAtOnce() throws {
        let almost = String(repeating: "1", count: 63) + "*"
        for source in ["(\\d+)+", "(\\d|1)*", "(\\d*)*", "\\d*\\d*\\d*\\d*\\d*\\d*\\d*\\d*", "((1+)+)+#"] {
            let pattern = try DigitPattern(source)
            #expect(!pattern.matches(almost), "\(source)")
            #expect(pattern.matches(String(repeating: "1", count: 64)) == (source != "((1+)+)+#"), "\(source)")
        }
    }

    @Test func anythingElseIsRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("(?=1)\\d", "a group of the form '(?' at character 1 is not supported"),
            ("\\w+", "the escape '\\w' at character 1 is not supported"),
            ("(1)\\1", "the escape '\\1' at character 4 is not supported"),
            ("\\d{65}", "counts above 64 (the most keys a gather takes) at character 3"),
            ("\\d{5,2}", "{5,2} counts down at character 3"),
            ("{3}", "a quantifier '{' with nothing before it at character 1 is not supported"),
            ("[12", "a '[' without its ']' at character 1"),
            ("(12", "a '(' without its ')' at character 1"),
            ("12)", "an unmatched ')' at character 3"),
            ("1$2", "'$' before the end at character 2 is not supported"),
            ("1++", "a possessive quantifier at character 3 is not supported"),
            ("((\\d{64}){64}){64}", "it expands to more than 8192 states (use smaller counts)"),
            ("é", "the character '\\u{00E9}' at character 1 is not supported"),
            ("1{2}{2}", "a second quantifier on one item (put the first in a group) at character 5 is not supported"),
        ]
        for (source, message) in cases {
            do {
                _ = try DigitPattern(source)
                Issue.record("'\(source)' was accepted")
            } catch {
                #expect(error.description == message, "'\(source)'")
            }
        }
    }
}
