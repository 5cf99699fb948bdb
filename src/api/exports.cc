#include "api/exports.h"

#include <algorithm>
#include <utility>

#include "api/problem.h"
#include "core/strings.h"
#include "domain/reference.h"

namespace stio::api {

using nlohmann::json;

namespace {

constexpr const char* kVnd = "#,##0";
constexpr const char* kScore = "0.00";
constexpr const char* kPercent = "0.0%";

// A header or label in the two languages.
struct Text {
  const char* vi;
  const char* en;
  std::string In(Lang lang) const { return lang == Lang::kEn ? en : vi; }
};

// A column: its header, where its value is in the row, and its number format.
struct Column {
  Text header;
  double width = 0;
  std::string format;
};

XlsxSheet Table(const Text& name, Lang lang, const std::vector<Column>& cols) {
  XlsxSheet s;
  s.name = name.In(lang);
  for (const Column& c : cols) {
    s.header.push_back(c.header.In(lang));
    s.widths.push_back(c.width);
    s.number_formats.push_back(c.format);
  }
  return s;
}

// A two-column sheet of labelled values.
XlsxSheet About(const Text& name, Lang lang, std::vector<std::pair<Text, XlsxCell>> rows) {
  XlsxSheet s = Table(name, lang, {{{"Mục", "Item"}, 28}, {{"Giá trị", "Value"}, 80}});
  for (auto& [label, value] : rows) s.rows.push_back({label.In(lang), std::move(value)});
  return s;
}

const json& At(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string Str(const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

XlsxCell YesNo(const json& v, Lang lang) {
  if (!v.is_boolean()) return std::monostate();
  return (v.get<bool>() ? Text{"Có", "Yes"} : Text{"Không", "No"}).In(lang);
}

std::string StatusLabel(const std::string& status, Lang lang) {
  static const std::map<std::string, Text> kLabels = {
      {"achieved", {"Đã đạt", "Achieved"}},        {"on_track", {"Đúng tiến độ", "On track"}},
      {"at_risk", {"Có nguy cơ", "At risk"}},      {"off_track", {"Chậm, khó đạt", "Off track"}},
      {"no_data", {"Chưa có số liệu", "No data"}},
  };
  auto it = kLabels.find(status);
  return it == kLabels.end() ? status : it->second.In(lang);
}

std::string JoinStrings(const json& arr, std::string_view sep) {
  std::string out;
  if (!arr.is_array()) return out;
  for (const json& v : arr) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += sep;
    out += v.get<std::string>();
  }
  return out;
}

}  // namespace

Result<std::string> FormatParam(const http::Request& req, const std::vector<std::string>& allowed) {
  auto v = req.Query("format");
  if (!v || Trim(*v).empty()) return allowed.front();
  for (const std::string& a : allowed) {
    if (Trim(*v) == a) return a;
  }
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  return Status::InvalidArgument("format must be " + list, "format");
}

Result<Lang> LangParam(const http::Request& req) {
  auto v = req.Query("lang");
  if (!v || Trim(*v).empty() || Trim(*v) == "vi") return Lang::kVi;
  if (Trim(*v) == "en") return Lang::kEn;
  return Status::InvalidArgument("lang must be vi or en", "lang");
}

XlsxCell Cell(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return std::monostate();
  return v.dump();
}

http::Response XlsxDownload(const std::vector<XlsxSheet>& sheets, std::string_view filename) {
  Result<std::string> bytes = WriteXlsx(sheets);
  if (!bytes.ok()) return Problem(bytes.status());
  std::string name;
  for (char ch : filename) {
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
    name += keep ? ch : '_';
  }
  if (name.empty()) name = "export";
  http::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", std::string(kXlsxContentType));
  r.headers.Set("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
  r.body = std::move(bytes).value();
  return r;
}

std::vector<XlsxSheet> SeriesSheets(const json& series, Lang lang) {
  const json& ind = At(series, "indicator");
  const json& unit = At(series, "unit");
  XlsxSheet points = Table({"Chuỗi số liệu", "Series"}, lang,
                           {{{"Chỉ số", "Indicator"}},
                            {{"Đơn vị hành chính", "Unit"}},
                            {{"Kỳ", "Period"}},
                            {{"Giá trị", "Value"}},
                            {{"Tử số", "Numerator"}},
                            {{"Mẫu số", "Denominator"}},
                            {{"Số đơn vị thành phần", "Parts"}},
                            {{"Số đơn vị có số liệu", "Parts with data"}},
                            {{"Tạm tính", "Provisional"}}});
  for (const json& p : At(series, "points")) {
    points.rows.push_back({Cell(At(ind, "code")), Cell(At(unit, "code")), Cell(At(p, "period")),
                           Cell(At(p, "value")), Cell(At(p, "numerator")),
                           Cell(At(p, "denominator")), Cell(At(p, "parts")),
                           Cell(At(p, "parts_with_data")), YesNo(At(p, "provisional"), lang)});
  }
  XlsxSheet about =
      About({"Chỉ số", "Indicator"}, lang,
            {{{"Mã chỉ số", "Indicator code"}, Cell(At(ind, "code"))},
             {{"Tên chỉ số", "Name"},
              Cell(lang == Lang::kEn && At(ind, "name_en").is_string() ? At(ind, "name_en")
                                                                       : At(ind, "name_vi"))},
             {{"Đơn vị tính", "Unit of measure"}, Cell(At(ind, "unit"))},
             {{"Công thức", "Formula"}, Cell(At(ind, "formula"))},
             {{"Định nghĩa", "Definition"}, Cell(At(ind, "definition"))},
             {{"Mã đơn vị hành chính", "Administrative unit"}, Cell(At(unit, "code"))},
             {{"Cấp", "Level"}, Cell(At(unit, "level"))},
             {{"Bản đồ hành chính", "Map"}, Cell(At(unit, "era"))}});
  return {std::move(points), std::move(about)};
}

std::vector<XlsxSheet> ScorecardSheets(const json& sc, Lang lang) {
  XlsxSheet s = Table({"Bảng theo dõi", "Scorecard"}, lang,
                      {{{"Mã", "Code"}},
                       {{"Chỉ tiêu", "Target"}, 60},
                       {{"Chỉ số", "Indicator"}},
                       {{"Đánh giá", "Status"}},
                       {{"Giá trị năm gốc", "Baseline value"}},
                       {{"Năm gốc", "Baseline year"}},
                       {{"Giá trị mới nhất", "Latest value"}},
                       {{"Năm mới nhất", "Latest year"}},
                       {{"Mục tiêu", "Target value"}},
                       {{"Năm mục tiêu", "Target year"}},
                       {{"Tiến độ", "Progress"}, 0, kPercent},
                       {{"Dự báo", "Projected value"}},
                       {{"Năm dự báo", "Projection year"}},
                       {{"Dự báo: cận dưới", "Projection: lower"}},
                       {{"Dự báo: cận trên", "Projection: upper"}},
                       {{"Phương pháp", "Method"}},
                       {{"Tốc độ thực tế", "Observed rate"}},
                       {{"Tốc độ cần có", "Required rate"}},
                       {{"Tỷ số thực tế / cần có", "Ratio observed / required"}, 0, kScore},
                       {{"Cần thêm mỗi năm", "Still needed each year"}},
                       {{"Kinh phí (đồng)", "Budget (VND)"}, 0, kVnd},
                       {{"Cơ quan chủ trì", "Responsible agency"}, 30},
                       {{"Căn cứ pháp lý", "Legal basis"}, 40},
                       {{"Giải pháp", "Solutions"}, 40},
                       {{"Nguồn số liệu", "Data source"}, 30},
                       {{"Ghi chú", "Notes"}, 60}});
  for (const json& r : At(sc, "targets")) {
    const json& t = At(r, "target");
    const json& a = At(r, "assessment");
    const json& p = At(a, "projection");
    std::string notes = JoinStrings(At(a, "notes"), "; ");
    if (!Str(At(t, "note")).empty()) notes += (notes.empty() ? "" : "; ") + Str(At(t, "note"));
    s.rows.push_back({Cell(At(t, "code")),           Cell(At(t, "text_vi")),
                      Cell(At(t, "indicator")),      StatusLabel(Str(At(a, "status")), lang),
                      Cell(At(t, "baseline_value")), Cell(At(t, "baseline_year")),
                      Cell(At(a, "latest_value")),   Cell(At(a, "latest_year")),
                      Cell(At(t, "target_value")),   Cell(At(t, "target_year")),
                      Cell(At(a, "progress")),       Cell(At(p, "value")),
                      Cell(At(p, "year")),           Cell(At(p, "lower")),
                      Cell(At(p, "upper")),          Cell(At(a, "method")),
                      Cell(At(a, "rate_observed")),  Cell(At(a, "rate_required")),
                      Cell(At(a, "ratio")),          Cell(At(a, "yearly_effort")),
                      Cell(At(t, "budget_vnd")),     Cell(At(t, "responsible_agency")),
                      Cell(At(t, "legal_basis")),    Cell(At(t, "solutions")),
                      Cell(At(t, "data_source")),    notes.empty() ? XlsxCell() : XlsxCell(notes)});
  }
  const json& plan = At(sc, "plan");
  std::vector<std::pair<Text, XlsxCell>> about = {
      {{"Kế hoạch", "Plan"}, Cell(At(plan, "name"))},
      {{"Mã kế hoạch", "Plan code"}, Cell(At(plan, "code"))},
      {{"Văn bản ban hành", "Issuing decision"}, Cell(At(plan, "issuing_decision"))},
      {{"Từ năm", "From"}, Cell(At(plan, "period_from"))},
      {{"Đến năm", "To"}, Cell(At(plan, "period_to"))},
      {{"Cơ quan", "Owner"}, Cell(At(plan, "owner_agency"))},
      {{"Mã tỉnh", "Province code"}, Cell(At(plan, "province_code"))},
      {{"Nguồn", "Source"}, Cell(At(plan, "source"))},
      {{"Ghi chú", "Note"}, Cell(At(plan, "note"))},
      {{"Đánh giá năm", "Assessed in"}, Cell(At(sc, "year"))},
  };
  XlsxSheet info = About({"Kế hoạch", "Plan"}, lang, std::move(about));
  for (const char* st : {"achieved", "on_track", "at_risk", "off_track", "no_data"}) {
    const json& n = At(At(sc, "summary"), st);
    info.rows.push_back(
        {(lang == Lang::kEn ? "Targets: " : "Số chỉ tiêu: ") + StatusLabel(st, lang),
         n.is_number() ? Cell(n) : XlsxCell(0.0)});
  }
  return {std::move(s), std::move(info)};
}

std::vector<XlsxSheet> PublishedPiiSheets(const json& figures,
                                          const std::vector<std::string>& notes, Lang lang) {
  std::map<int, std::vector<const json*>, std::greater<>> by_edition;
  for (const json& f : figures) {
    if (At(f, "edition").is_number_integer()) by_edition[At(f, "edition").get<int>()].push_back(&f);
  }
  std::vector<XlsxSheet> sheets;
  for (auto& [edition, rows] : by_edition) {
    std::stable_sort(rows.begin(), rows.end(), [](const json* a, const json* b) {
      const json &ra = At(*a, "rank"), &rb = At(*b, "rank");
      if (ra.is_number() != rb.is_number()) return ra.is_number();
      return ra.is_number() && ra.get<int>() < rb.get<int>();
    });
    XlsxSheet s = Table({"", ""}, lang,
                        {{{"Năm công bố", "Edition"}},
                         {{"Bản đồ (số tỉnh)", "Map (provinces)"}},
                         {{"Hạng", "Rank"}},
                         {{"Mã tỉnh", "Province code"}},
                         {{"Tỉnh, thành phố", "Province"}, 24},
                         {{"Mã tỉnh (từ 2025)", "Province code (2025)"}},
                         {{"Điểm PII", "PII score"}, 0, kScore},
                         {{"Đầu vào", "Input sub-index"}, 0, kScore},
                         {{"Đầu ra", "Output sub-index"}, 0, kScore},
                         {{"Nguồn", "Source"}, 50},
                         {{"Ghi chú", "Note"}, 50}});
    s.name = "PII " + std::to_string(edition);
    for (const json* f : rows) {
      s.rows.push_back({Cell(At(*f, "edition")), Cell(At(*f, "map")), Cell(At(*f, "rank")),
                        Cell(At(*f, "province_code")), Cell(At(*f, "province_name")),
                        Cell(At(*f, "province_code_2025")), Cell(At(*f, "score")),
                        Cell(At(*f, "input_score")), Cell(At(*f, "output_score")),
                        Cell(At(*f, "source_url")), Cell(At(*f, "note"))});
    }
    sheets.push_back(std::move(s));
  }
  XlsxSheet about = Table({"Lưu ý", "Notes"}, lang, {{{"Lưu ý", "Notes"}, 120}});
  for (const std::string& n : notes) about.rows.push_back({n});
  sheets.push_back(std::move(about));
  return sheets;
}

http::Response ExchangeStatsXlsx(Context& c, const domain::ExchangeStatsQuery& q, Lang lang) {
  json stats;
  std::map<std::string, std::string> field_names, province_names;
  Status s = c.Read([&](storage::Transaction& tx) {
    STIO_ASSIGN_OR_RETURN(stats, domain::ExchangeStats(tx, c.clock, q));
    STIO_ASSIGN_OR_RETURN(auto fos, domain::ListClassification(tx, "fos"));
    for (const json& f : fos.items) {
      const json& name =
          lang == Lang::kEn && At(f, "name_en").is_string() ? At(f, "name_en") : At(f, "name_vi");
      field_names[Str(At(f, "code"))] = Str(name);
    }
    domain::AdminUnitFilter provinces;
    domain::ListParams all;
    all.limit = 500;
    STIO_ASSIGN_OR_RETURN(auto units, domain::ListAdminUnits(tx, provinces, all));
    for (const json& u : units.items) {
      province_names[Str(At(u, "code"))] = Str(At(u, "name"));
    }
    return Status::Ok();
  });
  if (!s.ok()) return Problem(s);
  auto name_of = [](const std::map<std::string, std::string>& names, const json& code) {
    auto it = names.find(Str(code));
    return it == names.end() || it->second.empty() ? XlsxCell() : XlsxCell(it->second);
  };

  XlsxSheet months = Table({"Theo tháng", "By month"}, lang,
                           {{{"Tháng", "Month"}},
                            {{"Công nghệ được đăng", "Offers published"}},
                            {{"Nhu cầu được đăng", "Needs published"}},
                            {{"Yêu cầu kết nối", "Introductions"}},
                            {{"Kết nối được chấp nhận", "Introductions accepted"}},
                            {{"Hợp đồng chuyển giao", "Transfer contracts"}},
                            {{"Giá trị hợp đồng (đồng)", "Contract value (VND)"}, 0, kVnd}});
  for (const json& m : At(stats, "by_month")) {
    months.rows.push_back({Cell(At(m, "month")), Cell(At(m, "offers_published")),
                           Cell(At(m, "needs_published")), Cell(At(m, "introductions")),
                           Cell(At(m, "introductions_accepted")), Cell(At(m, "contracts")),
                           Cell(At(m, "contract_value_vnd"))});
  }
  XlsxSheet fields = Table({"Theo lĩnh vực", "By field"}, lang,
                           {{{"Mã lĩnh vực", "Field code"}},
                            {{"Lĩnh vực", "Field"}, 40},
                            {{"Công nghệ", "Offers"}},
                            {{"Nhu cầu", "Needs"}}});
  for (const json& f : At(stats, "by_field")) {
    fields.rows.push_back({Cell(At(f, "field")), name_of(field_names, At(f, "field")),
                           Cell(At(f, "offers")), Cell(At(f, "needs"))});
  }
  XlsxSheet provinces = Table({"Theo tỉnh", "By province"}, lang,
                              {{{"Mã tỉnh", "Province code"}},
                               {{"Tỉnh, thành phố", "Province"}, 24},
                               {{"Công nghệ", "Offers"}},
                               {{"Nhu cầu", "Needs"}}});
  for (const json& p : At(stats, "by_province")) {
    provinces.rows.push_back({Cell(At(p, "province_code")),
                              name_of(province_names, At(p, "province_code")),
                              Cell(At(p, "offers")), Cell(At(p, "needs"))});
  }
  const json& t = At(stats, "totals");
  XlsxSheet totals = About(
      {"Tổng số", "Totals"}, lang,
      {{{"Công nghệ đang hiển thị", "Offers listed now"}, Cell(At(t, "offers_published"))},
       {{"Nhu cầu đang hiển thị", "Needs listed now"}, Cell(At(t, "needs_published"))},
       {{"Yêu cầu kết nối", "Introductions"}, Cell(At(t, "introductions"))},
       {{"Kết nối được chấp nhận", "Introductions accepted"},
        Cell(At(t, "introductions_accepted"))},
       {{"Hợp đồng chuyển giao", "Transfer contracts"}, Cell(At(t, "contracts"))},
       {{"Giá trị hợp đồng (đồng)", "Contract value (VND)"}, Cell(At(t, "contract_value_vnd"))},
       {{"Tỉnh", "Province"}, q.province_code ? XlsxCell(*q.province_code) : XlsxCell()},
       {{"Từ tháng", "From month"}, q.from ? XlsxCell(*q.from) : XlsxCell()},
       {{"Đến tháng", "To month"}, q.to ? XlsxCell(*q.to) : XlsxCell()}});
  totals.number_formats = {"", kVnd};
  std::string filename = "exchange-stats";
  if (q.province_code) filename += "-" + *q.province_code;
  if (q.from) filename += "-" + *q.from;
  if (q.to) filename += "-" + *q.to;
  return XlsxDownload(
      {std::move(months), std::move(fields), std::move(provinces), std::move(totals)}, filename);
}

std::vector<XlsxSheet> ComputedIndexSheets(const json& result, const json& nodes,
                                           const json& values, Lang lang) {
  XlsxSheet scores = Table({"Điểm và thứ hạng", "Scores and ranks"}, lang,
                           {{{"Mã tỉnh / đơn vị", "Unit"}},
                            {{"Được xếp hạng", "Included"}},
                            {{"Cấp", "Level"}},
                            {{"Mã", "Code"}},
                            {{"Tên", "Name"}, 50},
                            {{"Điểm", "Score"}, 0, kScore},
                            {{"Hạng", "Rank"}}});
  for (const json& u : At(result, "units")) {
    for (const json& n : nodes) {
      const std::string code = Str(At(n, "code"));
      scores.rows.push_back({Cell(At(u, "unit")), YesNo(At(u, "included"), lang),
                             Cell(At(n, "level")), code, Cell(At(n, "name")),
                             Cell(At(At(u, "scores"), code.c_str())),
                             Cell(At(At(u, "ranks"), code.c_str()))});
    }
  }
  XlsxSheet notes = Table({"Ghi chú", "Notes"}, lang,
                          {{{"Mã tỉnh / đơn vị", "Unit"}},
                           {{"Chỉ số", "Indicator"}},
                           {{"Loại", "Kind"}},
                           {{"Trước", "Before"}},
                           {{"Sau", "After"}},
                           {{"Chi tiết", "Detail"}, 80}});
  for (const json& n : At(result, "notes")) {
    notes.rows.push_back({Cell(At(n, "unit")), Cell(At(n, "indicator")), Cell(At(n, "kind")),
                          Cell(At(n, "before")), Cell(At(n, "after")), Cell(At(n, "detail"))});
  }
  XlsxSheet inputs = Table({"Số liệu đầu vào", "Input values"}, lang,
                           {{{"Mã tỉnh / đơn vị", "Unit"}},
                            {{"Chỉ số", "Indicator"}},
                            {{"Năm", "Year"}},
                            {{"Giá trị", "Value"}},
                            {{"Nguồn", "Source"}, 60}});
  if (values.is_array()) {
    for (const json& v : values) {
      inputs.rows.push_back({Cell(At(v, "unit")), Cell(At(v, "indicator")), Cell(At(v, "year")),
                             Cell(At(v, "value")), Cell(At(v, "source"))});
    }
  }
  return {std::move(scores), std::move(notes), std::move(inputs)};
}

}  // namespace stio::api
