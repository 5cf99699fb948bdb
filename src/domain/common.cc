#include "domain/common.h"

#include <algorithm>

#include "core/strings.h"
#include "domain/ip_deadlines.h"
#include "domain/policy.h"
#include "domain/validation.h"

namespace stio::domain {

Json ListResult::ToJson() const {
  return Json{{"items", items}, {"total", total}, {"limit", limit}, {"offset", offset}};
}

Status CheckPaging(const ListParams& p) {
  if (p.limit < 1 || p.limit > 500) {
    return Status::InvalidArgument("limit must be between 1 and 500", "limit");
  }
  if (p.offset < 0) return Status::InvalidArgument("offset must not be negative", "offset");
  return Status::Ok();
}

Json JsonListOf(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json::array() : j;
}

Result<ListResult> PagedList(storage::Transaction& tx, std::string_view columns,
                             const std::string& from_where, std::vector<storage::Value> args,
                             std::string_view order, const ListParams& params,
                             const std::function<Result<Json>(const storage::Row&)>& item) {
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  STIO_ASSIGN_OR_RETURN(storage::Row count,
                        tx.QueryOne("SELECT COUNT(*) AS n FROM " + from_where, args));
  ListResult out;
  out.total = count.Int("n");
  out.limit = params.limit;
  out.offset = params.offset;
  args.emplace_back(params.limit);
  args.emplace_back(params.offset);
  STIO_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT " + std::string(columns) + " FROM " + from_where + " ORDER BY " +
                              std::string(order) + " LIMIT ? OFFSET ?",
                          args));
  for (const auto& r : rows) {
    STIO_ASSIGN_OR_RETURN(Json j, item(r));
    out.items.push_back(std::move(j));
  }
  return out;
}

Result<std::string> OrderBy(const ListParams& params, std::span<const SortKey> allowed,
                            std::string_view fallback) {
  if (params.sort.empty()) return std::string(fallback);
  bool desc = params.sort[0] == '-';
  std::string_view key = desc ? std::string_view(params.sort).substr(1) : params.sort;
  for (const SortKey& k : allowed) {
    if (k.name == key) return std::string(k.sql) + (desc ? " DESC" : " ASC");
  }
  std::string names;
  for (const SortKey& k : allowed) {
    if (!names.empty()) names += ", ";
    names += k.name;
  }
  return Status::InvalidArgument(
      "cannot sort by '" + std::string(key) + "' (one of: " + names + ", with '-' for descending)",
      "sort");
}

Result<std::vector<FieldValue>> CheckFields(const Json& input, std::span<const FieldSpec> specs,
                                            bool creating,
                                            std::span<const std::string_view> ignored) {
  if (!input.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : input.items()) {
    (void)value;
    bool known = std::any_of(specs.begin(), specs.end(),
                             [&](const FieldSpec& s) { return s.name == key; }) ||
                 std::find(ignored.begin(), ignored.end(), key) != ignored.end();
    if (!known) return Status::InvalidArgument("unknown field '" + key + "'", key);
  }
  std::vector<FieldValue> out;
  for (const FieldSpec& spec : specs) {
    const std::string name(spec.name);
    auto it = input.find(name);
    const bool absent = it == input.end();
    const bool null = !absent && it->is_null();
    if (absent || null || (it->is_string() && Trim(it->get_ref<const std::string&>()).empty())) {
      if (spec.required && (creating || !absent)) {
        return Status::InvalidArgument("'" + name + "' is required", name);
      }
      if (!absent) out.push_back({name, storage::Null{}});
      continue;
    }
    if (spec.kind == FieldSpec::Kind::kBool) {
      if (!it->is_boolean())
        return Status::InvalidArgument("'" + name + "' must be true or false", name);
      out.push_back({name, int64_t{it->get<bool>() ? 1 : 0}});
      continue;
    }
    if (!it->is_string()) return Status::InvalidArgument("'" + name + "' must be a string", name);
    std::string text(Trim(it->get_ref<const std::string&>()));
    if (Status s = ValidateText(text, spec.max_bytes, spec.multiline); !s.ok()) {
      return s.WithField(name);
    }
    switch (spec.kind) {
      case FieldSpec::Kind::kDate:
        if (Status s = ValidateDate(text); !s.ok()) return s.WithField(name);
        break;
      case FieldSpec::Kind::kEnum:
        if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
          std::string choices;
          for (auto c : spec.choices) {
            if (!choices.empty()) choices += ", ";
            choices += c;
          }
          return Status::InvalidArgument("'" + name + "' must be one of: " + choices, name);
        }
        break;
      default:
        break;
    }
    if (spec.normalize) {
      Result<std::string> n = spec.normalize(text);
      if (!n.ok()) return n.status().WithField(name);
      text = std::move(n).value();
    }
    out.push_back({name, std::move(text)});
  }
  return out;
}

