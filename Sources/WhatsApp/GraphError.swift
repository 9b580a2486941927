/// The Graph API's error envelope: `{"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}`.
public struct GraphAPIErrorDetail: Equatable, Sendable, Decodable {
    public var message: String?
    public var type: String?
    public var code: Int?
    public var errorSubcode: Int?
    public var details: String?
    public var fbtraceID: String?

    public init(message: String? = nil, type: String? = nil, code: Int? = nil, errorSubcode: Int? = nil,
                details: String? = nil, fbtraceID: String? = nil) {
        self.message = message
        self.type = type
        self.code = code
        self.errorSubcode = errorSubcode
        self.details = details
        self.fbtraceID = fbtraceID
    }

    struct Envelope: Decodable { let error: GraphAPIErrorDetail }
    struct ErrorData: Decodable { let details: String? }

    enum CodingKeys: String, CodingKey {
        case message, type, code
        case errorSubcode = "error_subcode"
        case errorData = "error_data"
        case fbtraceID = "fbtrace_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = try? c.decodeIfPresent(String.self, forKey: .message)
        type = try? c.decodeIfPresent(String.self, forKey: .type)
        code = try? c.decodeIfPresent(Int.self, forKey: .code)
        errorSubcode = try? c.decodeIfPresent(Int.self, forKey: .errorSubcode)
        details = (try? c.decodeIfPresent(ErrorData.self, forKey: .errorData))??.details
        fbtraceID = try? c.decodeIfPresent(String.self, forKey: .fbtraceID)
    }
}

/// A failed Graph API request.
public indirect enum GraphError: Error, Equatable, CustomStringConvertible {
    /// The API answered with its error envelope.
    case api(action: String, httpStatus: Int, detail: GraphAPIErrorDetail)
    /// A non-2xx answer without the envelope.
    case http(action: String, httpStatus: Int, body: String)
    /// The request did not complete (connection refused, reset, TLS...).
    case transport(action: String, reason: String)
    /// No answer within the request timeout.
    case timeout(action: String)
    /// A 2xx answer we could not understand.
    case invalidResponse(action: String, reason: String)
    /// Retrying stopped (attempts used up or the deadline would pass); `last` is the final failure.
    case gaveUp(action: String, attempts: Int, last: GraphError)

    /// 429, 5xx and timeouts/transport failures are worth retrying; other 4xx are not.
    public var isRetryable: Bool {
        switch self {
        case let .api(_, status, _), let .http(_, status, _): return status == 429 || status >= 500
        case .transport, .timeout: return true
        case .invalidResponse, .gaveUp: return false
        }
    }

    /// The Graph error code, when the API sent one.
    public var code: Int? {
        switch self {
        case let .api(_, _, d): return d.code
        case let .gaveUp(_, _, last): return last.code
        default: return nil
        }
    }

    public var fbtraceID: String? {
        switch self {
        case let .api(_, _, d): return d.fbtraceID
        case let .gaveUp(_, _, last): return last.fbtraceID
        default: return nil
        }
    }

    public var httpStatus: Int? {
        switch self {
        case let .api(_, s, _), let .http(_, s, _): return s
        case let .gaveUp(_, _, last): return last.httpStatus
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case let .api(action, status, d):
            var s = "graph \(action) failed with HTTP \(status)"
            if let code = d.code { s += ", code \(code)" }
            if let type = d.type { s += " (\(type))" }
            if let m = d.message { s += ": \(m)" }
            if let details = d.details { s += "; details: \(details)" }
            if let trace = d.fbtraceID { s += " [fbtrace_id \(trace)]" }
            return s
        case let .http(action, status, body):
            return "graph \(action) failed with HTTP \(status): \(body.prefix(200))"
        case let .transport(action, reason):
            return "graph \(action) request failed: \(reason)"
        case let .timeout(action):
            return "graph \(action) request timed out"
        case let .invalidResponse(action, reason):
            return "graph \(action) returned an unreadable response: \(reason)"
        case let .gaveUp(action, attempts, last):
            return "graph \(action) gave up after \(attempts) attempt(s): \(last)"
        }
    }
}
