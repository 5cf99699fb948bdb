// `stio serve`: opens (creating and migrating) the database, loads reference data, makes sure an
// admin exists, and serves the API and the web UI until SIGTERM/SIGINT.
#pragma once

#include <iosfwd>
#include <string>

#include <memory>

#include "core/status.h"
#include "storage/database.h"

namespace stio::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string db_path = "var/stio.db";
  std::string data_dir;  // empty: found next to the binary (../data) or in ./data
  std::string web_root;  // empty: found next to the binary (../web/dist) or in ./web/dist
  int workers = 4;
  int queue = 256;
  bool secure_cookies = false;
  std::string admin_email = "admin@stio.local";
  bool quiet_access_log = false;
  // Compute the monitoring figures of every indicator in the background after the start (see
  // domain::WarmFigureCache), so that the first dashboard requests find them ready.
  bool warm_cache = true;
  // Where the registry search index is kept on disk (domain/registry_search.h): "" for the default
  // `<db_path>.search`, "none" to build it from the database at every start and never save it.
  std::string search_index;
  // How often the background saver looks whether the index moved (new audit entries) and saves it.
  int search_save_interval_s = 600;
};

// The folder of the saved search index for these options ("" when it is not kept on disk).
std::string SearchIndexDir(const ServeOptions& options);

// Parses "HOST:PORT" (or ":PORT", or "[::1]:PORT").
Status ParseListen(const std::string& listen, ServeOptions& options);

// Finds the repository's data/ folder (or web/dist) relative to the running binary or the
// working directory; returns "" if not found.
std::string FindDataDir();
std::string FindWebRoot();

// Opens the database at `path` (creating its folder and file if `create`), migrates it, and loads
// the reference data from `data_dir` (found automatically if empty). Used by serve and by every
// CLI command that needs a database.
Result<std::unique_ptr<storage::Database>> OpenDatabase(const std::string& path,
                                                        const std::string& data_dir, bool create,
                                                        std::ostream& log);

// Blocks until shutdown. Returns 0 on a clean stop.
int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stio::server
