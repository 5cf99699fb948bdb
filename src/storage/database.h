// The storage interface: what the domain layer may ask of a database.
//
// Domain code talks to storage only through these classes. SQLite (sqlite_database.cc) is the
// embedded default; a PostgreSQL backend implements the same interface (and its own migration
// list) without any change to domain code. To keep that promise, SQL written in the domain layer
// sticks to the portable subset:
//   - positional `?` placeholders only (a backend may rewrite them, e.g. to $1, $2 for PostgreSQL);
//   - INSERT ... RETURNING id instead of last-insert-id calls;
//   - ISO-8601 text for dates and timestamps; INTEGER / REAL / TEXT / BLOB column values;
//   - no backend-specific functions outside the migrations.
// Values are always bound, never spliced into SQL text: every statement is prepared.
//
// Concurrency: a Database is thread-safe. Each Transaction belongs to one thread at a time.
// Read transactions run concurrently on a pool of reader connections (WAL mode); write
// transactions are serialised on one writer connection. One request or one import = one
// transaction: nothing is visible to others until Commit(), and a Transaction destroyed without
// Commit() rolls back. A read transaction never sees the uncommitted writes of a write
// transaction, even one on the same thread: read what you wrote through the write transaction.
//
// Errors (every backend maps its own codes to these):
//   unique / primary-key violation -> AlreadyExists (field: the column, when there is one)
//   foreign-key violation          -> FailedPrecondition
//   NOT NULL / CHECK violation     -> InvalidArgument (field: the NOT NULL column)
//   database busy or locked        -> Unavailable (retry later)
//   damaged or not a database      -> DataLoss
//   disk full                      -> ResourceExhausted
//   anything else (SQL errors: programming mistakes) -> Internal, with the SQL text (no values)
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace stio::storage {

struct Null {
  friend bool operator==(Null, Null) { return true; }
};

struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

// One SQL value. int64_t for INTEGER, double for REAL, std::string for TEXT.
using Value = std::variant<Null, int64_t, double, std::string, Blob>;

// Helpers for binding optional values.
inline Value OptionalText(const std::optional<std::string>& s) {
  return s ? Value(*s) : Value(Null{});
}
inline Value OptionalInt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(Null{}); }
inline Value OptionalReal(const std::optional<double>& v) { return v ? Value(*v) : Value(Null{}); }

// One result row. Columns are addressed by index or by name (as written in the SELECT list).
class Row {
 public:
  Row() = default;
  Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
      : columns_(std::move(columns)), values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const Value& at(size_t i) const { return values_.at(i); }
  // REQUIRES: the column exists (a programming error otherwise: throws std::out_of_range).
  const Value& at(std::string_view column) const;
  bool IsNull(std::string_view column) const { return std::holds_alternative<Null>(at(column)); }

  // Typed accessors. An INTEGER read as double converts; NULL gives the fallback; Text() of a
  // BLOB gives its bytes. Any other type mismatch is a programming error: throws std::logic_error.
  int64_t Int(std::string_view column, int64_t if_null = 0) const;
  double Real(std::string_view column, double if_null = 0) const;
  std::string Text(std::string_view column, std::string if_null = {}) const;
  std::optional<int64_t> OptInt(std::string_view column) const;
  std::optional<double> OptReal(std::string_view column) const;
  std::optional<std::string> OptText(std::string_view column) const;

  const std::vector<std::string>& columns() const;

 private:
  std::shared_ptr<const std::vector<std::string>> columns_;
  std::vector<Value> values_;
};

enum class TxMode { kRead, kWrite };

// A transaction on one connection. Not thread-safe; move-only.
//
// Each call runs exactly one statement (several statements in one string are refused:
// InvalidArgument) and the number of `?` must match the number of values (Internal otherwise).
// Transaction-control SQL (BEGIN, COMMIT, SAVEPOINT, ...) is refused: use Commit()/Rollback().
// After a statement fails, the transaction is spoilt, as in PostgreSQL: every later statement and
// Commit() fail with FailedPrecondition, and the only way on is Rollback() (or destruction). So a
// caller cannot "catch" an AlreadyExists and carry on in the same transaction.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs one statement; returns the number of rows changed (0 for a statement that changes
  // nothing, such as a SELECT). In a read transaction, a statement that writes fails with
  // FailedPrecondition.
  virtual Result<int64_t> Execute(std::string_view sql, std::span<const Value> params = {}) = 0;
  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Value> params) {
    return Execute(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // Runs a query and returns all rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::span<const Value> params = {}) = 0;
  Result<std::vector<Row>> Query(std::string_view sql, std::initializer_list<Value> params) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // Runs a query and returns its first row, or NotFound if it returns none.
  Result<Row> QueryOne(std::string_view sql, std::span<const Value> params = {});
  Result<Row> QueryOne(std::string_view sql, std::initializer_list<Value> params) {
    return QueryOne(sql, std::span<const Value>(params.begin(), params.size()));
  }

  // Streams rows to `fn`; stops early (and returns that status) if `fn` returns non-OK.
  virtual Status ForEach(std::string_view sql, std::span<const Value> params,
                         const std::function<Status(const Row&)>& fn) = 0;

  // Makes every change durable and visible. After Commit() (OK or not) the transaction is over.
  virtual Status Commit() = 0;
  // Discards every change. Called by the destructor if neither Commit nor Rollback was.
  virtual void Rollback() = 0;

  virtual TxMode mode() const = 0;
};

// One migration step. Versions start at 1 and increase by one; each runs in its own transaction
// together with the bump of the schema version.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // may hold several statements separated by ';'
};

struct OpenOptions {
  // How long Begin() waits for a free connection of this process and for another process's lock
  // before giving up with Unavailable.
  int busy_timeout_ms = 5000;
  // Concurrent read transactions; more wait for a free one.
  int reader_connections = 4;
  // The parent directory must exist either way (NotFound otherwise): a typo in a path should not
  // silently create a new, empty database somewhere.
  bool create_if_missing = true;
  // No writer connection: Begin(kWrite) and pending migrations fail with FailedPrecondition.
  bool read_only = false;
};

class Database {
 public:
  virtual ~Database() = default;

  // Starts a transaction. Write transactions wait (up to the busy timeout) for the writer
  // connection; read transactions see a consistent snapshot.
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;

  // Applies every migration whose version is above the current schema version, in order.
  // Fails (changing nothing for that step) if a step fails, or if the database's version is newer
  // than the newest migration known to this binary.
  virtual Status Migrate(std::span<const Migration> migrations) = 0;
  virtual Result<int> SchemaVersion() = 0;

  // Writes a consistent copy of the live database to `path` (online backup; writers may continue).
  virtual Status Backup(const std::string& path) = 0;

  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
};

// Opens (creating if allowed) an SQLite database at `path` with WAL, foreign keys and the busy
// timeout set on every connection.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const OpenOptions& options = {});

// Replaces the database file at `db_path` by the backup at `backup_path` after checking that the
// backup is an SQLite database that passes `PRAGMA integrity_check`. The database must not be open.
Status RestoreSqlite(const std::string& backup_path, const std::string& db_path);

// Runs `fn` inside a transaction of the given mode, committing if it returns OK and rolling back
// otherwise.
Status WithTransaction(Database& db, TxMode mode, const std::function<Status(Transaction&)>& fn);

}  // namespace stio::storage
