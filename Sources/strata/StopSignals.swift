import Dispatch
import Foundation

/// Runs `body` until it returns, SIGINT/SIGTERM arrives, or `timeout` seconds pass; in the latter two
/// cases `body` is cancelled and its (partial) result is still returned — commands use this to print
/// a summary on Ctrl-C instead of dying mid-line.
func withStopSignals<T: Sendable>(timeout: Double?, _ body: @escaping @Sendable () async -> T) async -> T {
    let work = Task { await body() }
    let stop = Task {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await StopSignal.wait() }
            if let timeout { group.addTask { try? await Task.sleep(for: .seconds(timeout)) } }
            await group.next()
            group.cancelAll()
        }
        if !Task.isCancelled { work.cancel() }
    }
    let result = await work.value
    stop.cancel()
    return result
}

/// SIGINT and SIGTERM as an awaitable event (the default handlers are replaced while waiting).
enum StopSignal {
    static func wait() async {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            return source
        }
        await withTaskCancellationHandler {
            for await _ in stream { break }
        } onCancel: {
            continuation.finish()
        }
        for source in sources { source.cancel() }
    }
}
