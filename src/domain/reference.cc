#include "domain/reference.h"

#include <fstream>
#include <map>
#include <sstream>

#include "core/crypto.h"
#include "core/csv.h"
#include "core/strings.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

using storage::Null;
using storage::Value;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read reference file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A parsed CSV with columns addressed by header name.
struct Table {
  CsvTable csv;
  std::map<std::string, size_t> index;

  Result<std::string> Get(const CsvRecord& row, const std::string& col) const {
    auto it = index.find(col);
    if (it == index.end()) return Status::DataLoss("reference file lacks column '" + col + "'");
    if (it->second >= row.fields.size()) return std::string();
    return row.fields[it->second];
  }
};

Result<Table> ParseTable(const std::string& text, const std::string& name) {
  Result<CsvTable> parsed = ParseCsv(text);
  if (!parsed.ok()) return parsed.status().WithContext(name);
  Table t{std::move(parsed).value(), {}};
  for (size_t i = 0; i < t.csv.header.size(); ++i) t.index[t.csv.header[i]] = i;
  return t;
}

Value OptText(const std::string& s) { return s.empty() ? Value(Null{}) : Value(s); }
Value OptReal(const std::string& s) {
  auto v = ParseDouble(s);
  return v ? Value(*v) : Value(Null{});
}
Value OptInt(const std::string& s) {
  auto v = ParseInt(s);
  return v ? Value(*v) : Value(Null{});
}

#define COL(var, table, row, name) STIO_ASSIGN_OR_RETURN(std::string var, (table).Get(row, name))

Status InsertUnit(storage::Transaction& tx, const std::string& era, const std::string& level,
                  const std::string& code, const std::string& name, const std::string& full_name,
                  const std::string& unit_type, Value province_code, Value district_code,
                  Value successor, Value name_en, Value slug, Value area, Value population,
                  Value quality_flag, Value extra) {
  return tx
      .Execute(
          "INSERT INTO admin_units (era, level, code, name, full_name, unit_type, province_code, "
          "district_code, successor_code, name_en, slug, area_km2, population, quality_flag, "
          "extra_json, match_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {era, level, code, name, full_name, unit_type, std::move(province_code),
           std::move(district_code), std::move(successor), std::move(name_en), std::move(slug),
           std::move(area), std::move(population), std::move(quality_flag), std::move(extra),
           text::MatchKey(full_name)})
      .status();
}

// provinces_2025.csv joined with population/provinces_2025_area_population.csv.
Status LoadProvinces2025(storage::Transaction& tx, const Table& units, const Table& pop,
                         const Table& centroids) {
  std::map<std::string, std::pair<std::string, std::string>> area_pop, lat_lon;
  for (const CsvRecord& r : centroids.csv.rows) {
    COL(code, centroids, r, "code");
    COL(lat, centroids, r, "lat");
    COL(lon, centroids, r, "lon");
    lat_lon[code] = {lat, lon};
  }
  for (const CsvRecord& r : pop.csv.rows) {
    COL(code, pop, r, "code");
    COL(area, pop, r, "area_km2");
    COL(people, pop, r, "population");
    area_pop[code] = {area, people};
  }
  for (const CsvRecord& r : units.csv.rows) {
    COL(code, units, r, "code");
    COL(name, units, r, "name");
    COL(full_name, units, r, "full_name");
    COL(unit_type, units, r, "unit_type");
    COL(name_en, units, r, "name_en");
    COL(slug, units, r, "slug");
    Json extra;
    for (const char* c : {"merged_from_codes", "merged_from_names", "unchanged",
                          "admin_center_note", "communes_total", "n_phuong", "n_xa", "n_dac_khu"}) {
      COL(v, units, r, c);
      extra[c] = v;
    }
    if (auto ll = lat_lon.find(code); ll != lat_lon.end()) {
      auto lat = ParseDouble(ll->second.first), lon = ParseDouble(ll->second.second);
      if (!lat || !lon || *lat < 0 || *lat > 30 || *lon < 95 || *lon > 120) {
        return Status::DataLoss("province " + code + ": centroid out of Vietnam's range");
      }
      extra["lat"] = *lat;
      extra["lon"] = *lon;
    }
    auto ap = area_pop.find(code);
    STIO_RETURN_IF_ERROR(InsertUnit(
        tx, "2025", "province", code, name, full_name, unit_type, code, Null{}, Null{},
        OptText(name_en), OptText(slug),
        ap == area_pop.end() ? Value(Null{}) : OptReal(ap->second.first),
        ap == area_pop.end() ? Value(Null{}) : OptInt(ap->second.second), Null{}, extra.dump()));
  }
  return Status::Ok();
}

