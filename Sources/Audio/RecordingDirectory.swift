import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder voicemail recordings go to: created rwxr-x--- (0750), so only the daemon's user writes and
/// its group reads, and pruned of old recordings by the retention job.
public enum RecordingDirectory {
    public static let permissions: mode_t = 0o750

    /// Creates `path` and any missing parents (each 0750) and sets `path` itself to exactly 0750 (also when it
    /// already existed with another mode). Call before creating a `WAVWriter` in it.
    public static func prepare(_ path: String) throws(AudioFileError) {
        var existing = stat()
        if lstat(path, &existing) == 0, existing.st_mode & S_IFMT != S_IFDIR {
            throw .cannotCreateDirectory(path: path, reason: "exists and is not a directory")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(permissions)])
        } catch {
            throw .cannotCreateDirectory(path: path, reason: error.localizedDescription)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .cannotCreateDirectory(path: path, reason: WAVWriter.errnoText()) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw .cannotCreateDirectory(path: path, reason: "exists and is not a directory")
        }
        guard chmod(path, permissions) == 0 else {
            throw .cannotCreateDirectory(path: path, reason: "cannot set mode 750: " + WAVWriter.errnoText())
        }
    }

    /// The `.wav` files directly in `path` last modified before `date`: deleted, or only counted when
    /// `dryRun`. Other files, subfolders and symbolic links are left alone; a missing folder has none.
    /// Returns how many files were (or would be) deleted.
    public static func prune(_ path: String, before date: Date, dryRun: Bool = false) throws(AudioFileError) -> Int {
        guard FileManager.default.fileExists(atPath: path) else { return 0 }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw .cannotCreateDirectory(path: path, reason: "cannot list: \(error.localizedDescription)")
        }
        let cutoff = date.timeIntervalSince1970
        var count = 0
        for name in names.sorted() where name.lowercased().hasSuffix(".wav") {
            let file = (path as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            guard modified < cutoff else { continue }
            if !dryRun {
                guard unlink(file) == 0 else {
                    if errno == ENOENT { continue }   // gone already (another prune, an operator)
                    throw .cannotDelete(path: file, reason: WAVWriter.errnoText())
                }
            }
            count += 1
        }
        return count
    }
}
