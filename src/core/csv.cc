#include "core/csv.h"

#include <cstdint>

namespace stio {
namespace {

// Where we are in the text, in the units people see: physical lines and characters.
struct Position {
  int line = 1;
  int column = 1;  // in characters (code points), 1-based
};

std::string At(const Position& p) {
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 if it is not well-formed (overlong,
// surrogate, above U+10FFFF, truncated).
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  if (c < 0x80) return 1;
  const auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// Checks the encoding once up front, so that the parser can work on bytes and every error says
// where it is.
Status CheckEncoding(std::string_view text) {
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    return Status::InvalidArgument(
        "the file is UTF-16 (Excel \"Unicode Text\"); save it as \"CSV UTF-8\" instead");
  }
  Position p;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\0') return Status::InvalidArgument(At(p) + ": NUL byte (is this a text file?)");
    const size_t n = Utf8Length(text, i);
    if (n == 0) {
      return Status::InvalidArgument(At(p) + ": invalid UTF-8 (save the file as \"CSV UTF-8\")");
    }
    if (c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++p.line;
      p.column = 1;
    } else if (c != '\r') {
      ++p.column;
    }
    i += n;
  }
  return Status::Ok();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<std::vector<CsvRecord>> Run() {
    std::vector<CsvRecord> records;
    while (i_ < s_.size()) {
      if (AtLineEnd()) {  // blank line
        SkipLineEnd();
        continue;
      }
      CsvRecord record;
      record.line = pos_.line;
      while (true) {
        std::string field;
        STIO_RETURN_IF_ERROR(ParseField(field));
        record.fields.push_back(std::move(field));
        if (i_ < s_.size() && s_[i_] == ',') {
          Advance();
          continue;
        }
        break;  // end of line or end of text (ParseField guarantees nothing else)
      }
      SkipLineEnd();
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  bool AtLineEnd() const { return s_[i_] == '\n' || s_[i_] == '\r'; }

  void SkipLineEnd() {
    if (i_ >= s_.size()) return;
    if (s_[i_] == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') ++i_;
    ++i_;
    ++pos_.line;
    pos_.column = 1;
  }

  // Moves past one character, keeping the position (lines and character columns) up to date.
  void Advance() {
    const char c = s_[i_];
    if (c == '\r' || c == '\n') {
      SkipLineEnd();
      return;
    }
    // Only lead bytes start a character; the encoding was checked already.
    if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) ++pos_.column;
    ++i_;
    while (i_ < s_.size() && (static_cast<uint8_t>(s_[i_]) & 0xC0) == 0x80) ++i_;
  }

  void AppendAndAdvance(std::string& out) {
    const size_t start = i_;
    Advance();
    out.append(s_.substr(start, i_ - start));
  }

  Status ParseField(std::string& out) {
    if (i_ < s_.size() && s_[i_] == '"') return ParseQuoted(out);
    while (i_ < s_.size() && s_[i_] != ',' && !AtLineEnd()) {
      if (s_[i_] == '"') {
        return Status::InvalidArgument(
            At(pos_) +
            ": quote inside an unquoted field (a field with quotes must be quoted "
            "as a whole, with the quotes doubled)");
      }
      AppendAndAdvance(out);
    }
    return Status::Ok();
  }

  Status ParseQuoted(std::string& out) {
    const Position opened = pos_;
    Advance();  // the opening quote
    while (true) {
      if (i_ >= s_.size()) {
        return Status::InvalidArgument("line " + std::to_string(opened.line) +
                                       ": quoted field opened at column " +
                                       std::to_string(opened.column) + " is never closed");
      }
      if (s_[i_] != '"') {
        // Copy the run up to the next quote in one go; line breaks inside are data.
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != '"') Advance();
        out.append(s_.substr(start, i_ - start));
        continue;
      }
      Advance();
      if (i_ < s_.size() && s_[i_] == '"') {  // "" is one quote
        out.push_back('"');
        Advance();
        continue;
      }
      if (i_ < s_.size() && s_[i_] != ',' && !AtLineEnd()) {
        return Status::InvalidArgument(At(pos_) + ": unexpected text after a closing quote");
      }
      return Status::Ok();
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  Position pos_;
};

}  // namespace

Result<std::vector<CsvRecord>> ParseCsvRecords(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  STIO_RETURN_IF_ERROR(CheckEncoding(text));
  return Parser(text).Run();
}

Result<CsvTable> ParseCsv(std::string_view text) {
  STIO_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsvRecords(text));
  CsvTable table;
  if (records.empty()) return table;
  table.header = std::move(records.front().fields);
  table.header_line = records.front().line;
  table.rows.assign(std::make_move_iterator(records.begin() + 1),
                    std::make_move_iterator(records.end()));
  return table;
}

std::string CsvEscape(std::string_view field) {
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs_quotes) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string WriteCsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out.push_back(',');
    out += CsvEscape(fields[k]);
  }
  // A record of one empty field would read back as a blank line (skipped): quote it.
  if (fields.size() == 1 && fields[0].empty()) out = "\"\"";
  out += "\r\n";
  return out;
}

std::string CsvGuardFormula(std::string_view field) {
  if (!field.empty() &&
      std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) {
    return "'" + std::string(field);
  }
  return std::string(field);
}

}  // namespace stio
