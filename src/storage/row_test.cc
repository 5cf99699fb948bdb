#include <gtest/gtest.h>

#include <stdexcept>

#include "storage/database.h"

namespace stio::storage {
namespace {

Row MakeRow() {
  auto cols = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"id", "score", "name", "note", "data"});
  return Row(cols, {int64_t{7}, 2.5, std::string("Hà Nội"), Null{}, Blob{std::string("\0x", 2)}});
}

TEST(RowTest, LooksUpColumnsByName) {
  Row row = MakeRow();
  EXPECT_EQ(row.size(), 5u);
  EXPECT_EQ(row.at("id"), Value(int64_t{7}));
  EXPECT_EQ(row.at(2), Value(std::string("Hà Nội")));
  EXPECT_THROW(row.at("missing"), std::out_of_range);
  EXPECT_THROW(row.at(9), std::out_of_range);
  EXPECT_TRUE(row.IsNull("note"));
  EXPECT_FALSE(row.IsNull("name"));
  EXPECT_EQ(row.columns().size(), 5u);
}

TEST(RowTest, TypedAccessors) {
  Row row = MakeRow();
  EXPECT_EQ(row.Int("id"), 7);
  EXPECT_EQ(row.Real("id"), 7.0);  // INTEGER read as REAL converts
  EXPECT_EQ(row.Real("score"), 2.5);
  EXPECT_EQ(row.Text("name"), "Hà Nội");
  EXPECT_EQ(row.Int("note", -1), -1);
  EXPECT_EQ(row.Text("note", "?"), "?");
  EXPECT_EQ(row.OptInt("note"), std::nullopt);
  EXPECT_EQ(row.OptReal("note"), std::nullopt);
  EXPECT_EQ(row.OptText("note"), std::nullopt);
  EXPECT_EQ(row.OptText("data"), std::string("\0x", 2));
}

TEST(RowTest, TypeMismatchIsAProgrammingError) {
  Row row = MakeRow();
  EXPECT_THROW(row.Int("name"), std::logic_error);
  EXPECT_THROW(row.Int("score"), std::logic_error);
  EXPECT_THROW(row.Text("id"), std::logic_error);
}

TEST(RowTest, DefaultRowIsEmpty) {
  Row row;
  EXPECT_EQ(row.size(), 0u);
  EXPECT_TRUE(row.columns().empty());
  EXPECT_THROW(row.at("x"), std::out_of_range);
}

}  // namespace
}  // namespace stio::storage
