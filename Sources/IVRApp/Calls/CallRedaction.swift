import Flow
import Foundation

/// The one place that decides what of a call may leave it: timeline events, log lines, the inputs
/// and variables of the outcome, HTTP call-outs as recorded. A flow's `redact:` variables never
/// leave: neither their values, nor the keys or words that make them up while they are being
/// entered, nor URLs and bodies rendered from them.
struct CallRedaction {
    static let mask = "***"
    let names: Set<String>

    init(flow: Flow) {
        names = Set(flow.redact)
    }

    /// Whether what the caller enters now goes into a redacted variable.
    func isSecretInput(_ engine: FlowEngine) -> Bool {
        engine.currentInputVariable.map(names.contains) ?? false
    }

    /// A key or keyword as it may be recorded and logged.
    func input(_ text: String, engine: FlowEngine) -> String {
        isSecretInput(engine) ? Self.mask : text
    }

    /// A step's exit as it may be recorded. The key, word or digits that left a step whose input goes
    /// into a `redact:` variable (a gather, a menu with `into:`, a barge-in play typed ahead into one)
    /// are masked, and so is every redacted value the exit's text carries (an http error can quote the
    /// rendered URL).
    func exit(_ exit: PathExit, atStep step: String, engine: FlowEngine) -> String {
        var shown = exit
        if engine.inputVariable(atStep: step).map(names.contains) ?? false {
            switch exit {
            case .key: shown = .key(Self.mask)
            case .keyword: shown = .keyword(Self.mask)
            case .confirmed: shown = .confirmed(Self.mask)
            case .digits: shown = .digits(Self.mask)
            default: break
            }
        }
        return text(shown.description, engine: engine)
    }

    /// Text rendered from the flow's variables (a URL, a body) with every redacted value masked,
    /// as written and as percent-encoded.
    func text(_ text: String, engine: FlowEngine) -> String {
        var out = text
        for name in names {
            guard let value = engine.variables[name]?.description, !value.isEmpty else { continue }
            out = out.replacingOccurrences(of: value, with: Self.mask)
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != value {
                out = out.replacingOccurrences(of: encoded, with: Self.mask)
            }
        }
        return out
    }

    /// The variables as stored: redacted names masked.
    func variables(_ engine: FlowEngine) -> [String: String] {
        engine.flow.redacted(engine.variables).mapValues(\.quoted)
    }
}

extension CallRedaction {
    /// Stored variables as they may be shown (console, `/v1`): already masked when the call was
    /// finalized; the names the flow lists under `redact:` now are masked again, so a value stored
    /// before a name was added to `redact:` is not shown either.
    static func stored(_ variables: [String: String], flow: Flow?) -> [String: String] {
        guard let flow else { return variables }
        let names = Set(flow.redact)
        return Dictionary(uniqueKeysWithValues: variables.map { key, value in
            (key, names.contains(key) ? mask : value)
        })
    }
}
