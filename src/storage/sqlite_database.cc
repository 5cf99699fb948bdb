// The SQLite backend of the storage interface (see database.h and docs/storage.md).
//
// Layout: one writer connection guarded by a mutex (write transactions are serialised, BEGIN
// IMMEDIATE so the write lock is taken up front and never upgraded mid-transaction) and a pool of
// read-only reader connections (WAL lets them read a snapshot while the writer writes). Every
// connection is opened with SQLITE_OPEN_NOMUTEX: the pools guarantee that one thread at a time uses
// a connection, so SQLite's own per-call mutex would only cost time.
//
// Durability: journal_mode=WAL with synchronous=NORMAL. A committed transaction is in the WAL file
// (written, not fsynced) before COMMIT returns, so it survives the process being killed (kill -9,
// crash): the OS still has the pages. Only power loss or a kernel crash can lose the last few
// commits, and never corrupts the database. Power loss is out of scope for stio; FULL would fsync
// on every commit for nothing we need.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "storage/database.h"

namespace stio::storage {
namespace {

namespace fs = std::filesystem;

// Beyond this many distinct SQL texts per connection, statements are prepared per use instead of
// cached: code that builds SQL dynamically (IN lists of varying length) must not grow memory
// without bound.
constexpr size_t kMaxCachedStatements = 256;

std::string Abbreviate(std::string_view sql) {
  constexpr size_t kMax = 160;
  std::string out(sql.substr(0, kMax));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (sql.size() > kMax) out += "...";
  return out;
}

// "UNIQUE constraint failed: organizations.tax_code" -> "organizations.tax_code".
std::string ConstraintTarget(std::string_view msg) {
  size_t colon = msg.find(": ");
  return colon == std::string_view::npos ? std::string() : std::string(msg.substr(colon + 2));
}

// "organizations.tax_code" -> "tax_code"; empty when several columns are named.
std::string FieldOf(const std::string& target) {
  if (target.empty() || target.find(',') != std::string::npos) return {};
  size_t dot = target.rfind('.');
  return dot == std::string::npos ? target : target.substr(dot + 1);
}

// Maps an SQLite result code to a Status. `msg` is sqlite3_errmsg() of the connection that failed
// (or sqlite3_errstr(rc) when there is none); `context` says what we were doing. Constraint
// messages go to end users (via problem+json), so they carry no SQL; internal errors carry the SQL
// text (never values: those are bound) to make the bug findable.
Status MapError(int rc, std::string_view msg, std::string_view context, std::string_view sql = {}) {
  const int primary = rc & 0xff;
  const std::string m(msg);
  auto with_context = [&](std::string text) {
    return context.empty() ? text : std::string(context) + ": " + text;
  };
  switch (primary) {
    case SQLITE_CONSTRAINT: {
      std::string target = ConstraintTarget(m);
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return Status::AlreadyExists("a row with this " + target + " already exists (" + m + ")",
                                       FieldOf(target));
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return Status::FailedPrecondition(
              "the row refers to a row that does not exist, or is still referred to (" + m + ")");
        case SQLITE_CONSTRAINT_NOTNULL:
          return Status::InvalidArgument("a required value is missing (" + m + ")",
                                         FieldOf(target));
        default:
          return Status::InvalidArgument("a value breaks a rule of the database (" + m + ")");
      }
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(with_context("the database is busy, retry later (" + m + ")"));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::DataLoss(with_context(m));
    case SQLITE_FULL:
      return Status::ResourceExhausted(with_context("the disk is full (" + m + ")"));
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(with_context("a value is too large (" + m + ")"));
    case SQLITE_INTERRUPT:
      return Status(StatusCode::kCancelled, with_context(m));
    default: {
      std::string text = with_context(m);
      if (!sql.empty()) text += " [SQL: " + Abbreviate(sql) + "]";
      return Status::Internal(std::move(text));
    }
  }
}

Status ErrorOf(sqlite3* db, int rc, std::string_view context, std::string_view sql = {}) {
  if ((rc & 0xff) == SQLITE_CONSTRAINT && rc == SQLITE_CONSTRAINT && db != nullptr) {
    rc = sqlite3_extended_errcode(db);  // in case extended codes were not enabled
  }
  return MapError(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), context, sql);
}

// A prepared statement borrowed from a connection's cache (or prepared for one use). Resets the
// statement and clears its bindings when done, so no bound value (and no read lock held by an
// unfinished SELECT) outlives the call.
class StmtLease {
 public:
  StmtLease(sqlite3_stmt* stmt, bool owned) : stmt_(stmt), owned_(owned) {}
  StmtLease(StmtLease&& o) noexcept : stmt_(std::exchange(o.stmt_, nullptr)), owned_(o.owned_) {}
  StmtLease& operator=(StmtLease&&) = delete;
  ~StmtLease() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (owned_) sqlite3_finalize(stmt_);
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One SQLite connection and its statement cache. Used by one thread at a time (the pools ensure
// it); not thread-safe itself.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }

  // Prepares exactly one statement. Several statements in one string are refused: only Migrate
  // runs scripts, and refusing them here closes the classic "; DROP TABLE" door for good.
  Result<StmtLease> Prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
      // A cached statement still stepping means a nested use of the same SQL (a query inside the
      // ForEach callback of the same query): give the inner use its own statement.
      if (!sqlite3_stmt_busy(it->second)) return StmtLease(it->second, /*owned=*/false);
    }
    const bool cache = cache_.size() < kMaxCachedStatements && !cache_.contains(sql);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return ErrorOf(db_, rc, "cannot prepare statement", sql);
    if (stmt == nullptr) return Status::InvalidArgument("empty SQL statement");
    const char* end = sql.data() + sql.size();
    if (tail != nullptr && tail < end) {
      // Whatever follows must be blank or comments: prepare it to find out.
      sqlite3_stmt* rest = nullptr;
      rc = sqlite3_prepare_v3(db_, tail, static_cast<int>(end - tail), 0, &rest, nullptr);
      sqlite3_finalize(rest);
      if (rc != SQLITE_OK || rest != nullptr) {
        sqlite3_finalize(stmt);
        return Status::InvalidArgument(
            "only one SQL statement per call is allowed [SQL: " + Abbreviate(sql) + "]");
      }
    }
    if (cache) cache_.emplace(std::string(sql), stmt);
    return StmtLease(stmt, /*owned=*/!cache);
  }

