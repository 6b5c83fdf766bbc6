import Foundation
import Testing

@testable import ClustertopCLI

/// Fetches `path` from `host:port` with a plain HTTP/1.1 GET; nil when nothing answers.
func httpGet(host: String = "127.0.0.1", port: Int, _ path: String) -> (status: Int, body: String)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, host, &address.sin_addr)
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        response += buffer[0..<n]
    }
    let text = String(decoding: response, as: UTF8.self)
    guard let headEnd = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return (status, String(text[headEnd.upperBound...]))
}

struct MetricsServerTests {
    @Test func addressesParse() throws {
        for (text, host, port) in [("127.0.0.1:9400", "127.0.0.1", 9400), (":0", "", 0), ("[::1]:9400", "::1", 9400)] {
            let address = try MetricsAddress(parsing: text)
            #expect(address.host == host && address.port == port, "\(text)")
        }
        #expect(try MetricsAddress(parsing: "[::1]:80").url(port: 80) == "http://[::1]:80/metrics")
        for bad in ["9400", "localhost:", "localhost:http", "host:70000", "a/b:1"] {
            #expect(throws: CommandError.self, "\(bad)") { try MetricsAddress(parsing: bad) }
        }
    }

    @Test func badAddressesAreLocatedErrors() {
        let outcome = clustertop("run", "default", "--metrics-addr", "localhost", "--quiet")
        #expect(outcome.status == 2)
        #expect(outcome.errors.contains("--metrics-addr: expected HOST:PORT such as 127.0.0.1:9400"))
        let unresolvable = clustertop("run", "default", "--metrics-addr", "no-such-host.invalid:9400", "--quiet")
        #expect(unresolvable.status == 2 && unresolvable.errors.contains("cannot resolve the host"))
        let pacedAlone = clustertop("run", "default", "--speed", "10", "--quiet")
        #expect(pacedAlone.status == 2 && pacedAlone.errors.contains("--speed"))
    }

    @Test func aPortInUseIsAClearError() throws {
        let first = try MetricsServer(MetricsAddress(parsing: "127.0.0.1:0"))
        defer { close(first.listener) }
        #expect(first.port > 0)
        #expect {
            try MetricsServer(MetricsAddress(parsing: "127.0.0.1:\(first.port)"))
        } throws: { error in
            "\(error)".contains("cannot listen: Address already in use")
        }
    }

    @Test func responsesFollowHTTP() {
        let ok = String(
            decoding: MetricsServer.response(requestLine: "GET /metrics?x=1 HTTP/1.1", metrics: "m 1\n"), as: UTF8.self)
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(ok.contains("Content-Length: 4\r\n") && ok.hasSuffix("\r\n\r\nm 1\n"))
        let head = String(
            decoding: MetricsServer.response(requestLine: "HEAD /metrics HTTP/1.1", metrics: "m 1\n"), as: UTF8.self)
        #expect(head.contains("Content-Length: 4\r\n") && head.hasSuffix("\r\n\r\n"))
        let missing = String(
            decoding: MetricsServer.response(requestLine: "GET /other HTTP/1.1", metrics: ""), as: UTF8.self)
        #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        let post = String(
            decoding: MetricsServer.response(requestLine: "POST /metrics HTTP/1.1", metrics: ""), as: UTF8.self)
        #expect(post.hasPrefix("HTTP/1.1 405 "))
    }

    @Test func aScrapeGetsTheNewestText() throws {
        let server = try MetricsServer(MetricsAddress(parsing: "127.0.0.1:0"))
        server.start()
        server.update(force: true) { "first 1\n" }
        #expect(httpGet(port: server.port, "/metrics")?.body == "first 1\n")
        // Within a quarter of a second only a forced update replaces the text.
        server.update(force: false) { "second 2\n" }
        server.update(force: true) { "third 3\n" }
        let got = httpGet(port: server.port, "/metrics")
        #expect(got?.status == 200 && got?.body == "third 3\n")
        #expect(httpGet(port: server.port, "/nothing")?.status == 404)
    }
}
