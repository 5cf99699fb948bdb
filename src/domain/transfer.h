// Bulk import and export of registry entities as CSV (UTF-8, with or without BOM, as Excel saves
// it) and JSON. An import is all-or-nothing: every row is checked by the same code as a single
// create, in one transaction; if any row fails, every failure is reported (line, column, reason)
// and the caller rolls the whole transaction back.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

struct RowError {
  int line = 0;        // CSV: physical line of the record; JSON: 1-based item number
  std::string column;  // field name, "" if the row as a whole is wrong
  std::string message;
};

struct ImportReport {
  int64_t inserted = 0;
  std::vector<RowError> errors;  // non-empty: nothing may be committed
  Json ToJson() const;
};

// Listings are the exchange's offers and needs (exchange.h); they import through their own route
// and export through the listing list.
// IP assets import from our columns or from an IP office's export: Vietnamese or English
// headings ("Số đơn", "Ngày nộp đơn", "Số bằng", "Chủ đơn", "Phân loại IPC"...), kind names
// ("Sáng chế", "Nhãn hiệu tập thể"...) and day-first dates (05/03/2024) are understood.
enum class Entity { kOrganizations, kPeople, kListings, kIpAssets };
// "organizations" | "people" | "listings" | "ip-assets"
Result<Entity> ParseEntity(std::string_view name);
enum class Format { kCsv, kJson };
Result<Format> ParseFormat(std::string_view name);  // "csv" | "json"

// REQUIRES: the caller commits only if the report has no errors.
Result<ImportReport> Import(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            Entity entity, Format format, std::string_view data);

// The whole entity (live records) as a file.
Result<std::string> Export(storage::Transaction& tx, const Actor& actor, Entity entity,
                           Format format);

}  // namespace stio::domain
