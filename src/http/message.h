// HTTP messages as stio sees them: plain structs with no Boost.Beast types, so that the api
// module (and its tests) compile without Beast. server.cc converts to and from Beast.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stio::http {

// Case-insensitive header map (names are stored lower-cased).
class Headers {
 public:
  void Set(std::string_view name, std::string value);
  void Add(std::string_view name, std::string value);  // for repeatable headers (Set-Cookie)
  std::optional<std::string_view> Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string target;                             // raw request target: path and query, as received
  std::string path;                               // percent-decoded path without the query string
  std::multimap<std::string, std::string> query;  // percent-decoded query parameters
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP, for rate limiting and the access log
  bool tls = false;            // true when the request arrived over TLS (Secure cookies)

  // Path parameters filled in by the Router ("{id}" in the pattern -> params["id"]).
  std::map<std::string, std::string> params;

  // First value of a query parameter, if present.
  std::optional<std::string> Query(std::string_view name) const;
  // Value of a cookie from the Cookie header, if present.
  std::optional<std::string> Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
};

// Percent-decodes `s` ('+' becomes a space when `plus_as_space`). Invalid escapes stay literal.
std::string PercentDecode(std::string_view s, bool plus_as_space = false);
// Splits a query string "a=1&b=x%20y" into decoded pairs.
std::multimap<std::string, std::string> ParseQuery(std::string_view query);

}  // namespace stio::http
