// Shared pieces of the domain layer: list parameters and results, JSON input checking, and the
// audit trail that every write goes through.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/status.h"
#include "domain/actor.h"
#include "storage/database.h"

namespace stio::domain {

using Json = nlohmann::json;

struct ListParams {
  int64_t limit = 50;  // 1..500
  int64_t offset = 0;
  std::string sort;  // "name" or "-name"; validated against each list's allowed keys
};

struct ListResult {
  Json items = Json::array();
  int64_t total = 0;
  int64_t limit = 0;
  int64_t offset = 0;

  Json ToJson() const;
};

// Validates limit/offset and maps `params.sort` through `allowed` (API name -> SQL expression).
// Returns the ORDER BY clause body (e.g. "o.name DESC, o.id"), or `fallback` when sort is empty.
struct SortKey {
  std::string_view name;
  std::string_view sql;
};
Result<std::string> OrderBy(const ListParams& params, std::span<const SortKey> allowed,
                            std::string_view fallback);
Status CheckPaging(const ListParams& params);

// One page of a list: counts "SELECT COUNT(*) FROM <from_where>", then runs "SELECT <columns> FROM
// <from_where> ORDER BY <order> LIMIT ? OFFSET ?" with `args` (then limit and offset) and maps
// each row with `item`. `from_where` and `order` come from code, never from input.
Result<ListResult> PagedList(storage::Transaction& tx, std::string_view columns,
                             const std::string& from_where, std::vector<storage::Value> args,
                             std::string_view order, const ListParams& params,
                             const std::function<Result<Json>(const storage::Row&)>& item);

// How one JSON input field is checked and stored. Column name == JSON name.
struct FieldSpec {
  enum class Kind { kText, kBool, kDate, kEnum };
  std::string_view name;
  Kind kind = Kind::kText;
  bool required = false;
  size_t max_bytes = 500;
  bool multiline = false;
  std::vector<std::string_view> choices = {};                    // kEnum
  Result<std::string> (*normalize)(std::string_view) = nullptr;  // e.g. tax code, ORCID
};

// A checked field: its name and the value to bind (Null clears it).
struct FieldValue {
  std::string name;
  storage::Value value;
};

// Checks `input` (a JSON object) against `specs`: unknown fields, wrong types, bad text (invalid
// UTF-8, control characters, too long), and normalisers. When `creating`, required fields must be
// present and non-empty; on update they may be absent but not null/empty. `ignored` names fields
// that the caller handles itself (they are skipped, not rejected). Errors name the field.
Result<std::vector<FieldValue>> CheckFields(const Json& input, std::span<const FieldSpec> specs,
                                            bool creating,
                                            std::span<const std::string_view> ignored = {});

// Finds a checked value by name (nullptr if absent).
const storage::Value* FindField(const std::vector<FieldValue>& fields, std::string_view name);

// The text of a checked field, if present and not cleared.
std::optional<std::string> TextOf(const std::vector<FieldValue>& fields, std::string_view name);
// The optional "version" of a PATCH body (-1 if absent); not an integer -> InvalidArgument.
Result<int64_t> VersionOf(const Json& patch);

// Column name -> value, for the two statements below. Names come from code, never from input.
using Columns = std::vector<std::pair<std::string, storage::Value>>;
Columns ToColumns(const std::vector<FieldValue>& fields, Columns extra = {});
// INSERT INTO table (columns) VALUES (...) RETURNING id.
Result<int64_t> InsertRecord(storage::Transaction& tx, std::string_view table, const Columns& cols);
// UPDATE table SET columns..., version = version + 1 WHERE id = ? [AND version = ?]; a stale
// `expected_version` (>= 0) -> Aborted (409).
Status UpdateRecord(storage::Transaction& tx, std::string_view table, int64_t id,
                    int64_t expected_version, const Columns& cols);

// Soft delete: sets deleted_at and updated_at to now (and counts a version).
Status SoftDeleteRecord(storage::Transaction& tx, std::string_view table, int64_t id,
                        const Clock& clock);

// A JSON list stored as text (tags, fields, classes...); [] if the text is not JSON.
Json JsonListOf(const std::string& text);

// Converts a storage value to JSON (Null -> null).
Json ToJson(const storage::Value& v);
// A row as a JSON object of all its columns.
Json RowToJson(const storage::Row& row);

// Appends one entry to the audit log in the caller's transaction. `before`/`after` may be null.
Status RecordAudit(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                   std::string_view action, std::string_view entity_type,
                   std::string_view entity_id, const Json& before, const Json& after);

struct AuditFilter {
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;
  std::optional<std::string> actor;
  std::optional<std::string> action;
  std::optional<std::string> since;  // inclusive, ISO date or timestamp
  std::optional<std::string> until;  // inclusive date
};
Result<ListResult> ListAudit(storage::Transaction& tx, const Actor& actor,
                             const AuditFilter& filter, const ListParams& params);

}  // namespace stio::domain