Status LoadCommunes2025(storage::Transaction& tx, const Table& units, const Table& pop) {
  struct Extra {
    std::string area, people, flag, center;
  };
  std::map<std::string, Extra> by_code;
  for (const CsvRecord& r : pop.csv.rows) {
    COL(code, pop, r, "code");
    COL(area, pop, r, "area_km2");
    COL(people, pop, r, "population");
    COL(flag, pop, r, "qa_flag");
    COL(center, pop, r, "admin_center");
    by_code[code] = {area, people, flag, center};
  }
  for (const CsvRecord& r : units.csv.rows) {
    COL(code, units, r, "code");
    COL(name, units, r, "name");
    COL(full_name, units, r, "full_name");
    COL(unit_type, units, r, "unit_type");
    COL(province, units, r, "province_code");
    COL(code_latest, units, r, "code_latest");
    COL(full_name_latest, units, r, "full_name_latest");
    Json extra = {{"code_latest", code_latest}, {"full_name_latest", full_name_latest}};
    auto e = by_code.find(code);
    Value area = Null{}, people = Null{}, flag = Null{};
    if (e != by_code.end()) {
      area = OptReal(e->second.area);
      people = OptInt(e->second.people);
      flag = OptText(e->second.flag);
      extra["admin_center"] = e->second.center;
    }
    STIO_RETURN_IF_ERROR(InsertUnit(tx, "2025", "commune", code, name, full_name, unit_type,
                                    province, Null{}, Null{}, Null{}, Null{}, std::move(area),
                                    std::move(people), std::move(flag), extra.dump()));
  }
  return Status::Ok();
}

Status LoadProvincesPre2025(storage::Transaction& tx, const Table& t) {
  for (const CsvRecord& r : t.csv.rows) {
    COL(code, t, r, "code");
    COL(name, t, r, "name");
    COL(full_name, t, r, "full_name");
    COL(unit_type, t, r, "unit_type");
    COL(new_code, t, r, "new_code_2025");
    COL(new_name, t, r, "new_full_name_2025");
    Json extra = {{"new_code_2025", new_code}, {"new_full_name_2025", new_name}};
    STIO_RETURN_IF_ERROR(InsertUnit(tx, "pre2025", "province", code, name, full_name, unit_type,
                                    code, Null{}, new_code, Null{}, Null{}, Null{}, Null{}, Null{},
                                    extra.dump()));
  }
  return Status::Ok();
}

// communes_pre2025.csv also yields the pre-2025 districts.
Status LoadCommunesPre2025(storage::Transaction& tx, const Table& t) {
  std::map<std::string, std::pair<std::string, std::string>> districts;  // code -> name, province
  for (const CsvRecord& r : t.csv.rows) {
    COL(province, t, r, "province_code");
    COL(district, t, r, "district_code");
    COL(district_name, t, r, "district_name");
    COL(code, t, r, "commune_code");
    COL(full_name, t, r, "commune_name");
    COL(unit_type, t, r, "unit_type");
    districts.emplace(district, std::make_pair(district_name, province));
    // The short name drops the unit type prefix ("Phường Phúc Xá" -> "Phúc Xá").
    std::string name = full_name;
    for (const char* prefix : {"Phường ", "Xã ", "Thị trấn "}) {
      if (StartsWith(full_name, prefix)) name = full_name.substr(std::string_view(prefix).size());
    }
    STIO_RETURN_IF_ERROR(InsertUnit(tx, "pre2025", "commune", code, name, full_name, unit_type,
                                    province, district, Null{}, Null{}, Null{}, Null{}, Null{},
                                    Null{}, Null{}));
  }
  for (const auto& [code, np] : districts) {
    STIO_RETURN_IF_ERROR(InsertUnit(tx, "pre2025", "district", code, np.first, np.first, "district",
                                    np.second, Null{}, Null{}, Null{}, Null{}, Null{}, Null{},
                                    Null{}, Null{}));
  }
  return Status::Ok();
}

