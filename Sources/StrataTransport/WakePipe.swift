import Foundation

/// A non-blocking pipe an I/O thread polls next to its sockets, so other threads can wake it when they
/// queue work. Writes never block: a full pipe already guarantees a wake-up.
final class WakePipe: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(TransportError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw TransportError(.socket, "cannot create a wake-up pipe: \(String(cString: strerror(errno)))")
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        _ = fcntl(writeEnd, F_SETFL, O_NONBLOCK)
    }

    deinit {
        Foundation.close(readEnd)
        Foundation.close(writeEnd)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
