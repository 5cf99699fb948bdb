// Test helpers shared by the storage tests: a scratch directory and the backend list that the
// typed suite (database_test.cc) runs over.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/database.h"

namespace stio::storage::testing {

// A fresh directory, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("stio-storage-test-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter.fetch_add(1)));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A backend as the typed suite sees it. A PostgreSQL backend adds a struct like this one: Open()
// returns an empty database (a fresh schema or database per call) and TestSchema() the same
// tables in its own dialect (BIGSERIAL/BYTEA instead of INTEGER PRIMARY KEY/BLOB).
//
// The test tables:
//   organizations(id, name NOT NULL CHECK(name <> ''), tax_code UNIQUE)
//   projects(id, organization_id NOT NULL REFERENCES organizations, title NOT NULL)
//   items(id, i INTEGER, r REAL, t TEXT, b BLOB)
//   ledger_a(id, amount INTEGER), ledger_b(id, amount INTEGER)  -- always written together
struct SqliteBackend {
  static constexpr const char* kName = "sqlite";

  static Result<std::unique_ptr<Database>> Open(const ScratchDir& dir,
                                                const OpenOptions& options = {}) {
    return OpenSqlite(dir.File("test.db"), options);
  }

  static std::vector<Migration> TestSchema() {
    return {
        {1, "organizations",
         "CREATE TABLE organizations (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
         "CHECK (name <> ''), tax_code TEXT UNIQUE);"},
        {2, "projects and items",
         "CREATE TABLE projects (id INTEGER PRIMARY KEY, organization_id INTEGER NOT NULL "
         "REFERENCES organizations(id), title TEXT NOT NULL);\n"
         "CREATE TABLE items (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB);"},
        {3, "ledgers",
         "CREATE TABLE ledger_a (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);\n"
         "CREATE TABLE ledger_b (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);"},
    };
  }
};

}  // namespace stio::storage::testing
