// The province's priority sectors and key products (issue 7): what its plans say the province
// should build IP around. Each priority names the IPC prefixes and the words by which a patent is
// recognised as relevant to it (no official VSIC -> IPC concordance is available to us, so staff
// state the prefixes; the VSIC codes are kept for reference and reporting). The free-to-use
// finder (ip.h FindFreeToUse) filters expired and lapsed patents by them and says, for each patent,
// which priority it matched and by what.
//
// Staff write (Permission::kManageMonitoring: priorities belong with the plans); everyone reads.
// Every write is audited (entity "province_priority").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

// {province_code, kind: sector | key_product, name, name_en?, ipc_prefixes?: ["A23L", "C12G 3/00"],
//  keywords?: ["cà phê", ...], vsic_codes?: ["1077"], basis?}. At least one IPC prefix or keyword
// (a priority that can match nothing is refused); a key product also matches assets whose key or
// OCOP product carries its name.
Result<Json> CreatePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& input);
Result<Json> UpdatePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t id, const Json& patch);
Status DeletePriority(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);
Result<Json> GetPriority(storage::Transaction& tx, int64_t id);
Result<ListResult> ListPriorities(storage::Transaction& tx,
                                  const std::optional<std::string>& province_code,
                                  const ListParams& params);

// Normalises an IPC prefix: a section ("A"), class ("A23"), subclass ("A23L") or a full symbol
// ("a23l3/00" -> "A23L 3/00"; a main group "/00" also covers its subgroups).
Result<std::string> NormalizeIpcPrefix(std::string_view prefix);

// Matches assets (JSON as the IP API returns them) against a set of priorities.
class PriorityMatcher {
 public:
  // One priority (`id`), or all of a province's, or both unset: none (Match returns nothing).
  static Result<PriorityMatcher> Load(storage::Transaction& tx, std::optional<int64_t> id,
                                      const std::optional<std::string>& province_code);

  // The priorities `asset` matches: [{"id", "name", "kind", "by": ["ipc A23L", "keyword cà phê",
  // "key product"]}], empty if none.
  Json Match(const Json& asset) const;
  bool empty() const { return priorities_.empty(); }

 private:
  struct Priority {
    int64_t id = 0;
    std::string name, kind, name_key;
    std::vector<std::string> ipc, keywords, keyword_keys;
  };
  std::vector<Priority> priorities_;
};

}  // namespace stio::domain
