#include "analytics/merge.h"

#include <set>
#include <sstream>
#include <tuple>

#include "core/csv.h"
#include "core/strings.h"

namespace stio::analytics {

Result<MergeResult> MergeUnits(const Framework& fw, const Dataset& data,
                               const std::map<std::string, std::string>& old_to_new,
                               int before_year) {
  STIO_RETURN_IF_ERROR(CheckDataset(fw, data));
  MergeResult out;
  // (old unit, code, year) -> value.
  std::map<std::tuple<std::string, std::string, int>, double> value;
  std::map<std::tuple<std::string, std::string, int>, std::string> source;
  std::set<std::pair<std::string, int>> codes_years;
  for (size_t r = 0; r < data.observations.size(); ++r) {
    const Observation& o = data.observations[r];
    if (before_year > 0 && o.year >= before_year) {
      out.data.observations.push_back(o);
      continue;
    }
    auto it = old_to_new.find(o.unit);
    if (it == old_to_new.end()) {
      std::string where =
          o.line > 0 ? "line " + std::to_string(o.line) : "row " + std::to_string(r + 1);
      return Status::InvalidArgument(
          where + ": unit \"" + o.unit + "\" has no new code in the mapping", where);
    }
    value[{o.unit, o.indicator, o.year}] = o.value;
    source[{o.unit, o.indicator, o.year}] = o.source;
    codes_years.insert({o.indicator, o.year});
  }
  // Every old unit of the mapping is a part of its new unit in every year being merged.
  std::set<int> years;
  for (const auto& [code, year] : codes_years) years.insert(year);
  std::map<std::string, std::vector<std::string>> olds_of;
  for (const auto& [old_unit, new_unit] : old_to_new) olds_of[new_unit].push_back(old_unit);
  for (const auto& [code, year] : codes_years) {
    const Node* ind = fw.Find(code);
    bool sum = !ind || !ind->denominator.empty() || ind->merge_sum;  // !ind: a denominator series
    for (const auto& [new_unit, members] : olds_of) {
      std::string label = new_unit + " " + std::to_string(year) + " " + code;
      std::vector<std::string> lacking;
      for (const auto& u : members) {
        if (!value.count({u, code, year})) lacking.push_back(u);
      }
      if (lacking.size() == members.size()) continue;  // no data for this unit at all
      if (!lacking.empty()) {
        out.report.push_back(label + ": left missing, no value for old unit(s) " +
                             Join(lacking, ", "));
        continue;
      }
      bool weighted = !sum && !fw.merge_weight.empty();
      for (const auto& u : members) {
        if (weighted && !value.count({u, fw.merge_weight, year})) weighted = false;
      }
      double acc = 0, wsum = 0;
      std::set<std::string> sources;
      for (const auto& u : members) {
        double v = value[{u, code, year}];
        double w = weighted ? value[{u, fw.merge_weight, year}] : 1;
        acc += sum ? v : w * v;
        wsum += w;
        sources.insert(source[{u, code, year}]);
      }
      if (!sum && !weighted && members.size() > 1) {
        out.report.push_back(
            label + ": plain mean of " + std::to_string(members.size()) + " old units (no " +
            (fw.merge_weight.empty() ? std::string("merge_weight") : fw.merge_weight) +
            " for every part)");
      }
      double merged = sum ? acc : acc / wsum;
      std::string src = "merged from " + Join(members, " ") + " (" +
                        Join(std::vector<std::string>(sources.begin(), sources.end()), "; ") + ")";
      out.data.observations.push_back({new_unit, code, year, merged, src, 0});
    }
  }
  STIO_RETURN_IF_ERROR(CheckDataset(fw, out.data));
  return out;
}

Result<std::map<std::string, std::string>> ParseUnitMapping(std::string_view text) {
  STIO_ASSIGN_OR_RETURN(CsvTable t, ParseCsv(text));
  int old_col = -1, new_col = -1;
  for (size_t i = 0; i < t.header.size(); ++i) {
    std::string h(Trim(t.header[i]));
    if (h == "old_code" || (h == "code" && old_col < 0)) old_col = static_cast<int>(i);
    if (h == "new_code" || h == "new_code_2025") new_col = static_cast<int>(i);
  }
  if (old_col < 0 || new_col < 0) {
    return Status::InvalidArgument(
        "the mapping needs columns code and new_code_2025 (or old_code and new_code)");
  }
  std::map<std::string, std::string> m;
  for (const auto& rec : t.rows) {
    std::string where = "line " + std::to_string(rec.line);
    if (static_cast<int>(rec.fields.size()) <= std::max(old_col, new_col)) {
      return Status::InvalidArgument(where + ": too few fields", where);
    }
    std::string o(Trim(rec.fields[old_col])), n(Trim(rec.fields[new_col]));
    if (o.empty() || n.empty()) return Status::InvalidArgument(where + ": empty code", where);
    if (!m.emplace(o, n).second) {
      return Status::InvalidArgument(where + ": unit \"" + o + "\" mapped twice", where);
    }
  }
  return m;
}

}  // namespace stio::analytics
