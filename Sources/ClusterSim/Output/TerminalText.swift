extension String {
    /// This text with every control character written as a visible escape such as `\u{1B}`.
    ///
    /// Text from scenarios, recordings, file names and the command line goes through this before it
    /// is printed, so a tenant named "\u{1B}]0;title\u{07}" cannot retitle the terminal, clear the
    /// screen or write the clipboard. Controls are C0 (U+0000 to U+001F), DEL (U+007F) and C1
    /// (U+0080 to U+009F). `keepingNewlines` keeps line feeds, for messages of several lines.
    /// The result has no controls, so escaping twice changes nothing.
    public func escapingControlCharacters(keepingNewlines: Bool = false) -> String {
        func isControl(_ s: Unicode.Scalar) -> Bool {
            (s.value < 0x20 || (0x7F...0x9F).contains(s.value)) && !(keepingNewlines && s == "\n")
        }
        guard unicodeScalars.contains(where: isControl) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "\\u{\(hex.count < 2 ? "0" + hex : hex)}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