  // Runs a statement without parameters or results (BEGIN, COMMIT, ...).
  Status Run(std::string_view sql) {
    STIO_ASSIGN_OR_RETURN(StmtLease lease, Prepare(sql));
    int rc;
    while ((rc = sqlite3_step(lease.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return ErrorOf(db_, rc, sql, sql);
    return Status::Ok();
  }

  // Runs a query that returns one integer (PRAGMA user_version, ...).
  Result<int64_t> QueryInt(std::string_view sql) {
    STIO_ASSIGN_OR_RETURN(StmtLease lease, Prepare(sql));
    int rc = sqlite3_step(lease.get());
    if (rc == SQLITE_ROW) return sqlite3_column_int64(lease.get(), 0);
    if (rc == SQLITE_DONE) return Status::Internal(std::string(sql) + " returned no row");
    return ErrorOf(db_, rc, sql, sql);
  }

  Result<std::string> QueryText(std::string_view sql) {
    STIO_ASSIGN_OR_RETURN(StmtLease lease, Prepare(sql));
    int rc = sqlite3_step(lease.get());
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(lease.get(), 0);
      return std::string(text ? reinterpret_cast<const char*>(text) : "");
    }
    if (rc == SQLITE_DONE) return Status::Internal(std::string(sql) + " returned no row");
    return ErrorOf(db_, rc, sql, sql);
  }

  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

enum class ConnKind { kWriter, kReader, kPlain };

// Opens one connection and applies the settings every stio connection has.
Result<std::unique_ptr<Connection>> OpenConnection(const std::string& path, ConnKind kind,
                                                   const OpenOptions& options, bool create) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (kind == ConnKind::kReader || (kind == ConnKind::kWriter && options.read_only)) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto conn = std::make_unique<Connection>(raw);  // closes `raw` on every path below
  const std::string context = "cannot open database '" + path + "'";
  if (rc != SQLITE_OK) {
    if (raw == nullptr) return Status::ResourceExhausted(context + ": out of memory");
    return ErrorOf(raw, rc, context);
  }
  sqlite3* db = conn->db();
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // Portability and safety: double-quoted strings are identifiers in PostgreSQL, so refuse
  // SQLite's legacy "treat an unknown identifier as a string"; DEFENSIVE forbids writable_schema
  // and similar footguns; triggers/views may not call functions with side effects.
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  // The first statement reads the header: a file that is not SQLite fails here (NOTADB).
  STIO_RETURN_IF_ERROR(conn->Run("PRAGMA foreign_keys=ON").WithContext(context));
  STIO_ASSIGN_OR_RETURN(int64_t fk, conn->QueryInt("PRAGMA foreign_keys"));
  if (fk != 1) return Status::FailedPrecondition(context + ": foreign keys cannot be enabled");
  if (kind == ConnKind::kWriter && !options.read_only) {
    STIO_ASSIGN_OR_RETURN(std::string mode, conn->QueryText("PRAGMA journal_mode=WAL"));
    if (mode != "wal") {
      return Status::FailedPrecondition(context + ": cannot switch to WAL mode (journal mode is " +
                                        mode + ")");
    }
    STIO_RETURN_IF_ERROR(conn->Run("PRAGMA synchronous=NORMAL").WithContext(context));
  }
  return conn;
}

// The connections of one open database. Shared (via shared_ptr) by the Database and every live
// Transaction, so a Transaction that outlives its Database still returns its connection safely.
class Pool {
 public:
  Pool(std::string path, OpenOptions options) : path_(std::move(path)), options_(options) {}

  const std::string& path() const { return path_; }
  const OpenOptions& options() const { return options_; }

  Status Open() {
    if (!options_.read_only) {
      STIO_ASSIGN_OR_RETURN(
          writer_, OpenConnection(path_, ConnKind::kWriter, options_, options_.create_if_missing));
    }
    for (int i = 0; i < options_.reader_connections; ++i) {
      STIO_ASSIGN_OR_RETURN(auto reader, OpenConnection(path_, ConnKind::kReader, options_, false));
      idle_readers_.push_back(reader.get());
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  // Takes the writer (kWrite) or an idle reader (kRead), waiting up to the busy timeout.
  Result<Connection*> Acquire(TxMode mode) {
    std::unique_lock lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
    if (mode == TxMode::kWrite) {
      if (writer_ == nullptr) {
        return Status::FailedPrecondition("the database '" + path_ + "' is open read-only");
      }
      // Waiting for ourselves would only time out: say what is wrong instead.
      if (writer_busy_ && writer_owner_ == std::this_thread::get_id()) {
        return Status::FailedPrecondition(
            "this thread already has a write transaction open; finish it first");
      }
      if (!cv_.wait_until(lock, deadline, [this] { return !writer_busy_; })) {
        return Status::Unavailable("timed out waiting for the write transaction of another thread");
      }
      writer_busy_ = true;
      writer_owner_ = std::this_thread::get_id();
      return writer_.get();
    }
    if (!cv_.wait_until(lock, deadline, [this] { return !idle_readers_.empty(); })) {
      return Status::Unavailable("timed out waiting for a free reader connection (all " +
                                 std::to_string(readers_.size()) + " busy)");
    }
    Connection* c = idle_readers_.back();
    idle_readers_.pop_back();
    return c;
  }

  void Release(Connection* c, TxMode mode) {
    {
      std::lock_guard lock(mu_);
      if (mode == TxMode::kWrite) {
        writer_busy_ = false;
        writer_owner_ = {};
      } else {
        idle_readers_.push_back(c);
      }
    }
    cv_.notify_all();
  }

 private:
  const std::string path_;
  const OpenOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  // Declared before the readers so that it is destroyed after them: the last connection to close
  // checkpoints the WAL, and only the writer may write.
  std::unique_ptr<Connection> writer_;
  bool writer_busy_ = false;      // guarded by mu_
  std::thread::id writer_owner_;  // guarded by mu_
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idle_readers_;  // guarded by mu_
};

// Holds a connection taken from the pool and gives it back.
class ConnLease {
 public:
  ConnLease(std::shared_ptr<Pool> pool, Connection* conn, TxMode mode)
      : pool_(std::move(pool)), conn_(conn), mode_(mode) {}
  ConnLease(const ConnLease&) = delete;
  ConnLease& operator=(const ConnLease&) = delete;
  ~ConnLease() { pool_->Release(conn_, mode_); }
  Connection* operator->() const { return conn_; }
  Connection& operator*() const { return *conn_; }

 private:
  std::shared_ptr<Pool> pool_;
  Connection* conn_;
  TxMode mode_;
};

Status Bind(sqlite3_stmt* stmt, std::span<const Value> params, std::string_view sql) {
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return Status::Internal("statement has " + std::to_string(expected) + " parameters but " +
                            std::to_string(params.size()) +
                            " values were given [SQL: " + Abbreviate(sql) + "]");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<Null>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const double* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (const std::string* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      const std::string& bytes = std::get<Blob>(v).bytes;
      // A null data pointer would bind NULL, so an empty blob needs zeroblob.
      rc = bytes.empty()
               ? sqlite3_bind_zeroblob(stmt, index, 0)
               : sqlite3_bind_blob64(stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      return ErrorOf(sqlite3_db_handle(stmt), rc, "cannot bind parameter " + std::to_string(index),
                     sql);
    }
  }
  return Status::Ok();
}

Value ReadColumn(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt, i);
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const char* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      int n = sqlite3_column_bytes(stmt, i);  // after column_text, as the SQLite docs require
      return std::string(p ? p : "", static_cast<size_t>(n));
    }
    case SQLITE_BLOB: {
      const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      int n = sqlite3_column_bytes(stmt, i);
      return Blob{std::string(p ? p : "", static_cast<size_t>(n))};
    }
    default:
      return Null{};
  }
}

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(std::unique_ptr<ConnLease> conn, TxMode mode)
      : conn_(std::move(conn)), mode_(mode) {}
  ~SqliteTransaction() override { Rollback(); }

  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params) override {
    STIO_ASSIGN_OR_RETURN(StmtLease stmt, Start(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return Fail(ErrorOf((*conn_)->db(), rc, "", sql));
    if (sqlite3_stmt_readonly(stmt.get())) return 0;
    return sqlite3_changes64((*conn_)->db());
  }

  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) override {
    std::vector<Row> rows;
    STIO_RETURN_IF_ERROR(ForEach(sql, params, [&rows](const Row& row) {
      rows.push_back(row);
      return Status::Ok();
    }));
    return rows;
  }

  Status ForEach(std::string_view sql, std::span<const Value> params,
                 const std::function<Status(const Row&)>& fn) override {
    STIO_ASSIGN_OR_RETURN(StmtLease stmt, Start(sql, params));
    const int n = sqlite3_column_count(stmt.get());
    // Names are shared by every row of this result. They are read per execution, not cached with
    // the statement, because a schema change can re-prepare "SELECT *" with other columns.
    auto columns = std::make_shared<std::vector<std::string>>();
    columns->reserve(n);
    for (int i = 0; i < n; ++i) {
      const char* name = sqlite3_column_name(stmt.get(), i);
      columns->emplace_back(name ? name : "");
    }
    std::shared_ptr<const std::vector<std::string>> shared = std::move(columns);
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      std::vector<Value> values;
      values.reserve(n);
      for (int i = 0; i < n; ++i) values.push_back(ReadColumn(stmt.get(), i));
      Status s = fn(Row(shared, std::move(values)));
      if (!s.ok()) return s;  // the caller's decision, not a database error: no poisoning
    }
    if (rc != SQLITE_DONE) return Fail(ErrorOf((*conn_)->db(), rc, "", sql));
    return Status::Ok();
  }

  Status Commit() override {
    if (done_) return Status::FailedPrecondition("the transaction is already finished");
    if (!failed_.ok()) {
      Rollback();
      return Status::FailedPrecondition("not committed: an earlier statement failed (" +
                                        failed_.message() + ")");
    }
    Status s = (*conn_)->Run("COMMIT");
    if (!s.ok()) {
      Rollback();
      return s.WithContext("commit failed, the transaction was rolled back");
    }
    Finish();
    return Status::Ok();
  }

  void Rollback() override {
    if (done_) return;
    // SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR, ...); ROLLBACK outside a
    // transaction would be an error, so ask first.
    if ((*conn_)->InTransaction()) {
      Status s = (*conn_)->Run("ROLLBACK");
      (void)s;  // nothing sensible to do: the connection either rolled back or is broken
    }
    Finish();
  }

  TxMode mode() const override { return mode_; }

 private:
  // Common start of every statement: state checks, prepare, read-only check, bind.
  Result<StmtLease> Start(std::string_view sql, std::span<const Value> params) {
    if (done_) return Status::FailedPrecondition("the transaction is already finished");
    // PostgreSQL refuses every statement after an error until rollback; doing the same here keeps
    // domain code from relying on SQLite's statement-level rollback.
    if (!failed_.ok()) {
      return Status::FailedPrecondition("the transaction failed earlier and must be rolled back (" +
                                        failed_.message() + ")");
    }
    Result<StmtLease> stmt = (*conn_)->Prepare(sql);
    if (!stmt.ok()) return Fail(stmt.status());
    if (mode_ == TxMode::kRead && !sqlite3_stmt_readonly(stmt->get())) {
      return Fail(Status::FailedPrecondition(
          "cannot write in a read-only transaction [SQL: " + Abbreviate(sql) + "]"));
    }
    if (IsTransactionControl(stmt->get())) {
      return Fail(
          Status::Internal("use Commit()/Rollback() instead of SQL transaction control "
                           "[SQL: " +
                           Abbreviate(sql) + "]"));
    }
    STIO_RETURN_IF_ERROR(Fail(Bind(stmt->get(), params, sql)));
    return stmt;
  }

  static bool IsTransactionControl(sqlite3_stmt* stmt) {
    // sqlite3_stmt_readonly() is true for BEGIN/COMMIT/...; checking the keyword is then cheap.
    if (!sqlite3_stmt_readonly(stmt)) return false;
    std::string_view sql = sqlite3_sql(stmt);
    while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) {
      sql.remove_prefix(1);
    }
    for (std::string_view kw : {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}) {
      if (sql.size() >= kw.size() &&
          std::equal(kw.begin(), kw.end(), sql.begin(), [](char a, char b) {
            return a == std::toupper(static_cast<unsigned char>(b));
          })) {
        return true;
      }
    }
    return false;
  }

  // Records the first error (see Start); passes OK through.
  Status Fail(Status s) {
    if (!s.ok() && failed_.ok()) failed_ = s;
    return s;
  }

  void Finish() {
    done_ = true;
    conn_.reset();  // back to the pool now, not when the caller drops the object
  }

  std::unique_ptr<ConnLease> conn_;
  const TxMode mode_;
  bool done_ = false;
  Status failed_;
};

