// Intellectual property (issue 7): the province's IP assets (patents, utility solutions, designs,
// marks, geographical indications, plant varieties, layout designs), their events, deadlines
// computed from the rules in data/ip/deadline_rules.json (ip_deadlines.h), the free-to-use finder
// and statistics per 10,000 inhabitants.
//
// Same rules as registry.h: every function works in the caller's transaction, checks permissions
// through policy.h, validates everything before writing, and audits every write. Unpublished
// applications are visible only to staff and to members of the owner organization (to everyone
// else they do not exist: 404); members write only their own organization's assets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"
#include "domain/ip_deadlines.h"

namespace stio::domain {

// Loads data/ip/deadline_rules.json into ip_rules if its checksum changed. Returns the number of
// kinds loaded (0 if the file was current or absent). A malformed file is an error naming it.
Result<int> LoadIpRules(storage::Database& db, const std::string& data_dir, const Clock& clock);
// The rules as stored (the file's document, reassembled); NotFound if none were loaded.
Result<Json> GetIpRulesDocument(storage::Transaction& tx);
Result<IpRules> ReadIpRules(storage::Transaction& tx);
// Replaces the rules (admin): the document is checked as the file is, and every stored asset must
// still get a schedule under it. Audited with before and after. A new data/ip file shipped with a
// later version replaces an edit at the next start (its checksum changes).
Result<Json> UpdateIpRules(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& doc);

struct IpAssetFilter {
  std::optional<std::string> q;  // title or number, accent-insensitive
  std::optional<std::string> kind;
  std::optional<std::string> status;
  std::optional<int64_t> owner_organization_id;
  std::optional<std::string> province_code;
  std::optional<std::string> class_prefix;  // e.g. "A01B" or Nice "30"
};

Result<Json> CreateIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input);
// The asset with its computed schedule and its events.
Result<Json> GetIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id);
// `patch` may carry "version" (stale -> Aborted, 409).
Result<Json> UpdateIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch);
Status DeleteIpAsset(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);
Result<ListResult> ListIpAssets(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const IpAssetFilter& filter, const ListParams& params);

// The asset as stored (no schedule, no events) if `actor` may see it; NotFound otherwise (its
// existence is not disclosed). For the modules built around assets (ip_origin.h).
Result<Json> LoadVisibleIpAsset(storage::Transaction& tx, const Actor& actor, int64_t id);

// Events: filing, examination_notice, grant (sets grant_date, grant_number, status granted),
// fee_payment (needs paid_up_to, beyond the stored one), renewal (one more renewal), assignment,
// licence, lapse (status lapsed), invalidation (status invalidated). Returns the event and the
// asset after it.
Result<Json> AddIpEvent(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t asset_id, const Json& input);
Result<Json> ListIpEvents(storage::Transaction& tx, const Actor& actor, int64_t asset_id);

struct IpDeadlineQuery {
  std::optional<std::string> from;  // default: today
  std::optional<std::string> to;    // default: from + 1 year
  bool at_risk_only = false;
  int at_risk_days = 60;
  std::optional<int64_t> owner_organization_id;
};
// The calendar: every deadline of the visible assets whose due date (or grace) falls in the range,
// earliest first, each with its asset; and the number of assets at risk of lapsing.
Result<Json> ListIpDeadlines(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                             const IpDeadlineQuery& query);

// Reminds owner organizations of their IP deadlines (in-app and by e-mail through the outbox):
// at the lead times of the setting ip.reminder_days (default 60, 30 and 7 days) before a due date,
// and once more when the grace period begins. Each reminder
// is sent once (ledger `reminders_sent`). Returns {"reminded": n}.
Result<Json> RemindIpDeadlines(storage::Transaction& tx, const Clock& clock);

// A patent or utility solution that is free to use, listed on the technology exchange as an offer
// (submitted for review; staff only): title, IPC classes and the link to the asset; price 0,
// licence-free. `organization_id` (the listing's organization) defaults to the asset's owner.
Result<Json> ListFreeToUseOnExchange(storage::Transaction& tx, const Actor& actor,
                                     const Clock& clock, int64_t asset_id, const Json& input);

// Patents and utility solutions whose term ended or that lapsed (free to use in Vietnam).
struct FreeToUseQuery {
  std::optional<std::string> ipc_prefix;
  std::optional<std::string> province_code;  // the owner's province
  // Relevance to a province's plans (priorities.h): one priority, or all of a province's. When
  // either is set, only the patents matching one of them are listed, each with "priorities":
  // [{"id", "name", "kind", "by": [...]}].
  std::optional<int64_t> priority_id;
  std::optional<std::string> priorities_of;
};
Result<ListResult> FindFreeToUse(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 const FreeToUseQuery& query, const ListParams& params);

// Applications (by filing year) and grants (by grant year) per kind, year and province, with the
// rate per 10,000 inhabitants from the province's population (admin_units, 2025 map).
Result<Json> IpStatistics(storage::Transaction& tx, const std::optional<std::string>& province_code,
                          const std::optional<std::string>& kind,
                          const std::optional<int64_t>& year_from,
                          const std::optional<int64_t>& year_to);

// The kinds of right: patent, utility_solution, industrial_design, trademark, collective_mark,
// certification_mark, geographical_indication, plant_variety, layout_design.
bool IsIpKind(std::string_view kind);

// Checks and normalises one class code for a scheme (ipc, nice, locarno): "a01b1/00" ->
// "A01B 1/00", "09" -> "9" (Nice), "2-01" -> "02-01" (Locarno).
Result<std::string> NormalizeIpClass(std::string_view scheme, std::string_view code);

}  // namespace stio::domain
