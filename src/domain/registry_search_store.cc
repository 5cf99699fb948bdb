// The registry search's index kept on disk: RegistrySearch::Open and RegistrySearch::Save (the
// layout and the rules are at the top of registry_search.h).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "domain/registry_search.h"

namespace stio::domain {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFormat = "stio registry search index";
constexpr int kManifestVersion = 1;
constexpr char kCurrent[] = "CURRENT";

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The index options as text (a saved index with other options is not used).
std::string OptionsText(const search::IndexOptions& o) {
  std::ostringstream out;
  out << "k1=" << o.k1;
  for (const search::FieldSpec& f : o.fields) out << ";" << f.name << ":" << f.weight << ":" << f.b;
  return out.str();
}

// What ties a saved index to the database it was made from, at a given audit id: read in one
// transaction, when saving and when loading.
struct Provenance {
  int64_t audit_id = 0;
  std::string audit_row_sha256;  // "" if there is no audit row with that id
  int64_t schema_version = 0;
  std::string reference_sha256;  // of every reference data set's name and checksum
};

Result<Provenance> ReadProvenance(storage::Transaction& tx, int64_t audit_id) {
  Provenance p;
  p.audit_id = audit_id;
  STIO_ASSIGN_OR_RETURN(storage::Row v, tx.QueryOne("PRAGMA user_version"));
  p.schema_version = v.Int("user_version");
  std::string refs;
  STIO_RETURN_IF_ERROR(tx.ForEach("SELECT name, checksum FROM reference_datasets ORDER BY name", {},
                                  [&](const storage::Row& r) {
                                    refs += r.Text("name") + "=" + r.Text("checksum") + "\n";
                                    return Status::Ok();
                                  }));
  p.reference_sha256 = Sha256Hex(refs);
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, at, actor_email, action, entity_type, "
                                            "entity_id, before_json, after_json FROM audit_log "
                                            "WHERE id = ?",
                                            {audit_id}));
  if (!rows.empty()) {
    const storage::Row& r = rows[0];
    std::string content = std::to_string(r.Int("id"));
    for (const char* col :
         {"at", "actor_email", "action", "entity_type", "entity_id", "before_json", "after_json"}) {
      const std::string t = r.Text(col, "");
      content += "\x1f" + std::to_string(t.size()) + ":" + t;
    }
    p.audit_row_sha256 = Sha256Hex(content);
  }
  return p;
}

// fsync of a file or a folder (opened read-only: Linux allows fsync on such descriptors).
Status SyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Status::Internal("cannot open " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Internal("cannot sync " + path.string());
  return Status::Ok();
}

// Writes `text` to dir/name atomically and durably: dir/name.tmp, fsync, rename, fsync dir.
Status WriteFileDurably(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path tmp = dir / (name + ".tmp");
  const fs::path target = dir / name;
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Internal("cannot write " + tmp.string());
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Status::Internal("cannot write " + tmp.string());
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) return Status::Internal("cannot write " + tmp.string());
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) return Status::Internal("cannot rename " + tmp.string() + ": " + ec.message());
  return SyncPath(dir, /*directory=*/true);
}