std::atomic<uint64_t> temp_counter{0};

std::string TempNameFor(const std::string& path, std::string_view what) {
  return path + "." + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(temp_counter.fetch_add(1));
}

void RemoveWithSidecars(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    STIO_ASSIGN_OR_RETURN(Connection * c, pool_->Acquire(mode));
    auto lease = std::make_unique<ConnLease>(pool_, c, mode);
    // IMMEDIATE takes the write lock now, so a write transaction never fails halfway with BUSY
    // because another process (the CLI) wrote in between; the busy timeout covers the wait.
    Status s = (*lease)->Run(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!s.ok()) return s.WithContext("cannot begin transaction");
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(lease), mode));
  }

  Status Migrate(std::span<const Migration> migrations) override {
    for (size_t i = 0; i < migrations.size(); ++i) {
      if (migrations[i].version != static_cast<int>(i) + 1) {
        return Status::Internal("migration list is broken: entry " + std::to_string(i) +
                                " has version " + std::to_string(migrations[i].version) +
                                ", expected " + std::to_string(i + 1));
      }
    }
    const int newest = static_cast<int>(migrations.size());
    STIO_ASSIGN_OR_RETURN(int current, SchemaVersion());
    if (current > newest) return TooNew(current, newest);
    if (current == newest) return Status::Ok();
    if (pool_->options().read_only) {
      return Status::FailedPrecondition("database schema version " + std::to_string(current) +
                                        " needs migrating to " + std::to_string(newest) +
                                        ", but the database is open read-only");
    }
    STIO_ASSIGN_OR_RETURN(Connection * c, pool_->Acquire(TxMode::kWrite));
    ConnLease conn(pool_, c, TxMode::kWrite);
    while (true) {
      STIO_RETURN_IF_ERROR(conn->Run("BEGIN IMMEDIATE").WithContext("migrate"));
      Status s = MigrateOneStep(*conn, migrations);
      const bool up_to_date = s.code() == StatusCode::kOutOfRange;
      if (s.ok() || up_to_date) s = conn->Run("COMMIT").WithContext("migrate");
      if (!s.ok()) {
        if (conn->InTransaction()) (void)conn->Run("ROLLBACK");
        return s;
      }
      if (up_to_date) return Status::Ok();
    }
  }

  Result<int> SchemaVersion() override {
    STIO_ASSIGN_OR_RETURN(Connection * c, pool_->Acquire(TxMode::kRead));
    ConnLease conn(pool_, c, TxMode::kRead);
    STIO_ASSIGN_OR_RETURN(int64_t v, conn->QueryInt("PRAGMA user_version"));
    return static_cast<int>(v);
  }

  Status Backup(const std::string& path) override {
    std::error_code ec;
    if (fs::equivalent(path, pool_->path(), ec)) {
      return Status::InvalidArgument("cannot back up the database '" + path + "' onto itself");
    }
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      return Status::NotFound("cannot write backup '" + path + "': directory '" + parent.string() +
                              "' does not exist");
    }
    // A reader's snapshot: writers keep going while the copy runs (WAL), and the copy is exactly
    // one committed state. Written to a temp file and renamed, so `path` is either the old backup
    // or the complete new one, never half of it.
    STIO_ASSIGN_OR_RETURN(Connection * c, pool_->Acquire(TxMode::kRead));
    ConnLease src(pool_, c, TxMode::kRead);
    const std::string temp = TempNameFor(path, "tmp");
    Status s = CopyInto(src->db(), temp);
    if (s.ok()) {
      fs::rename(temp, path, ec);
      if (ec)
        s = Status::Internal("cannot rename '" + temp + "' to '" + path + "': " + ec.message());
    }
    if (!s.ok()) RemoveWithSidecars(temp);
    return s.WithContext("backup to '" + path + "' failed");
  }

  std::string_view backend() const override { return "sqlite"; }

 private:
  static Status TooNew(int current, int newest) {
    return Status::FailedPrecondition("database schema version " + std::to_string(current) +
                                      " is newer than this stio (" + std::to_string(newest) + ")");
  }

  // Inside an open write transaction: applies the next step, or returns OutOfRange when there is
  // none. The version is read again under the write lock, so two processes migrating at once
  // cannot both apply the same step.
  static Status MigrateOneStep(Connection& conn, std::span<const Migration> migrations) {
    STIO_ASSIGN_OR_RETURN(int64_t current, conn.QueryInt("PRAGMA user_version"));
    const int newest = static_cast<int>(migrations.size());
    if (current > newest) return TooNew(static_cast<int>(current), newest);
    if (current == newest) return Status::OutOfRange("up to date");
    const Migration& m = migrations[current];
    const std::string context =
        "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
    // sqlite3_exec needs a NUL-terminated script; the migration text is a string_view.
    const std::string sql(m.sql);
    char* err = nullptr;
    int rc = sqlite3_exec(conn.db(), sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return MapError(rc == SQLITE_CONSTRAINT ? sqlite3_extended_errcode(conn.db()) : rc, msg,
                      context);
    }
    if (!conn.InTransaction()) {
      return Status::Internal(context +
                              " ended the transaction itself; migrations must not contain "
                              "BEGIN/COMMIT");
    }
    STIO_RETURN_IF_ERROR(
        conn.Run("PRAGMA user_version=" + std::to_string(m.version)).WithContext(context));
    return Status::Ok();
  }

  static Status CopyInto(sqlite3* src, const std::string& dest_path) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(dest_path.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Connection dest(raw);
    if (rc != SQLITE_OK) return ErrorOf(raw, rc, "cannot create '" + dest_path + "'");
    sqlite3_backup* backup = sqlite3_backup_init(raw, "main", src, "main");
    if (backup == nullptr) return ErrorOf(raw, sqlite3_errcode(raw), "backup_init");
    // -1: copy everything in one step, under one read snapshot of the source.
    rc = sqlite3_backup_step(backup, -1);
    int finish_rc = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return ErrorOf(raw, rc == SQLITE_OK ? finish_rc : rc, "backup_step");
    if (finish_rc != SQLITE_OK) return ErrorOf(raw, finish_rc, "backup_finish");
    // The copy inherits WAL mode from the source header; make it one self-contained file.
    STIO_ASSIGN_OR_RETURN(std::string mode, dest.QueryText("PRAGMA journal_mode=DELETE"));
    (void)mode;
    return Status::Ok();
  }

  std::shared_ptr<Pool> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  const std::string context = "cannot open database '" + path + "'";
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    // Several connections must reach the same database: only a plain file path does that.
    return Status::InvalidArgument(context + ": a file path is required");
  }
  if (options.reader_connections < 1) {
    return Status::InvalidArgument(context + ": reader_connections must be at least 1");
  }
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Status::NotFound(context + ": directory '" + parent.string() + "' does not exist");
  }
  if (!fs::exists(path, ec)) {
    if (!options.create_if_missing || options.read_only) {
      return Status::NotFound(context + ": no such file");
    }
  } else if (fs::is_directory(path, ec)) {
    return Status::InvalidArgument(context + ": it is a directory");
  }
  auto pool = std::make_shared<Pool>(path, options);
  STIO_RETURN_IF_ERROR(pool->Open());
  return std::unique_ptr<Database>(new SqliteDatabase(std::move(pool)));
}

