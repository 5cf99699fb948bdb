#include "domain/policy.h"

#include <string>

namespace stio::domain {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublic:
      return "public";
    case Role::kMember:
      return "member";
    case Role::kReviewer:
      return "reviewer";
    case Role::kStaff:
      return "staff";
    case Role::kAdmin:
      return "admin";
  }
  return "public";
}

Result<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "staff") return Role::kStaff;
  if (name == "reviewer") return Role::kReviewer;
  if (name == "member") return Role::kMember;
  return Status::InvalidArgument(
      "unknown role '" + std::string(name) + "' (expected admin, staff, reviewer or member)",
      "role");
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kReadPublic:
      return "read_public";
    case Permission::kReadSelf:
      return "read_self";
    case Permission::kWriteOrganization:
      return "write_organization";
    case Permission::kEditOrganization:
      return "edit_organization";
    case Permission::kWritePerson:
      return "write_person";
    case Permission::kReadContact:
      return "read_contact";
    case Permission::kImportExport:
      return "import_export";
    case Permission::kManageUsers:
      return "manage_users";
    case Permission::kReadAudit:
      return "read_audit";
    case Permission::kManageMonitoring:
      return "manage_monitoring";
    case Permission::kEnterData:
      return "enter_data";
    case Permission::kApproveData:
      return "approve_data";
    case Permission::kWriteIp:
      return "write_ip";
    case Permission::kReadUnpublishedIp:
      return "read_unpublished_ip";
    case Permission::kWriteListing:
      return "write_listing";
    case Permission::kReviewListings:
      return "review_listings";
    case Permission::kRequestIntroduction:
      return "request_introduction";
    case Permission::kWriteTransfer:
      return "write_transfer";
    case Permission::kManageSettings:
      return "manage_settings";
    case Permission::kAdvise:
      return "advise";
    case Permission::kAskAdvice:
      return "ask_advice";
  }
  return "unknown";
}

bool Allowed(const Actor& a, Permission p, std::optional<int64_t> owner_org) {
  const bool staff = a.role == Role::kStaff || a.role == Role::kAdmin;
  const bool own_org = a.role == Role::kMember && a.organization_id.has_value() &&
                       owner_org.has_value() && *a.organization_id == *owner_org;
  switch (p) {
    case Permission::kReadPublic:
      return true;
    case Permission::kReadSelf:
      return a.authenticated();
    case Permission::kWriteOrganization:
      return staff;
    case Permission::kEditOrganization:
      return staff || own_org;
    case Permission::kWritePerson:
      return staff || own_org;
    case Permission::kReadContact:
      return staff || own_org;
    case Permission::kImportExport:
      return staff;
    case Permission::kManageUsers:
      return a.role == Role::kAdmin;
    case Permission::kReadAudit:
      return a.role == Role::kAdmin;
    case Permission::kManageMonitoring:
      return staff;
    case Permission::kEnterData:
      return staff;
    case Permission::kApproveData:
      return staff;
    case Permission::kWriteIp:
      return staff || own_org;
    case Permission::kReadUnpublishedIp:
      return staff || own_org;
    case Permission::kWriteListing:
      return staff || own_org;
    case Permission::kReviewListings:
      return staff || a.role == Role::kReviewer;
    case Permission::kRequestIntroduction:
      return staff || (a.role == Role::kMember && a.organization_id.has_value());
    case Permission::kWriteTransfer:
      return staff || own_org;
    case Permission::kManageSettings:
      return a.role == Role::kAdmin;
    case Permission::kAdvise:
      return staff;
    case Permission::kAskAdvice:
      return staff || (a.role == Role::kMember && a.organization_id.has_value());
  }
  return false;
}

Status Authorize(const Actor& a, Permission p, std::optional<int64_t> owner_org) {
  if (Allowed(a, p, owner_org)) return Status::Ok();
  if (!a.authenticated()) {
    return Status::Unauthenticated("sign in to " + std::string(PermissionName(p)));
  }
  return Status::PermissionDenied("role '" + std::string(RoleName(a.role)) + "' may not " +
                                  std::string(PermissionName(p)));
}

}  // namespace stio::domain
