#include "http/router.h"

#include <limits>

namespace stio::http {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; empty segments ("//", trailing "/") are dropped so that
// "/organizations/" finds the same route as "/organizations".
std::vector<std::string> SplitPath(std::string_view path, bool decode) {
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (seg.empty()) continue;
    out.push_back(decode ? PercentDecode(seg) : std::string(seg));
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}
bool IsCatchAll(const std::string& seg) {
  return IsParam(seg) && seg.size() > 5 && seg.compare(seg.size() - 4, 4, "...}") == 0;
}
std::string ParamName(const std::string& seg) {
  return IsCatchAll(seg) ? seg.substr(1, seg.size() - 5) : seg.substr(1, seg.size() - 2);
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  infos_.push_back({method, pattern});
  routes_.push_back({std::move(method), SplitPath(pattern, /*decode=*/false), std::move(handler)});
}

int Router::MatchIndex(Request& req, bool* path_matched) const {
  if (path_matched != nullptr) *path_matched = false;
  // Split the raw target and decode segment by segment, so that an encoded "/" (%2F) inside an id
  // stays inside that segment. Requests built by hand (tests) may only have `path`.
  std::vector<std::string> parts;
  if (!req.target.empty() && req.target.front() == '/') {
    std::string_view raw = req.target;
    raw = raw.substr(0, raw.find('?'));
    parts = SplitPath(raw, /*decode=*/true);
  } else {
    parts = SplitPath(req.path, /*decode=*/false);
  }

  // The most specific route wins, whatever the order of Add(): a literal segment beats "{param}",
  // which beats "{rest...}" (so "/admin-units/convert" is not swallowed by "/admin-units/{code}").
  // Ties go to the route added first.
  const Route* best = nullptr;
  std::vector<int> best_rank;
  std::map<std::string, std::string> best_params;
  for (const Route& route : routes_) {
    std::vector<int> rank;
    std::map<std::string, std::string> params;
    bool ok = true;
    size_t i = 0;
    for (; i < route.segments.size(); ++i) {
      const std::string& seg = route.segments[i];
      if (IsCatchAll(seg) && i + 1 == route.segments.size()) {
        std::string rest;
        for (size_t j = i; j < parts.size(); ++j) {
          if (j > i) rest += '/';
          rest += parts[j];
        }
        params[ParamName(seg)] = std::move(rest);
        rank.push_back(2);
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        ok = false;
        break;
      }
      if (IsParam(seg)) {
        params[ParamName(seg)] = parts[i];
        rank.push_back(1);
      } else if (seg == parts[i]) {
        rank.push_back(0);
      } else {
        ok = false;
        break;
      }
    }
    if (!ok || i != parts.size()) continue;
    if (route.method != req.method) {
      if (path_matched != nullptr) *path_matched = true;
      continue;
    }
    if (best == nullptr || rank < best_rank) {
      best = &route;
      best_rank = std::move(rank);
      best_params = std::move(params);
    }
  }
  if (best == nullptr) return -1;
  if (path_matched != nullptr) *path_matched = true;
  for (auto& [k, v] : best_params) req.params[k] = std::move(v);
  return static_cast<int>(best - routes_.data());
}

const Handler* Router::Match(Request& req, bool* path_matched) const {
  const int i = MatchIndex(req, path_matched);
  return i < 0 ? nullptr : &routes_[static_cast<size_t>(i)].handler;
}

}  // namespace stio::http
