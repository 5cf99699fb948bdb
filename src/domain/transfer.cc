#include "domain/transfer.h"

#include <algorithm>

#include "core/csv.h"
#include "core/strings.h"
#include "domain/exchange.h"
#include "domain/ip.h"
#include "domain/policy.h"
#include "domain/registry.h"
#include "text/normalize.h"

namespace stio::domain {
namespace {

constexpr std::string_view kOrganizationColumns[] = {
    "kind",         "name",    "name_en", "short_name", "tax_code", "vsic_code",  "province_code",
    "commune_code", "address", "website", "email",      "phone",    "founded_on", "description"};
constexpr std::string_view kPeopleColumns[] = {
    "full_name", "title",          "organization_id", "position", "orcid",  "email",   "phone",
    "is_expert", "contact_public", "province_code",   "bio",      "fields", "keywords"};

constexpr std::string_view kListingColumns[] = {"kind",
                                                "title",
                                                "summary",
                                                "description",
                                                "fields",
                                                "ipc",
                                                "keywords",
                                                "transfer_modes",
                                                "trl",
                                                "trl_min",
                                                "price_vnd",
                                                "price_negotiable",
                                                "budget_min_vnd",
                                                "budget_max_vnd",
                                                "deadline",
                                                "accepted_result",
                                                "sector_vsic",
                                                "organization_id",
                                                "contact_name",
                                                "contact_email",
                                                "contact_phone",
                                                "province_code",
                                                "source",
                                                "submit"};

constexpr std::string_view kIpAssetColumns[] = {"kind",
                                                "title",
                                                "application_number",
                                                "filing_date",
                                                "priority_date",
                                                "publication_date",
                                                "grant_number",
                                                "grant_date",
                                                "owner_name",
                                                "owner_organization_id",
                                                "inventors",
                                                "classes",
                                                "status",
                                                "province_code",
                                                "key_product",
                                                "ocop_product",
                                                "published",
                                                "paid_up_to",
                                                "note"};

// Headings of IP office and WIPO Publish exports (Vietnamese and English), compared without
// accents or case, and the column each one means.
constexpr std::pair<std::string_view, std::string_view> kIpAliases[] = {
    {"loai", "kind"},
    {"loai van bang", "kind"},
    {"loai don", "kind"},
    {"type", "kind"},
    {"so don", "application_number"},
    {"application number", "application_number"},
    {"ngay nop don", "filing_date"},
    {"ngay nop", "filing_date"},
    {"filing date", "filing_date"},
    {"ngay uu tien", "priority_date"},
    {"priority date", "priority_date"},
    {"ngay cong bo", "publication_date"},
    {"publication date", "publication_date"},
    {"so bang", "grant_number"},
    {"so van bang", "grant_number"},
    {"registration number", "grant_number"},
    {"ngay cap", "grant_date"},
    {"ngay cap bang", "grant_date"},
    {"registration date", "grant_date"},
    {"ten", "title"},
    {"ten sang che", "title"},
    {"ten giai phap", "title"},
    {"ten nhan hieu", "title"},
    {"nhan hieu", "title"},
    {"ten kieu dang", "title"},
    {"ten chi dan dia ly", "title"},
    {"chu don", "owner_name"},
    {"chu so huu", "owner_name"},
    {"chu van bang", "owner_name"},
    {"applicant", "owner_name"},
    {"owner", "owner_name"},
    {"tac gia", "inventors"},
    {"inventor", "inventors"},
    {"inventors", "inventors"},
    {"phan loai", "classes"},
    {"phan loai ipc", "classes"},
    {"ipc", "classes"},
    {"nhom san pham/dich vu", "classes"},
    {"nhom", "classes"},
    {"nice", "classes"},
    {"locarno", "classes"},
    {"tinh trang", "status"},
    {"ma tinh", "province_code"},
    {"san pham chu luc", "key_product"},
    {"san pham ocop", "ocop_product"},
    {"ghi chu", "note"},
};

// Kind names as IP offices write them.
constexpr std::pair<std::string_view, std::string_view> kIpKindNames[] = {
    {"sang che", "patent"},
    {"bang doc quyen sang che", "patent"},
    {"patent", "patent"},
    {"giai phap huu ich", "utility_solution"},
    {"bang doc quyen giai phap huu ich", "utility_solution"},
    {"utility solution", "utility_solution"},
    {"kieu dang cong nghiep", "industrial_design"},
    {"industrial design", "industrial_design"},
    {"nhan hieu", "trademark"},
    {"trademark", "trademark"},
    {"nhan hieu tap the", "collective_mark"},
    {"collective mark", "collective_mark"},
    {"nhan hieu chung nhan", "certification_mark"},
    {"certification mark", "certification_mark"},
    {"chi dan dia ly", "geographical_indication"},
    {"geographical indication", "geographical_indication"},
    {"giong cay trong", "plant_variety"},
    {"plant variety", "plant_variety"},
    {"thiet ke bo tri", "layout_design"},
    {"thiet ke bo tri mach tich hop ban dan", "layout_design"},
    {"layout design", "layout_design"},
};

// "05/03/2024" or "5/3/2024" (day first, as in Vietnam) -> "2024-03-05"; anything else as it is.
std::string IsoDate(const std::string& cell) {
  const auto parts = Split(cell, '/');
  if (parts.size() != 3) return cell;
  auto d = ParseInt(parts[0]), m = ParseInt(parts[1]), y = ParseInt(parts[2]);
  if (!d || !m || !y || parts[2].size() != 4) return cell;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(*y), static_cast<int>(*m),
                static_cast<int>(*d));
  return buf;
}

// Written by Export for reference, ignored by Import (the database assigns them), so that an
// exported file imports as it is.
constexpr std::string_view kExportOnlyColumns[] = {"id", "created_at", "updated_at"};

bool IsExportOnly(std::string_view column) {
  return std::find(std::begin(kExportOnlyColumns), std::end(kExportOnlyColumns), column) !=
         std::end(kExportOnlyColumns);
}

std::span<const std::string_view> ColumnsOf(Entity e) {
  if (e == Entity::kOrganizations) return kOrganizationColumns;
  if (e == Entity::kListings) return kListingColumns;
  if (e == Entity::kIpAssets) return kIpAssetColumns;
  return kPeopleColumns;
}

// Converts one CSV cell to the JSON the create functions take. Empty cells are left out.
Result<Json> CellToJson(Entity entity, const std::string& column, const std::string& cell) {
  if (entity == Entity::kIpAssets) {
    if (column == "kind") {
      const std::string key = text::MatchKey(cell);
      for (const auto& [name, kind] : kIpKindNames) {
        if (key == name) return Json(std::string(kind));
      }
      return Json(cell);  // a code already, or refused by CreateIpAsset naming the field
    }
    if (column.size() > 5 && column.substr(column.size() - 5) == "_date")
      return Json(IsoDate(cell));
    if (column == "owner_organization_id" || column == "paid_up_to") {
      auto v = ParseInt(cell);
      if (!v) return Status::InvalidArgument("'" + cell.substr(0, 40) + "' is not a whole number");
      return Json(*v);
    }
    if (column == "inventors" || column == "classes") {
      Json list = Json::array();
      std::string normalized = cell;
      for (char& ch : normalized) {
        if (ch == ',' || ch == '\n') ch = ';';
      }
      for (const std::string& part : Split(normalized, ';')) {
        std::string t(Trim(part));
        if (!t.empty()) list.push_back(t);
      }
      return list;
    }
    if (column == "published") {
      std::string v = AsciiLower(cell);
      if (v == "true" || v == "1" || v == "yes" || v == "x" || v == "có") return Json(true);
      if (v == "false" || v == "0" || v == "no" || v == "không") return Json(false);
      return Status::InvalidArgument("'" + cell.substr(0, 40) +
                                     "' is not true/false (or có/không)");
    }
    return Json(cell);
  }
  if (entity == Entity::kListings) {
    if (column == "fields" || column == "ipc" || column == "keywords" ||
        column == "transfer_modes") {
      Json list = Json::array();
      for (const std::string& part : Split(cell, ';')) {
        std::string t(Trim(part));
        if (!t.empty()) list.push_back(t);
      }
      return list;
    }
    if (column == "trl" || column == "trl_min" || column == "price_vnd" ||
        column == "budget_min_vnd" || column == "budget_max_vnd" || column == "organization_id") {
      std::string digits;
      for (char ch : cell) {
        if (ch != '.' && ch != ' ')
          digits += ch;  // 1.500.000.000 as Vietnamese spreadsheets write it
      }
      auto v = ParseInt(digits);
      if (!v) return Status::InvalidArgument("'" + cell.substr(0, 40) + "' is not a whole number");
      return Json(*v);
    }
    if (column == "price_negotiable" || column == "submit") {
      std::string v = AsciiLower(cell);
      if (v == "true" || v == "1" || v == "yes" || v == "x" || v == "có") return Json(true);
      if (v == "false" || v == "0" || v == "no" || v == "không") return Json(false);
      return Status::InvalidArgument("'" + cell.substr(0, 40) +
                                     "' is not true/false (or có/không)");
    }
    return Json(cell);
  }
  if (entity == Entity::kPeople) {
    if (column == "organization_id") {
      auto v = ParseInt(cell);
      if (!v) return Status::InvalidArgument("'" + cell + "' is not a number");
      return Json(*v);
    }
    if (column == "is_expert" || column == "contact_public") {
      std::string v = AsciiLower(cell);
      if (v == "true" || v == "1" || v == "yes" || v == "x" || v == "có") return Json(true);
      if (v == "false" || v == "0" || v == "no" || v == "không") return Json(false);
      return Status::InvalidArgument("'" + cell + "' is not true/false (or có/không)");
    }
    if (column == "fields" || column == "keywords") {
      Json list = Json::array();
      for (const std::string& part : Split(cell, ';')) {
        std::string t(Trim(part));
        if (!t.empty()) list.push_back(t);
      }
      return list;
    }
  }
  return Json(cell);
}

Result<Json> Create(storage::Transaction& tx, const Actor& actor, const Clock& clock, Entity e,
                    const Json& input) {
  if (e == Entity::kOrganizations) return CreateOrganization(tx, actor, clock, input);
  if (e == Entity::kListings) return CreateListing(tx, actor, clock, input);
  if (e == Entity::kIpAssets) return CreateIpAsset(tx, actor, clock, input);
  return CreatePerson(tx, actor, clock, input);
}

void AddError(ImportReport& report, int line, const Status& s) {
  report.errors.push_back({line, s.field(), s.message()});
}

}  // namespace

