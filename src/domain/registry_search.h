// Full-text search over every registry entity (organizations, people, the published offers and
// needs of the technology exchange, published IP assets and IP guidance articles; each new entity
// adds a Document builder here), on stio's
// own engine (search/index.h). The exchange's matching (exchange_match.cc) queries the same index.
//
// The index lives in memory. It is kept current from the audit log, which every write goes
// through: before each search, entries newer than the last one seen are read and the records they
// name are re-indexed (or removed). That also picks up writes made by other processes (the CLI) on
// the same database, and costs one indexed query when nothing changed.
//
// What is kept on disk (Open/Save, registry_search_store.cc): `stio serve` keeps the index in a
// directory beside the database (`<db>.search/`, or `--search-index DIR`), so that a restart loads
// it (seconds at a million documents) instead of rebuilding it from the database (minutes), and
// then catches up from the audit log for everything written after it was saved — by the server
// before it stopped or crashed, or by the CLI while it was down. The directory holds
//   CURRENT          a JSON manifest, replaced atomically (write, fsync, rename, fsync the folder):
//                    which generation folder holds the index, the audit-log id it covers, and what
//                    makes it invalid (below);
//   gen-<audit id>-<token>/  index.stio, search::Index::Save's file (search/index_format.md);
//   LOCK             flock'ed while saving.
// A saved index is used only if everything that decides its content still matches: the version
// of the document builders below (kDocumentBuilderVersion), the stopword list (SHA-256), the index
// options, the database's schema version and reference data (their checksums), and the audit row
// at the saved id (its SHA-256: a database restored from an older backup, or another database,
// does not have it). An index whose documents were mostly replaced since its build (more than its
// live documents and 1,000: the engine does not compact) is rebuilt too, to compact it. Any
// mismatch, a missing or corrupt file, or a load error: the index is built from the database as
// when nothing was saved (logged, never fatal). The folder can be deleted at any time the server
// is stopped; it is rebuilt at the next start.
//
// Thread-safety: Search, CatchUp and Save may be called from many threads. Save holds the index's
// shared lock while it writes (search::Index::Save): a write applied meanwhile would wait for the
// end of the file (~10 s at a million documents, milliseconds at a province's size), and every
// search behind it, since each search catches up first. So Search does not catch up while the
// file is written: searches go on, and writes made meanwhile show once the save ends. (An
// explicit CatchUp, as the exchange matcher and the saver make, still waits.)
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "domain/common.h"
#include "search/index.h"

namespace stio::domain {

struct SearchRequest {
  std::string q;
  // "organization" | "person" | "offer" | "need" | "ip_asset" | "article"
  std::optional<std::string> type;
  std::optional<std::string> province_code;
  std::optional<std::string> kind;   // organization kind
  std::optional<std::string> field;  // field-of-science code (any level)
  std::optional<bool> expert;
  std::optional<bool> certified;  // organizations with an active S&T certificate
  bool prefix = false;            // search-as-you-type on the last word
  bool explain = false;
  int64_t limit = 20;
  int64_t offset = 0;
};

// How the registry search started (Open): for the log, and for tests.
struct SearchStartReport {
  bool loaded = false;         // from the saved index; false: built from the database
  std::string rebuild_reason;  // why the saved index was not used (empty if loaded)
  int64_t saved_audit_id = 0;  // the audit id the saved index covered (if loaded)
  int64_t audit_id = 0;        // the audit id the index covers after the catch-up
  size_t documents = 0;
  double seconds = 0;            // wall clock of the whole start (load + catch-up, or build)
  double cpu_seconds = 0;        // CPU time of the process during it (all threads)
  std::string ToString() const;  // one line for the log
};

class RegistrySearch {
 public:
  // Builds the index from every live record. `stopwords` is the text of a stopword list.
  static Result<std::unique_ptr<RegistrySearch>> Build(storage::Database& db,
                                                       std::string stopwords);

  // Loads the index saved in `dir` and catches up from the audit log; if there is no usable saved
  // index there (see the top of this file), builds it from the database. Fails only when the
  // build fails. `report` (optional) says which happened.
  static Result<std::unique_ptr<RegistrySearch>> Open(storage::Database& db, std::string stopwords,
                                                      const std::string& dir,
                                                      SearchStartReport* report = nullptr);

  // Saves the index into `dir` (created if missing) with the audit id it covers, atomically: a
  // new generation folder is written and synced, then CURRENT is replaced to point at it, then
  // older generations are removed. A crash at any point leaves the old index or the new one.
  // While the index file is written, Search does not catch up (a write would wait for the save,
  // and every search behind it): writes made meanwhile show once the save ends (seconds with a
  // million documents, milliseconds at a province's size).
  Status Save(storage::Database& db, const std::string& dir);

  // The audit id the index covers, and the one of the last Save (or of the loaded index).
  int64_t audit_id() const { return last_audit_id_.load(); }
  int64_t saved_audit_id() const { return saved_audit_id_.load(); }

  // Applies the audit log entries written since the last call.
  Status CatchUp(storage::Database& db);

  // {"items": [{"type","id","title","subtitle","url","score","snippets"}], "total", "limit",
  //  "offset", "facets": {"type": [{"value","count"}], ...}, "suggestion"}
  Result<Json> Search(storage::Database& db, const SearchRequest& request);

  // A raw query on the index (the caller has called CatchUp). Hits are "type:id".
  Result<search::SearchResult> Query(const search::Query& q) const { return index_->Search(q); }

  size_t size() const { return index_->size(); }
  // Tests only: called by Save once it has marked the index file as being written, just before
  // writing it (to act "during" a save without racing it).
  void SetSaveHookForTesting(std::function<void()> hook) { save_hook_ = std::move(hook); }
  // Whether a folded word (text::MatchKey) is on the stopword list.
  bool IsStopword(const std::string& key) const { return stopword_keys_.count(key) != 0; }

 private:
  RegistrySearch() = default;
  static Result<std::unique_ptr<RegistrySearch>> LoadSaved(storage::Database& db,
                                                           const std::string& stopwords,
                                                           const std::string& dir,
                                                           SearchStartReport& report);
  void SetStopwords(const std::string& stopwords);
  Status Reindex(const search::Document& doc);
  void Unindex(const std::string& id);
  static search::IndexOptions IndexOptionsFor(std::string stopwords);
  // The version of the document builders (registry_search.cc): a saved index made by another
  // version is not used.
  static const int kDocumentBuilderVersion;
  Status IndexOrganization(storage::Transaction& tx, int64_t id);
  Status IndexPerson(storage::Transaction& tx, int64_t id);
  Status IndexListing(storage::Transaction& tx, int64_t id);
  Status IndexIpAsset(storage::Transaction& tx, int64_t id);
  Status IndexArticle(storage::Transaction& tx, int64_t id);

  std::unique_ptr<search::Index> index_;
  std::unordered_set<std::string> stopword_keys_;
  std::mutex catch_up_mu_;
  std::atomic<int64_t> last_audit_id_{0};
  std::atomic<int64_t> saved_audit_id_{-1};  // -1: never saved or loaded
  std::mutex save_mu_;                       // one Save at a time
  std::atomic<bool> writing_file_{false};    // Save is writing the index file
  std::function<void()> save_hook_;          // SetSaveHookForTesting
};

}  // namespace stio::domain
