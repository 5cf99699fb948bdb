#include "text/stopwords.h"

#include <fstream>
#include <sstream>

#include "text/analyzer.h"

namespace stio::text {

Stopwords Stopwords::FromText(std::string_view text) {
  Stopwords s;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    std::string key;
    for (const Token& t : Analyze(line)) {
      if (!key.empty()) key.push_back(' ');
      key += t.exact;
    }
    if (!key.empty()) s.set_.insert(std::move(key));
  }
  return s;
}

Result<Stopwords> Stopwords::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open stopword file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return FromText(ss.str());
}

Result<Stopwords> Stopwords::LoadDefault(const std::string& source_dir) {
  return LoadFile(source_dir + "/data/nlp-vi/stopwords_vi.txt");
}

}  // namespace stio::text
