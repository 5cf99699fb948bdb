// The registry search index kept on disk (registry_search_store.cc): a saved index is loaded and
// caught up from the audit log, and one that does not belong to this database, to this version of
// the document builders, or that is damaged, is rebuilt from the database instead.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/clock.h"
#include "domain/ip.h"
#include "domain/reference.h"
#include "domain/registry.h"
#include "domain/registry_search.h"
#include "storage/schema.h"

namespace stio::domain {
namespace {

namespace fs = std::filesystem;

const char kStopwords[] = "và\nlà\ncủa\n";

class RegistrySearchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("stio-search-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    index_dir_ = (dir_ / "stio.db.search").string();
    db_ = OpenDb(dir_ / "stio.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  static std::unique_ptr<storage::Database> OpenDb(const fs::path& path) {
    auto db = storage::OpenSqlite(path.string());
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return nullptr;
    EXPECT_TRUE((*db)->Migrate(storage::MigrationsFor(**db)).ok());
    auto loaded = LoadReferenceData(**db, STIO_SOURCE_DIR "/data", Clock::Real());
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return std::move(db).value();
  }

  int64_t Write(storage::Database& db,
                const std::function<Result<Json>(storage::Transaction&)>& fn) {
    int64_t id = 0;
    Status s = storage::WithTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      STIO_ASSIGN_OR_RETURN(Json j, fn(tx));
      id = j.value("id", int64_t{0});
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }
  int64_t AddOrg(storage::Database& db, const std::string& name) {
    return Write(db, [&](storage::Transaction& tx) {
      return CreateOrganization(tx, Actor::System("test"), Clock::Real(),
                                {{"kind", "enterprise"}, {"name", name}, {"province_code", "01"}});
    });
  }

  // The ids ("type:id") the search finds for `q`.
  static std::vector<std::string> Find(RegistrySearch& rs, storage::Database& db,
                                       const std::string& q) {
    SearchRequest req;
    req.q = q;
    auto r = rs.Search(db, req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ids;
    if (!r.ok()) return ids;
    for (const Json& item : r->at("items")) {
      ids.push_back(item.at("type").get<std::string>() + ":" +
                    std::to_string(item.at("id").get<int64_t>()));
    }
    return ids;
  }

  std::unique_ptr<RegistrySearch> Open(storage::Database& db, SearchStartReport& report,
                                       const std::string& stopwords = kStopwords) {
    auto rs = RegistrySearch::Open(db, stopwords, index_dir_, &report);
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    return rs.ok() ? std::move(rs).value() : nullptr;
  }

  // Opens on db_ and checks that the index was rebuilt, not loaded, for a reason that says `why`.
  std::unique_ptr<RegistrySearch> OpenRebuilt(SearchStartReport& report, const std::string& why,
                                              const std::string& stopwords = kStopwords) {
    auto rs = Open(*db_, report, stopwords);
    EXPECT_NE(rs, nullptr);
    EXPECT_FALSE(report.loaded);
    EXPECT_NE(report.rebuild_reason.find(why), std::string::npos) << report.rebuild_reason;
    return rs;
  }

  // Opens, checks that it was built (not loaded), and saves.
  std::unique_ptr<RegistrySearch> BuildAndSave(storage::Database& db) {
    SearchStartReport report;
    auto rs = Open(db, report);
    EXPECT_FALSE(report.loaded);
    Status saved = rs->Save(db, index_dir_);
    EXPECT_TRUE(saved.ok()) << saved.ToString();
    EXPECT_EQ(rs->saved_audit_id(), rs->audit_id());
    return rs;
  }

  fs::path IndexFile() const {
    std::ifstream in(fs::path(index_dir_) / "CURRENT");
    std::stringstream ss;
    ss << in.rdbuf();
    Json m = Json::parse(ss.str(), nullptr, false);
    return fs::path(index_dir_) / m.value("index_dir", "?") / "index.stio";
  }
  void EditManifest(const std::function<void(Json&)>& edit) {
    const fs::path p = fs::path(index_dir_) / "CURRENT";
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    Json m = Json::parse(ss.str());
    edit(m);
    std::ofstream(p, std::ios::trunc) << m.dump(2);
  }

  fs::path dir_;
  std::string index_dir_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(RegistrySearchStoreTest, SecondStartLoadsAndCatchesUpWritesMadeWhileDown) {
  const int64_t kept = AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  const int64_t removed = AddOrg(*db_, "Hợp tác xã Chè Tân Cương");
  {
    SearchStartReport report;
    auto rs = OpenRebuilt(report, "no saved index");
    ASSERT_NE(rs, nullptr);
    EXPECT_EQ(rs->saved_audit_id(), -1);  // built, not saved yet
    ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
    // Written after the save, while the process still runs (its own index sees it, the saved one
    // does not): the next start must catch up.
    AddOrg(*db_, "Viện Nghiên cứu Lúa gạo Đồng Tháp");
  }
  // While no server runs, another process writes on the database (as the CLI does): a new
  // organization and the deletion of one the saved index holds.
  {
    auto other = OpenDb(dir_ / "stio.db");
    AddOrg(*other, "Trung tâm Ứng dụng Tiến bộ Khoa học Hà Giang");
    Status s = storage::WithTransaction(*other, storage::TxMode::kWrite, [&](auto& tx) {
      return DeleteOrganization(tx, Actor::System("cli"), Clock::Real(), removed);
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  SearchStartReport report;
  auto rs = Open(*db_, report);
  ASSERT_NE(rs, nullptr);
  EXPECT_TRUE(report.loaded) << report.rebuild_reason;
  EXPECT_GT(report.saved_audit_id, 0);
  EXPECT_GT(report.audit_id, report.saved_audit_id);  // it caught up
  EXPECT_EQ(report.documents, 3u);
  EXPECT_NE(report.ToString().find("loaded the saved search index"), std::string::npos);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà"),
            std::vector<std::string>{"organization:" + std::to_string(kept)});
  EXPECT_EQ(Find(*rs, *db_, "lua gao dong thap").size(), 1u);
  EXPECT_EQ(Find(*rs, *db_, "Hà Giang").size(), 1u);
  for (const std::string& id : Find(*rs, *db_, "Tân Cương")) {
    EXPECT_NE(id, "organization:" + std::to_string(removed));
  }
}

TEST_F(RegistrySearchStoreTest, SavesOnlyCompleteGenerationsAndCleansUpAfterACrash) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  auto rs = BuildAndSave(*db_);
  const fs::path first = IndexFile();
  // What a crash mid-save leaves: a half-written generation folder and a temporary manifest.
  fs::create_directories(fs::path(index_dir_) / "gen-999-crashed");
  std::ofstream(fs::path(index_dir_) / "gen-999-crashed" / "index.stio.tmp") << "half";
  std::ofstream(fs::path(index_dir_) / "CURRENT.tmp") << "{\"index_dir\": \"gen-999-crashed\"";
  {
    SearchStartReport report;
    auto again = Open(*db_, report);
    EXPECT_TRUE(report.loaded) << report.rebuild_reason;  // CURRENT still names the complete one
  }
  AddOrg(*db_, "Hợp tác xã Chè Tân Cương");
  ASSERT_TRUE(rs->CatchUp(*db_).ok());
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_NE(IndexFile(), first);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(index_dir_)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"CURRENT", "LOCK",
                                             IndexFile().parent_path().filename().string()}));
  SearchStartReport report;
  auto loaded = Open(*db_, report);
  EXPECT_TRUE(report.loaded) << report.rebuild_reason;
  EXPECT_EQ(report.saved_audit_id, report.audit_id);  // nothing to catch up
  EXPECT_EQ(Find(*loaded, *db_, "Tân Cương").size(), 1u);
}

TEST_F(RegistrySearchStoreTest, AnIndexSavedFromAnotherDatabaseIsRebuilt) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  BuildAndSave(*db_);
  // Another database, with as many audit entries (the same ids), but other content.
  db_.reset();
  fs::rename(dir_ / "stio.db", dir_ / "first.db");
  fs::remove(dir_ / "stio.db-wal");
  fs::remove(dir_ / "stio.db-shm");
  db_ = OpenDb(dir_ / "stio.db");
  AddOrg(*db_, "Hợp tác xã Chè Tân Cương");
  SearchStartReport report;
  auto rs = OpenRebuilt(report, "audit entry");
  ASSERT_NE(rs, nullptr);
  EXPECT_TRUE(Find(*rs, *db_, "Sông Đà").empty());
  EXPECT_EQ(Find(*rs, *db_, "Tân Cương").size(), 1u);
}

TEST_F(RegistrySearchStoreTest, ADatabaseRestoredFromAnOlderBackupIsRebuilt) {
  ASSERT_EQ(AddOrg(*db_, "Công ty Cơ khí Sông Đà"), 1);
  ASSERT_TRUE(db_->Backup((dir_ / "backup.db").string()).ok());
  AddOrg(*db_, "Hợp tác xã Chè Tân Cương");
  BuildAndSave(*db_);
  db_.reset();
  ASSERT_TRUE(
      storage::RestoreSqlite((dir_ / "backup.db").string(), (dir_ / "stio.db").string()).ok());
  db_ = OpenDb(dir_ / "stio.db");
  SearchStartReport report;
  auto rs = OpenRebuilt(report, "no audit entry");
  ASSERT_NE(rs, nullptr);
  // Not in the backup (the any-word fallback may still find the other one).
  EXPECT_EQ(Find(*rs, *db_, "Tân Cương"), std::vector<std::string>{"organization:1"});
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);
}

