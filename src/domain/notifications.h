// In-app notifications and the e-mail outbox, for every module (the exchange today; IP deadline
// reminders next).
//
// A notification goes to one user or to every user of one organization. Each one that should also
// be e-mailed puts one row per address into `email_outbox`; stio does not send mail itself: a relay
// (or an operator with `stio outbox`) reads the pending rows, sends them and marks them sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "domain/common.h"

namespace stio::domain {

struct NewNotification {
  std::optional<int64_t> user_id;
  std::optional<int64_t> organization_id;  // every active user of the organization sees it
  std::string kind;                        // e.g. "exchange.match", "exchange.intro_requested"
  std::string subject_type;                // e.g. "listing", "connection"
  std::string subject_id;
  std::string title;  // one line, Vietnamese first
  std::string body;
  // Addresses to e-mail besides the users' own (e.g. a listing's contact address).
  std::vector<std::string> extra_emails;
  bool email = true;  // also queue e-mails to the recipients' addresses
};

// Inserts the notification and its outbox rows in the caller's transaction. Returns its id.
Result<int64_t> Notify(storage::Transaction& tx, const Clock& clock, const NewNotification& n);

// The notifications addressed to `actor` (to them or to their organization), newest first.
Result<ListResult> ListNotifications(storage::Transaction& tx, const Actor& actor, bool unread_only,
                                     const ListParams& params);
// Number of unread notifications of `actor`.
Result<int64_t> UnreadCount(storage::Transaction& tx, const Actor& actor);
// Marks one notification read (NotFound if it is not `actor`'s), or all when id is nullopt.
Result<Json> MarkRead(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                      std::optional<int64_t> id);

// The outbox (staff): pending (not sent) or all rows, oldest first.
Result<ListResult> ListOutbox(storage::Transaction& tx, const Actor& actor, bool pending_only,
                              const ListParams& params);
// Records a delivery attempt: sent, or failed with `error`.
Result<Json> MarkOutbox(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                        int64_t id, const std::optional<std::string>& error);

}  // namespace stio::domain
