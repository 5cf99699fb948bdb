// Who is acting: the authenticated user (or the anonymous public) behind a request or a CLI call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace stio::domain {

// Permissions are decided in policy.cc, never by comparing roles.
enum class Role { kPublic, kMember, kReviewer, kStaff, kAdmin };

std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);  // "admin", "staff", "reviewer", "member"

struct Actor {
  Role role = Role::kPublic;
  int64_t user_id = 0;                     // 0 for the public and for the system
  std::string email;                       // "" for the public; "system" for the CLI's own seeding
  std::optional<int64_t> organization_id;  // members only
  std::string remote_address;

  static Actor Public() { return Actor{}; }
  // The CLI acting with full rights on a local database (recorded as such in the audit log).
  static Actor System(std::string who = "system") {
    Actor a;
    a.role = Role::kAdmin;
    a.email = std::move(who);
    return a;
  }
  bool authenticated() const { return role != Role::kPublic; }
};

}  // namespace stio::domain
