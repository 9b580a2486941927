/// The DTMF keypad (ITU-T Q.23): each digit is one low-group (row) and one high-group (column) tone.
public enum DTMFTones {
    /// Row (low-group) frequencies in Hz.
    public static let rows: [Double] = [697, 770, 852, 941]
    /// Column (high-group) frequencies in Hz.
    public static let columns: [Double] = [1209, 1336, 1477, 1633]
    /// The keypad, `keypad[row][column]`.
    public static let keypad: [[Character]] = [
        ["1", "2", "3", "A"],
        ["4", "5", "6", "B"],
        ["7", "8", "9", "C"],
        ["*", "0", "#", "D"],
    ]

    /// The (row, column) frequencies of a digit (lower-case a-d accepted); nil for other characters.
    public static func frequencies(of digit: Character) -> (row: Double, column: Double)? {
        let upper = digit.uppercased()
        for (r, line) in keypad.enumerated() {
            if let c = line.firstIndex(where: { String($0) == upper }) { return (rows[r], columns[c]) }
        }
        return nil
    }
}
