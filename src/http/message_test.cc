#include "http/message.h"

#include <gtest/gtest.h>

#include <random>

namespace stio::http {
namespace {

TEST(HeadersTest, CaseInsensitiveSetAndAdd) {
  Headers h;
  h.Set("Content-Type", "text/plain");
  EXPECT_EQ(h.Get("content-type"), "text/plain");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "text/plain");
  h.Set("content-TYPE", "application/json");
  EXPECT_EQ(h.Get("Content-Type"), "application/json");
  EXPECT_EQ(h.all().size(), 1u);
  h.Add("Set-Cookie", "a=1");
  h.Add("Set-Cookie", "b=2");
  EXPECT_EQ(h.all().size(), 3u);
  EXPECT_EQ(h.Get("set-cookie"), "a=1");
  EXPECT_FALSE(h.Get("x-missing").has_value());
}

TEST(RequestTest, QueryAndCookie) {
  Request req;
  req.query = ParseQuery("a=1&a=2&b=x%20y");
  EXPECT_EQ(req.Query("a"), "1");
  EXPECT_EQ(req.Query("b"), "x y");
  EXPECT_FALSE(req.Query("c").has_value());

  req.headers.Add("Cookie", "theme=dark; stio_session=abc123 ;x=\"quoted\"");
  req.headers.Add("Cookie", "late=1");
  EXPECT_EQ(req.Cookie("stio_session"), "abc123");
  EXPECT_EQ(req.Cookie("x"), "quoted");
  EXPECT_EQ(req.Cookie("late"), "1");
  EXPECT_FALSE(req.Cookie("stio").has_value());
  EXPECT_FALSE(req.Cookie("missing").has_value());
}

TEST(ResponseTest, JsonAndText) {
  Response j = Response::Json(201, "{}");
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.headers.Get("content-type"), "application/json");
  EXPECT_EQ(j.body, "{}");
  Response t = Response::Text(200, "hi");
  EXPECT_EQ(t.headers.Get("Content-Type"), "text/plain; charset=utf-8");
  Response c = Response::Text(200, "# HELP", "text/plain; version=0.0.4");
  EXPECT_EQ(c.headers.Get("content-type"), "text/plain; version=0.0.4");
}

TEST(PercentDecodeTest, DecodesValidEscapes) {
  EXPECT_EQ(PercentDecode("a%20b"), "a b");
  EXPECT_EQ(PercentDecode("%41%42%43"), "ABC");
  EXPECT_EQ(PercentDecode("%e1%BA%A1"), "\xE1\xBA\xA1");  // "ạ" in UTF-8
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", /*plus_as_space=*/true), "a b");
  EXPECT_EQ(PercentDecode("%2F"), "/");
}

TEST(PercentDecodeTest, KeepsInvalidEscapesLiteral) {
  EXPECT_EQ(PercentDecode("%"), "%");
  EXPECT_EQ(PercentDecode("%%"), "%%");
  EXPECT_EQ(PercentDecode("abc%"), "abc%");
  EXPECT_EQ(PercentDecode("abc%4"), "abc%4");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentDecode("%4g"), "%4g");
  EXPECT_EQ(PercentDecode("%%41"), "%A");
  EXPECT_EQ(PercentDecode(""), "");
  // NUL bytes are decoded, not truncated: handlers validate their inputs.
  EXPECT_EQ(PercentDecode("a%00b"), std::string("a\0b", 3));
}

TEST(ParseQueryTest, Basic) {
  auto q = ParseQuery("q=thanh+hoa&limit=10&sort=-name&level=province");
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.find("q")->second, "thanh hoa");
  EXPECT_EQ(q.find("sort")->second, "-name");
  auto vi = ParseQuery("q=Thanh%20H%C3%B3a");
  EXPECT_EQ(vi.find("q")->second,
            "Thanh H\xC3\xB3"
            "a");
}

TEST(ParseQueryTest, HostileInput) {
  EXPECT_TRUE(ParseQuery("").empty());
  EXPECT_TRUE(ParseQuery("&&&").empty());
  EXPECT_TRUE(ParseQuery("=").empty());
  EXPECT_TRUE(ParseQuery("=value").empty());
  auto q = ParseQuery("?a&b=&c==d&%=%&e=%ZZ&f=1#frag&g=2");
  EXPECT_EQ(q.find("a")->second, "");
  EXPECT_EQ(q.find("b")->second, "");
  EXPECT_EQ(q.find("c")->second, "=d");
  EXPECT_EQ(q.find("%")->second, "%");
  EXPECT_EQ(q.find("e")->second, "%ZZ");
  EXPECT_EQ(q.find("f")->second, "1");
  EXPECT_EQ(q.count("g"), 0u);  // after the fragment
  auto dup = ParseQuery("x=1&x=2&x=3");
  EXPECT_EQ(dup.count("x"), 3u);
  EXPECT_EQ(dup.find("x")->second, "1");  // multimap keeps insertion order for equal keys
}

TEST(ParseQueryTest, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string alphabet = "%=&+#?abcXYZ0129fF\x00\xff\xc3\xa1 ";
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 40, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    auto q = ParseQuery(s);
    for (const auto& [k, v] : q) EXPECT_FALSE(k.empty());
    (void)PercentDecode(s, (i & 1) != 0);
  }
}

}  // namespace
}  // namespace stio::http
