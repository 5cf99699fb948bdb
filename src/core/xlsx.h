// XLSX (Office Open XML spreadsheet) writing, for exports that department staff open in Excel.
// A thin wrapper over libxlsxwriter; nothing of it shows in this header.
//
// Every sheet is a table: a bold header row, frozen, with an autofilter, then one row per record.
// A cell is text, a number or empty. Text is always stored as a string (never a formula: a cell
// "=HYPERLINK(...)" reads as that text in Excel), invalid UTF-8 bytes become U+FFFD, and text
// longer than Excel's 32,767 characters is cut there. Numbers that are not finite are written as
// empty cells. Sheet names are made acceptable to Excel (see XlsxSheetName) and unique.
//
// Thread-safety: pure functions (the workbook is assembled in a temporary file under TMPDIR that
// is removed before WriteXlsx returns).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace stio {

// One cell: empty, text or a number.
using XlsxCell = std::variant<std::monostate, std::string, double>;

struct XlsxSheet {
  std::string name;                         // made valid by XlsxSheetName
  std::vector<std::string> header;          // the first row, bold and frozen
  std::vector<std::vector<XlsxCell>> rows;  // rows may be shorter or longer than the header
  // Per column, optional: width in characters (0 or absent: fitted to the content, 8 to 60), and
  // the number format of its numeric cells ("" or absent: General), e.g. "#,##0" for VND or
  // "0.00".
  std::vector<double> widths;
  std::vector<std::string> number_formats;
};

// The workbook's bytes (a zip file), with one worksheet per sheet in order. InvalidArgument if
// there is no sheet or a sheet exceeds Excel's 1,048,576 rows or 16,384 columns; Internal if
// libxlsxwriter fails.
[[nodiscard]] Result<std::string> WriteXlsx(const std::vector<XlsxSheet>& sheets);

// A name Excel accepts for a sheet: the characters []:*?/\ become '_', leading and trailing
// apostrophes and spaces are dropped, it is cut to 31 characters (UTF-16 code units, never
// splitting a character), and an empty result or the reserved "History" gives `fallback`.
std::string XlsxSheetName(std::string_view name, std::string_view fallback = "Sheet");

}  // namespace stio
