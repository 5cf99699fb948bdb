// SQLite-only behaviour: settings, opening, backup and restore, crash durability.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "storage/database.h"
#include "storage/test_util.h"

namespace stio::storage {
namespace {

using testing::ScratchDir;
using testing::SqliteBackend;

#define ASSERT_OK(expr)                    \
  do {                                     \
    const ::stio::Status s_ = (expr);      \
    ASSERT_TRUE(s_.ok()) << s_.ToString(); \
  } while (0)

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}

std::unique_ptr<Database> OpenMigrated(const std::string& path, const OpenOptions& options = {}) {
  auto db = Unwrap(OpenSqlite(path, options));
  EXPECT_TRUE(db->Migrate(SqliteBackend::TestSchema()).ok());
  return db;
}

int64_t QueryInt(Database& db, TxMode mode, const std::string& sql) {
  auto tx = Unwrap(db.Begin(mode));
  const Value v = Unwrap(tx->QueryOne(sql)).at(0);
  return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -1;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SqliteDatabaseTest, SettingsAreOnForEveryConnection) {
  ScratchDir dir;
  auto db = OpenMigrated(dir.File("s.db"));
  EXPECT_EQ(db->backend(), "sqlite");
  for (TxMode mode : {TxMode::kRead, TxMode::kWrite}) {
    SCOPED_TRACE(mode == TxMode::kRead ? "reader" : "writer");
    auto tx = Unwrap(db->Begin(mode));
    EXPECT_EQ(Unwrap(tx->QueryOne("PRAGMA foreign_keys")).Int("foreign_keys"), 1);
    EXPECT_EQ(Unwrap(tx->QueryOne("PRAGMA busy_timeout")).at(0), Value(int64_t{5000}));
  }
  // WAL is a property of the file, shared by every connection; only the writer may query it
  // (SQLite counts "PRAGMA journal_mode" as a possible write).
  auto tx = Unwrap(db->Begin(TxMode::kWrite));
  EXPECT_EQ(Unwrap(tx->QueryOne("PRAGMA journal_mode")).Text("journal_mode"), "wal");
  EXPECT_EQ(Unwrap(tx->QueryOne("PRAGMA synchronous")).Int("synchronous"), 1);  // NORMAL
}

TEST(SqliteDatabaseTest, OpenErrorsAreClear) {
  ScratchDir dir;
  auto no_dir = OpenSqlite(dir.File("missing/x.db"));
  EXPECT_EQ(no_dir.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_dir.status().message().find("cannot open database"), std::string::npos);
  EXPECT_NE(no_dir.status().message().find("does not exist"), std::string::npos);

  OpenOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_EQ(OpenSqlite(dir.File("absent.db"), no_create).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("absent.db")));

  WriteFile(dir.File("text.db"), std::string(4096, 'x'));
  auto not_db = OpenSqlite(dir.File("text.db"));
  EXPECT_EQ(not_db.status().code(), StatusCode::kDataLoss) << not_db.status().ToString();

