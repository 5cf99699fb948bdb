#include "domain/notifications.h"

#include <set>

#include "domain/policy.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;

// Notifications addressed to `actor`: to them, or to their organization.
std::string MineClause(const Actor& actor, std::vector<Value>& args) {
  args.push_back(actor.user_id);
  if (actor.organization_id) {
    args.push_back(*actor.organization_id);
    return "(user_id = ? OR organization_id = ?)";
  }
  return "user_id = ?";
}

bool PlausibleEmail(const std::string& s) {
  const size_t at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() && s.size() <= 254 &&
         s.find_first_of(" \r\n\t<>,;") == std::string::npos;
}

}  // namespace

Result<int64_t> Notify(storage::Transaction& tx, const Clock& clock, const NewNotification& n) {
  if (!n.user_id && !n.organization_id) {
    return Status::Internal("a notification needs a user or an organization");
  }
  const std::string now = FormatTimestamp(clock.Now());
  STIO_ASSIGN_OR_RETURN(
      storage::Row row,
      tx.QueryOne("INSERT INTO notifications (user_id, organization_id, kind, subject_type, "
                  "subject_id, title, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                  "RETURNING id",
                  {n.user_id ? Value(*n.user_id) : Value(Null{}),
                   n.organization_id ? Value(*n.organization_id) : Value(Null{}), n.kind,
                   n.subject_type, n.subject_id, n.title, n.body, now}));
  const int64_t id = row.Int("id");
  if (!n.email) return id;
  std::set<std::string> to;
  std::vector<Value> args;
  std::string where;
  if (n.user_id) {
    where = "id = ?";
    args.push_back(*n.user_id);
  }
  if (n.organization_id) {
    where += std::string(where.empty() ? "" : " OR ") + "organization_id = ?";
    args.push_back(*n.organization_id);
  }
  STIO_ASSIGN_OR_RETURN(
      auto users,
      tx.Query("SELECT email FROM users WHERE disabled_at IS NULL AND (" + where + ")", args));
  for (const auto& u : users) to.insert(u.Text("email"));
  for (const std::string& e : n.extra_emails) {
    if (PlausibleEmail(e)) to.insert(e);
  }
  for (const std::string& address : to) {
    STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO email_outbox (to_address, subject, body, "
                                    "notification_id, created_at) VALUES (?, ?, ?, ?, ?)",
                                    {address, n.title, n.body, id, now})
                             .status());
  }
  return id;
}

Result<ListResult> ListNotifications(storage::Transaction& tx, const Actor& actor, bool unread_only,
                                     const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  std::vector<Value> args;
  std::string from = "notifications WHERE " + MineClause(actor, args);
  if (unread_only) from += " AND read_at IS NULL";
  return PagedList(tx, "*", from, std::move(args), "id DESC", params,
                   [](const storage::Row& r) -> Result<Json> { return RowToJson(r); });
}

Result<int64_t> UnreadCount(storage::Transaction& tx, const Actor& actor) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  std::vector<Value> args;
  const std::string where = MineClause(actor, args);
  STIO_ASSIGN_OR_RETURN(
      storage::Row r,
      tx.QueryOne("SELECT COUNT(*) AS n FROM notifications WHERE " + where + " AND read_at IS NULL",
                  args));
  return r.Int("n");
}

Result<Json> MarkRead(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      std::optional<int64_t> id) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kReadSelf));
  std::vector<Value> args = {FormatTimestamp(clock.Now())};
  std::string sql =
      "UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND " + MineClause(actor, args);
  if (id) {
    STIO_ASSIGN_OR_RETURN(auto rows, [&] {
      std::vector<Value> a;
      std::string w = MineClause(actor, a);
      a.push_back(*id);
      return tx.Query("SELECT id FROM notifications WHERE " + w + " AND id = ?", a);
    }());
    if (rows.empty()) {
      return Status::NotFound("notification " + std::to_string(*id) + " does not exist");
    }
    sql += " AND id = ?";
    args.push_back(*id);
  }
  STIO_ASSIGN_OR_RETURN(int64_t changed, tx.Execute(sql, args));
  STIO_ASSIGN_OR_RETURN(int64_t unread, UnreadCount(tx, actor));
  return Json{{"marked", changed}, {"unread", unread}};
}

Result<ListResult> ListOutbox(storage::Transaction& tx, const Actor& actor, bool pending_only,
                              const ListParams& params) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kImportExport));
  return PagedList(tx, "*", pending_only ? "email_outbox WHERE sent_at IS NULL" : "email_outbox",
                   {}, "id", params,
                   [](const storage::Row& r) -> Result<Json> { return RowToJson(r); });
}

Result<Json> MarkOutbox(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const std::optional<std::string>& error) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kImportExport));
  auto row = tx.QueryOne("SELECT * FROM email_outbox WHERE id = ?", {id});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("outbox message " + std::to_string(id) + " does not exist");
    }
    return row.status();
  }
  if (!row->IsNull("sent_at")) {
    return Status::FailedPrecondition("outbox message " + std::to_string(id) +
                                      " was already sent at " + row->Text("sent_at"));
  }
  const std::string now = FormatTimestamp(clock.Now());
  if (error) {
    STIO_RETURN_IF_ERROR(tx.Execute("UPDATE email_outbox SET attempts = attempts + 1, "
                                    "last_error = ? WHERE id = ?",
                                    {error->substr(0, 1000), id})
                             .status());
  } else {
    STIO_RETURN_IF_ERROR(tx.Execute("UPDATE email_outbox SET attempts = attempts + 1, "
                                    "sent_at = ?, last_error = NULL WHERE id = ?",
                                    {now, id})
                             .status());
  }
  STIO_ASSIGN_OR_RETURN(storage::Row r,
                        tx.QueryOne("SELECT * FROM email_outbox WHERE id = ?", {id}));
  Json j = RowToJson(r);
  STIO_RETURN_IF_ERROR(RecordAudit(tx, actor, clock, error ? "outbox.failed" : "outbox.sent",
                                   "outbox", std::to_string(id), RowToJson(*row), j));
  return j;
}

}  // namespace stio::domain
