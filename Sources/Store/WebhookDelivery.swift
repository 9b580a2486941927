import Foundation
import GRDB

/// One row of `webhook_deliveries`: a (subject, event) pair already seen, so redeliveries are ignored.
/// The subject is a call id (`wacid.…`) for call events and a message id (`wamid.…`) for message statuses.
public struct WebhookDelivery: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord, StoreRecord {
    public static let databaseTableName = "webhook_deliveries"

    public var subjectID: String
    public var event: String
    public var receivedAt: Date
    /// The delivery's body (`webhook_bodies`), kept until every event in it is processed.
    public var bodyID: Int64?
    /// Which event of the body this is.
    public var eventIndex: Int?
    public var processedAt: Date?

    public init(subjectID: String, event: String, receivedAt: Date, bodyID: Int64? = nil, eventIndex: Int? = nil,
                processedAt: Date? = nil) {
        self.subjectID = subjectID
        self.event = event
        self.receivedAt = receivedAt
        self.bodyID = bodyID
        self.eventIndex = eventIndex
        self.processedAt = processedAt
    }

    enum CodingKeys: String, CodingKey {
        case subjectID = "subject_id"
        case event
        case receivedAt = "received_at"
        case bodyID = "body_id"
        case eventIndex = "event_index"
        case processedAt = "processed_at"
    }
}

/// A webhook event accepted (acknowledged to WhatsApp) but not processed yet: what a restart replays.
public struct PendingWebhookEvent: Sendable, Equatable {
    public var subjectID: String
    public var event: String
    public var eventIndex: Int
    public var body: [UInt8]
    public var receivedAt: Date

    public init(subjectID: String, event: String, eventIndex: Int, body: [UInt8], receivedAt: Date) {
        self.subjectID = subjectID
        self.event = event
        self.eventIndex = eventIndex
        self.body = body
        self.receivedAt = receivedAt
    }
}
