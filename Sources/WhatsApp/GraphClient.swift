import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOFoundationCompat
import Wire

/// The Graph API over AsyncHTTPClient: exact bodies, auth per profile, typed errors, and retries
/// (429, 5xx, timeouts) with exponential backoff and jitter, bounded by a deadline.
public struct GraphClient: GraphAPI {
    public let endpoint: GraphEndpoint
    public let retry: RetryPolicy
    public let requestTimeout: Duration
    /// The longest a `Retry-After` answer can make us wait (`graph.max_retry_after_seconds`).
    public let maxRetryAfter: Duration
    private let http: HTTPClient
    private let logger: Logger
    private let metricsFactory: any MetricsFactory
    private let random: @Sendable () -> Double

    public init(http: HTTPClient, endpoint: GraphEndpoint, retry: RetryPolicy = RetryPolicy(),
                requestTimeout: Duration = .seconds(10), maxRetryAfter: Duration = .seconds(30), logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.http = http
        self.endpoint = endpoint
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.maxRetryAfter = maxRetryAfter
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.random = random
    }

    public func perform(_ action: CallAction, phoneNumberID: String, deadline: ContinuousClock.Instant?) async throws {
        var logger = self.logger
        logger[metadataKey: "call_id"] = "\(action.callID)"
        logger[metadataKey: "phone_number_id"] = "\(phoneNumberID)"
        let body = try encode(action.body, action: action.name)
        let data = try await post(action: action.name, url: endpoint.callsURL(phoneNumberID: phoneNumberID),
                                  body: body, deadline: deadline, logger: logger)
        if let response = try? JSONDecoder().decode(CallActionResponse.self, from: Data(data)),
           response.success == false {
            throw GraphError.invalidResponse(action: action.name, reason: "success is false")
        }
    }

    public func send(_ message: OutboundMessage, phoneNumberID: String, deadline: ContinuousClock.Instant?) async throws
        -> String {
        let problems = message.problems
        guard problems.isEmpty else {
            throw GraphError.invalidResponse(action: "messages", reason: "message not sent: " + problems.joined(separator: "; "))
        }
        let body = try encode(message.body, action: "messages")
        let data = try await post(action: "messages", url: endpoint.messagesURL(phoneNumberID: phoneNumberID),
                                  body: body, deadline: deadline, logger: logger)
        guard let decoded = try? JSONDecoder().decode(MessageSendResponse.self, from: Data(data)),
              let id = decoded.messages?.first?.id else {
            throw GraphError.invalidResponse(action: "messages", reason: "no messages[0].id in the response")
        }
        return id
    }

    public func connect(to user: String, sdp: String, bizOpaqueCallbackData: String?, phoneNumberID: String,
                        deadline: ContinuousClock.Instant?) async throws -> String {
        let body = try encode(ConnectBody(to: user, session: .init(sdp: sdp), biz_opaque_callback_data: bizOpaqueCallbackData),
                              action: "connect")
        // Placing a call is not idempotent: sent again after a failure WhatsApp may have acted on, it rings the
        // user twice. Only a 429 or a connection never made is tried again.
        let data = try await post(action: "connect", url: endpoint.callsURL(phoneNumberID: phoneNumberID), body: body,
                                  deadline: deadline, resend: .onlyIfNotReceived, logger: logger)
        guard let decoded = try? JSONDecoder().decode(ConnectResponse.self, from: Data(data)),
              let id = decoded.calls?.first?.id, !id.isEmpty else {
            throw GraphError.invalidResponse(action: "connect", reason: "no calls[0].id in the response")
        }
        return id
    }

    public func callPermissions(user: String, phoneNumberID: String) async throws -> CallPermission {
        let data = try await post(action: "call_permissions", url: endpoint.callPermissionsURL(phoneNumberID: phoneNumberID, user: user),
                                  body: nil, deadline: nil, logger: logger)
        do {
            return try CallPermission.decode(data)
        } catch let error as GraphError {
            throw error
        } catch {
            throw GraphError.invalidResponse(action: "call_permissions", reason: "\(error)")
        }
    }