TEST_F(RegistrySearchStoreTest, AnIndexFromAnotherBuilderVersionOrStopwordListIsRebuilt) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  BuildAndSave(*db_);
  EditManifest([](Json& m) { m["builder_version"] = m["builder_version"].get<int>() - 1; });
  SearchStartReport report;
  auto rs = OpenRebuilt(report, "builder version");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);

  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  OpenRebuilt(report, "stopword", "và\nlà\n");
  Open(*db_, report);
  EXPECT_TRUE(report.loaded) << report.rebuild_reason;
}

TEST_F(RegistrySearchStoreTest, AnIndexMostlyReplacedSinceItsBuildIsRebuiltToCompactIt) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  auto rs = BuildAndSave(*db_);
  auto manifest = [&] {
    Json m;
    EditManifest([&](Json& j) { m = j; });
    return m;
  };
  EXPECT_EQ(manifest().value("dead_documents", -1), 0);
  // New records are not dead; a record re-indexed after the build leaves a dead document behind:
  // counted, saved, and carried over by a load.
  const int64_t tea = AddOrg(*db_, "Hợp tác xã Chè Tân Cương");
  AddOrg(*db_, "Viện Nghiên cứu Lúa gạo Đồng Tháp");
  ASSERT_TRUE(rs->CatchUp(*db_).ok());
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_EQ(manifest().value("dead_documents", -1), 0);
  auto rename = [&](const std::string& name) {
    Write(*db_, [&](storage::Transaction& tx) {
      return UpdateOrganization(tx, Actor::System("test"), Clock::Real(), tea, {{"name", name}});
    });
  };
  rename("Hợp tác xã Chè Tân Cương Thái Nguyên");
  ASSERT_TRUE(rs->CatchUp(*db_).ok());
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_EQ(manifest().value("dead_documents", -1), 1);
  SearchStartReport report;
  rs = Open(*db_, report);
  EXPECT_TRUE(report.loaded) << report.rebuild_reason;
  rename("HTX Chè Tân Cương");
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());  // Save does not catch up: 1 so far
  EXPECT_EQ(manifest().value("dead_documents", -1), 1);
  ASSERT_TRUE(rs->CatchUp(*db_).ok());
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_EQ(manifest().value("dead_documents", -1), 2);
  // More dead than live (and over the floor of 1,000): rebuilt, which starts the count again.
  EditManifest([](Json& m) { m["dead_documents"] = 5000; });
  rs = OpenRebuilt(report, "compact");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(report.documents, 3u);
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_EQ(manifest().value("dead_documents", -1), 0);
}

