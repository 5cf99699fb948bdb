// CSV as spreadsheet programs (Excel, LibreOffice, Google Sheets) save it: RFC 4180 with the
// variations seen in real files.
//
// Reading: UTF-8 with or without a byte-order mark; records end in CRLF, LF or a lone CR (old Mac
// Excel); fields are separated by commas only; a field may be quoted, and inside quotes commas,
// line breaks and doubled quotes ("") are data. Blank lines are skipped. Every record remembers the
// physical line it starts on (1-based), so that import errors can say "line 14" even when earlier
// fields span several lines. Malformed input (an unterminated quote, a quote inside an unquoted
// field, text after a closing quote, invalid UTF-8, NUL bytes, UTF-16) is InvalidArgument naming
// the line (and column, counted in characters). Parsing never trusts the input: arbitrary bytes
// give either a table or an error, in time linear in the input.
//
// Writing: fields are quoted only when they need it, records end in CRLF, as Excel writes them.
// Start a file with kUtf8Bom: without it Excel reads UTF-8 as the local code page and mangles
// Vietnamese.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace stio {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct CsvRecord {
  int line = 0;  // physical line (1-based) on which the record starts
  std::vector<std::string> fields;
  friend bool operator==(const CsvRecord&, const CsvRecord&) = default;
};

struct CsvTable {
  std::vector<std::string> header;  // the first record; empty if the text holds no record
  int header_line = 0;
  std::vector<CsvRecord> rows;  // every later record; field counts are not checked against header
};

// Parses every record (no header handling).
[[nodiscard]] Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view text);

// Parses a table whose first record is the header.
[[nodiscard]] Result<CsvTable> ParseCsv(std::string_view text);

// One field, quoted (with inner quotes doubled) if it contains a comma, a quote, CR or LF, or
// starts or ends with a space (which some readers would trim).
std::string CsvEscape(std::string_view field);

// One record: escaped fields joined by commas, ending in CRLF.
std::string WriteCsvRow(const std::vector<std::string>& fields);

// Prefixes a field that a spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR)
// with an apostrophe. Use on exports of user-entered text meant to be opened in a spreadsheet
// ("CSV injection"); the apostrophe is not removed on re-import.
std::string CsvGuardFormula(std::string_view field);

}  // namespace stio
