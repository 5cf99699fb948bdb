// Authorization, decided in one place.
//
// Every operation the API or CLI can perform is a Permission. Authorize() is the only function
// that decides whether an Actor may perform it, optionally on a resource owned by an organization.
// api/routes.cc declares the Permission of every route, and api/authz_matrix_test.cc checks every
// route against every role.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "domain/actor.h"

namespace stio::domain {

enum class Permission {
  kReadPublic,         // published registry data and reference data: everyone
  kReadSelf,           // one's own account and tokens: any authenticated user
  kWriteOrganization,  // create/delete organizations, certificates: staff, admin
  kEditOrganization,   // edit one organization: staff, admin, member of that organization
  kWritePerson,        // create/edit/delete people: staff, admin, member of the person's org
  kReadContact,        // see hidden contact details: staff, admin, member of the person's org
  kImportExport,       // bulk import and export: staff, admin
  kManageUsers,        // users and roles: admin
  kReadAudit,          // the audit log: admin
  kManageMonitoring,   // data elements, indicators, validation rules, plans, targets: staff, admin
  kEnterData,          // enter, edit and submit indicator values: staff, admin
  kApproveData,        // approve, lock and reopen indicator values: staff, admin
  kWriteIp,            // create/edit/delete IP assets and their events: staff, admin, member
                       // of the owner organization
  kReadUnpublishedIp,  // unpublished IP applications: staff, admin, member of the owner org
  kWriteListing,       // create/edit/submit/renew/withdraw exchange offers and needs, see their
                       // drafts and answer introductions: staff, admin, member of the owner org
  kReviewListings,     // the exchange review queue (publish, return with reasons): reviewer,
                       // staff, admin
  kRequestIntroduction,  // ask for an introduction to a listing's owner: any signed-in user with
                         // an organization, and staff
  kWriteTransfer,        // transfer contracts and their follow-up: staff, admin, member of a party
  kManageSettings,       // settings such as the listing period: admin
  kAdvise,               // write IP guidance articles, answer advisory requests: staff, admin
  kAskAdvice,            // ask for IP advice, take the self-assessment: members with an
                         // organization, and staff (for an organization)
};

std::string_view PermissionName(Permission p);

// OK if `actor` may do `p` (on a resource of `owner_org`, when the permission is per-organization).
// Unauthenticated -> Unauthenticated (401); authenticated but not allowed -> PermissionDenied
// (403).
Status Authorize(const Actor& actor, Permission p, std::optional<int64_t> owner_org = std::nullopt);

// Same decision as a bool, for shaping responses (e.g. hiding contact details).
bool Allowed(const Actor& actor, Permission p, std::optional<int64_t> owner_org = std::nullopt);

}  // namespace stio::domain
