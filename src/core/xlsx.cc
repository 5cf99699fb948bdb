#include "core/xlsx.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/strings.h"

namespace stio {

namespace {

constexpr size_t kMaxTextUnits = 32767;  // Excel's limit on the characters of one cell
constexpr size_t kMaxSheetNameUnits = 31;
constexpr double kMinWidth = 8, kMaxWidth = 60;

// Decodes one UTF-8 character at s[i]; returns its length (1 to 4) and code point, or 0 if the
// bytes there are not a valid, shortest-form encoding of a scalar value.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  char32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF)) {
    return 0;
  }
  *cp = v;
  return n;
}

// Valid UTF-8 (bad bytes replaced by U+FFFD) of at most `max_units` UTF-16 code units, never
// splitting a character; `units` receives the count.
std::string CleanText(std::string_view s, size_t max_units, size_t* units = nullptr) {
  std::string out;
  out.reserve(s.size());
  size_t u = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(s, i, &cp);
    std::string_view piece = n ? s.substr(i, n) : std::string_view("\xEF\xBF\xBD");
    const size_t w = cp >= 0x10000 ? 2 : 1;
    if (u + w > max_units) break;
    out += piece;
    u += w;
    i += n ? n : 1;
  }
  if (units) *units = u;
  return out;
}

// Excel reads "_xHHHH_" in a cell's text as an escaped character (libxlsxwriter writes control
// characters that way); text that holds such a sequence literally gets its '_' escaped as _x005F_.
std::string EscapeLiteralEscapes(std::string s) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i + 7 <= s.size(); ++i) {
    if (s[i] == '_' && s[i + 1] == 'x' && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) &&
        hex(s[i + 5]) && s[i + 6] == '_') {
      s.insert(i, "_x005F");
      i += 6;
    }
  }
  return s;
}

std::string NumberText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// Removes the file when it goes out of scope.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

std::string TempDir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? std::string(t) : std::string("/tmp");
}

Status LxwStatus(lxw_error e, const std::string& what) {
  return Status::Internal("xlsx: " + what + ": " + lxw_strerror(e));
}