// The whole of a small file (the manifest); nullopt if it cannot be read or is over 1 MiB (a
// manifest is under 1 KiB: anything that large is not one).
std::optional<std::string> ReadSmallFile(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec || size > (1u << 20)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An exclusive flock on dir/LOCK for the life of the object (one saver at a time, also across
// processes sharing the folder).
class DirLock {
 public:
  explicit DirLock(const fs::path& dir) {
    fd_ = ::open((dir / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Removes generation folders other than `keep`, and leftover temporary files (a crash mid-save).
// Only names this code makes are touched: the folder may have been given by the user.
void RemoveStale(const fs::path& dir, const std::string& keep) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool stale_gen = StartsWith(name, "gen-") && name != keep;
    const bool stale_tmp = name == std::string(kCurrent) + ".tmp";
    if (stale_gen || stale_tmp) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

std::string SearchStartReport::ToString() const {
  char buf[512];
  if (loaded) {
    std::snprintf(buf, sizeof buf,
                  "loaded the saved search index (%zu documents; saved at audit id %lld, caught up "
                  "to %lld) in %.2f s (CPU %.2f s)",
                  documents, static_cast<long long>(saved_audit_id),
                  static_cast<long long>(audit_id), seconds, cpu_seconds);
  } else {
    std::snprintf(buf, sizeof buf,
                  "built the search index from the database (%zu documents, audit id %lld) in "
                  "%.2f s (CPU %.2f s): %s",
                  documents, static_cast<long long>(audit_id), seconds, cpu_seconds,
                  rebuild_reason.c_str());
  }
  return buf;
}

Result<std::unique_ptr<RegistrySearch>> RegistrySearch::LoadSaved(storage::Database& db,
                                                                  const std::string& stopwords,
                                                                  const std::string& dir,
                                                                  SearchStartReport& report) {
  const fs::path root(dir);
  auto text = ReadSmallFile(root / kCurrent);
  if (!text) return Status::NotFound("no saved index in " + dir + " (or an unreadable CURRENT)");
  const Json m = Json::parse(*text, nullptr, false);
  if (!m.is_object()) return Status::DataLoss(dir + "/CURRENT is not a JSON object");
  auto mismatch = [&](const std::string& what) {
    return Status::FailedPrecondition("the saved index does not match: " + what);
  };
  try {
    if (m.value("format", "") != kFormat || m.value("format_version", 0) != kManifestVersion) {
      return mismatch("unknown manifest format");
    }
    if (m.value("builder_version", 0) != kDocumentBuilderVersion) {
      return mismatch("made by document builder version " +
                      std::to_string(m.value("builder_version", 0)) + ", this is version " +
                      std::to_string(kDocumentBuilderVersion));
    }
    if (m.value("index_options", "") != OptionsText(IndexOptionsFor(""))) {
      return mismatch("other index options");
    }
    if (m.value("stopwords_sha256", "") != Sha256Hex(stopwords)) {
      return mismatch("another stopword list");
    }
    const int64_t audit_id = m.value("audit_id", int64_t{-1});
    // Audit id 0 (an empty audit log when saved): nothing would tie the index to this database.
    if (audit_id <= 0)
      return mismatch("it covers no audit entry, so nothing ties it to a database");
    Result<Provenance> now = Status::Internal("unset");
    STIO_RETURN_IF_ERROR(
        storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
          now = ReadProvenance(tx, audit_id);
          return now.status();
        }));
    if (now->schema_version != m.value("schema_version", int64_t{-1})) {
      return mismatch("the database's schema version changed");
    }
    if (now->reference_sha256 != m.value("reference_sha256", "")) {
      return mismatch("the reference data changed");
    }
    if (now->audit_row_sha256.empty()) {
      return mismatch("the database has no audit entry " + std::to_string(audit_id) +
                      " (restored from an older backup, or another database)");
    }
    if (now->audit_row_sha256 != m.value("audit_row_sha256", "")) {
      return mismatch("the audit entry " + std::to_string(audit_id) +
                      " differs (another database, or one restored from a backup)");
    }
    // The engine does not compact: an index holding more dead documents (deleted or replaced
    // since it was built) than live ones is rebuilt (smaller, faster) rather than loaded.
    const int64_t dead = m.value("dead_documents", int64_t{0});
    const int64_t documents = m.value("documents", int64_t{0});
    if (dead > std::max<int64_t>(documents, 1000)) {
      return mismatch(std::to_string(dead) + " documents were replaced or deleted since it was " +
                      "built, " + std::to_string(documents) + " are live: rebuilt to compact it");
    }
    const std::string gen = m.value("index_dir", "");
    if (!StartsWith(gen, "gen-") || gen.find('/') != std::string::npos ||
        gen.find("..") != std::string::npos) {
      return Status::DataLoss(dir + "/CURRENT names no index folder");
    }
    std::error_code ec;
    const auto size = fs::file_size(root / gen / "index.stio", ec);
    if (ec) return Status::NotFound("no index file " + (root / gen / "index.stio").string());
    if (static_cast<int64_t>(size) != m.value("index_bytes", int64_t{-1})) {
      return Status::DataLoss("the index file " + (root / gen / "index.stio").string() + " has " +
                              std::to_string(size) + " bytes, CURRENT says " +
                              std::to_string(m.value("index_bytes", int64_t{-1})));
    }
    STIO_ASSIGN_OR_RETURN(std::unique_ptr<search::Index> index,
                          search::Index::Load((root / gen).string()));
    const search::IndexOptions want = IndexOptionsFor(stopwords);
    if (OptionsText(index->options()) != OptionsText(want) ||
        index->options().stopwords != want.stopwords) {
      return mismatch("the index file's options differ from CURRENT's");
    }
    std::unique_ptr<RegistrySearch> rs(new RegistrySearch());
    rs->SetStopwords(stopwords);
    rs->index_ = std::move(index);
    rs->last_audit_id_ = audit_id;
    rs->saved_audit_id_ = audit_id;
    report.saved_audit_id = audit_id;
    STIO_RETURN_IF_ERROR(rs->CatchUp(db).WithContext("catching up from the audit log"));
    return rs;
  } catch (const Json::exception& e) {  // a field of the wrong JSON type
    return Status::DataLoss(dir + "/CURRENT is malformed: " + e.what());
  }
}

Result<std::unique_ptr<RegistrySearch>> RegistrySearch::Open(storage::Database& db,
                                                             std::string stopwords,
                                                             const std::string& dir,
                                                             SearchStartReport* report_out) {
  SearchStartReport report;
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto finish = [&](const RegistrySearch& rs) {
    report.audit_id = rs.audit_id();
    report.documents = rs.size();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.cpu_seconds = CpuSeconds() - cpu0;
    if (report_out) *report_out = report;
  };
  auto loaded = LoadSaved(db, stopwords, dir, report);
  if (loaded.ok()) {
    report.loaded = true;
    finish(**loaded);
    return loaded;
  }
  report.rebuild_reason = loaded.status().message();
  report.saved_audit_id = 0;
  STIO_ASSIGN_OR_RETURN(std::unique_ptr<RegistrySearch> rs, Build(db, std::move(stopwords)));
  finish(*rs);
  return rs;
}

Status RegistrySearch::Save(storage::Database& db, const std::string& dir) {
  std::lock_guard<std::mutex> one_save(save_mu_);
  // The position first: CatchUp advances it only after re-indexing, so the index written below
  // covers at least this much (anything more is re-applied by the next catch-up, idempotently).
  const int64_t audit_id = last_audit_id_.load();
  Result<Provenance> prov = Status::Internal("unset");
  STIO_RETURN_IF_ERROR(
      storage::WithTransaction(db, storage::TxMode::kRead, [&](storage::Transaction& tx) {
        prov = ReadProvenance(tx, audit_id);
        return prov.status();
      }));
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::Internal("cannot create " + dir + ": " + ec.message());
  DirLock lock(root);
  if (!lock.ok()) return Status::Internal("cannot lock " + (root / "LOCK").string());
  const std::string gen = "gen-" + std::to_string(audit_id) + "-" + RandomToken(6);
  const fs::path gen_dir = root / gen;
  auto fail = [&](Status s) {
    std::error_code ignored;
    fs::remove_all(gen_dir, ignored);
    return s;
  };
  writing_file_ = true;
  if (save_hook_) save_hook_();
  const Status written = index_->Save(gen_dir.string());
  writing_file_ = false;
  if (!written.ok()) return fail(written);
  if (Status s = SyncPath(root, true); !s.ok()) return fail(s);
  const auto bytes = fs::file_size(gen_dir / "index.stio", ec);
  if (ec) return fail(Status::Internal("cannot stat the saved index: " + ec.message()));
  const Json manifest = {{"format", kFormat},
                         {"format_version", kManifestVersion},
                         {"builder_version", kDocumentBuilderVersion},
                         {"index_options", OptionsText(IndexOptionsFor(""))},
                         {"stopwords_sha256", Sha256Hex(index_->options().stopwords)},
                         {"schema_version", prov->schema_version},
                         {"reference_sha256", prov->reference_sha256},
                         {"audit_id", audit_id},
                         {"audit_row_sha256", prov->audit_row_sha256},
                         {"index_dir", gen},
                         {"index_bytes", static_cast<int64_t>(bytes)},
                         {"documents", index_->size()},
                         {"dead_documents", index_->dead()},
                         {"saved_at", FormatTimestamp(Clock::Real().Now())}};
  if (Status s = WriteFileDurably(root, kCurrent, manifest.dump(2) + "\n"); !s.ok()) {
    // Only the folder sync may have failed after the rename: keep what CURRENT names.
    const auto current = ReadSmallFile(root / kCurrent);
    const Json named = current ? Json::parse(*current, nullptr, false) : Json();
    if (named.is_object() && named.value("index_dir", "") == gen) return s;
    return fail(s);
  }
  RemoveStale(root, gen);
  saved_audit_id_ = audit_id;
  return Status::Ok();
}

}  // namespace stio::domain
