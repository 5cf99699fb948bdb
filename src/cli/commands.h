// The `stio` command line. Every command prints --help, reports errors in one clear line on
// stderr, and exits 0 on success and non-zero on any failure (2 for usage errors).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace stio::cli {

// `args` excludes the program name. `in` supplies passwords for `user add`.
int Main(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
         std::ostream& err);

}  // namespace stio::cli