// The worksheets of `sheets`, written into `wb` (which the caller closes either way).
Status Fill(lxw_workbook* wb, const std::vector<XlsxSheet>& sheets) {
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::map<std::string, lxw_format*> num_formats;
  std::set<std::string> used;  // ASCII-lowercased names: Excel ignores case
  int index = 0;
  for (const XlsxSheet& sheet : sheets) {
    ++index;
    // A unique, valid name: "Name", else "Name (2)", "Name (3)", ... within 31 characters.
    const std::string base = XlsxSheetName(sheet.name, "Sheet" + std::to_string(index));
    std::string name = base;
    for (int k = 2; used.count(AsciiLower(name)); ++k) {
      const std::string suffix = " (" + std::to_string(k) + ")";
      name = CleanText(base, kMaxSheetNameUnits - suffix.size()) + suffix;
    }
    used.insert(AsciiLower(name));

    size_t cols = sheet.header.size();
    for (const auto& row : sheet.rows) cols = std::max(cols, row.size());
    if (sheet.rows.size() + 1 > LXW_ROW_MAX) {
      return Status::InvalidArgument("sheet '" + name + "' has more rows than Excel allows");
    }
    if (cols > LXW_COL_MAX) {
      return Status::InvalidArgument("sheet '" + name + "' has more columns than Excel allows");
    }
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (!ws) return Status::Internal("xlsx: cannot add the worksheet '" + name + "'");

    std::vector<lxw_format*> col_format(cols, nullptr);
    for (size_t c = 0; c < cols && c < sheet.number_formats.size(); ++c) {
      const std::string& f = sheet.number_formats[c];
      if (f.empty()) continue;
      lxw_format*& fmt = num_formats[f];
      if (!fmt) {
        fmt = workbook_add_format(wb);
        format_set_num_format(fmt, f.c_str());
      }
      col_format[c] = fmt;
    }
    std::vector<double> fitted(cols, kMinWidth);
    auto fit = [&](size_t c, size_t chars) {
      fitted[c] = std::max(fitted[c], std::min(kMaxWidth, static_cast<double>(chars) + 2));
    };

    for (size_t c = 0; c < sheet.header.size(); ++c) {
      size_t units = 0;
      const std::string text =
          EscapeLiteralEscapes(CleanText(sheet.header[c], kMaxTextUnits, &units));
      const lxw_col_t col = static_cast<lxw_col_t>(c);
      if (lxw_error e = worksheet_write_string(ws, 0, col, text.c_str(), bold)) {
        return LxwStatus(e, "header of '" + name + "'");
      }
      fit(c, units + 2);  // room for the filter button
    }
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      const lxw_row_t row = static_cast<lxw_row_t>(r + 1);
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const XlsxCell& cell = sheet.rows[r][c];
        const lxw_col_t col = static_cast<lxw_col_t>(c);
        lxw_error e = LXW_NO_ERROR;
        if (const auto* s = std::get_if<std::string>(&cell)) {
          size_t units = 0;
          const std::string text = EscapeLiteralEscapes(CleanText(*s, kMaxTextUnits, &units));
          // Always a string: text that looks like a formula stays text.
          e = worksheet_write_string(ws, row, col, text.c_str(), nullptr);
          fit(c, units);
        } else if (const auto* d = std::get_if<double>(&cell); d && std::isfinite(*d)) {
          e = worksheet_write_number(ws, row, col, *d, col_format[c]);
          fit(c, NumberText(*d).size() + (col_format[c] ? 3 : 0));
        }
        if (e) return LxwStatus(e, "cell of '" + name + "'");
      }
    }
    for (size_t c = 0; c < cols; ++c) {
      const double w = c < sheet.widths.size() && sheet.widths[c] > 0 ? sheet.widths[c] : fitted[c];
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w, nullptr);
    }
    if (!sheet.header.empty()) {
      worksheet_freeze_panes(ws, 1, 0);
      worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(sheet.rows.size()),
                           static_cast<lxw_col_t>(std::max<size_t>(cols, 1) - 1));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string XlsxSheetName(std::string_view name, std::string_view fallback) {
  std::string s = CleanText(name, name.size());
  for (char& ch : s) {
    if (std::string_view("[]:*?/\\").find(ch) != std::string_view::npos) ch = '_';
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  }
  auto trim = [](std::string& t) {
    while (!t.empty() && (t.front() == '\'' || t.front() == ' ')) t.erase(0, 1);
    while (!t.empty() && (t.back() == '\'' || t.back() == ' ')) t.pop_back();
  };
  trim(s);
  s = CleanText(s, kMaxSheetNameUnits);
  trim(s);  // cutting may leave a trailing space or apostrophe
  if (s.empty() || AsciiLower(s) == "history") {
    if (fallback.empty() || AsciiLower(fallback) == "history") return "Sheet";
    return XlsxSheetName(fallback, "Sheet");
  }
  return s;
}

Result<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets) {
  if (sheets.empty()) return Status::InvalidArgument("a workbook needs at least one sheet");
  std::string dir = TempDir();
  // libxlsxwriter 1.1.4 (Debian 12) writes only to a file: assemble the workbook in a private
  // temporary file and read it back.
  TempFile file;
  {
    std::string tmpl = dir + "/stio-xlsx-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    const int fd = ::mkstemp(buf.data());
    if (fd < 0) return Status::Internal("xlsx: cannot create a temporary file in " + dir);
    ::close(fd);
    file.path = buf.data();
  }
  lxw_workbook_options opts{};
  opts.tmpdir = dir.data();
  lxw_workbook* wb = workbook_new_opt(file.path.c_str(), &opts);
  if (!wb) return Status::Internal("xlsx: cannot create a workbook");
  Status filled = Fill(wb, sheets);
  const lxw_error closed = workbook_close(wb);  // frees the workbook in every case
  STIO_RETURN_IF_ERROR(filled);
  if (closed) return LxwStatus(closed, "writing the workbook");
  std::ifstream in(file.path, std::ios::binary);
  std::ostringstream bytes;
  if (in.is_open()) bytes << in.rdbuf();
  if (!in.is_open() || bytes.str().empty()) {
    return Status::Internal("xlsx: cannot read the workbook back");
  }
  return std::move(bytes).str();
}

}  // namespace stio