Status RestoreSqlite(const std::string& backup_path, const std::string& db_path) {
  const std::string context = "cannot restore '" + backup_path + "'";
  std::error_code ec;
  if (!fs::is_regular_file(backup_path, ec)) {
    return Status::NotFound(context + ": no such file");
  }
  if (fs::equivalent(backup_path, db_path, ec)) {
    return Status::InvalidArgument(context + ": it is the database itself");
  }
  fs::path parent = fs::path(db_path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Status::NotFound(context + ": directory '" + parent.string() + "' does not exist");
  }
  // Check a private copy next to the database, then rename it into place: what was checked is
  // exactly what gets installed, the backup itself is never touched, and the database file is
  // replaced atomically.
  const std::string temp = TempNameFor(db_path, "restore");
  fs::copy_file(backup_path, temp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::Internal(context + ": cannot copy to '" + temp + "': " + ec.message());
  Status s = [&]() -> Status {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(temp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    Connection conn(raw);
    if (rc != SQLITE_OK) return ErrorOf(raw, rc, context);
    sqlite3_extended_result_codes(raw, 1);
    Result<std::string> check = conn.QueryText("PRAGMA integrity_check");
    if (!check.ok()) {
      if (check.status().code() == StatusCode::kDataLoss) {
        return Status::DataLoss(context + ": not an SQLite database or damaged (" +
                                check.status().message() + ")");
      }
      return check.status().WithContext(context);
    }
    if (*check != "ok") {
      return Status::DataLoss(context + ": integrity check failed: " + *check);
    }
    STIO_ASSIGN_OR_RETURN(int64_t version, conn.QueryInt("PRAGMA user_version"));
    if (version <= 0) {
      return Status::FailedPrecondition(context + ": it has no schema version (not a stio backup)");
    }
    STIO_ASSIGN_OR_RETURN(std::string mode, conn.QueryText("PRAGMA journal_mode=DELETE"));
    (void)mode;
    return Status::Ok();
  }();
  if (!s.ok()) {
    RemoveWithSidecars(temp);
    return s;
  }
  // The old database's WAL would be replayed onto the restored file (WAL frames are not tied to
  // the database file), so it goes first.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::remove(db_path + suffix, ec);
    if (ec) {
      RemoveWithSidecars(temp);
      return Status::Internal(context + ": cannot remove '" + db_path + suffix +
                              "': " + ec.message());
    }
  }
  fs::rename(temp, db_path, ec);
  if (ec) {
    RemoveWithSidecars(temp);
    return Status::Internal(context + ": cannot rename '" + temp + "' to '" + db_path +
                            "': " + ec.message());
  }
  return Status::Ok();
}

}  // namespace stio::storage
