// RFC 9457 problem details: the one place where a Status becomes an HTTP status code.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/message.h"

namespace stio::api {

// The HTTP status for each canonical code (one table, used by every response).
int HttpStatusFor(StatusCode code);

// An application/problem+json response for `status`; `extra` members are merged in (e.g. the
// per-row "errors" of an import).
http::Response Problem(const Status& status, const nlohmann::json& extra = nullptr);
// The same with an explicit HTTP status (body "status" and "title" agree with it), for answers no
// StatusCode maps to: 405 Method Not Allowed, 422 Unprocessable Content.
http::Response Problem(int http_status, const Status& status,
                       const nlohmann::json& extra = nullptr);

}  // namespace stio::api
