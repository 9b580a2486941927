import Foundation
import GRDB

/// One row of `webhook_deliveries`: a (subject, event) pair already seen, so redeliveries are ignored.
/// The subject is a call id (`wacid.…`) for call events and a message id (`wamid.…`) for message statuses.
public struct WebhookDelivery: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "webhook_deliveries"

    public var subjectID: String
    public var event: String
    public var receivedAt: Date

    public init(subjectID: String, event: String, receivedAt: Date) {
        self.subjectID = subjectID
        self.event = event
        self.receivedAt = receivedAt
    }

    enum CodingKeys: String, CodingKey {
        case subjectID = "subject_id"
        case event
        case receivedAt = "received_at"
    }
}
