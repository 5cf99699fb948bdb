// The technology exchange (issue 4): offers and needs, their review lifecycle, attachments,
// matching, introductions between parties, technology transfer contracts followed to their effect,
// S&T task proposals from unmet needs, settings and statistics.
//
// Lifecycle of a listing (offer or need); every change is audited, and nothing skips a step:
//
//   draft --submit--> submitted --publish (reviewer)--> published --(period ends)--> expired
//     ^                   |                                |  ^                         |
//     |                   +--return (reviewer, reasons)--> returned --submit--> ...    |
//     |                                                    +--renew--+ <--renew---------+
//   any state but withdrawn --withdraw--> withdrawn
//
// Editing a published listing sends it back to review (submitted). A published listing whose
// period has ended counts as expired at once (queries compare expires_at with today);
// ExpireListings then records the change of status, audits it and tells the owner.
//
// Writes decide authorization first (403 to a signed-in user who may not write the listing,
// whatever its state). Visibility: the public sees published listings only and never contact
// details; members see their organization's listings in every state; reviewers and staff see
// everything. Contact details are shown to the owner, to staff and reviewers, and to a requester
// whose introduction the owner accepted.
//
// Introductions (connections): requested --accept--> accepted --> meeting --> nda --> contract
// --> closed; the owner may decline a request with a reason (price, stage, fit, timing, other);
// the requester may cancel before the contract. Requests are rate-limited per user and day
// (setting exchange.intro_requests_per_day), one open request per user and listing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

class RegistrySearch;

// --- Settings (admin): exchange.listing_days (30..730, default 180),
// exchange.intro_requests_per_day (1..1000, default 10) and ip.reminder_days (1 to 5 lead times in
// days, 1..365, default [60, 30, 7]).
Result<Json> GetSettings(storage::Transaction& tx);
Result<Json> UpdateSettings(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& patch);
Result<int64_t> SettingInt(storage::Transaction& tx, const std::string& key);
Result<std::vector<int64_t>> SettingList(storage::Transaction& tx, const std::string& key);

// --- Listings
struct ListingFilter {
  std::optional<std::string> kind;    // offer | need
  std::optional<std::string> status;  // effective status (an overdue published listing: expired)
  std::optional<std::string> q;       // title or summary, accent-insensitive
  std::optional<std::string> field;   // field-of-science code prefix
  std::optional<std::string> province_code;
  std::optional<int64_t> organization_id;
  std::optional<int64_t> trl_min;  // offers with trl >= this
  std::optional<std::string> transfer_mode;
};

// Input: kind, title, summary, description?, fields[], ipc[], keywords[], transfer_modes[],
// ip_asset_ids[] (offers), trl (offers), trl_min (needs), price_vnd | price_negotiable (offers),
// budget_min_vnd, budget_max_vnd, deadline, accepted_result, sector_vsic (needs),
// organization_id (staff; a member's is theirs), contact_name/email/phone, province_code
// (default: the organization's), source; submit: true submits at once.
Result<Json> CreateListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           const Json& input);
Result<Json> GetListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id);
// A published listing goes back to review; withdrawn ones cannot be edited. "version" optional.
Result<Json> UpdateListing(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const Json& patch);
// Only drafts are deleted (soft); anything else is withdrawn.
Status DeleteListing(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);
Result<ListResult> ListListings(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const ListingFilter& filter, const ListParams& params);

// action: submit | publish | return | renew | withdraw. body: {"note": "..."} (return: required
// reasons). With `search`, publishing notifies the owners of the best matching counterparts and
// the listing's owner of what was found.
Result<Json> ListingAction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id, const std::string& action, const Json& body,
                           RegistrySearch* search);

// Marks overdue published listings expired (audited as the system, owner notified) and reminds
// owners 14 days ahead (once). Returns {"expired": n, "reminded": m}.
Result<Json> ExpireListings(storage::Transaction& tx, const Clock& clock);

// --- Attachments: PDF, PNG, JPEG, GIF or WebP judged by their content, at most 5 MiB each and 10
// per listing.
Result<Json> AddAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t listing_id, const std::string& file_name,
                           const std::string& bytes);
