// Row: name lookup and typed accessors over the Values a backend read.
#include <stdexcept>
#include <string>

#include "storage/database.h"

namespace stio::storage {
namespace {

std::string_view TypeName(const Value& v) {
  switch (v.index()) {
    case 0:
      return "NULL";
    case 1:
      return "INTEGER";
    case 2:
      return "REAL";
    case 3:
      return "TEXT";
    default:
      return "BLOB";
  }
}

// A type mismatch is a programming error (the SQL and the accessor disagree), like a missing
// column, so it throws rather than returning a Status.
[[noreturn]] void ThrowMismatch(std::string_view column, const Value& v, std::string_view want) {
  throw std::logic_error("column '" + std::string(column) + "' holds " + std::string(TypeName(v)) +
                         ", read as " + std::string(want));
}

}  // namespace

const std::vector<std::string>& Row::columns() const {
  static const std::vector<std::string> kNone;
  return columns_ ? *columns_ : kNone;
}

const Value& Row::at(std::string_view column) const {
  const std::vector<std::string>& names = columns();
  // Rows are narrow (a handful of columns), so a linear scan beats building a map per result.
  for (size_t i = 0; i < names.size() && i < values_.size(); ++i) {
    if (names[i] == column) return values_[i];
  }
  throw std::out_of_range("no column '" + std::string(column) + "' in this row");
}

int64_t Row::Int(std::string_view column, int64_t if_null) const {
  return OptInt(column).value_or(if_null);
}

double Row::Real(std::string_view column, double if_null) const {
  return OptReal(column).value_or(if_null);
}

std::string Row::Text(std::string_view column, std::string if_null) const {
  std::optional<std::string> v = OptText(column);
  return v ? std::move(*v) : std::move(if_null);
}

std::optional<int64_t> Row::OptInt(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<Null>(v)) return std::nullopt;
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  ThrowMismatch(column, v, "INTEGER");
}

std::optional<double> Row::OptReal(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<Null>(v)) return std::nullopt;
  if (const double* d = std::get_if<double>(&v)) return *d;
  // SQLite stores 2.0 in a REAL column as an integer on disk and may hand it back as INTEGER.
  if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  ThrowMismatch(column, v, "REAL");
}

std::optional<std::string> Row::OptText(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<Null>(v)) return std::nullopt;
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  if (const Blob* b = std::get_if<Blob>(&v)) return b->bytes;
  ThrowMismatch(column, v, "TEXT");
}

}  // namespace stio::storage
