// Users of geographical indications and of collective and certification marks (issue 7).
//
// A geographical indication belongs to the State and its use is authorised (in Vietnam by the
// provincial People's Committee or the body it names, IP Law art. 121 and 123); a collective mark
// is used by the members its holder admits, a certification mark by those whose products its holder
// certifies. stio keeps who is authorised, where they produce (province and commune of the 2025
// map), for which products, under which decision, from when and until when, and whether the right
// is active, suspended or revoked. The map of the province's signs of origin shows holders and
// users from here.
//
// Who writes: staff, or members of the asset's owner organization (the holder), as for the asset
// itself (Permission::kWriteIp). Who reads: whoever may see the asset (a registered sign is
// published). Every write is audited (entity "ip_mark_user").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

// The kinds of right that have users: geographical_indication, collective_mark,
// certification_mark.
bool HasMarkUsers(std::string_view kind);

// {name?, organization_id?, province_code?, commune_code?, products?, decision_number?,
//  authorised_on, valid_until?, status?, note?}. The asset must be a sign with users and granted;
// authorised_on lies between its grant date and today; valid_until after authorised_on; an
// organization has one live authorisation per sign (409). name and province default to the
// organization's.
Result<Json> AddMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                         int64_t asset_id, const Json& input);
// Any field above but organization_id; "version" for optimistic concurrency (stale -> 409).
Result<Json> UpdateMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            int64_t asset_id, int64_t user_id, const Json& patch);
// Soft delete (a record entered by mistake; a withdrawn right is status "revoked").
Status DeleteMarkUser(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      int64_t asset_id, int64_t user_id);
// {"items": [...], "total", "active", "provinces": {code: n active}} for one asset.
Result<Json> ListMarkUsers(storage::Transaction& tx, const Actor& actor, int64_t asset_id);

// The signs of origin the actor may see (geographical indications, collective and certification
// marks that are not refused, withdrawn or invalidated), each with its holder and its active users
// per province and commune, and per province the number of signs held there and of active users
// producing there. `province_code` narrows to signs held in, or used in, that province.
Result<Json> OriginMap(storage::Transaction& tx, const Actor& actor,
                       const std::optional<std::string>& province_code);

}  // namespace stio::domain
