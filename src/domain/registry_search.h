// Full-text search over every registry entity (organizations, people, the published offers and
// needs of the technology exchange, published IP assets and IP guidance articles; each new entity
// adds a Document builder here), on stio's
// own engine (search/index.h). The exchange's matching (exchange_match.cc) queries the same index.
//
// The index lives in memory and is built from the database at start. It is kept current from the
// audit log, which every write goes through: before each search, entries newer than the last one
// seen are read and the records they name are re-indexed (or removed). That also picks up writes
// made by other processes (the CLI) on the same database, and costs one indexed query when
// nothing changed.
//
// Thread-safety: Search and CatchUp may be called from many threads.
#pragma once

#include <atomic>
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

class RegistrySearch {
 public:
  // Builds the index from every live record. `stopwords` is the text of a stopword list.
  static Result<std::unique_ptr<RegistrySearch>> Build(storage::Database& db,
                                                       std::string stopwords);

  // Applies the audit log entries written since the last call.
  Status CatchUp(storage::Database& db);

  // {"items": [{"type","id","title","subtitle","url","score","snippets"}], "total", "limit",
  //  "offset", "facets": {"type": [{"value","count"}], ...}, "suggestion"}
  Result<Json> Search(storage::Database& db, const SearchRequest& request);

  // A raw query on the index (the caller has called CatchUp). Hits are "type:id".
  Result<search::SearchResult> Query(const search::Query& q) const { return index_->Search(q); }

  size_t size() const { return index_->size(); }
  // Whether a folded word (text::MatchKey) is on the stopword list.
  bool IsStopword(const std::string& key) const { return stopword_keys_.count(key) != 0; }

 private:
  RegistrySearch() = default;
  Status IndexOrganization(storage::Transaction& tx, int64_t id);
  Status IndexPerson(storage::Transaction& tx, int64_t id);
  Status IndexListing(storage::Transaction& tx, int64_t id);
  Status IndexIpAsset(storage::Transaction& tx, int64_t id);
  Status IndexArticle(storage::Transaction& tx, int64_t id);

  std::unique_ptr<search::Index> index_;
  std::unordered_set<std::string> stopword_keys_;
  std::mutex catch_up_mu_;
  std::atomic<int64_t> last_audit_id_{0};
};

}  // namespace stio::domain
