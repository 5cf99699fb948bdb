// Helpers shared by the start-up benchmarks (bench/search_startup.cc and
// src/domain/registry_search_benchmark.cc): the corpus read as registry-sized records, the
// process's CPU time, peak memory and disk use, and steps run in a child process of their own.
// Header-only; benchmarks only.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace stio::bench {

// A registry-sized record made from a news text: a name and a paragraph.
struct Sample {
  std::string title, text;
};

// Reads up to max_docs texts of a BEIR JSON Lines corpus (.gz or plain). The name is the title,
// or the text up to its first '.', at most 200 bytes; the text its first 600 bytes (both cut at a
// UTF-8 boundary). Lines that are not objects with a "text" are skipped. Empty if unreadable.
inline std::vector<Sample> ReadRegistrySamples(
    const std::string& path, size_t max_docs = std::numeric_limits<size_t>::max()) {
  std::vector<Sample> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return out;
  std::string line;
  char buf[1 << 16];
  while (out.size() < max_docs && gzgets(f, buf, sizeof buf)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    line.clear();
    if (!j.is_object() || !j.contains("text")) continue;
    std::string text = j.value("text", "");
    std::string title = j.value("title", "");
    if (title.empty()) title = text.substr(0, text.find('.'));
    size_t cut = std::min<size_t>(text.size(), 600);
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
    size_t tcut = std::min<size_t>(title.size(), 200);
    while (tcut < title.size() && (static_cast<unsigned char>(title[tcut]) & 0xC0) == 0x80) --tcut;
    out.push_back({title.substr(0, tcut), text.substr(0, cut)});
  }
  gzclose(f);
  return out;
}

// CPU seconds (user + system) of this process: on a shared machine they move much less with
// other people's load than wall-clock times do.
inline double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Peak resident memory of this process (VmHWM), MiB; -1 if unknown.
inline double PeakRssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// Bytes of a file, or of every file under a folder, MiB.
inline double DiskMiB(const std::filesystem::path& path) {
  if (std::filesystem::is_regular_file(path)) {
    return static_cast<double>(std::filesystem::file_size(path)) / 1048576.0;
  }
  uintmax_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return static_cast<double>(n) / 1048576.0;
}

// A benchmark checks its results before it reports times.
inline void Check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}

// Runs `step` in a child process (so that its peak memory, VmHWM, is its own; a step that opens a
// database opens its own connection); the JSON object it fills, with "peak_rss_mib" added, comes
// back through the file `out`. Throws if the step fails.
inline nlohmann::json InChild(const std::string& name, const std::string& out,
                              const std::function<nlohmann::json()>& step) {
  std::cerr << name << " ..." << std::endl;
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      nlohmann::json r = step();
      r["peak_rss_mib"] = PeakRssMiB();
      std::ofstream(out) << r.dump();
      _exit(0);
    } catch (const std::exception& e) {
      std::cerr << name << ": " << e.what() << "\n";
      _exit(1);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(name + " failed");
  std::ifstream in(out);
  nlohmann::json r = nlohmann::json::parse(in);
  std::cerr << name << ": " << r.dump() << "\n";
  return r;
}

}  // namespace stio::bench