Json ImportReport::ToJson() const {
  Json errs = Json::array();
  for (const RowError& e : errors) {
    errs.push_back({{"line", e.line}, {"column", e.column}, {"message", e.message}});
  }
  return Json{{"inserted", inserted}, {"errors", errs}};
}

Result<Entity> ParseEntity(std::string_view name) {
  if (name == "organizations") return Entity::kOrganizations;
  if (name == "people") return Entity::kPeople;
  if (name == "listings") return Entity::kListings;
  if (name == "ip-assets") return Entity::kIpAssets;
  return Status::InvalidArgument("unknown entity '" + std::string(name) +
                                     "' (expected organizations, people, listings or ip-assets)",
                                 "entity");
}

Result<Format> ParseFormat(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  return Status::InvalidArgument(
      "unknown format '" + std::string(name) + "' (expected csv or json)", "format");
}

Result<ImportReport> Import(storage::Transaction& tx, const Actor& actor, const Clock& clock,
                            Entity entity, Format format, std::string_view data) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kImportExport));
  if (Trim(data).empty() || Trim(data) == kUtf8Bom) {
    return Status::InvalidArgument("the file is empty: send the CSV or JSON records as the body");
  }
  ImportReport report;
  if (format == Format::kJson) {
    Json doc = Json::parse(data, nullptr, false);
    if (doc.is_discarded()) return Status::InvalidArgument("the file is not valid JSON");
    if (doc.is_object() && doc.contains("items")) doc = doc["items"];
    if (!doc.is_array()) {
      return Status::InvalidArgument("expected a JSON array of records (or {\"items\": [...]})");
    }
    int n = 0;
    for (const Json& item : doc) {
      ++n;
      Result<Json> r = Create(tx, actor, clock, entity, item);
      if (r.ok()) {
        ++report.inserted;
      } else {
        AddError(report, n, r.status());
      }
    }
    return report;
  }

  Result<CsvTable> parsed = ParseCsv(data);
  if (!parsed.ok()) return parsed.status();
  const CsvTable& csv = *parsed;
  const auto columns = ColumnsOf(entity);
  std::vector<std::string> header;
  for (const std::string& h : csv.header) {
    std::string name(Trim(h));
    if (entity == Entity::kIpAssets) {
      // An IP office's headings map to our columns.
      const std::string key = text::MatchKey(name);
      for (const auto& [alias, column] : kIpAliases) {
        if (key == alias) name = std::string(column);
      }
    }
    header.push_back(name);
  }
  for (const std::string& h : header) {
    if (std::find(columns.begin(), columns.end(), h) == columns.end() && !IsExportOnly(h)) {
      report.errors.push_back({1, h, "unknown column '" + h + "'"});
    }
  }
  if (!report.errors.empty()) return report;
  for (const CsvRecord& row : csv.rows) {
    if (row.fields.size() != header.size()) {
      report.errors.push_back({row.line, "",
                               "expected " + std::to_string(header.size()) + " cells, found " +
                                   std::to_string(row.fields.size())});
      continue;
    }
    Json input = Json::object();
    bool bad = false;
    for (size_t i = 0; i < header.size(); ++i) {
      std::string cell(Trim(row.fields[i]));
      if (cell.empty() || IsExportOnly(header[i])) continue;
      // Undo the formula guard that Export adds ('=SUM(...) -> =SUM(...)), so files round-trip.
      if (cell.size() > 1 && cell[0] == '\'' &&
          std::string_view("=+-@").find(cell[1]) != std::string_view::npos) {
        cell.erase(0, 1);
      }
      Result<Json> v = CellToJson(entity, header[i], cell);
      if (!v.ok()) {
        report.errors.push_back({row.line, header[i], v.status().message()});
        bad = true;
        continue;
      }
      input[header[i]] = *v;
    }
    if (bad) continue;
    Result<Json> r = Create(tx, actor, clock, entity, input);
    if (r.ok()) {
      ++report.inserted;
    } else {
      AddError(report, row.line, r.status());
    }
  }
  return report;
}

