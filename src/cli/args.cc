#include "cli/args.h"

namespace stio::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv,
                         const std::set<std::string>& switches) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s.rfind("--", 0) == 0) {
      std::string name = s.substr(2);
      std::string value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (switches.count(name) || name == "help") {
        value = "true";
      } else {
        if (i + 1 >= argv.size()) {
          return Status::InvalidArgument("option --" + name + " needs a value");
        }
        value = argv[++i];
      }
      if (name.empty()) return Status::InvalidArgument("empty option name '--'");
      if (a.values_.count(name)) {
        return Status::InvalidArgument("option --" + name + " is given twice");
      }
      a.values_[name] = value;
    } else if (s == "-h") {
      a.values_["help"] = "true";
    } else if (!a.values_.empty()) {
      return Status::InvalidArgument("unexpected argument '" + s + "' after the options");
    } else {
      a.words_.push_back(s);
    }
  }
  return a;
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::string> Args::Require(const std::string& name) const {
  auto v = Get(name);
  if (!v || v->empty()) return Status::InvalidArgument("missing required option --" + name);
  return *v;
}

Status Args::Only(const std::set<std::string>& allowed) const {
  for (const auto& [k, v] : values_) {
    (void)v;
    if (k != "help" && !allowed.count(k)) {
      return Status::InvalidArgument("unknown option --" + k);
    }
  }
  return Status::Ok();
}

}  // namespace stio::cli
