/// Escapes text for XML attribute values and character data; drops characters XML 1.0 forbids.
func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\n": out += "&#10;"
        case "\t", "\r": out += "&#\(u.value);"
        default:
            if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
            out.unicodeScalars.append(u)
        }
    }
    return out
}