  EXPECT_EQ(OpenSqlite(":memory:").status().code(), StatusCode::kInvalidArgument);
  OpenOptions zero;
  zero.reader_connections = 0;
  EXPECT_EQ(OpenSqlite(dir.File("z.db"), zero).status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, DataSurvivesReopen) {
  ScratchDir dir;
  const std::string path = dir.File("r.db");
  {
    auto db = OpenMigrated(path);
    ASSERT_OK(WithTransaction(*db, TxMode::kWrite, [](Transaction& tx) {
      return tx.Execute("INSERT INTO items (t) VALUES (?)", {std::string("Đà Lạt")}).status();
    }));
  }
  OpenOptions no_create;
  no_create.create_if_missing = false;
  auto db = Unwrap(OpenSqlite(path, no_create));
  EXPECT_EQ(Unwrap(db->SchemaVersion()), 3);
  auto tx = Unwrap(db->Begin(TxMode::kRead));
  EXPECT_EQ(Unwrap(tx->QueryOne("SELECT t FROM items")).Text("t"), "Đà Lạt");
}

TEST(SqliteDatabaseTest, ReadOnlyDatabaseRefusesWrites) {
  ScratchDir dir;
  const std::string path = dir.File("ro.db");
  OpenMigrated(path).reset();
  OpenOptions ro;
  ro.read_only = true;
  auto db = Unwrap(OpenSqlite(path, ro));
  EXPECT_EQ(db->Begin(TxMode::kWrite).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Unwrap(db->SchemaVersion()), 3);
  ASSERT_OK(db->Migrate(SqliteBackend::TestSchema()));  // nothing to do: fine
  auto more = SqliteBackend::TestSchema();
  more.push_back({4, "x", "CREATE TABLE x (id INTEGER);"});
  EXPECT_EQ(db->Migrate(more).code(), StatusCode::kFailedPrecondition);
}

TEST(SqliteDatabaseTest, SecondWriteTransactionOnOneThreadFailsFast) {
  ScratchDir dir;
  auto db = OpenMigrated(dir.File("w.db"));
  auto tx = Unwrap(db->Begin(TxMode::kWrite));
  EXPECT_EQ(db->Begin(TxMode::kWrite).status().code(), StatusCode::kFailedPrecondition);
}

TEST(SqliteDatabaseTest, WriterFromAnotherThreadWaitsItsTurn) {
  ScratchDir dir;
  auto db = OpenMigrated(dir.File("w2.db"));
  auto tx = Unwrap(db->Begin(TxMode::kWrite));
  ASSERT_TRUE(tx->Execute("INSERT INTO items (i) VALUES (1)").ok());
  std::atomic<bool> started{false};
  std::thread other([&] {
    started = true;
    // Blocks until the main thread commits (well within the 5 s busy timeout).
    Status s = WithTransaction(*db, TxMode::kWrite, [](Transaction& t) {
      return t.Execute("INSERT INTO items (i) VALUES (2)").status();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  while (!started) std::this_thread::yield();
  ASSERT_OK(tx->Commit());
  other.join();
  EXPECT_EQ(QueryInt(*db, TxMode::kRead, "SELECT COUNT(*) FROM items"), 2);
}

TEST(SqliteDatabaseTest, LockHeldByAnotherProcessIsUnavailable) {
  ScratchDir dir;
  const std::string path = dir.File("busy.db");
  auto db = OpenMigrated(path);
  EXPECT_EQ(Unwrap(OpenSqlite(dir.File("fresh.db")))->SchemaVersion().value_or(-1), 0);
  OpenOptions impatient;
  impatient.busy_timeout_ms = 20;
  impatient.reader_connections = 1;
  auto other = Unwrap(OpenSqlite(path, impatient));  // stands in for a second process
  auto tx = Unwrap(db->Begin(TxMode::kWrite));
  auto blocked = other->Begin(TxMode::kWrite);
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable) << blocked.status().ToString();
  // Readers are not blocked by the writer (WAL).
  auto reader = Unwrap(other->Begin(TxMode::kRead));
  EXPECT_EQ(Unwrap(reader->Query("SELECT id FROM items")).size(), 0u);
  // ...but the only reader connection is now taken.
  EXPECT_EQ(other->Begin(TxMode::kRead).status().code(), StatusCode::kUnavailable);
  reader.reset();
  EXPECT_TRUE(other->Begin(TxMode::kRead).ok());
}

TEST(SqliteDatabaseTest, TransactionOutlivingDatabaseIsSafe) {
  ScratchDir dir;
  auto db = OpenMigrated(dir.File("o.db"));
  auto tx = Unwrap(db->Begin(TxMode::kWrite));
  db.reset();
  EXPECT_TRUE(tx->Execute("INSERT INTO items (i) VALUES (1)").ok());
  tx.reset();  // rolls back and closes the last connection
}

// Writes continue in another thread while the backup runs; the backup is one consistent state.
TEST(SqliteDatabaseTest, BackupWhileWritingThenRestore) {
  ScratchDir dir;
  const std::string path = dir.File("live.db");
  const std::string backup = dir.File("backup.db");
  auto db = OpenMigrated(path);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int k = 1; !stop || k < 20; ++k) {
      Status s = WithTransaction(*db, TxMode::kWrite, [k](Transaction& tx) -> Status {
        STIO_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO ledger_a (amount) VALUES (?)", {int64_t{k}}).status());
        return tx.Execute("INSERT INTO ledger_b (amount) VALUES (?)", {int64_t{k}}).status();
      });
      EXPECT_TRUE(s.ok()) << s.ToString();
      ++written;
    }
  });
  while (written < 5) std::this_thread::yield();
  ASSERT_OK(db->Backup(backup));
  ASSERT_OK(db->Backup(backup));  // overwriting an earlier backup is fine
  stop = true;
  writer.join();
  const int64_t live_rows = QueryInt(*db, TxMode::kRead, "SELECT COUNT(*) FROM ledger_a");
  db.reset();

  // The backup is one file (no -wal needed) that passes the integrity check.
  EXPECT_FALSE(std::filesystem::exists(backup + "-wal"));
  const std::string restored = dir.File("restored.db");
  WriteFile(restored + "-wal", "stale wal from an older database");
  ASSERT_OK(RestoreSqlite(backup, restored));
  EXPECT_FALSE(std::filesystem::exists(restored + "-wal"));
  auto copy = Unwrap(OpenSqlite(restored));
  EXPECT_EQ(Unwrap(copy->SchemaVersion()), 3);
  {
    auto tx = Unwrap(copy->Begin(TxMode::kRead));
    EXPECT_EQ(Unwrap(tx->QueryOne("PRAGMA integrity_check")).at(0), Value(std::string("ok")));
  }
  const int64_t a = QueryInt(*copy, TxMode::kRead, "SELECT COUNT(*) FROM ledger_a");
  const int64_t b = QueryInt(*copy, TxMode::kRead, "SELECT COUNT(*) FROM ledger_b");
  EXPECT_EQ(a, b);  // never half a transaction
  EXPECT_GE(a, 5);
  EXPECT_LE(a, live_rows);
  // The restored database is a normal, writable stio database.
  ASSERT_OK(copy->Migrate(SqliteBackend::TestSchema()));
  ASSERT_OK(WithTransaction(*copy, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO items (i) VALUES (1)").status();
  }));
}