TEST_F(RegistrySearchStoreTest, ADamagedSavedIndexIsRebuiltNotACrash) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  BuildAndSave(*db_);
  const fs::path file = IndexFile();
  const auto size = fs::file_size(file);

  // Truncated (a disk that filled up, a copy cut short).
  fs::resize_file(file, size / 2);
  SearchStartReport report;
  auto rs = OpenRebuilt(report, "bytes");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);

  // Truncated, with the manifest telling the same size: the index file's own checks catch it.
  EditManifest([&](Json& m) { m["index_bytes"] = size / 2; });
  rs = OpenRebuilt(report, "corrupt");
  ASSERT_NE(rs, nullptr);

  // A flipped byte in the middle (same size).
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  {
    std::fstream f(IndexFile(), std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(fs::file_size(IndexFile()) / 2);
    f.seekg(middle);
    const char c = static_cast<char>(f.get());
    f.seekp(middle);
    f.put(static_cast<char>(~c));
  }
  rs = OpenRebuilt(report, "checksum");
  ASSERT_NE(rs, nullptr);

  // The manifest itself: not JSON, a field of the wrong type, an index folder outside the folder,
  // the index file gone.
  for (const std::string& manifest :
       {std::string("{ not json"), std::string("{\"format\": 7}"),
        std::string("{\"format\": \"stio registry search index\", \"format_version\": 1, "
                    "\"builder_version\": [1]}")}) {
    std::ofstream(fs::path(index_dir_) / "CURRENT", std::ios::trunc) << manifest;
    rs = Open(*db_, report);
    ASSERT_NE(rs, nullptr);
    EXPECT_FALSE(report.loaded) << manifest;
    EXPECT_FALSE(report.rebuild_reason.empty());
  }
  {  // 2 MiB of padding: not a manifest (it is not read whole)
    std::ofstream big(fs::path(index_dir_) / "CURRENT", std::ios::trunc);
    big << "{\"format\": \"" << std::string(2 << 20, 'x') << "\"}";
  }
  rs = OpenRebuilt(report, "unreadable CURRENT");
  ASSERT_NE(rs, nullptr);
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EditManifest([](Json& m) { m["index_dir"] = "gen-../../etc"; });
  rs = Open(*db_, report);
  EXPECT_FALSE(report.loaded);
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  fs::remove(IndexFile());
  rs = Open(*db_, report);
  EXPECT_FALSE(report.loaded);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);
}

