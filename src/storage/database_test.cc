// The backend-independent storage suite: every case runs on every backend in `Backends` (as Xapian
// runs its tests per backend). Only portable SQL here (see docs/storage.md); backend-specific
// checks live in <backend>_database_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <limits>
#include <thread>

#include "storage/database.h"
#include "storage/test_util.h"

namespace stio::storage {
namespace {

using testing::ScratchDir;

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

template <typename Backend>
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = Unwrap(Backend::Open(dir_));
    schema_ = Backend::TestSchema();
    ASSERT_OK(db_->Migrate(schema_));
  }

  std::unique_ptr<Transaction> Begin(TxMode mode) { return Unwrap(db_->Begin(mode)); }

  int64_t Count(std::string_view table) {
    auto tx = Begin(TxMode::kRead);
    return Unwrap(tx->QueryOne("SELECT COUNT(*) AS n FROM " + std::string(table))).Int("n");
  }

  int64_t AddOrganization(Transaction& tx, const std::string& name, const Value& tax_code) {
    Row row = Unwrap(tx.QueryOne(
        "INSERT INTO organizations (name, tax_code) VALUES (?, ?) RETURNING id", {name, tax_code}));
    return row.Int("id");
  }

  ScratchDir dir_;
  std::unique_ptr<Database> db_;
  std::vector<Migration> schema_;
};

using Backends = ::testing::Types<testing::SqliteBackend>;
TYPED_TEST_SUITE(DatabaseTest, Backends);

TYPED_TEST(DatabaseTest, RoundTripsEveryValueType) {
  const std::string nul_blob("a\0b\xff\x00z", 6);
  struct Case {
    Value i, r, t, b;
  };
  const std::vector<Case> cases = {
      {Null{}, Null{}, Null{}, Null{}},
      {int64_t{0}, 0.0, std::string(), Blob{}},
      {std::numeric_limits<int64_t>::max(), 3.5, std::string("Sở Khoa học và Công nghệ"),
       Blob{nul_blob}},
      {std::numeric_limits<int64_t>::min(), -1.25e-300,
       std::string("Thành phố Hồ Chí Minh – Đặng Thị Thuỷ 🌾"), Blob{std::string(1, '\0')}},
  };
  {
    auto tx = this->Begin(TxMode::kWrite);
    for (const Case& c : cases) {
      ASSERT_EQ(Unwrap(tx->Execute("INSERT INTO items (i, r, t, b) VALUES (?, ?, ?, ?)",
                                   {c.i, c.r, c.t, c.b})),
                1);
    }
    ASSERT_OK(tx->Commit());
  }
  auto tx = this->Begin(TxMode::kRead);
  auto rows = Unwrap(tx->Query("SELECT i, r, t, b FROM items ORDER BY id"));
  ASSERT_EQ(rows.size(), cases.size());
  for (size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(rows[k].at("i"), cases[k].i);
    EXPECT_EQ(rows[k].at("r"), cases[k].r);
    EXPECT_EQ(rows[k].at("t"), cases[k].t);
    EXPECT_EQ(rows[k].at("b"), cases[k].b);
    EXPECT_EQ(rows[k].at(3), cases[k].b);
  }
  EXPECT_TRUE(rows[0].IsNull("t"));
  EXPECT_EQ(rows[0].Int("i", 42), 42);
  EXPECT_EQ(rows[0].OptText("t"), std::nullopt);
  EXPECT_EQ(rows[2].Text("t"), "Sở Khoa học và Công nghệ");
  EXPECT_EQ(std::get<Blob>(rows[2].at("b")).bytes.size(), 6u);
  EXPECT_EQ(rows[2].columns(), (std::vector<std::string>{"i", "r", "t", "b"}));
}

TYPED_TEST(DatabaseTest, InsertReturningGivesIds) {
  auto tx = this->Begin(TxMode::kWrite);
  int64_t a = this->AddOrganization(*tx, "Viện A", std::string("0100000001"));
  int64_t b = this->AddOrganization(*tx, "Viện B", Null{});
  EXPECT_GT(a, 0);
  EXPECT_NE(a, b);
  Row row = Unwrap(tx->QueryOne("SELECT name FROM organizations WHERE id = ?", {b}));
  EXPECT_EQ(row.Text("name"), "Viện B");
  ASSERT_OK(tx->Commit());
}

TYPED_TEST(DatabaseTest, DestroyedTransactionRollsBack) {
  {
    auto tx = this->Begin(TxMode::kWrite);
    this->AddOrganization(*tx, "Tạm", Null{});
  }
  EXPECT_EQ(this->Count("organizations"), 0);
  {
    auto tx = this->Begin(TxMode::kWrite);
    this->AddOrganization(*tx, "Tạm", Null{});
    tx->Rollback();
    EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);  // already finished
  }
  EXPECT_EQ(this->Count("organizations"), 0);
}

