import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a service's data folder (`flock` on `<dir>/LOCK`), held for the life of the
/// process, so a second service pointed at the same folder refuses to start instead of corrupting
/// the first one's state. The kernel drops the lock when the process dies, even by SIGKILL.
public final class DataDirLock: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32>

    public init(folder: String) throws(ServiceError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServiceError(.storage, "cannot create the data folder \(folder): \(error.localizedDescription)")
        }
        path = "\(folder)/LOCK"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ServiceError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw ServiceError(.dataDirInUse, "the data folder \(folder) is in use by another process\(holder.isEmpty ? "" : " (pid \(holder))"); "
                               + "stop it or give this service its own --data-dir")
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        self.descriptor = Mutex(descriptor)
    }

    /// Releases the lock (when the service has stopped); idempotent.
    public func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }

    deinit { release() }
}