    private func encode<T: Encodable>(_ value: T, action: String) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw GraphError.invalidResponse(action: action, reason: "cannot encode request body: \(error)")
        }
    }

    /// When a failed request may be sent again.
    enum Resend {
        /// Whenever the failure is retryable (429, 5xx, timeouts, transport): the action is idempotent or
        /// harmless twice (`pre_accept`, `accept`, `reject`, `terminate`, reads).
        case whenRetryable
        /// Only when the API surely did not act on it: a 429, or a connection that was never made. Not after a
        /// 5xx, a timeout waiting for the answer or a connection lost mid-request.
        case onlyIfNotReceived
    }

    /// One logical request: attempts until success, a non-retryable error, the attempt limit, or the deadline.
    /// `body` nil: a GET.
    private func post(action: String, url: String, body: [UInt8]?, deadline: ContinuousClock.Instant?,
                      resend: Resend = .whenRetryable, logger: Logger) async throws -> [UInt8] {
        let clock = ContinuousClock()
        var attempt = 0
        while true {
            attempt += 1
            let started = clock.now
            var timeout = requestTimeout
            if let deadline {
                let left = deadline - started
                if left <= .zero {
                    throw GraphError.gaveUp(action: action, attempts: attempt - 1, last: .timeout(action: action))
                }
                timeout = min(timeout, left)
            }
            let outcome = await once(action: action, url: url, body: body, timeout: timeout)
            Timer(label: "ivr_graph_request_seconds", dimensions: [("action", action)], factory: metricsFactory)
                .recordNanoseconds((clock.now - started).totalNanoseconds)
            switch outcome {
            case let .success(data):
                count(action, "ok")
                logger.debug("graph request succeeded", metadata: ["action": "\(action)", "attempt": "\(attempt)"])
                return data
            case let .failure(error, retryAfter, received):
                count(action, error.metricStatus)
                logger.warning("graph request failed", metadata: [
                    "action": "\(action)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                guard error.isRetryable else { throw error }
                if resend == .onlyIfNotReceived && received {
                    logger.warning("graph request not sent again: the API may have acted on it", metadata: ["action": "\(action)"])
                    throw GraphError.gaveUp(action: action, attempts: attempt, last: error)
                }
                guard attempt < retry.maxAttempts else {
                    throw GraphError.gaveUp(action: action, attempts: attempt, last: error)
                }
                let wait = RetryAfter.wait(backoff: retry.delay(afterAttempt: attempt, random: random()),
                                           retryAfter: retryAfter, cap: maxRetryAfter)
                // Never sleep past the action's deadline: give up now instead.
                if let deadline, clock.now + wait >= deadline {
                    throw GraphError.gaveUp(action: action, attempts: attempt, last: error)
                }
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    throw GraphError.gaveUp(action: action, attempts: attempt, last: .transport(action: action, reason: "cancelled"))
                }
            }
        }
    }

    private enum Outcome {
        case success([UInt8])
        /// `received`: the API may have got the request (and acted on it); false only when it surely did not.
        case failure(GraphError, retryAfter: Duration?, received: Bool = true)
    }

    private func once(action: String, url: String, body: [UInt8]?, timeout: Duration) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = body == nil ? .GET : .POST
        if body != nil { request.headers.add(name: "Content-Type", value: "application/json") }
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: endpoint.authHeaderName, value: endpoint.authHeaderValue)
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(timeout.totalNanoseconds))
            data = try await response.body.collect(upTo: 4 << 20)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
            || error == .connectTimeout {
            return .failure(.timeout(action: action), retryAfter: nil, received: error != .connectTimeout)
        } catch {
            return .failure(.transport(action: action, reason: "\(error)"), retryAfter: nil,
                            received: !Self.neverConnected(error))
        }
        let bytes = Array(buffer: data)
        let status = Int(response.status.code)
        if (200..<300).contains(status) { return .success(bytes) }
        let retryAfter = RetryAfter.parse(response.headers.first(name: "Retry-After"))
        // A 429 is a refusal before any work; a 5xx may come after the work was done.
        if let envelope = try? JSONDecoder().decode(GraphAPIErrorDetail.Envelope.self, from: Data(bytes)) {
            return .failure(.api(action: action, httpStatus: status, detail: envelope.error), retryAfter: retryAfter,
                            received: status != 429)
        }
        return .failure(.http(action: action, httpStatus: status, body: String(decoding: bytes, as: UTF8.self)),
                        retryAfter: retryAfter, received: status != 429)
    }

    /// A failure to open the connection (refused, unreachable, connect timeout): nothing was sent.
    static func neverConnected(_ error: any Error) -> Bool {
        if let e = error as? HTTPClientError { return e == .connectTimeout }
        if let e = error as? IOError { return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(e.errnoCode) }
        if let e = error as? ChannelError, case .connectTimeout = e { return true }
        return false
    }

    private func count(_ action: String, _ status: String) {
        Counter(label: "ivr_graph_requests_total", dimensions: [("action", action), ("status", status)],
                factory: metricsFactory).increment()
    }
}

extension GraphError {
    var metricStatus: String {
        switch self {
        case let .api(_, s, _), let .http(_, s, _): return String(s)
        case .timeout: return "timeout"
        case .transport: return "transport"
        case .invalidResponse: return "invalid"
        case .gaveUp: return "gave_up"
        }
    }
}
