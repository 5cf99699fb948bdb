#include "api/handler_util.h"

#include "api/problem.h"
#include "core/strings.h"

namespace stio::api {

using nlohmann::json;

Result<domain::ListParams> Paging(const http::Request& req) {
  domain::ListParams p;
  if (auto v = req.Query("limit")) {
    auto n = ParseInt(*v);
    if (!n) return Status::InvalidArgument("limit must be an integer", "limit");
    p.limit = *n;
  }
  if (auto v = req.Query("offset")) {
    auto n = ParseInt(*v);
    if (!n) return Status::InvalidArgument("offset must be an integer", "offset");
    p.offset = *n;
  }
  if (auto v = req.Query("sort")) p.sort = *v;
  return p;
}

Result<std::optional<bool>> BoolParam(const http::Request& req, const std::string& name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<bool>();
  if (*v == "true" || *v == "1") return std::optional<bool>(true);
  if (*v == "false" || *v == "0") return std::optional<bool>(false);
  return Status::InvalidArgument(name + " must be true or false", name);
}

Result<int64_t> IdParam(const http::Request& req, const std::string& name) {
  auto it = req.params.find(name);
  auto n = it == req.params.end() ? std::nullopt : ParseInt(it->second);
  if (!n || *n <= 0) {
    return Status::NotFound("'" + (it == req.params.end() ? "" : it->second) +
                            "' is not a record id");
  }
  return *n;
}

std::optional<std::string> NonEmpty(const http::Request& req, const std::string& name) {
  auto v = req.Query(name);
  if (!v || Trim(*v).empty()) return std::nullopt;
  return std::string(Trim(*v));
}

http::Response Run(Context& ctx, storage::TxMode mode, int ok_status,
                   const std::function<Result<json>(storage::Transaction&)>& fn) {
  Result<json> out = Status::Internal("no result");
  Status s = storage::WithTransaction(ctx.db, mode, [&](storage::Transaction& tx) {
    out = fn(tx);
    return out.status();
  });
  if (!s.ok()) return Problem(s);
  if (ok_status == 204) {
    http::Response r;
    r.status = 204;
    return r;
  }
  return JsonResponse(ok_status, *out);
}

http::Response ReadJson(Context& ctx,
                        const std::function<Result<json>(storage::Transaction&)>& fn) {
  return Run(ctx, storage::TxMode::kRead, 200, fn);
}

http::Response WriteJson(Context& ctx, int ok_status,
                         const std::function<Result<json>(storage::Transaction&, const json&)>& fn,
                         bool optional_body) {
  json body;
  if (!(optional_body && ctx.req.body.empty())) {
    Result<json> parsed = ctx.JsonBody();
    if (!parsed.ok()) return Problem(parsed.status());
    body = std::move(parsed).value();
  }
  return Run(ctx, storage::TxMode::kWrite, ok_status,
             [&](storage::Transaction& tx) { return fn(tx, body); });
}

Result<std::optional<int64_t>> IntQuery(const http::Request& req, const std::string& name) {
  auto v = NonEmpty(req, name);
  if (!v) return std::optional<int64_t>();
  auto n = ParseInt(*v);
  if (!n) return Status::InvalidArgument(name + " must be an integer", name);
  return std::optional<int64_t>(*n);
}

http::Response ImportResponse(Context& ctx, domain::Entity entity) {
  auto format = domain::ParseFormat(ctx.req.Query("format").value_or("csv"));
  if (!format.ok()) return Problem(format.status());
  domain::ImportReport report;
  Status s = ctx.Write([&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(report,
                          domain::Import(tx, ctx.actor, ctx.clock, entity, *format, ctx.req.body));
    // Any bad row: roll everything back and report every row.
    if (!report.errors.empty()) return Status::InvalidArgument("rejected");
    return Status::Ok();
  });
  if (!report.errors.empty()) {
    json extra = report.ToJson();
    extra["inserted"] = 0;
    return Problem(422,
                   Status::InvalidArgument(std::to_string(report.errors.size()) +
                                           " row(s) were rejected; nothing was imported"),
                   extra);
  }
  if (!s.ok()) return Problem(s);
  return JsonResponse(200, {{"inserted", report.inserted}});
}

}  // namespace stio::api
