// Reference data: administrative units (2025 map and pre-2025 map, with the official conversion
// between them), population and area, and the classifications (fields of science, VSIC 2018).
//
// The data ships as CSV files in the repository's data/ folder (see data/README.md for sources).
// LoadReferenceData() puts them into the database; each file's SHA-256 is recorded, so a start-up
// with unchanged files costs one query per file, and a changed file is reloaded in one transaction.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"
#include "storage/database.h"

namespace stio::domain {

struct ReferenceLoadReport {
  int files_loaded = 0;   // files (re)loaded now
  int files_current = 0;  // files already loaded with the same checksum
};

// REQUIRES: the database is migrated. `data_dir` is the repository's data/ folder.
Result<ReferenceLoadReport> LoadReferenceData(storage::Database& db, const std::string& data_dir,
                                              const Clock& clock);

struct AdminUnitFilter {
  std::string level = "province";  // province | district | commune
  std::string era = "2025";        // 2025 | pre2025
  std::optional<std::string> province_code;
  std::optional<std::string> q;
};

Result<ListResult> ListAdminUnits(storage::Transaction& tx, const AdminUnitFilter& filter,
                                  const ListParams& params);
// One unit with its lineage (merged_from / predecessors / successors).
Result<Json> GetAdminUnit(storage::Transaction& tx, const std::string& era,
                          const std::string& level, const std::string& code);
// Where an old (pre-2025) commune or province went on the 2025 map.
Result<Json> ConvertAdminUnit(storage::Transaction& tx, const std::string& level,
                              const std::string& old_code);
// True if `code` is a 2025 province (or a 2025 commune of that province, if given).
Status CheckProvince(storage::Transaction& tx, const std::string& code);
Status CheckCommune(storage::Transaction& tx, const std::string& commune_code,
                    const std::optional<std::string>& province_code);

// scheme: "fos" or "vsic".
Result<ListResult> ListClassification(storage::Transaction& tx, const std::string& scheme);
Status CheckClassificationCode(storage::Transaction& tx, const std::string& scheme,
                               const std::string& code);

// Counts for the home page.
Result<Json> Stats(storage::Transaction& tx);

// `%key%` for LIKE with user text escaped (used with ESCAPE '\').
std::string LikeContains(std::string_view key);

}  // namespace stio::domain
