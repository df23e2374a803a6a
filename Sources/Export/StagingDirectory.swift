import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An export folder built under a temporary name beside its destination and renamed into
/// place by `commit()`, so the destination holds either the old contents or the whole new
/// export, never a half-written one. Dropping it uncommitted removes the temporary folder.
final class StagingDirectory {
    let destination: URL
    let url: URL
    private let overwrite: Bool
    private var committed = false

    init(destination: URL, overwrite: Bool) throws {
        self.destination = destination.standardizedFileURL
        self.overwrite = overwrite
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: self.destination.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ExportError("\(self.destination.path) is a file, not a folder") }
            let contents = try manager.contentsOfDirectory(atPath: self.destination.path)
            if !contents.isEmpty, !overwrite {
                throw ExportError("\(self.destination.path) is not empty: choose another --to folder, or pass --overwrite to replace it")
            }
        }
        let parent = self.destination.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ExportError("cannot create \(parent.path): \(error.localizedDescription)")
        }
        let prefix = ".\(self.destination.lastPathComponent).pref-export-"
        Self.removeAbandoned(in: parent, prefix: prefix)
        url = parent.appendingPathComponent(prefix + "\(getpid())", isDirectory: true)
        try? manager.removeItem(at: url)
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: false)
        } catch {
            throw ExportError("cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: url) }
    }

    /// Moves the finished export into place; an old non-empty destination is moved aside
    /// first and removed after (rename(2) replaces only an empty folder).
    func commit() throws {
        let manager = FileManager.default
        let aside = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).pref-export-old-\(getpid())")
        var movedAside = false
        if overwrite, let contents = try? manager.contentsOfDirectory(atPath: destination.path), !contents.isEmpty {
            try? manager.removeItem(at: aside)
            guard rename(destination.path, aside.path) == 0 else { throw ExportError("cannot move \(destination.path) aside: \(Self.lastError())") }
            movedAside = true
        }
        guard rename(url.path, destination.path) == 0 else {
            let message = Self.lastError()
            if movedAside { _ = rename(aside.path, destination.path) }
            throw ExportError("cannot move the export into \(destination.path): \(message)")
        }
        committed = true
        Self.sync(destination.deletingLastPathComponent())
        if movedAside { try? manager.removeItem(at: aside) }
    }

    /// Staging folders of exports to the same destination whose process is gone (killed
    /// mid-export): their names end in the writer's pid.
    private static func removeAbandoned(in parent: URL, prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let suffix = name.dropFirst(prefix.count)
            let pid = Int32(suffix.hasPrefix("old-") ? suffix.dropFirst(4) : suffix)
            if let pid, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }

    private static func sync(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
