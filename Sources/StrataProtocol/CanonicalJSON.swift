/// RFC 8785 JSON Canonicalization Scheme (JCS): the bytes every signature covers.
///
/// Object keys sorted by their UTF-16 code units, no whitespace, strings escaped only where JSON
/// requires it, numbers in the ECMAScript `Number.prototype.toString` form.
public enum CanonicalJSON {
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out = [UInt8]()
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number): out.append(contentsOf: format(number).utf8)
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            writeObject(members, into: &out)
        }
    }

    /// Writes an object with sorted keys, leaving out `excluding` (the signature field).
    public static func writeObject(_ members: [String: JSONValue], excluding: String? = nil, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for key in sortedKeys(members) where key != excluding {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(members[key]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// JCS orders keys by UTF-16 code units (not by Unicode scalars or UTF-8 bytes).
    static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0a: out.append(UInt8(ascii: "n"))
                case 0x0c: out.append(UInt8(ascii: "f"))
                case 0x0d: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: "u00".utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0f)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// ECMAScript Number::toString for a finite double (ECMA-262 §6.1.6.1.20), from Swift's
    /// shortest round-trip digits.
    public static func format(_ number: Double) -> String {
        precondition(number.isFinite, "JSON numbers are finite; the parser and validators reject others")
        if number == 0 { return "0" }
        let (digits, n) = shortestDigits(abs(number))
        let k = digits.count
        var out = number < 0 ? "-" : ""
        if k <= n && n <= 21 {
            out += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits.prefix(n) + "." + digits.dropFirst(n)
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            let sign = exponent < 0 ? "-" : "+"
            out += digits.prefix(1) + (k > 1 ? "." + digits.dropFirst() : "") + "e" + sign + String(abs(exponent))
        }
        return out
    }

    /// The shortest decimal digits `s` (no leading or trailing zeros) and exponent `n` such that the
    /// value is 0.s × 10^n, read off Swift's shortest round-trip `description`.
    static func shortestDigits(_ value: Double) -> (digits: String, n: Int) {
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0].split(separator: ".", maxSplits: 1)
        let integerPart = String(mantissa[0])
        let fraction = mantissa.count == 2 ? String(mantissa[1]) : ""
        var digits = Array(integerPart + fraction)
        var point = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (String(digits), point)
    }
}