TYPED_TEST(DatabaseTest, CommitMakesChangesVisible) {
  auto writer = this->Begin(TxMode::kWrite);
  this->AddOrganization(*writer, "Sở KH&CN", Null{});
  EXPECT_EQ(this->Count("organizations"), 0);  // a reader does not see uncommitted rows
  ASSERT_OK(writer->Commit());
  EXPECT_EQ(this->Count("organizations"), 1);
  writer.reset();
  // The writer connection is free again.
  auto again = this->Begin(TxMode::kWrite);
  EXPECT_EQ(again->mode(), TxMode::kWrite);
}

TYPED_TEST(DatabaseTest, ReaderSeesSnapshotWhileWriterCommits) {
  std::promise<void> first_read_done, write_done;
  std::future<void> write_done_future = write_done.get_future();
  std::atomic<int64_t> before{-1}, during{-1};
  std::thread reader([&] {
    auto tx = this->Begin(TxMode::kRead);
    before = Unwrap(tx->QueryOne("SELECT COUNT(*) AS n FROM organizations")).Int("n");
    first_read_done.set_value();
    write_done_future.wait();
    during = Unwrap(tx->QueryOne("SELECT COUNT(*) AS n FROM organizations")).Int("n");
    EXPECT_TRUE(tx->Commit().ok());
  });
  first_read_done.get_future().wait();
  {
    auto tx = this->Begin(TxMode::kWrite);
    this->AddOrganization(*tx, "Mới", Null{});
    ASSERT_OK(tx->Commit());
  }
  write_done.set_value();
  reader.join();
  EXPECT_EQ(before, 0);
  EXPECT_EQ(during, 0);  // still the snapshot of its first read
  EXPECT_EQ(this->Count("organizations"), 1);
}

TYPED_TEST(DatabaseTest, ConcurrentReadersNeverSeeHalfATransaction) {
  constexpr int kWrites = 150;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        auto r = this->db_->Begin(TxMode::kRead);
        if (!r.ok()) {
          ++failures;
          continue;
        }
        auto a =
            (*r)->QueryOne("SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS s FROM ledger_a");
        auto b =
            (*r)->QueryOne("SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS s FROM ledger_b");
        if (!a.ok() || !b.ok() || a->Int("n") != b->Int("n") || a->Int("s") != b->Int("s")) {
          ++failures;
        }
        ++reads;
      }
    });
  }
  std::thread writer([&] {
    for (int k = 1; k <= kWrites; ++k) {
      Status s = WithTransaction(*this->db_, TxMode::kWrite, [k](Transaction& tx) -> Status {
        STIO_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO ledger_a (amount) VALUES (?)", {int64_t{k}}).status());
        return tx.Execute("INSERT INTO ledger_b (amount) VALUES (?)", {int64_t{k}}).status();
      });
      if (!s.ok()) ++failures;
    }
  });
  writer.join();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(this->Count("ledger_a"), kWrites);
  EXPECT_EQ(this->Count("ledger_b"), kWrites);
}

