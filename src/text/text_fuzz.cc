// libFuzzer target for the analyser and every normalisation form (STIO_FUZZ=ON, clang).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text/analyzer.h"
#include "text/normalize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)stio::text::Analyze(in);
  (void)stio::text::MatchKey(in);
  (void)stio::text::Canonicalize(in);
  return 0;
}