TEST_F(RegistrySearchStoreTest, AnIndexSavedWithAnEmptyAuditLogIsNotTrusted) {
  // Rows with no audit entry (written around the domain): nothing ties a saved index to them.
  ASSERT_TRUE(storage::WithTransaction(*db_, storage::TxMode::kWrite, [](auto& tx) {
                return tx
                    .Execute(
                        "INSERT INTO organizations (kind, name, match_key, created_at, "
                        "updated_at) VALUES ('enterprise', 'Công ty Sông Đà', 'cong ty song "
                        "da', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')")
                    .status();
              }).ok());
  SearchStartReport report;
  auto rs = Open(*db_, report);
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(rs->audit_id(), 0);
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  rs = OpenRebuilt(report, "no audit entry");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);
}

TEST_F(RegistrySearchStoreTest, ASaveThatCannotWriteFailsWithoutHarm) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  std::ofstream(dir_ / "a-file") << "not a folder";
  index_dir_ = (dir_ / "a-file").string();
  SearchStartReport report;
  auto rs = Open(*db_, report);
  ASSERT_NE(rs, nullptr);
  EXPECT_FALSE(report.loaded);
  EXPECT_FALSE(rs->Save(*db_, index_dir_).ok());
  EXPECT_EQ(rs->saved_audit_id(), -1);
  EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);
}

// While Save writes the index file (holding the index's shared lock), a search must not catch up:
// applying a write would wait for the end of the file, and every search behind it. It answers
// from the index as it is; the write shows in the first search after the save.
TEST_F(RegistrySearchStoreTest, SearchesDuringASaveDoNotCatchUp) {
  AddOrg(*db_, "Công ty Cơ khí Sông Đà");
  SearchStartReport report;
  auto rs = Open(*db_, report);
  ASSERT_NE(rs, nullptr);
  int64_t added = 0;
  std::vector<std::string> during;
  rs->SetSaveHookForTesting([&] {
    added = AddOrg(*db_, "Viện Nghiên cứu Lúa gạo Đồng Tháp");
    during = Find(*rs, *db_, "lua gao dong thap");
    EXPECT_EQ(Find(*rs, *db_, "Sông Đà").size(), 1u);  // searches go on
  });
  ASSERT_TRUE(rs->Save(*db_, index_dir_).ok());
  EXPECT_GT(added, 0);
  EXPECT_TRUE(during.empty());
  EXPECT_EQ(Find(*rs, *db_, "lua gao dong thap"),
            std::vector<std::string>{"organization:" + std::to_string(added)});
  // The saved index covers only what was applied before the file was written.
  EXPECT_LT(rs->saved_audit_id(), rs->audit_id());
}

// Regression: renaming a person did not re-index the published IP assets they hold (the asset's
// document carries its holder's name), which a saved index would have kept stale across restarts.
TEST_F(RegistrySearchStoreTest, RenamingAPersonReindexesTheIpAssetsTheyHold) {
  const int64_t person = Write(*db_, [](storage::Transaction& tx) {
    return CreatePerson(tx, Actor::System("test"), Clock::Real(), {{"full_name", "Lê Văn Khoáng"}});
  });
  const int64_t asset = Write(*db_, [&](storage::Transaction& tx) {
    return CreateIpAsset(tx, Actor::System("test"), Clock::Real(),
                         {{"kind", "patent"},
                          {"title", "Máy tách hạt sen"},
                          {"application_number", "1-2024-01234"},
                          {"filing_date", "2024-03-01"},
                          {"owner_person_id", person},
                          {"published", true}});
  });
  SearchStartReport report;
  auto rs = Open(*db_, report);
  ASSERT_NE(rs, nullptr);
  std::vector<std::string> found = Find(*rs, *db_, "Khoáng");
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"ip_asset:" + std::to_string(asset),
                                             "person:" + std::to_string(person)}));
  Write(*db_, [&](storage::Transaction& tx) -> Result<Json> {
    STIO_ASSIGN_OR_RETURN(storage::Row r,
                          tx.QueryOne("SELECT version FROM people WHERE id = ?", {person}));
    return UpdatePerson(tx, Actor::System("test"), Clock::Real(), person,
                        {{"full_name", "Lê Thị Bạch Ngọc"}, {"version", r.Int("version")}});
  });
  found = Find(*rs, *db_, "Bạch Ngọc");
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"ip_asset:" + std::to_string(asset),
                                             "person:" + std::to_string(person)}));
  EXPECT_TRUE(Find(*rs, *db_, "Khoáng").empty());
}

}  // namespace
}  // namespace stio::domain
