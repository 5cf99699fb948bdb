#include "api/problem.h"

#include <cctype>
#include <string>

namespace stio::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kCancelled:
      return 499;
    case StatusCode::kUnknown:
      return 500;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kInternal:
      return 500;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
      return 500;
    case StatusCode::kUnauthenticated:
      return 401;
  }
  return 500;
}

namespace {

std::string Title(int http_status) {
  switch (http_status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return http_status >= 500 ? "Internal Server Error" : "Error";
  }
}

std::string Slug(StatusCode code) {
  std::string s(StatusCodeName(code));
  for (char& c : s)
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

http::Response Problem(const Status& status, const nlohmann::json& extra) {
  return Problem(HttpStatusFor(status.code()), status, extra);
}

http::Response Problem(int code, const Status& status, const nlohmann::json& extra) {
  nlohmann::json body = {{"type", "https://stio.vn/problems/" + Slug(status.code())},
                         {"title", Title(code)},
                         {"status", code},
                         {"detail", status.message()},
                         {"code", std::string(StatusCodeName(status.code()))}};
  // Internal details of server faults are logged, not shown.
  if (code >= 500 && status.code() != StatusCode::kUnavailable) {
    body["detail"] = "an internal error occurred; it has been logged";
  }
  if (!status.field().empty()) {
    body["field"] = status.field();
    body["errors"] =
        nlohmann::json::array({{{"field", status.field()}, {"message", status.message()}}});
  }
  if (extra.is_object()) {
    for (const auto& [k, v] : extra.items()) body[k] = v;
  }
  http::Response r;
  r.status = code;
  r.headers.Set("Content-Type", "application/problem+json");
  if (code == 503) r.headers.Set("Retry-After", "1");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace stio::api
