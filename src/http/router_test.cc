#include "http/router.h"

#include <gtest/gtest.h>

namespace stio::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

std::string Call(const Router& router, std::string method, std::string target,
                 bool* path_matched = nullptr, Request* out = nullptr) {
  Request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.path = PercentDecode(std::string_view(req.target).substr(0, req.target.find('?')));
  bool matched = false;
  const Handler* h = router.Match(req, &matched);
  if (path_matched != nullptr) *path_matched = matched;
  std::string result = h == nullptr ? "<none>" : (*h)(req).body;
  if (out != nullptr) *out = req;
  return result;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/organizations/{id}", Named("get-org"));
    router_.Add("GET", "/api/v1/organizations", Named("list-orgs"));
    router_.Add("POST", "/api/v1/organizations", Named("create-org"));
    router_.Add("PATCH", "/api/v1/organizations/{id}", Named("patch-org"));
    router_.Add("GET", "/api/v1/admin-units/{code}", Named("unit"));
    router_.Add("GET", "/api/v1/admin-units/convert", Named("convert"));
    router_.Add("POST", "/api/v1/certificates/{id}/events", Named("cert-event"));
    router_.Add("GET", "/static/{path...}", Named("static"));
    router_.Add("GET", "/", Named("root"));
  }
  Router router_;
};

TEST_F(RouterTest, LiteralsAndParams) {
  Request req;
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations"), "list-orgs");
  EXPECT_EQ(Call(router_, "POST", "/api/v1/organizations"), "create-org");
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations/42", nullptr, &req), "get-org");
  EXPECT_EQ(req.params.at("id"), "42");
  EXPECT_EQ(Call(router_, "POST", "/api/v1/certificates/7/events", nullptr, &req), "cert-event");
  EXPECT_EQ(req.params.at("id"), "7");
  EXPECT_EQ(Call(router_, "GET", "/"), "root");
}

TEST_F(RouterTest, QueryStringIsIgnoredAndTrailingSlashTolerated) {
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations?q=x&limit=5"), "list-orgs");
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations/"), "list-orgs");
}

TEST_F(RouterTest, LiteralBeatsParamWhateverTheOrder) {
  Request req;
  EXPECT_EQ(Call(router_, "GET", "/api/v1/admin-units/convert?old_code=01"), "convert");
  EXPECT_EQ(Call(router_, "GET", "/api/v1/admin-units/01", nullptr, &req), "unit");
  EXPECT_EQ(req.params.at("code"), "01");
}

TEST_F(RouterTest, ParamsArePercentDecodedPerSegment) {
  Request req;
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations/a%2Fb%20c", nullptr, &req), "get-org");
  EXPECT_EQ(req.params.at("id"), "a/b c");
}

TEST_F(RouterTest, CatchAll) {
  Request req;
  EXPECT_EQ(Call(router_, "GET", "/static/js/app.js", nullptr, &req), "static");
  EXPECT_EQ(req.params.at("path"), "js/app.js");
  EXPECT_EQ(Call(router_, "GET", "/static/", nullptr, &req), "static");
  EXPECT_EQ(req.params.at("path"), "");
}

TEST_F(RouterTest, NotFoundVersusMethodNotAllowed) {
  bool matched = true;
  EXPECT_EQ(Call(router_, "GET", "/api/v1/nothing", &matched), "<none>");
  EXPECT_FALSE(matched);
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations/1/extra", &matched), "<none>");
  EXPECT_FALSE(matched);
  EXPECT_EQ(Call(router_, "DELETE", "/api/v1/organizations/1", &matched), "<none>");
  EXPECT_TRUE(matched);  // -> 405
  EXPECT_EQ(Call(router_, "PUT", "/api/v1/organizations", &matched), "<none>");
  EXPECT_TRUE(matched);
  EXPECT_EQ(Call(router_, "GET", "/api/v1/organizations", &matched), "list-orgs");
  EXPECT_TRUE(matched);
}

TEST_F(RouterTest, NullPathMatchedIsAllowedAndRoutesAreListed) {
  Request req;
  req.method = "GET";
  req.path = "/api/v1/organizations";  // no target: requests built by hand
  ASSERT_NE(router_.Match(req, nullptr), nullptr);
  EXPECT_EQ(router_.routes().size(), 9u);
  EXPECT_EQ(router_.routes()[0].pattern, "/api/v1/organizations/{id}");
}

TEST_F(RouterTest, HostilePathsDoNotCrash) {
  for (const char* target : {"", "/", "//", "/%", "/%zz/..", "/../../etc/passwd", "/static",
                             "/api/v1/organizations/%", "?only=query", "/a?b?c", "/{id}"}) {
    bool matched;
    (void)Call(router_, "GET", target, &matched);
  }
}

}  // namespace
}  // namespace stio::http
