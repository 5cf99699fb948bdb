// A tiny blocking HTTP/1.1 client for tests, over plain POSIX sockets (no Boost.Beast, so test
// binaries compile fast). Not for production: no TLS, no redirects, no proxy.
//
//   stio::testing::HttpClient client("127.0.0.1", server.port());
//   auto res = client.Post("/api/v1/organizations", R"({"kind":"enterprise","name":"X"})",
//                          {{"Authorization", "Bearer " + token}});
//   ASSERT_TRUE(res.ok()) << res.status().ToString();
//   EXPECT_EQ(res->status, 201);
//   EXPECT_EQ(res->headers["content-type"], "application/json");
//
// Each call opens a new connection and sends "Connection: close" unless set_keep_alive(true), in
// which case one connection is reused (and silently reopened if the server closed it). A body
// without a Content-Type header is sent as application/json. Responses may use Content-Length,
// chunked encoding or close-delimited bodies; 1xx interim responses are skipped.
//
// Thread-safety: one HttpClient per thread (it owns one socket); distinct clients are independent.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stio::testing {

// Request headers, name -> value, sent as given.
using HttpHeaders = std::map<std::string, std::string>;

struct HttpResponse {
  int status = 0;
  // Lower-case names. Repeated headers are joined with ", ", except set-cookie, whose values are
  // joined with '\n' (cookie values may contain commas).
  std::map<std::string, std::string> headers;
  std::string body;

  // Header value or "" (the name is matched lower-cased).
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] Result<HttpResponse> Get(const std::string& path, const HttpHeaders& headers = {});
  [[nodiscard]] Result<HttpResponse> Post(const std::string& path, const std::string& body,
                                          const HttpHeaders& headers = {});
  [[nodiscard]] Result<HttpResponse> Put(const std::string& path, const std::string& body,
                                         const HttpHeaders& headers = {});
  [[nodiscard]] Result<HttpResponse> Patch(const std::string& path, const std::string& body,
                                           const HttpHeaders& headers = {});
  [[nodiscard]] Result<HttpResponse> Delete(const std::string& path,
                                            const HttpHeaders& headers = {});
  // Any method. Errors: Unavailable (cannot connect, connection lost), DeadlineExceeded (timeout),
  // DataLoss (malformed response).
  [[nodiscard]] Result<HttpResponse> Send(const std::string& method, const std::string& path,
                                          const std::string& body, const HttpHeaders& headers = {});

  // Sent with every request unless the call passes the same name (e.g. Authorization).
  void SetDefaultHeader(std::string name, std::string value);
  // When on, cookies from Set-Cookie are remembered and sent back (a browser-like session).
  void EnableCookies(bool on = true) { cookies_enabled_ = on; }
  const std::map<std::string, std::string>& cookies() const { return cookies_; }

  void set_keep_alive(bool on) { keep_alive_ = on; }
  // Applies to connect, each send and each receive. Default 30 s.
  void set_timeout_ms(int ms) { timeout_ms_ = ms; }
  // How many TCP connections this client has opened (to check keep-alive reuse).
  int connections_opened() const { return connections_opened_; }

 private:
  [[nodiscard]] Status Connect();
  void CloseSocket();
  [[nodiscard]] Result<HttpResponse> SendOnce(const std::string& request, bool head,
                                              bool* nothing_received);
  void RememberCookies(const HttpResponse& res);

  std::string host_;
  uint16_t port_;
  int fd_ = -1;
  bool keep_alive_ = false;
  bool cookies_enabled_ = false;
  int timeout_ms_ = 30000;
  int connections_opened_ = 0;
  HttpHeaders default_headers_;
  std::map<std::string, std::string> cookies_;
  std::string buffer_;  // bytes received but not yet consumed (keep-alive)
};

// Sends `bytes` as-is on a new connection, half-closes, and returns everything received until the
// server closes (or `timeout_ms` passes with nothing new). For malformed-request tests.
[[nodiscard]] Result<std::string> SendRaw(const std::string& host, uint16_t port,
                                          std::string_view bytes, int timeout_ms = 10000,
                                          bool half_close = true);

}  // namespace stio::testing
