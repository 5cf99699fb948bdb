// A small router: method + path pattern ("/api/v1/organizations/{id}") -> handler.
// Thread-safety: build it on one thread, then Dispatch from many.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace stio::http {

using Handler = std::function<Response(Request&)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  // Patterns are literal segments and "{name}" segments; a final "{name...}" matches the rest
  // (possibly empty). When several routes match, the most specific wins whatever the order of
  // Add(): at the first segment where they differ, a literal beats "{name}", which beats
  // "{name...}"; ties go to the earlier Add(). Empty segments are ignored, so a trailing slash
  // does not matter. Params are percent-decoded segment by segment ("a%2Fb" -> "a/b").
  void Add(std::string method, std::string pattern, Handler handler);

  // Finds the route and fills req.params. Returns nullptr if no route matches the path; sets
  // *path_matched when the path matched some route but not with this method (-> 405).
  const Handler* Match(Request& req, bool* path_matched) const;

  // Same as Match, but returns the route's position in Add() order (-1 if none), for callers that
  // keep their own per-route data.
  int MatchIndex(Request& req, bool* path_matched) const;

  const std::vector<RouteInfo>& routes() const { return infos_; }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::vector<RouteInfo> infos_;
};

}  // namespace stio::http