TYPED_TEST(DatabaseTest, UniqueViolationIsAlreadyExists) {
  auto tx = this->Begin(TxMode::kWrite);
  this->AddOrganization(*tx, "A", std::string("0100000001"));
  auto dup = tx->Execute("INSERT INTO organizations (name, tax_code) VALUES (?, ?)",
                         {std::string("B"), std::string("0100000001")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().ToString();
  EXPECT_EQ(dup.status().field(), "tax_code");
  EXPECT_NE(dup.status().message().find("organizations.tax_code"), std::string::npos)
      << dup.status().message();

  // Primary keys too.
  tx.reset();
  auto w = this->Begin(TxMode::kWrite);
  int64_t id = this->AddOrganization(*w, "C", Null{});
  auto pk =
      w->Execute("INSERT INTO organizations (id, name) VALUES (?, ?)", {id, std::string("D")});
  EXPECT_EQ(pk.status().code(), StatusCode::kAlreadyExists) << pk.status().ToString();
}

TYPED_TEST(DatabaseTest, ForeignKeyViolationIsFailedPrecondition) {
  {
    auto tx = this->Begin(TxMode::kWrite);
    auto r = tx->Execute("INSERT INTO projects (organization_id, title) VALUES (?, ?)",
                         {int64_t{999}, std::string("Mồ côi")});
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
  }
  auto tx = this->Begin(TxMode::kWrite);
  int64_t org = this->AddOrganization(*tx, "Có dự án", Null{});
  ASSERT_EQ(Unwrap(tx->Execute("INSERT INTO projects (organization_id, title) VALUES (?, ?)",
                               {org, std::string("Dự án")})),
            1);
  ASSERT_OK(tx->Commit());
  tx = this->Begin(TxMode::kWrite);
  auto del = tx->Execute("DELETE FROM organizations WHERE id = ?", {org});
  EXPECT_EQ(del.status().code(), StatusCode::kFailedPrecondition) << del.status().ToString();
}

TYPED_TEST(DatabaseTest, NotNullAndCheckViolationsAreInvalidArgument) {
  {
    auto tx = this->Begin(TxMode::kWrite);
    auto r = tx->Execute("INSERT INTO organizations (name) VALUES (?)", {Null{}});
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
    EXPECT_EQ(r.status().field(), "name");
  }
  auto tx = this->Begin(TxMode::kWrite);
  auto r = tx->Execute("INSERT INTO organizations (name) VALUES (?)", {std::string()});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TYPED_TEST(DatabaseTest, ErrorPoisonsTransactionLikePostgres) {
  auto tx = this->Begin(TxMode::kWrite);
  this->AddOrganization(*tx, "A", std::string("1"));
  auto dup = tx->Execute("INSERT INTO organizations (name, tax_code) VALUES (?, ?)",
                         {std::string("B"), std::string("1")});
  ASSERT_FALSE(dup.ok());
  auto next = tx->Execute("INSERT INTO organizations (name) VALUES (?)", {std::string("C")});
  EXPECT_EQ(next.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Count("organizations"), 0);
}

TYPED_TEST(DatabaseTest, WriteInReadTransactionIsRefused) {
  auto tx = this->Begin(TxMode::kRead);
  EXPECT_EQ(tx->mode(), TxMode::kRead);
  auto r = tx->Execute("INSERT INTO organizations (name) VALUES (?)", {std::string("X")});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().ToString();
  tx.reset();
  EXPECT_EQ(this->Count("organizations"), 0);
}

TYPED_TEST(DatabaseTest, HostileParameterValuesAreStoredLiterally) {
  const std::vector<std::string> hostile = {
      "'); DROP TABLE organizations; --",
      "\" OR 1=1 --",
      "Robert'); DELETE FROM items; --",
      "?",
      "$1",
      "%s",
      "\\",
      "NULL",
      "' || (SELECT name FROM organizations) || '",
  };
  auto tx = this->Begin(TxMode::kWrite);
  for (const std::string& h : hostile) {
    ASSERT_EQ(Unwrap(tx->Execute("INSERT INTO items (t) VALUES (?)", {h})), 1);
  }
  ASSERT_OK(tx->Commit());
  auto rd = this->Begin(TxMode::kRead);
  auto rows = Unwrap(rd->Query("SELECT t FROM items ORDER BY id"));
  ASSERT_EQ(rows.size(), hostile.size());
  for (size_t k = 0; k < hostile.size(); ++k) EXPECT_EQ(rows[k].Text("t"), hostile[k]);
  Row found = Unwrap(rd->QueryOne("SELECT COUNT(*) AS n FROM items WHERE t = ?", {hostile[0]}));
  EXPECT_EQ(found.Int("n"), 1);
  rd.reset();
  EXPECT_EQ(this->Count("organizations"), 0);  // the table is still there
}

TYPED_TEST(DatabaseTest, SeveralStatementsInOneCallAreRefused) {
  auto tx = this->Begin(TxMode::kWrite);
  auto r = tx->Execute("INSERT INTO items (t) VALUES ('a'); DROP TABLE items");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  tx.reset();
  EXPECT_EQ(this->Count("items"), 0);
  // A trailing semicolon and comment are fine.
  tx = this->Begin(TxMode::kWrite);
  EXPECT_TRUE(tx->Execute("INSERT INTO items (t) VALUES ('a'); -- note").ok());
}

TYPED_TEST(DatabaseTest, WrongParameterCountIsAnError) {
  auto tx = this->Begin(TxMode::kWrite);
  auto r = tx->Execute("INSERT INTO items (i, t) VALUES (?, ?)", {int64_t{1}});
  EXPECT_EQ(r.status().code(), StatusCode::kInternal) << r.status().ToString();
}

TYPED_TEST(DatabaseTest, QueryOneAndForEach) {
  auto tx = this->Begin(TxMode::kWrite);
  for (int k = 0; k < 5; ++k) {
    ASSERT_TRUE(tx->Execute("INSERT INTO items (i) VALUES (?)", {int64_t{k}}).ok());
  }
  auto none = tx->QueryOne("SELECT i FROM items WHERE i > ?", {int64_t{100}});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  Row first = Unwrap(tx->QueryOne("SELECT i FROM items ORDER BY i DESC"));
  EXPECT_EQ(first.Int("i"), 4);

  int seen = 0;
  Status stop = tx->ForEach("SELECT i FROM items ORDER BY i", {}, [&](const Row& row) {
    ++seen;
    return row.Int("i") == 2 ? Status::Aborted("enough") : Status::Ok();
  });
  EXPECT_EQ(stop.code(), StatusCode::kAborted);
  EXPECT_EQ(seen, 3);

  // The same SQL inside its own ForEach callback (a nested use of one cached statement).
  int pairs = 0;
  const std::string sql = "SELECT i FROM items WHERE i < ? ORDER BY i";
  ASSERT_OK(tx->ForEach(sql, std::vector<Value>{int64_t{3}}, [&](const Row& outer) {
    auto inner = tx->Query(sql, {outer.Int("i")});
    if (!inner.ok()) return inner.status();
    pairs += static_cast<int>(inner->size());
    return Status::Ok();
  }));
  EXPECT_EQ(pairs, 0 + 1 + 2);
  ASSERT_OK(tx->Commit());  // a callback's early stop does not poison the transaction
}

TYPED_TEST(DatabaseTest, WithTransactionCommitsOrRollsBack) {
  ASSERT_OK(WithTransaction(*this->db_, TxMode::kWrite, [](Transaction& tx) {
    return tx.Execute("INSERT INTO items (t) VALUES (?)", {std::string("kept")}).status();
  }));
  Status s = WithTransaction(*this->db_, TxMode::kWrite, [](Transaction& tx) {
    if (!tx.Execute("INSERT INTO items (t) VALUES (?)", {std::string("dropped")}).ok()) {
      return Status::Internal("insert failed");
    }
    return Status::InvalidArgument("validation failed after the insert");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->Count("items"), 1);
}

TYPED_TEST(DatabaseTest, TransactionControlSqlIsRefused) {
  auto tx = this->Begin(TxMode::kWrite);
  EXPECT_FALSE(tx->Execute("COMMIT").ok());
}

// --- Migrations -------------------------------------------------------------------------------

TYPED_TEST(DatabaseTest, MigrateAppliesAndReapplyIsNoOp) {
  EXPECT_EQ(Unwrap(this->db_->SchemaVersion()), 3);
  ASSERT_OK(this->db_->Migrate(this->schema_));  // again: nothing to do
  EXPECT_EQ(Unwrap(this->db_->SchemaVersion()), 3);

  std::vector<Migration> more = this->schema_;
  more.push_back({4, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"});
  ASSERT_OK(this->db_->Migrate(more));
  EXPECT_EQ(Unwrap(this->db_->SchemaVersion()), 4);
  EXPECT_EQ(this->Count("notes"), 0);
}

TYPED_TEST(DatabaseTest, FailingMigrationLeavesNothingBehind) {
  std::vector<Migration> more = this->schema_;
  more.push_back({4, "half broken",
                  "CREATE TABLE half (id INTEGER PRIMARY KEY);\n"
                  "INSERT INTO items (t) VALUES ('from migration');\n"
                  "THIS IS NOT SQL;"});
  Status s = this->db_->Migrate(more);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("migration 4 (half broken)"), std::string::npos) << s.ToString();
  EXPECT_EQ(Unwrap(this->db_->SchemaVersion()), 3);
  EXPECT_EQ(this->Count("items"), 0);
  auto tx = this->Begin(TxMode::kRead);
  EXPECT_FALSE(tx->Query("SELECT id FROM half").ok());
}

TYPED_TEST(DatabaseTest, NewerDatabaseIsRefused) {
  std::vector<Migration> older(this->schema_.begin(), this->schema_.begin() + 2);
  Status s = this->db_->Migrate(older);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "database schema version 3 is newer than this stio (2)");
}

TYPED_TEST(DatabaseTest, BrokenMigrationListIsInternal) {
  std::vector<Migration> gap = this->schema_;
  gap.push_back({5, "skips 4", "SELECT 1;"});
  EXPECT_EQ(this->db_->Migrate(gap).code(), StatusCode::kInternal);
  std::vector<Migration> zero = {{0, "zero", "SELECT 1;"}};
  EXPECT_EQ(this->db_->Migrate(zero).code(), StatusCode::kInternal);
  EXPECT_EQ(Unwrap(this->db_->SchemaVersion()), 3);
}

}  // namespace
}  // namespace stio::storage
