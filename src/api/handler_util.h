// Request parsing and response shaping shared by every routes_*.cc file.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "domain/common.h"
#include "domain/transfer.h"

namespace stio::api {

// limit / offset / sort from the query string; non-integers are 400 naming the parameter.
Result<domain::ListParams> Paging(const http::Request& req);
// An optional true/false (or 1/0) query parameter.
Result<std::optional<bool>> BoolParam(const http::Request& req, const std::string& name);
// A positive record id from the path; anything else is 404.
Result<int64_t> IdParam(const http::Request& req, const std::string& name = "id");
// A query parameter, trimmed; nullopt if absent or blank.
std::optional<std::string> NonEmpty(const http::Request& req, const std::string& name);
// An optional integer query parameter; anything else is 400 naming it.
Result<std::optional<int64_t>> IntQuery(const http::Request& req, const std::string& name);

// Imports the request body (?format=csv|json, default csv) as `entity` in one write transaction:
// 200 {"inserted"}, or 422 with every rejected row and nothing written.
http::Response ImportResponse(Context& ctx, domain::Entity entity);

// Runs `fn` in one read or write transaction and answers with its JSON, or a problem.
// ok_status 204 answers with no body.
http::Response Run(Context& ctx, storage::TxMode mode, int ok_status,
                   const std::function<Result<nlohmann::json>(storage::Transaction&)>& fn);
http::Response ReadJson(Context& ctx,
                        const std::function<Result<nlohmann::json>(storage::Transaction&)>& fn);
// Parses the JSON body and runs `fn` in a write transaction. With `optional_body`, an empty body
// reads as null (for workflow actions that need none).
http::Response WriteJson(
    Context& ctx, int ok_status,
    const std::function<Result<nlohmann::json>(storage::Transaction&, const nlohmann::json&)>& fn,
    bool optional_body = false);

}  // namespace stio::api
