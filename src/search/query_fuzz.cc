// libFuzzer target for the query parser and search path (STIO_FUZZ=ON, clang).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "search/index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<stio::search::Index> index = [] {
    auto idx = std::move(stio::search::Index::Create({})).value();
    stio::search::Document d;
    d.id = "a";
    d.fields = {{"title", "Công nghệ sinh học"}, {"body", "COVID-19, ISO 9001 và 5G"}};
    (void)idx->Upsert(d);
    return idx;
  }();
  stio::search::Query q;
  q.text.assign(reinterpret_cast<const char*>(data), size);
  q.snippets = true;
  q.explain = true;
  q.prefix_last = size % 2;
  q.mode = size % 3 ? stio::search::MatchMode::kAll : stio::search::MatchMode::kAny;
  (void)index->Search(q);
  return 0;
}