Status LoadConversion(storage::Transaction& tx, const Table& t) {
  for (const CsvRecord& r : t.csv.rows) {
    COL(new_province, t, r, "new_province_code");
    COL(new_commune, t, r, "new_commune_code");
    COL(old_commune, t, r, "old_commune_code");
    COL(old_commune_name, t, r, "old_commune_name");
    COL(old_district, t, r, "old_district_code");
    COL(old_district_name, t, r, "old_district_name");
    COL(old_province, t, r, "old_province_code");
    COL(old_province_name, t, r, "old_province_name");
    COL(merge_type, t, r, "merge_type");
    COL(note, t, r, "note_vi");
    STIO_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO admin_unit_conversion (new_province_code, new_commune_code, "
                   "old_province_code, old_district_code, old_commune_code, old_commune_name, "
                   "old_district_name, old_province_name, merge_type, note_vi) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {new_province, OptText(new_commune), old_province, OptText(old_district),
                    OptText(old_commune), OptText(old_commune_name), OptText(old_district_name),
                    OptText(old_province_name), merge_type, OptText(note)})
            .status());
  }
  return Status::Ok();
}

Status LoadClassification(storage::Transaction& tx, const Table& t, const std::string& scheme) {
  for (const CsvRecord& r : t.csv.rows) {
    COL(code, t, r, "code");
    COL(level, t, r, "level");
    COL(parent, t, r, "parent_code");
    COL(name_vi, t, r, "name_vi");
    COL(name_en, t, r, "name_en");
    auto lv = ParseInt(level);
    if (!lv)
      return Status::DataLoss(scheme + ": bad level '" + level + "' at line " +
                              std::to_string(r.line));
    STIO_RETURN_IF_ERROR(tx.Execute("INSERT INTO classifications (scheme, code, level, "
                                    "parent_code, name_vi, name_en) VALUES (?, ?, ?, ?, ?, ?)",
                                    {scheme, code, *lv, OptText(parent), name_vi, OptText(name_en)})
                             .status());
  }
  return Status::Ok();
}

// One dataset: a name, its files, and how to (re)load them. Reloading deletes what it owns first.
struct Dataset {
  std::string name;
  std::vector<std::string> files;
  std::string clear_sql;
  std::function<Status(storage::Transaction&, const std::vector<Table>&)> load;
};

}  // namespace

Result<ReferenceLoadReport> LoadReferenceData(storage::Database& db, const std::string& data_dir,
                                              const Clock& clock) {
  const std::vector<Dataset> datasets = {
      {"provinces_2025",
       {"admin-units/provinces_2025.csv", "population/provinces_2025_area_population.csv",
        "geo/province_centroids_2025.csv"},
       "DELETE FROM admin_units WHERE era = '2025' AND level = 'province'",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadProvinces2025(tx, t[0], t[1], t[2]);
       }},
      {"communes_2025",
       {"admin-units/communes_2025.csv", "population/communes_2025_area_population.csv"},
       "DELETE FROM admin_units WHERE era = '2025' AND level = 'commune'",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadCommunes2025(tx, t[0], t[1]);
       }},
      {"provinces_pre2025",
       {"admin-units/provinces_pre2025.csv"},
       "DELETE FROM admin_units WHERE era = 'pre2025' AND level = 'province'",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadProvincesPre2025(tx, t[0]);
       }},
      {"communes_pre2025",
       {"admin-units/communes_pre2025.csv"},
       "DELETE FROM admin_units WHERE era = 'pre2025' AND level IN ('district', 'commune')",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadCommunesPre2025(tx, t[0]);
       }},
      {"commune_conversion_2025",
       {"admin-units/commune_conversion_2025.csv"},
       "DELETE FROM admin_unit_conversion",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadConversion(tx, t[0]);
       }},
      {"fields_of_science",
       {"classifications/fields_of_science.csv"},
       "DELETE FROM classifications WHERE scheme = 'fos'",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadClassification(tx, t[0], "fos");
       }},
      {"vsic_2018",
       {"classifications/vsic_2018.csv"},
       "DELETE FROM classifications WHERE scheme = 'vsic'",
       [](storage::Transaction& tx, const std::vector<Table>& t) {
         return LoadClassification(tx, t[0], "vsic");
       }},
  };

  ReferenceLoadReport report;
  for (const Dataset& ds : datasets) {
    std::vector<std::string> texts;
    std::string digest_input;
    for (const std::string& f : ds.files) {
      STIO_ASSIGN_OR_RETURN(std::string text, ReadFile(data_dir + "/" + f));
      digest_input += Sha256Hex(text);
      texts.push_back(std::move(text));
    }
    const std::string checksum = Sha256Hex(digest_input);
    Status s = storage::WithTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
      auto current = tx.Query("SELECT checksum FROM reference_datasets WHERE name = ?", {ds.name});
      if (!current.ok()) return current.status();
      if (!current->empty() && (*current)[0].Text("checksum") == checksum) {
        ++report.files_current;
        return Status::Ok();
      }
      std::vector<Table> tables;
      for (size_t i = 0; i < texts.size(); ++i) {
        STIO_ASSIGN_OR_RETURN(Table t, ParseTable(texts[i], ds.files[i]));
        tables.push_back(std::move(t));
      }
      STIO_RETURN_IF_ERROR(tx.Execute(ds.clear_sql).status());
      STIO_RETURN_IF_ERROR(ds.load(tx, tables).WithContext(ds.name));
      int64_t rows = 0;
      for (const Table& t : tables) rows += static_cast<int64_t>(t.csv.rows.size());
      STIO_RETURN_IF_ERROR(
          tx.Execute("INSERT INTO reference_datasets (name, checksum, rows, loaded_at) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                     "checksum = excluded.checksum, rows = excluded.rows, "
                     "loaded_at = excluded.loaded_at",
                     {ds.name, checksum, rows, FormatTimestamp(clock.Now())})
              .status());
      ++report.files_loaded;
      return Status::Ok();
    });
    STIO_RETURN_IF_ERROR(s);
  }
  return report;
}

