import Foundation

/// Which file of a shared library this process loaded, from `/proc/self/maps`: for the start-up line, so an
/// operator sees whether ivrd runs Debian's libsrtp2 (on NSS) or one built on OpenSSL
/// (`Deploy/libsrtp2-openssl.sh`, put first with LD_LIBRARY_PATH).
enum LoadedLibrary {
    static func path(named name: String, maps: String = "/proc/self/maps") -> String? {
        // Read to the end: procfs files report a size of 0.
        guard let handle = FileHandle(forReadingAtPath: maps) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            // address perms offset dev inode path
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = line[slash...]
            if path.split(separator: "/").last?.hasPrefix(name) == true { return String(path) }
        }
        return nil
    }
}
