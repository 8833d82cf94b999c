/// Encodes a Codable value straight into a `JSONValue` (no text round trip), refusing values the
/// wire cannot carry exactly: non-finite doubles and integers outside ±(2^53 − 1).
public enum JSONValueEncoder {
    public static func encode<T: Encodable>(_ value: T) throws(ProtocolError) -> JSONValue {
        let root = EncodingNode()
        do {
            try value.encode(to: NodeEncoder(node: root, codingPath: []))
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw ProtocolError(.invalid, "cannot encode \(T.self): \(error)")
        }
        return root.resolve()
    }
}

final class EncodingNode {
    enum Kind {
        case unset
        case value(JSONValue)
        case object([String: EncodingNode])
        case array([EncodingNode])
    }

    var kind: Kind = .unset

    func resolve() -> JSONValue {
        switch kind {
        case .unset: .object([:])
        case .value(let value): value
        case .object(let members): .object(members.mapValues { $0.resolve() })
        case .array(let elements): .array(elements.map { $0.resolve() })
        }
    }

    func child(forKey key: String) -> EncodingNode {
        if case .object(let members) = kind, let existing = members[key] { return existing }
        let node = EncodingNode()
        var members: [String: EncodingNode] = [:]
        if case .object(let existing) = kind { members = existing }
        members[key] = node
        kind = .object(members)
        return node
    }

    func appendChild() -> EncodingNode {
        let node = EncodingNode()
        var elements: [EncodingNode] = []
        if case .array(let existing) = kind { elements = existing }
        elements.append(node)
        kind = .array(elements)
        return node
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.kind {} else { node.kind = .object([:]) }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.kind {} else { node.kind = .array([]) }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }
}

extension NodeEncoder: SingleValueEncodingContainer {
    func encodeNil() throws { node.kind = .value(.null) }
    func encode(_ value: Bool) throws { node.kind = .value(.bool(value)) }
    func encode(_ value: String) throws { node.kind = .value(.string(value)) }
    func encode(_ value: Double) throws {
        guard value.isFinite else { throw ProtocolError(.invalid, "\(pathText): \(value) is not a finite number") }
        // JCS writes integral doubles below 1e21 as digit strings; from 2^53 up those read back as
        // integer literals outside the interoperable range (SPEC §8.3), so they cannot be sent.
        guard !(abs(value) > Double(JSONValue.maxSafeInteger) && abs(value) < 1e21) else {
            throw ProtocolError(.invalid, "\(pathText): \(value) lies between 2^53 and 1e21 and has no interoperable JSON form")
        }
        node.kind = .value(value.rounded() == value && abs(value) <= Double(JSONValue.maxSafeInteger) ? .integer(Int64(value)) : .double(value))
    }
    func encode(_ value: Float) throws { try encode(Double(value)) }
    func encode(_ value: Int) throws { try encodeInteger(value) }
    func encode(_ value: Int8) throws { try encodeInteger(value) }
    func encode(_ value: Int16) throws { try encodeInteger(value) }
    func encode(_ value: Int32) throws { try encodeInteger(value) }
    func encode(_ value: Int64) throws { try encodeInteger(value) }
    func encode(_ value: UInt) throws { try encodeInteger(value) }
    func encode(_ value: UInt8) throws { try encodeInteger(value) }
    func encode(_ value: UInt16) throws { try encodeInteger(value) }
    func encode(_ value: UInt32) throws { try encodeInteger(value) }
    func encode(_ value: UInt64) throws { try encodeInteger(value) }
    func encode<T: Encodable>(_ value: T) throws { try value.encode(to: self) }

    private func encodeInteger<I: BinaryInteger>(_ value: I) throws {
        guard let exact = Int64(exactly: value), abs(exact) <= JSONValue.maxSafeInteger else {
            throw ProtocolError(.invalid, "\(pathText): integer \(value) is outside ±(2^53 − 1)")
        }
        node.kind = .value(.integer(exact))
    }

    var pathText: String { codingPath.map(\.stringValue).joined(separator: ".") }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func encoder(for key: Key) -> NodeEncoder {
        NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { try encoder(for: key).encodeNil() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encoder(for: key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encoder(for: key).encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder(for: Key(stringValue: "super")!) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let elements) = node.kind { return elements.count }
        return 0
    }

    private func nextEncoder() -> NodeEncoder {
        NodeEncoder(node: node.appendChild(), codingPath: codingPath)
    }

    mutating func encodeNil() throws { try nextEncoder().encodeNil() }
    mutating func encode<T: Encodable>(_ value: T) throws { try nextEncoder().encode(value) }
    mutating func encode(_ value: Bool) throws { try nextEncoder().encode(value) }
    mutating func encode(_ value: String) throws { try nextEncoder().encode(value) }
    mutating func encode(_ value: Double) throws { try nextEncoder().encode(value) }
    mutating func encode(_ value: Int) throws { try nextEncoder().encode(value) }
    mutating func encode(_ value: Int64) throws { try nextEncoder().encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nextEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { nextEncoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { nextEncoder() }
}