std::string LikeContains(std::string_view key) {
  std::string out = "%";
  for (char c : key) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

namespace {

Json UnitToJson(const storage::Row& r) {
  Json j = {{"code", r.Text("code")},
            {"name", r.Text("name")},
            {"full_name", r.Text("full_name")},
            {"level", r.Text("level")},
            {"era", r.Text("era")},
            {"unit_type", r.Text("unit_type")},
            {"province_code", ToJson(r.at("province_code"))},
            {"province_name", ToJson(r.at("province_name"))},
            {"name_en", ToJson(r.at("name_en"))},
            {"area_km2", ToJson(r.at("area_km2"))},
            {"population", ToJson(r.at("population"))},
            {"density", nullptr}};
  auto area = r.OptReal("area_km2");
  auto pop = r.OptInt("population");
  if (area && pop && *area > 0) j["density"] = std::round(*pop / *area * 10) / 10;
  if (!r.IsNull("quality_flag")) j["quality_flag"] = r.Text("quality_flag");
  if (r.Text("level") == "commune" && r.Text("era") == "pre2025") {
    j["district_code"] = ToJson(r.at("district_code"));
  }
  return j;
}

// The join is on admin_units' primary key (era, level, code): at most one row, so it never
// changes how many units a WHERE matches.
constexpr std::string_view kUnitFrom =
    "admin_units u "
    "LEFT JOIN admin_units p ON p.era = u.era AND p.level = 'province' "
    "AND p.code = u.province_code";
constexpr std::string_view kUnitColumns = "u.*, p.full_name AS province_name";

Status CheckEraLevel(const std::string& era, const std::string& level) {
  if (era != "2025" && era != "pre2025") {
    return Status::InvalidArgument("era must be 2025 or pre2025", "era");
  }
  if (level != "province" && level != "commune" && level != "district") {
    return Status::InvalidArgument("level must be province, district or commune", "level");
  }
  if (era == "2025" && level == "district") {
    return Status::InvalidArgument("there are no districts since 2025-07-01", "level");
  }
  return Status::Ok();
}

}  // namespace

Result<ListResult> ListAdminUnits(storage::Transaction& tx, const AdminUnitFilter& f,
                                  const ListParams& params) {
  STIO_RETURN_IF_ERROR(CheckEraLevel(f.era, f.level));
  STIO_RETURN_IF_ERROR(CheckPaging(params));
  static constexpr SortKey kSorts[] = {
      {"code", "u.code"},
      {"name", "u.match_key"},
      {"population", "u.population"},
      {"area", "u.area_km2"},
      {"density", "(u.population / u.area_km2)"},
  };
  STIO_ASSIGN_OR_RETURN(std::string order, OrderBy(params, kSorts, "u.code ASC"));
  std::string where = " WHERE u.era = ? AND u.level = ?";
  std::vector<storage::Value> args = {f.era, f.level};
  if (f.province_code) {
    where += " AND u.province_code = ?";
    args.push_back(*f.province_code);
  }
  if (f.q && !Trim(*f.q).empty()) {
    where += " AND (u.match_key LIKE ? ESCAPE '\\' OR u.code = ?)";
    args.push_back(LikeContains(text::MatchKey(*f.q)));
    args.push_back(std::string(Trim(*f.q)));
  }
  return PagedList(tx, kUnitColumns, std::string(kUnitFrom) + where, std::move(args),
                   order + ", u.code", params,
                   [](const storage::Row& r) -> Result<Json> { return UnitToJson(r); });
}

Result<Json> GetAdminUnit(storage::Transaction& tx, const std::string& era,
                          const std::string& level, const std::string& code) {
  STIO_RETURN_IF_ERROR(CheckEraLevel(era, level));
  auto row = tx.QueryOne("SELECT " + std::string(kUnitColumns) + " FROM " + std::string(kUnitFrom) +
                             " WHERE u.era = ? AND u.level = ? AND u.code = ?",
                         {era, level, code});
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no " + level + " with code '" + code + "' on the " + era + " map");
    }
    return row.status();
  }
  Json j = UnitToJson(*row);
  Json extra = row->IsNull("extra_json") ? Json::object()
                                         : Json::parse(row->Text("extra_json"), nullptr, false);
  if (era == "2025" && level == "province") {
    Json merged = Json::array();
    STIO_ASSIGN_OR_RETURN(auto olds, tx.Query("SELECT code, full_name FROM admin_units WHERE "
                                              "era = 'pre2025' AND level = 'province' AND "
                                              "successor_code = ? "
                                              "ORDER BY code",
                                              {code}));
    for (const auto& o : olds) {
      merged.push_back({{"code", o.Text("code")}, {"full_name", o.Text("full_name")}});
    }
    j["merged_from"] = merged;
    for (const char* k : {"communes_total", "n_phuong", "n_xa", "n_dac_khu"}) {
      auto v = extra.is_object() && extra.contains(k) ? ParseInt(extra[k].get<std::string>())
                                                      : std::nullopt;
      j[k] = v ? Json(*v) : Json();
    }
    j["admin_center_note"] = extra.value("admin_center_note", "");
  } else if (era == "2025" && level == "commune") {
    Json preds = Json::array();
    STIO_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT * FROM admin_unit_conversion WHERE new_commune_code = ? "
                            "ORDER BY old_province_code, old_district_code, old_commune_code",
                            {code}));
    for (const auto& r : rows) {
      preds.push_back({{"old_commune_code", ToJson(r.at("old_commune_code"))},
                       {"old_commune_name", ToJson(r.at("old_commune_name"))},
                       {"old_district_code", ToJson(r.at("old_district_code"))},
                       {"old_district_name", ToJson(r.at("old_district_name"))},
                       {"old_province_code", r.Text("old_province_code")},
                       {"old_province_name", ToJson(r.at("old_province_name"))},
                       {"merge_type", r.Text("merge_type")},
                       {"note_vi", ToJson(r.at("note_vi"))}});
    }
    j["predecessors"] = preds;
    if (extra.is_object() && extra.contains("admin_center"))
      j["admin_center"] = extra["admin_center"];
  } else if (era == "pre2025") {
    STIO_ASSIGN_OR_RETURN(Json conv,
                          ConvertAdminUnit(tx, level == "district" ? "district" : level, code));
    j["successors"] = conv["items"];
  }
  return j;
}

