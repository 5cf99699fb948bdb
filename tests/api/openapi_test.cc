// The OpenAPI document served at /api/v1/openapi.json describes exactly the routes of routes.cc.
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/api_fixture.h"
#include "domain/policy.h"

namespace stio::apitest {
namespace {

constexpr const char* kMethods[] = {"get",     "put",  "post",  "delete",
                                    "options", "head", "patch", "trace"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class OpenApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    HttpResponse res = Call(Who::kPublic, "GET", "/api/v1/openapi.json");
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.Header("content-type").rfind("application/json", 0), 0u);
    doc_ = json::parse(res.body, nullptr, false);
    ASSERT_TRUE(doc_.is_object()) << "openapi.json is not a JSON object";
  }
  json doc_;
};

TEST_F(OpenApiTest, IsOpenApi31WithInfo) {
  ASSERT_TRUE(doc_["openapi"].is_string());
  EXPECT_EQ(doc_["openapi"].get<std::string>().rfind("3.1", 0), 0u) << doc_["openapi"];
  EXPECT_TRUE(doc_["info"]["title"].is_string());
  EXPECT_TRUE(doc_["info"]["version"].is_string());
  ASSERT_TRUE(doc_["paths"].is_object());
  // The served document is the compiled-in one.
  EXPECT_EQ(json::parse(api::Api::OpenApiJson()), doc_);
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  for (const auto& r : api().routes()) {
    SCOPED_TRACE(r.method + " " + r.pattern);
    ASSERT_TRUE(doc_["paths"].contains(r.pattern)) << "path missing from openapi.json";
    EXPECT_TRUE(doc_["paths"][r.pattern].contains(Lower(r.method)))
        << "method missing from openapi.json";
  }
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsARoute) {
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& r : api().routes()) routes.insert({Lower(r.method), r.pattern});
  int operations = 0;
  for (const auto& [path, item] : doc_["paths"].items()) {
    for (const auto& [key, op] : item.items()) {
      (void)op;
      if (std::find(std::begin(kMethods), std::end(kMethods), key) == std::end(kMethods)) continue;
      ++operations;
      EXPECT_TRUE(routes.count({key, path})) << "documented but not served: " << key << " " << path;
    }
  }
  EXPECT_EQ(operations, static_cast<int>(api().routes().size()));
}

TEST_F(OpenApiTest, OperationsHaveSummaryResponsesAndPathParameters) {
  const std::regex param(R"(\{([a-z_]+)\})");
  for (const auto& r : api().routes()) {
    SCOPED_TRACE(r.method + " " + r.pattern);
    json op = doc_["paths"].value(r.pattern, json::object()).value(Lower(r.method), json());
    ASSERT_TRUE(op.is_object());
    ASSERT_TRUE(op["summary"].is_string());
    EXPECT_FALSE(op["summary"].get<std::string>().empty());
    ASSERT_TRUE(op["responses"].is_object());
    EXPECT_FALSE(op["responses"].empty());
    bool has_success = false;
    for (const auto& [code, resp] : op["responses"].items()) {
      (void)resp;
      if (!code.empty() && code[0] == '2') has_success = true;
    }
    EXPECT_TRUE(has_success) << "no 2xx response documented";
    if (r.gate != domain::Permission::kReadPublic) {
      EXPECT_TRUE(op["responses"].contains("401")) << "a signed-in route without a 401";
    }
    // Every {param} of the path is declared (on the operation or the path item).
    std::set<std::string> declared;
    const json lists[] = {
        op.value("parameters", json::array()),
        doc_["paths"].value(r.pattern, json::object()).value("parameters", json::array())};
    for (const json& list : lists) {
      if (!list.is_array()) continue;
      for (const json& p : list) {
        if (p.value("in", "") == "path") {
          EXPECT_TRUE(p.value("required", false)) << p;
          declared.insert(p.value("name", ""));
        }
      }
    }
    for (std::sregex_iterator it(r.pattern.begin(), r.pattern.end(), param), end; it != end; ++it) {
      EXPECT_TRUE(declared.count((*it)[1].str())) << "path parameter not declared: " << (*it)[1];
    }
  }
}

// Every local $ref points at something that exists.
TEST_F(OpenApiTest, ReferencesResolve) {
  int refs = 0;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref" && v.is_string()) {
          ++refs;
          const std::string ref = v;
          ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
          EXPECT_TRUE(doc_.contains(json::json_pointer(ref.substr(1)))) << "dangling " << ref;
        } else {
          walk(v);
        }
      }
    } else if (j.is_array()) {
      for (const json& v : j) walk(v);
    }
  };
  walk(doc_);
  EXPECT_GT(refs, 0);
}

// Every list documented with a page size refuses one outside the documented range (and a negative
// offset) with a problem naming the parameter: a list that forgot to check its paging (SQLite reads
// LIMIT -1 as "no limit") fails here.
TEST_F(OpenApiTest, ListsRefusePagingOutsideTheDocumentedRange) {
  int lists = 0;
  for (const auto& [path, ops] : doc_["paths"].items()) {
    if (!ops.contains("get") || path.find('{') != std::string::npos) continue;
    for (const json& p : ops["get"].value("parameters", json::array())) {
      const std::string name = p.value("name", "");
      if (p.value("in", "") != "query" || (name != "limit" && name != "offset")) continue;
      const json& schema = p["schema"];
      std::set<int64_t> bad = {-1};  // also for a page size: LIMIT -1 is "no limit" in SQLite
      if (schema.contains("minimum")) bad.insert(schema["minimum"].get<int64_t>() - 1);
      if (schema.contains("maximum")) bad.insert(schema["maximum"].get<int64_t>() + 1);
      if (name == "limit") {
        ++lists;
        EXPECT_TRUE(schema.contains("minimum") && schema.contains("maximum")) << path;
      }
      for (int64_t v : bad) {
        const std::string url = path + "?" + name + "=" + std::to_string(v);
        EXPECT_TRUE(IsProblem(Call(Who::kAdmin, "GET", url), 400, name)) << url;
      }
    }
  }
  EXPECT_GE(lists, 20);
}

}  // namespace
}  // namespace stio::apitest