Result<std::string> Export(storage::Transaction& tx, const Actor& actor, Entity entity,
                           Format format) {
  STIO_RETURN_IF_ERROR(Authorize(actor, Permission::kImportExport));
  if (entity == Entity::kListings || entity == Entity::kIpAssets) {
    return Status::InvalidArgument(
        "listings and IP assets are exported from their lists (GET /api/v1/exchange/listings, "
        "/api/v1/ip/assets)");
  }
  Json items = Json::array();
  ListParams page;
  page.limit = 500;
  while (true) {
    Result<ListResult> r = entity == Entity::kOrganizations ? ListOrganizations(tx, actor, {}, page)
                                                            : ListPeople(tx, actor, {}, page);
    if (!r.ok()) return r.status();
    for (auto& it : r->items) items.push_back(std::move(it));
    page.offset += page.limit;
    if (page.offset >= r->total) break;
  }
  if (format == Format::kJson) return items.dump(2, ' ', false, Json::error_handler_t::replace);

  std::vector<std::string> header = {"id"};
  for (auto c : ColumnsOf(entity)) header.emplace_back(c);
  header.push_back("created_at");
  header.push_back("updated_at");
  // A BOM so that Excel opens the file as UTF-8 (Vietnamese text would be garbled otherwise).
  std::string out = "\xEF\xBB\xBF" + WriteCsvRow(header);
  for (const Json& item : items) {
    std::vector<std::string> cells;
    for (const std::string& h : header) {
      const Json& v = item.contains(h) ? item[h] : Json();
      if (v.is_null()) {
        cells.emplace_back();
      } else if (v.is_string()) {
        // Phone numbers (+84...) are data, not formulas; every other text is guarded against
        // spreadsheet formula injection.
        cells.push_back(h == "phone" ? v.get<std::string>()
                                     : CsvGuardFormula(v.get<std::string>()));
      } else if (v.is_array()) {
        std::vector<std::string> parts;
        for (const Json& p : v) parts.push_back(p.is_string() ? p.get<std::string>() : p.dump());
        cells.push_back(Join(parts, ";"));
      } else {
        cells.push_back(v.dump());
      }
    }
    out += WriteCsvRow(cells);
  }
  return out;
}

}  // namespace stio::domain