Result<Json> ConvertAdminUnit(storage::Transaction& tx, const std::string& level,
                              const std::string& old_code) {
  std::string column;
  if (level == "commune") {
    column = "c.old_commune_code";
  } else if (level == "district") {
    column = "c.old_district_code";
  } else if (level == "province") {
    column = "c.old_province_code";
  } else {
    return Status::InvalidArgument("level must be commune, district or province", "level");
  }
  if (Trim(old_code).empty()) return Status::InvalidArgument("old_code is required", "old_code");
  STIO_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT c.new_province_code, p.full_name AS new_province_name, c.new_commune_code, "
               "n.full_name AS new_commune_name, c.merge_type, COUNT(*) AS parts "
               "FROM admin_unit_conversion c "
               "LEFT JOIN admin_units p ON p.era = '2025' AND p.level = 'province' "
               "AND p.code = c.new_province_code "
               "LEFT JOIN admin_units n ON n.era = '2025' AND n.level = 'commune' "
               "AND n.code = c.new_commune_code "
               "WHERE " +
                   column +
                   " = ? GROUP BY c.new_province_code, c.new_commune_code, "
                   "c.merge_type ORDER BY c.new_province_code, c.new_commune_code",
               {std::string(Trim(old_code))}));
  Json items = Json::array();
  for (const auto& r : rows) {
    items.push_back({{"new_province_code", r.Text("new_province_code")},
                     {"new_province_name", ToJson(r.at("new_province_name"))},
                     {"new_commune_code", ToJson(r.at("new_commune_code"))},
                     {"new_commune_name", ToJson(r.at("new_commune_name"))},
                     {"merge_type", r.Text("merge_type")}});
  }
  if (items.empty()) {
    return Status::NotFound("no pre-2025 " + level + " with code '" + old_code +
                            "' in the conversion table");
  }
  return Json{{"items", items}, {"total", items.size()}};
}

