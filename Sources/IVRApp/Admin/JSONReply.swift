import Foundation
import Hummingbird
import NIOCore

/// JSON bodies for the admin listener: `{"error": "..."}` for refusals, encoded values otherwise.
public enum JSONReply {
    public static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        encoded(status, ["error": message])
    }

    public static func encoded<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"the reply could not be encoded"}"#.utf8)
        var buffer = ByteBuffer(bytes: data)
        buffer.writeString("\n")
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
