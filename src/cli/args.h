// Command-line arguments: `stio WORD [WORD] --flag value --switch ...`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace stio::cli {

class Args {
 public:
  // Splits argv into leading command words and --options. `switches` take no value.
  static Result<Args> Parse(const std::vector<std::string>& argv,
                            const std::set<std::string>& switches);

  const std::vector<std::string>& words() const { return words_; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  // A required option; InvalidArgument naming it if absent.
  Result<std::string> Require(const std::string& name) const;
  // Fails if any option is not in `allowed` (plus --help).
  Status Only(const std::set<std::string>& allowed) const;

 private:
  std::vector<std::string> words_;
  std::map<std::string, std::string> values_;
};

}  // namespace stio::cli
