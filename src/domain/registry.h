// The registry: organizations, their S&T enterprise certificates (Decree 13/2019/NĐ-CP), and
// people (researchers and experts).
//
// Every function works inside the caller's transaction (one per request or per import), checks
// permissions through policy.h, validates its input, and records each write in the audit log with
// the record before and after. Deletes are soft: the row stays, with deleted_at set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

struct OrganizationFilter {
  std::optional<std::string> q;
  std::optional<std::string> kind;
  std::optional<std::string> province_code;
  std::optional<std::string> vsic;  // prefix match: "62" finds 620, 6201, ...
  std::optional<bool> certified;    // has an active S&T enterprise certificate
};

Result<Json> CreateOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                const Json& input);
Result<Json> GetOrganization(storage::Transaction& tx, const Actor& actor, int64_t id);
// `patch` may carry "version"; if it does and it differs from the stored one -> Aborted (409).
Result<Json> UpdateOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                int64_t id, const Json& patch);
Status DeleteOrganization(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id);
Result<ListResult> ListOrganizations(storage::Transaction& tx, const Actor& actor,
                                     const OrganizationFilter& filter, const ListParams& params);

// Certificates. Lifecycle: issue -> active; suspend: active -> suspended; reinstate: suspended ->
// active; revoke: active|suspended -> revoked (final); amend: active|suspended, status unchanged.
// Event dates must not precede the previous event.
Result<Json> IssueCertificate(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                              int64_t organization_id, const Json& input);
Result<Json> AddCertificateEvent(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                                 int64_t certificate_id, const Json& input);
Result<Json> GetCertificate(storage::Transaction& tx, int64_t certificate_id);
Result<ListResult> ListCertificates(storage::Transaction& tx,
                                    std::optional<int64_t> organization_id,
                                    std::optional<std::string> status,
                                    std::optional<std::string> province_code,
                                    const ListParams& params);

struct PersonFilter {
  std::optional<std::string> q;
  std::optional<int64_t> organization_id;
  std::optional<std::string> field;  // field-of-science code; matches the code and its children
  std::optional<bool> expert;
  std::optional<std::string> province_code;
};

Result<Json> CreatePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          const Json& input);
Result<Json> GetPerson(storage::Transaction& tx, const Actor& actor, int64_t id);
Result<Json> UpdatePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                          int64_t id, const Json& patch);
Status DeletePerson(storage::Transaction& tx, const Actor& actor, const Clock& clock, int64_t id);
Result<ListResult> ListPeople(storage::Transaction& tx, const Actor& actor,
                              const PersonFilter& filter, const ListParams& params);

}  // namespace stio::domain
