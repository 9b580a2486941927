import NIOCore
import NIOPosix

/// Picks a media address when `IVR_MEDIA_IP` is not set: the first non-loopback IPv4 interface
/// address, else 127.0.0.1. Production needs the address WhatsApp's media servers can reach.
enum MediaAddress {
    static func guess() -> String {
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            guard let address = device.address, case .v4 = address, let ip = address.ipAddress,
                  !ip.hasPrefix("127.") else { continue }
            return ip
        }
        return "127.0.0.1"
    }
}
