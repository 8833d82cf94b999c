import Foundation
import StrataProtocol

/// One human line per bus message: time, topic, type, sender short id, and what the body says.
enum MessageSummary {
    static func line(topic: String, message: VerifiedMessage, bytes: Int) -> String {
        let envelope = message.envelope
        let time = timeText(envelope.ts)
        return "\(time)  \(pad(topic, 26))  \(pad(envelope.type, 16))  \(message.sender.shortID)  \(summary(message, bytes: bytes))"
    }

    static func summary(_ message: VerifiedMessage, bytes: Int) -> String {
        switch message.envelope.type {
        case NodeHeartbeat.messageType:
            if let beat = try? message.body(as: NodeHeartbeat.self) {
                return "\(beat.instance ?? beat.service.rawValue) \(beat.status.rawValue), up \(String(format: "%.1f", Double(beat.uptimeMs) / 1000)) s"
                    + (beat.devices.map { ", \($0) devices" } ?? "")
            }
        case DiagNote.messageType:
            if let note = try? message.body(as: DiagNote.self) {
                return "#\(note.n) \(note.text.prefix(60))" + (note.value.map { " value=\($0)" } ?? "")
            }
        case DiagModel.messageType:
            if let model = try? message.body(as: DiagModel.self) {
                return "\(model.model.layout), \(model.model.count) parameters, sha256 \(model.model.sha256.prefix(12))…, \(bytes) bytes"
            }
        default:
            break
        }
        let body = String(decoding: CanonicalJSON.encode(message.envelope.body), as: UTF8.self)
        return body.count > 80 ? String(body.prefix(79)) + "…" : body
    }

    static func timeText(_ millis: Int64) -> String {
        let seconds = millis / 1000
        let (h, m, s) = ((seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60)
        return String(format: "%02lld:%02lld:%02lld.%03lld", h, m, s, millis % 1000)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
