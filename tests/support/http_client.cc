#include "support/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace stio::testing {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

Result<int> ConnectTo(const std::string& host, uint16_t port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_str = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0) {
    return Status::Unavailable("resolve " + host + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = Errno("socket");
      continue;
    }
    // SO_SNDTIMEO also bounds connect() on Linux.
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    last_error = Errno("connect");
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    return Status::Unavailable("connect to " + host + ":" + port_str + ": " + last_error);
  }
  return fd;
}

// Writes everything; returns false if the peer went away (it may still have answered, e.g. 413).
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Buffered reader over a socket whose receive timeout is set.
class Reader {
 public:
  Reader(int fd, std::string* buffer) : fd_(fd), buf_(buffer) {}

  // Appends more bytes to the buffer. Returns 0 at EOF, >0 bytes read, or an error.
  Result<size_t> Fill() {
    char tmp[16384];
    for (;;) {
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n >= 0) {
        buf_->append(tmp, static_cast<size_t>(n));
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return Status(StatusCode::kDeadlineExceeded, "timed out waiting for the response");
      }
      return Status::Unavailable(Errno("recv"));
    }
  }

  Result<std::string> Line() {
    for (;;) {
      size_t eol = buf_->find("\r\n");
      if (eol != std::string::npos) {
        std::string line = buf_->substr(0, eol);
        buf_->erase(0, eol + 2);
        return line;
      }
      if (buf_->size() > (1 << 20)) return Status::DataLoss("response line too long");
      STIO_ASSIGN_OR_RETURN(size_t n, Fill());
      if (n == 0) return Status::Unavailable("connection closed before the response was complete");
    }
  }

  Result<std::string> Exact(size_t count) {
    while (buf_->size() < count) {
      STIO_ASSIGN_OR_RETURN(size_t n, Fill());
      if (n == 0) return Status::Unavailable("connection closed in the middle of the body");
    }
    std::string out = buf_->substr(0, count);
    buf_->erase(0, count);
    return out;
  }

  Result<std::string> ToEof() {
    for (;;) {
      STIO_ASSIGN_OR_RETURN(size_t n, Fill());
      if (n == 0) break;
    }
    std::string out = std::move(*buf_);
    buf_->clear();
    return out;
  }

 private:
  int fd_;
  std::string* buf_;
};