const storage::Value* FindField(const std::vector<FieldValue>& fields, std::string_view name) {
  for (const FieldValue& f : fields) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

std::optional<std::string> TextOf(const std::vector<FieldValue>& fields, std::string_view name) {
  const storage::Value* v = FindField(fields, name);
  if (!v || !std::holds_alternative<std::string>(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

Result<int64_t> VersionOf(const Json& patch) {
  auto it = patch.find("version");
  if (it == patch.end()) return int64_t{-1};
  if (!it->is_number_integer()) {
    return Status::InvalidArgument("'version' must be an integer", "version");
  }
  return it->get<int64_t>();
}

Columns ToColumns(const std::vector<FieldValue>& fields, Columns extra) {
  Columns cols;
  for (const FieldValue& f : fields) cols.emplace_back(f.name, f.value);
  for (auto& e : extra) cols.push_back(std::move(e));
  return cols;
}

Result<int64_t> InsertRecord(storage::Transaction& tx, std::string_view table,
                             const Columns& cols) {
  std::string names, marks;
  std::vector<storage::Value> args;
  for (const auto& [c, v] : cols) {
    names += (names.empty() ? "" : ", ") + c;
    marks += marks.empty() ? "?" : ", ?";
    args.push_back(v);
  }
  STIO_ASSIGN_OR_RETURN(storage::Row r,
                        tx.QueryOne("INSERT INTO " + std::string(table) + " (" + names +
                                        ") VALUES (" + marks + ") RETURNING id",
                                    args));
  return r.Int("id");
}

Status SoftDeleteRecord(storage::Transaction& tx, std::string_view table, int64_t id,
                        const Clock& clock) {
  const std::string now = FormatTimestamp(clock.Now());
  return UpdateRecord(tx, table, id, -1, {{"deleted_at", now}, {"updated_at", now}});
}

Status UpdateRecord(storage::Transaction& tx, std::string_view table, int64_t id,
                    int64_t expected_version, const Columns& cols) {
  std::string sets;
  std::vector<storage::Value> args;
  for (const auto& [c, v] : cols) {
    sets += c + " = ?, ";
    args.push_back(v);
  }
  sets += "version = version + 1";
  std::string sql = "UPDATE " + std::string(table) + " SET " + sets + " WHERE id = ?";
  args.push_back(id);
  if (expected_version >= 0) {
    sql += " AND version = ?";
    args.push_back(expected_version);
  }
  STIO_ASSIGN_OR_RETURN(int64_t changed, tx.Execute(sql, args));
  if (changed == 0) {
    return Status::Aborted("the record was changed by someone else (version " +
                           std::to_string(expected_version) + " is stale); reload and retry");
  }
  return Status::Ok();
}

Json ToJson(const storage::Value& v) {
  return std::visit(
      [](const auto& x) -> Json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, storage::Null>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, storage::Blob>) {
          return x.bytes.size();  // blobs are never sent as JSON; their size is informative
        } else {
          return x;
        }
      },
      v);
}

Json RowToJson(const storage::Row& row) {
  Json out = Json::object();
  const auto& cols = row.columns();
  for (size_t i = 0; i < row.size(); ++i) out[cols[i]] = ToJson(row.at(i));
  return out;
}

Status RecordAudit(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                   std::string_view action, std::string_view entity_type,
                   std::string_view entity_id, const Json& before, const Json& after) {
  auto dump = [](const Json& j) -> storage::Value {
    if (j.is_null()) return storage::Null{};
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  return tx
      .Execute(
          "INSERT INTO audit_log (at, actor_user_id, actor_email, action, entity_type, entity_id, "
          "before_json, after_json, remote_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {FormatTimestamp(clock.Now()),
           actor.user_id ? storage::Value(actor.user_id) : storage::Value(storage::Null{}),
           actor.email.empty() ? std::string("public") : actor.email, std::string(action),
           std::string(entity_type), std::string(entity_id), dump(before), dump(after),
           actor.remote_address.empty() ? storage::Value(storage::Null{})
                                        : storage::Value(actor.remote_address)})
      .status();
}

Result<ListResult> ListAudit(storage::Transaction& tx, const Actor& actor, const AuditFilter& f,
                             const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadAudit));
  std::string where = " WHERE 1=1";
  std::vector<storage::Value> args;
  auto add = [&](const std::optional<std::string>& v, std::string_view clause) {
    if (!v) return;
    where += clause;
    args.push_back(*v);
  };
  add(f.entity_type, " AND entity_type = ?");
  add(f.entity_id, " AND entity_id = ?");
  add(f.actor, " AND actor_email = ?");
  add(f.action, " AND action = ?");
  // Dates are Vietnam's days (UTC+7): day D runs from (D-1)T17:00:00Z to DT17:00:00Z in the
  // UTC timestamps of the log. Anything else is compared as a timestamp.
  auto day_start_utc = [](const std::string& date) -> std::optional<std::string> {
    auto d = ParseCivilDate(date);
    if (!d.ok()) return std::nullopt;
    return FormatCivilDate(AddDays(*d, -1)) + "T17:00:00Z";
  };
  if (f.since) {
    where += " AND at >= ?";
    args.push_back(day_start_utc(*f.since).value_or(*f.since));
  }
  if (f.until) {
    where += " AND at < ?";
    // An inclusive date: everything before the start of the next day.
    auto d = ParseCivilDate(*f.until);
    args.push_back(d.ok() ? *f.until + "T17:00:00Z" : *f.until);
  }
  return PagedList(tx,
                   "id, at, actor_email, action, entity_type, entity_id, before_json, after_json, "
                   "remote_address",
                   "audit_log" + where, std::move(args), "id DESC", params,
                   [](const storage::Row& r) -> Result<Json> {
                     Json item = {{"id", r.Int("id")},
                                  {"at", r.Text("at")},
                                  {"actor_email", r.Text("actor_email")},
                                  {"action", r.Text("action")},
                                  {"entity_type", r.Text("entity_type")},
                                  {"entity_id", ToJson(r.at("entity_id"))},
                                  {"remote_address", ToJson(r.at("remote_address"))}};
                     for (const char* col : {"before_json", "after_json"}) {
                       std::string key(col);
                       key.resize(key.size() - 5);  // "before", "after"
                       auto text = r.OptText(col);
                       item[key] = text ? Json::parse(*text, nullptr, false) : Json();
                     }
                     return item;
                   });
}

}  // namespace stio::domain