struct Attachment {
  std::string file_name;
  std::string media_type;
  std::string bytes;
};
Result<Attachment> GetAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t listing_id, int64_t attachment_id);
Status DeleteAttachment(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t listing_id, int64_t attachment_id);
// What the content is, from its first bytes ("" if none of the accepted types).
std::string SniffMediaType(std::string_view bytes);

// --- Matching (exchange_match.cc): for a need, ranked offers and experts; for an offer, ranked
// needs. Each match has a score in [0, 1] and its reasons in words (vi and en).
struct MatchOptions {
  int64_t limit = 10;
  bool experts = true;  // needs only
};
Result<Json> MatchListing(storage::Transaction& tx, RegistrySearch& search, const Actor& actor,
                          const Clock& clock, int64_t id, const MatchOptions& options);

// --- Introductions
Result<Json> RequestIntroduction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t listing_id, const Json& input);
Result<Json> GetConnection(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                           int64_t id);
// box: "sent" (mine), "received" (to my organization's listings) or "" (both; staff: all).
Result<ListResult> ListConnections(storage::Transaction& tx, const Actor& actor,
                                   const std::string& box, const std::optional<std::string>& status,
                                   const ListParams& params);
// action: accept | decline {reason, note?} | meeting | nda | contract {contract: {...}} or
// {contract_id} | close | cancel.
Result<Json> ConnectionAction(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                              int64_t id, const std::string& action, const Json& body);

// --- Transfer contracts (Law 07/2017/QH14 on technology transfer). Registration with the S&T
// authority is required for transfers into or out of Vietnam and for domestic ones using state
// capital; the dossier is due within 90 days of signing, and such a contract takes effect only
// once registered.
Result<Json> CreateContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            const Json& input);
Result<Json> GetContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t id);
Result<Json> UpdateContract(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t id, const Json& patch);
Result<ListResult> ListContracts(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 const std::optional<std::string>& province_code,
                                 const std::optional<std::string>& status,
                                 const ListParams& params);
// Follow-up after the transfer: {period, revenue_change_vnd?, productivity_change_pct?,
// jobs_created?, products?, note?}; one per contract and period.
Result<Json> AddFollowup(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t contract_id, const Json& input);

// --- S&T task proposals (đặt hàng) from a need that found no transfer: staff only.
Result<Json> CreateTaskProposal(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                int64_t need_id);
Result<Json> GetTaskProposal(storage::Transaction& tx, const Actor& actor, int64_t id);
Result<ListResult> ListTaskProposals(storage::Transaction& tx, const Actor& actor,
                                     std::optional<int64_t> need_id, const ListParams& params);

// --- Statistics (public): listings, introductions, contracts and their value, by month, field
// (level 1) and province. Optional filters: province_code, from/to months (YYYY-MM).
struct ExchangeStatsQuery {
  std::optional<std::string> province_code;
  std::optional<std::string> from;
  std::optional<std::string> to;
};
Result<Json> ExchangeStats(storage::Transaction& tx, const Clock& clock,
                           const ExchangeStatsQuery& q);

// The published, current listings among `ids` as the public sees them (no contact details, no
// attachments), in one query: for the matcher.
Result<std::map<int64_t, Json>> PublishedListings(storage::Transaction& tx, const Clock& clock,
                                                  const std::vector<int64_t>& ids);

// The listing as the search index sees it (published and current only; nullopt otherwise), for
// registry_search.cc.
struct ListingDoc {
  int64_t id = 0;
  std::string kind, title, summary, description, keywords, province_code, organization_name;
  std::vector<std::string> fields, ipc;
  int64_t expires_day = 0;  // days since 1970-01-01
};
Result<std::optional<ListingDoc>> LoadListingDoc(storage::Transaction& tx, int64_t id);
// Every published listing (expired ones included: the index drops them by date), in one pass.
Status ForEachListingDoc(storage::Transaction& tx,
                         const std::function<Status(const ListingDoc&)>& fn);

}  // namespace stio::domain