Status CheckProvince(storage::Transaction& tx, const std::string& code) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 AS x FROM admin_units WHERE era = '2025' "
                                            "AND level = 'province' AND code = ?",
                                            {code}));
  if (rows.empty()) {
    return Status::InvalidArgument("'" + code + "' is not a province code of the 2025 map",
                                   "province_code");
  }
  return Status::Ok();
}

Status CheckCommune(storage::Transaction& tx, const std::string& commune_code,
                    const std::optional<std::string>& province_code) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT province_code FROM admin_units WHERE "
                                            "era = '2025' AND level = 'commune' AND code = ?",
                                            {commune_code}));
  if (rows.empty()) {
    return Status::InvalidArgument("'" + commune_code + "' is not a commune code of the 2025 map",
                                   "commune_code");
  }
  if (province_code && rows[0].Text("province_code") != *province_code) {
    return Status::InvalidArgument(
        "commune '" + commune_code + "' is not in province '" + *province_code + "'",
        "commune_code");
  }
  return Status::Ok();
}

Result<ListResult> ListClassification(storage::Transaction& tx, const std::string& scheme) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT code, level, parent_code, name_vi, name_en "
                                            "FROM classifications WHERE scheme = ? ORDER BY code",
                                            {scheme}));
  ListResult out;
  for (const auto& r : rows) out.items.push_back(RowToJson(r));
  out.total = static_cast<int64_t>(rows.size());
  out.limit = out.total;
  return out;
}

Status CheckClassificationCode(storage::Transaction& tx, const std::string& scheme,
                               const std::string& code) {
  STIO_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 AS x FROM classifications WHERE scheme = ? "
                                            "AND code = ?",
                                            {scheme, code}));
  if (rows.empty()) {
    return Status::InvalidArgument("unknown " +
                                   std::string(scheme == "fos" ? "field of science" : "VSIC") +
                                   " code '" + code + "'");
  }
  return Status::Ok();
}

Result<Json> Stats(storage::Transaction& tx) {
  STIO_ASSIGN_OR_RETURN(
      storage::Row r,
      tx.QueryOne(
          "SELECT (SELECT COUNT(*) FROM organizations WHERE deleted_at IS NULL) AS organizations, "
          "(SELECT COUNT(*) FROM people WHERE deleted_at IS NULL) AS people, "
          "(SELECT COUNT(*) FROM people WHERE deleted_at IS NULL AND is_expert = 1) AS experts, "
          "(SELECT COUNT(*) FROM st_certificates c JOIN organizations o ON o.id = "
          "c.organization_id WHERE c.status = 'active' AND o.deleted_at IS NULL) AS "
          "certificates_active, "
          "(SELECT COUNT(*) FROM admin_units WHERE era = '2025' AND level = 'province') AS "
          "provinces, "
          "(SELECT COUNT(*) FROM admin_units WHERE era = '2025' AND level = 'commune') AS "
          "communes"));
  return RowToJson(r);
}

}  // namespace stio::domain