// Reads one response (skipping 1xx). Sets *must_close when the connection cannot be reused.
Result<HttpResponse> ReadResponse(Reader& reader, bool head, bool* must_close,
                                  bool* nothing_received) {
  for (;;) {
    Result<std::string> status_line = reader.Line();
    if (!status_line.ok()) return status_line.status();
    *nothing_received = false;
    HttpResponse res;
    // "HTTP/1.1 200 OK"
    const std::string& line = *status_line;
    size_t sp = line.find(' ');
    if (line.rfind("HTTP/", 0) != 0 || sp == std::string::npos || line.size() < sp + 4) {
      return Status::DataLoss("malformed status line: " + line.substr(0, 100));
    }
    res.status = std::atoi(line.c_str() + sp + 1);
    if (res.status < 100 || res.status > 999) {
      return Status::DataLoss("malformed status line: " + line.substr(0, 100));
    }
    const bool http10 = line.rfind("HTTP/1.0", 0) == 0;
    for (;;) {
      STIO_ASSIGN_OR_RETURN(std::string h, reader.Line());
      if (h.empty()) break;
      size_t colon = h.find(':');
      if (colon == std::string::npos) return Status::DataLoss("malformed header: " + h);
      std::string name = Lower(Trim(h.substr(0, colon)));
      std::string value(Trim(std::string_view(h).substr(colon + 1)));
      auto it = res.headers.find(name);
      if (it == res.headers.end()) {
        res.headers.emplace(std::move(name), std::move(value));
      } else {
        it->second += (name == "set-cookie" ? "\n" : ", ") + value;
      }
    }
    if (res.status >= 100 && res.status < 200) continue;  // 100 Continue and friends

    std::string connection = Lower(res.Header("connection"));
    *must_close = connection.find("close") != std::string::npos ||
                  (http10 && connection.find("keep-alive") == std::string::npos);
    if (head || res.status == 204 || res.status == 304) return res;

    std::string te = Lower(res.Header("transfer-encoding"));
    if (te.find("chunked") != std::string::npos) {
      for (;;) {
        STIO_ASSIGN_OR_RETURN(std::string size_line, reader.Line());
        size_line = size_line.substr(0, size_line.find(';'));  // drop chunk extensions
        char* end = nullptr;
        unsigned long long size = std::strtoull(size_line.c_str(), &end, 16);
        if (end == size_line.c_str()) return Status::DataLoss("malformed chunk size");
        if (size == 0) {
          for (;;) {  // trailers
            STIO_ASSIGN_OR_RETURN(std::string trailer, reader.Line());
            if (trailer.empty()) break;
          }
          break;
        }
        STIO_ASSIGN_OR_RETURN(std::string chunk, reader.Exact(size));
        res.body += chunk;
        STIO_ASSIGN_OR_RETURN(std::string crlf, reader.Exact(2));
        if (crlf != "\r\n") return Status::DataLoss("malformed chunk terminator");
      }
      return res;
    }
    std::string cl = res.Header("content-length");
    if (!cl.empty()) {
      char* end = nullptr;
      unsigned long long n = std::strtoull(cl.c_str(), &end, 10);
      if (end == cl.c_str()) return Status::DataLoss("malformed content-length: " + cl);
      STIO_ASSIGN_OR_RETURN(res.body, reader.Exact(n));
      return res;
    }
    *must_close = true;
    STIO_ASSIGN_OR_RETURN(res.body, reader.ToEof());
    return res;
  }
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() { CloseSocket(); }

void HttpClient::SetDefaultHeader(std::string name, std::string value) {
  default_headers_[std::move(name)] = std::move(value);
}

Status HttpClient::Connect() {
  STIO_ASSIGN_OR_RETURN(fd_, ConnectTo(host_, port_, timeout_ms_));
  ++connections_opened_;
  buffer_.clear();
  return Status::Ok();
}

void HttpClient::CloseSocket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

Result<HttpResponse> HttpClient::Get(const std::string& path, const HttpHeaders& headers) {
  return Send("GET", path, "", headers);
}
Result<HttpResponse> HttpClient::Post(const std::string& path, const std::string& body,
                                      const HttpHeaders& headers) {
  return Send("POST", path, body, headers);
}
Result<HttpResponse> HttpClient::Put(const std::string& path, const std::string& body,
                                     const HttpHeaders& headers) {
  return Send("PUT", path, body, headers);
}
Result<HttpResponse> HttpClient::Patch(const std::string& path, const std::string& body,
                                       const HttpHeaders& headers) {
  return Send("PATCH", path, body, headers);
}
Result<HttpResponse> HttpClient::Delete(const std::string& path, const HttpHeaders& headers) {
  return Send("DELETE", path, "", headers);
}

Result<HttpResponse> HttpClient::Send(const std::string& method, const std::string& path,
                                      const std::string& body, const HttpHeaders& headers) {
  HttpHeaders all = default_headers_;
  for (const auto& [k, v] : headers) {
    // Case-insensitive override of a default header.
    for (auto it = all.begin(); it != all.end();) {
      it = Lower(it->first) == Lower(k) ? all.erase(it) : std::next(it);
    }
    all[k] = v;
  }
  auto has = [&](std::string_view name) {
    return std::any_of(all.begin(), all.end(),
                       [&](const auto& kv) { return Lower(kv.first) == name; });
  };
  std::string req = method + " " + (path.empty() ? "/" : path) + " HTTP/1.1\r\n";
  if (!has("host")) req += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
  if (!has("connection"))
    req += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  if (!body.empty() && !has("content-type")) req += "Content-Type: application/json\r\n";
  if (!has("content-length") && !has("transfer-encoding") &&
      (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (cookies_enabled_ && !cookies_.empty() && !has("cookie")) {
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    req += "Cookie: " + cookie + "\r\n";
  }
  for (const auto& [k, v] : all) req += k + ": " + v + "\r\n";
  req += "\r\n";
  req += body;

  const bool head = method == "HEAD";
  bool reused = fd_ >= 0;
  bool nothing_received = true;
  Result<HttpResponse> res = SendOnce(req, head, &nothing_received);
  // A kept-alive connection the server closed while idle: retry once on a fresh one.
  if (!res.ok() && reused && nothing_received) res = SendOnce(req, head, &nothing_received);
  if (res.ok() && cookies_enabled_) RememberCookies(*res);
  return res;
}

Result<HttpResponse> HttpClient::SendOnce(const std::string& request, bool head,
                                          bool* nothing_received) {
  *nothing_received = true;
  if (fd_ < 0) STIO_RETURN_IF_ERROR(Connect());
  // Even if the write fails, the server may have answered (e.g. 413 before reading the body).
  (void)WriteAll(fd_, request);
  Reader reader(fd_, &buffer_);
  bool must_close = !keep_alive_;
  Result<HttpResponse> res = ReadResponse(reader, head, &must_close, nothing_received);
  if (!res.ok() || must_close || !keep_alive_) CloseSocket();
  return res;
}

void HttpClient::RememberCookies(const HttpResponse& res) {
  std::string all = res.Header("set-cookie");
  std::string_view rest = all;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    std::string_view pair = line.substr(0, line.find(';'));
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(Trim(pair.substr(0, eq)));
    std::string value(Trim(pair.substr(eq + 1)));
    std::string attrs = Lower(line);
    if (value.empty() || attrs.find("max-age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
}

Result<std::string> SendRaw(const std::string& host, uint16_t port, std::string_view bytes,
                            int timeout_ms, bool half_close) {
  STIO_ASSIGN_OR_RETURN(int fd, ConnectTo(host, port, timeout_ms));
  (void)WriteAll(fd, bytes);
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string out;
  char tmp[16384];
  for (;;) {
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n > 0) {
      out.append(tmp, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // EOF, timeout (SO_RCVTIMEO) or reset: return what arrived; the caller checks it.
    break;
  }
  ::close(fd);
  return out;
}

}  // namespace stio::testing