TEST(SqliteDatabaseTest, BackupOntoItselfIsRefused) {
  ScratchDir dir;
  auto db = OpenMigrated(dir.File("self.db"));
  EXPECT_EQ(db->Backup(dir.File("self.db")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Backup(dir.File("nodir/b.db")).code(), StatusCode::kNotFound);
}

TEST(SqliteDatabaseTest, RestoreRefusesBadBackups) {
  ScratchDir dir;
  const std::string path = dir.File("keep.db");
  {
    auto db = OpenMigrated(path);
    ASSERT_OK(WithTransaction(*db, TxMode::kWrite, [](Transaction& tx) {
      return tx.Execute("INSERT INTO items (t) VALUES ('keep me')").status();
    }));
  }
  const std::string before = ReadFile(path);

  WriteFile(dir.File("notes.txt"), "this is not a database\n" + std::string(5000, 'x'));
  Status s = RestoreSqlite(dir.File("notes.txt"), path);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();

  EXPECT_EQ(RestoreSqlite(dir.File("absent.db"), path).code(), StatusCode::kNotFound);

  {  // An SQLite database without a schema version is not a stio backup.
    auto plain = Unwrap(OpenSqlite(dir.File("plain.db")));
  }
  EXPECT_EQ(RestoreSqlite(dir.File("plain.db"), path).code(), StatusCode::kFailedPrecondition);

  // A damaged backup: a valid header followed by garbage pages.
  const std::string good_backup = dir.File("good.db");
  {
    auto db = Unwrap(OpenSqlite(path));
    ASSERT_OK(db->Backup(good_backup));
  }
  std::string bytes = ReadFile(good_backup);
  ASSERT_GT(bytes.size(), 8192u);
  for (size_t k = 4096; k < bytes.size(); ++k) bytes[k] = static_cast<char>(k * 7);
  WriteFile(dir.File("damaged.db"), bytes);
  EXPECT_EQ(RestoreSqlite(dir.File("damaged.db"), path).code(), StatusCode::kDataLoss);

  EXPECT_EQ(ReadFile(path), before);  // untouched by every refused restore
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".restore-"), std::string::npos) << entry.path();
  }
}

// Acknowledged commits survive the process being killed (WAL + synchronous=NORMAL).
TEST(SqliteDatabaseTest, CommitsSurviveKill9) {
  ScratchDir dir;
  const std::string path = dir.File("crash.db");
  OpenMigrated(path).reset();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto db = OpenSqlite(path);
    if (!db.ok()) _exit(2);
    for (int64_t k = 1;; ++k) {
      auto tx = (*db)->Begin(TxMode::kWrite);
      if (!tx.ok() || !(*tx)->Execute("INSERT INTO items (i) VALUES (?)", {k}).ok() ||
          !(*tx)->Commit().ok()) {
        _exit(3);
      }
      // Acknowledge only after Commit() returned.
      if (write(fds[1], &k, sizeof k) != sizeof k) _exit(4);
    }
  }
  close(fds[1]);
  int64_t acked = 0, k = 0;
  while (acked < 200 && read(fds[0], &k, sizeof k) == sizeof k) acked = k;
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  while (read(fds[0], &k, sizeof k) == sizeof k) acked = k;  // acks sent before the kill
  close(fds[0]);
  ASSERT_GE(acked, 200);
  auto db = Unwrap(OpenSqlite(path));
  EXPECT_GE(QueryInt(*db, TxMode::kRead, "SELECT COUNT(*) FROM items"), acked);
  EXPECT_EQ(QueryInt(*db, TxMode::kRead, "SELECT COUNT(*) FROM items WHERE i > 0"),
            QueryInt(*db, TxMode::kRead, "SELECT MAX(i) FROM items"));
}

}  // namespace
}  // namespace stio::storage
