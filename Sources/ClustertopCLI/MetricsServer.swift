import ClusterSim
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
    private let streamSocket = Int32(SOCK_STREAM.rawValue)
    private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
    import Darwin
    private let streamSocket = SOCK_STREAM
    private let noSignal: Int32 = 0
#endif

/// `--metrics-addr HOST:PORT`: where the Prometheus endpoint listens. HOST is a name or an
/// address (`[::1]` for IPv6); an empty HOST listens on every interface; PORT 0 takes a free port.
struct MetricsAddress: Sendable, Equatable {
    var host: String
    var port: Int

    /// Parses `HOST:PORT`; the error says what is wrong with `text`.
    init(parsing text: String) throws(CommandError) {
        let problem = "--metrics-addr: expected HOST:PORT such as 127.0.0.1:9400 or :9400, got \"\(text)\""
        guard let colon = text.lastIndex(of: ":") else { throw CommandError(problem) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port), !host.contains("/")
        else { throw CommandError(problem) }
        self.host = host
        self.port = port
    }

    /// How the address reads in a URL.
    func url(port: Int) -> String {
        let host = self.host.isEmpty ? "0.0.0.0" : self.host
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/metrics"
    }
}

/// A minimal HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers the newest exposition
/// text, anything else 404 (405 for methods other than GET and HEAD); one connection at a time,
/// closed after each answer, on a thread of its own.
///
/// The simulation thread hands it text through `update(force:_:)`, which builds the text at most
/// four times a wall second, so a fast simulation does not spend its time formatting samples.
final class MetricsServer: Sendable {
    let listener: Int32
    /// The port listened on (the one the system chose for port 0).
    let port: Int
    let address: MetricsAddress
    let state = Mutex<(text: String, builtAt: UInt64)>(("", 0))

    /// Listens on `address`; a name that does not resolve or a port in use throws a one-line error.
    init(_ address: MetricsAddress) throws(CommandError) {
        self.address = address
        let shown = "--metrics-addr \(address.host):\(address.port)"
        var hints = addrinfo()
        hints.ai_socktype = streamSocket
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host.isEmpty ? nil : address.host, "\(address.port)", &hints, &list)
        guard status == 0, let info = list else {
            throw CommandError("\(shown): cannot resolve the host: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { throw CommandError("\(shown): cannot open a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CommandError("\(shown): cannot listen: \(reason)")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Self.port(of: bound)
        listener = fd
    }

    static func port(of address: sockaddr_storage) -> Int {
        var address = address
        let family = Int32(address.ss_family)
        return withUnsafePointer(to: &address) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
    }

    /// The URL scrapes reach.
    var url: String { address.url(port: port) }

    /// Starts answering on a thread of its own (until the process ends).
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                answer(client)
            }
        }
    }

    /// Replaces the served text with `build()`, unless text was built less than a quarter of a
    /// second ago and `force` is false (the simulation is about to stand still: the text must be final).
    func update(force: Bool, _ build: () -> String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let due = state.withLock { force || $0.builtAt == 0 || now &- $0.builtAt >= 250_000_000 }
        guard due else { return }
        let text = build()
        state.withLock { $0 = (text, now) }
    }

    /// The text `GET /metrics` answers now.
    var text: String { state.withLock { $0.text } }

    /// Reads one request from `client`, answers it and closes the connection.
    func answer(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while request.count < 65536 {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { break }
            request += buffer[0..<n]
            if request.count >= 4 && request.suffix(from: max(0, request.count - n - 3)).contains(end) { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let response = Self.response(requestLine: line, metrics: text)
        response.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = send(client, bytes.baseAddress! + sent, bytes.count - sent, noSignal)
                if n <= 0 { return }
                sent += n
            }
        }
    }

    /// The whole HTTP response to `requestLine` (`GET /metrics HTTP/1.1`), serving `metrics`.
    static func response(requestLine: String, metrics: String) -> [UInt8] {
        let parts = requestLine.split(separator: " ")
        let method = parts.first.map(String.init) ?? ""
        let path = parts.count > 1 ? String(parts[1].prefix { $0 != "?" }) : ""
        let status: String
        var body: String
        var type = "text/plain; charset=utf-8"
        if method != "GET" && method != "HEAD" {
            (status, body) = ("405 Method Not Allowed", "only GET and HEAD are served\n")
        } else if path == "/metrics" {
            (status, body) = ("200 OK", metrics)
            type = "text/plain; version=0.0.4; charset=utf-8"
        } else if path == "/" {
            (status, body) = ("200 OK", "clustertop: Prometheus metrics at /metrics\n")
        } else {
            (status, body) = ("404 Not Found", "not found: metrics are at /metrics\n")
        }
        let length = body.utf8.count
        if method == "HEAD" { body = "" }
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(length)\r\nConnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }
}
