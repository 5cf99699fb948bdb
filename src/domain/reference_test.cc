#include "domain/reference.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "storage/schema.h"

namespace stio::domain {
namespace {

class ReferenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("stio-reference-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    auto db = storage::OpenSqlite((*dir_ / "ref.db").string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = db->release();
    ASSERT_TRUE(db_->Migrate(storage::MigrationsFor(*db_)).ok());
    auto report = LoadReferenceData(*db_, STIO_SOURCE_DIR "/data", Clock::Real());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    first_report_ = *report;
  }
  static void TearDownTestSuite() {
    delete db_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  int64_t Count(const std::string& sql) {
    int64_t n = -1;
    Status s =
        storage::WithTransaction(*db_, storage::TxMode::kRead, [&](storage::Transaction& tx) {
          STIO_ASSIGN_OR_RETURN(storage::Row r, tx.QueryOne(sql));
          n = r.Int("n");
          return Status::Ok();
        });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  Result<ListResult> List(const AdminUnitFilter& f, int64_t limit = 50) {
    ListParams p;
    p.limit = limit;
    Result<ListResult> out = Status::Internal("unset");
    Status s =
        storage::WithTransaction(*db_, storage::TxMode::kRead, [&](storage::Transaction& tx) {
          out = ListAdminUnits(tx, f, p);
          return Status::Ok();
        });
    EXPECT_TRUE(s.ok());
    return out;
  }

  static std::filesystem::path* dir_;
  static storage::Database* db_;
  static ReferenceLoadReport first_report_;
};

std::filesystem::path* ReferenceTest::dir_ = nullptr;
storage::Database* ReferenceTest::db_ = nullptr;
ReferenceLoadReport ReferenceTest::first_report_;

TEST_F(ReferenceTest, LoadsEveryUnitOfBothMaps) {
  EXPECT_EQ(first_report_.files_loaded, 7);
  auto n = [&](const char* era, const char* level) {
    return Count(std::string("SELECT COUNT(*) AS n FROM admin_units WHERE era = '") + era +
                 "' AND level = '" + level + "'");
  };
  EXPECT_EQ(n("2025", "province"), 34);
  EXPECT_EQ(n("2025", "commune"), 3321);
  EXPECT_EQ(n("pre2025", "province"), 63);
  EXPECT_EQ(n("pre2025", "commune"), 10047);
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM admin_unit_conversion"), 10571);
  // Every old province is mapped to exactly one 2025 province.
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM admin_units WHERE era = 'pre2025' AND "
                  "level = 'province' AND successor_code IS NULL"),
            0);
}

TEST_F(ReferenceTest, ReloadWithUnchangedFilesDoesNothing) {
  auto again = LoadReferenceData(*db_, STIO_SOURCE_DIR "/data", Clock::Real());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->files_loaded, 0);
  EXPECT_EQ(again->files_current, 7);
  EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM admin_units WHERE era = '2025' AND "
                  "level = 'commune'"),
            3321);
}

TEST_F(ReferenceTest, NameFilterIgnoresCaseDiacriticsAndTonePlacement) {
  for (const char* q : {"thanh hoa", "Thanh Hoá", "THANH HÓA", "thanh  hóa"}) {
    AdminUnitFilter f;
    f.q = q;
    auto r = List(f);
    ASSERT_TRUE(r.ok()) << q;
    ASSERT_EQ(r->total, 1) << q;
    EXPECT_EQ(r->items[0]["code"], "38") << q;
  }
}

TEST_F(ReferenceTest, SocTrangCarriesOverToCanTho) {
  Status s = storage::WithTransaction(*db_, storage::TxMode::kRead, [&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(Json can_tho, GetAdminUnit(tx, "2025", "province", "92"));
    std::set<std::string> merged;
    for (const Json& m : can_tho["merged_from"]) merged.insert(m["code"].get<std::string>());
    EXPECT_EQ(merged, (std::set<std::string>{"92", "93", "94"}));
    STIO_ASSIGN_OR_RETURN(Json soc_trang, ConvertAdminUnit(tx, "province", "94"));
    for (const Json& item : soc_trang["items"]) EXPECT_EQ(item["new_province_code"], "92");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(ReferenceTest, BadFiltersAreRejected) {
  AdminUnitFilter f;
  f.era = "1999";
  EXPECT_EQ(List(f).status().code(), StatusCode::kInvalidArgument);
  f.era = "2025";
  f.level = "district";
  EXPECT_EQ(List(f).status().field(), "level");
  f.level = "province";
  f.q = "100%_\\";  // LIKE metacharacters are literal
  auto r = List(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 0);
}

}  // namespace
}  // namespace stio::domain
