// Backend-independent helpers declared in database.h.
#include "storage/database.h"

namespace stio::storage {

Result<Row> Transaction::QueryOne(std::string_view sql, std::span<const Value> params) {
  std::optional<Row> first;
  // Stop after the first row instead of materialising the whole result. A distinct code marks
  // "stopped on purpose" so it cannot be confused with an error from the backend.
  Status s = ForEach(sql, params, [&first](const Row& row) {
    first = row;
    return Status(StatusCode::kCancelled, "first row read");
  });
  if (first) return std::move(*first);
  if (!s.ok()) return s;
  return Status::NotFound("query returned no rows");
}

Status WithTransaction(Database& db, TxMode mode, const std::function<Status(Transaction&)>& fn) {
  STIO_ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, db.Begin(mode));
  Status s = fn(*tx);
  if (!s.ok()) {
    tx->Rollback();
    return s;
  }
  return tx->Commit();
}

}  // namespace stio::storage
