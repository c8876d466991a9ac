// GET / and its assets as the router answers them: policy, caching, ETags,
// open without an API key; and the score endpoint's CSV form. The page's
// behaviour in a browser is tests/browser/page_test.py.

#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "router.hpp"
#include "web_assets.hpp"

namespace psyscore::service {
namespace {

ServiceState& state_with(std::vector<std::string> keys = {}) {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static std::vector<std::unique_ptr<ServiceState>> states;
  states.push_back(std::make_unique<ServiceState>(registry, test::source_dir() / "instruments", ServiceLimits{},
                                                  std::move(keys), std::vector<std::string>{}));
  return *states.back();
}

ApiResponse get(const ServiceState& state, std::string target, std::string if_none_match = {}) {
  ApiRequest request;
  request.method = "GET";
  request.target = std::move(target);
  request.if_none_match = std::move(if_none_match);
  return handle(state, std::move(request));
}

std::string header(const ApiResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return {};
}

// The /assets/ paths the page names.
std::vector<std::string> assets_named_by(const std::string& page) {
  std::vector<std::string> paths;
  const std::regex reference(R"re("(/assets/[^"]+)")re");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), reference); it != std::sregex_iterator(); ++it) {
    paths.push_back((*it)[1]);
  }
  return paths;
}

TEST(Web, ThePageAndEveryAssetItNamesAreServedWithTheirPolicyAndCaching) {
  const ServiceState& state = state_with();
  const auto page = get(state, "/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.route, "/");
  EXPECT_EQ(header(page, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(page, "Content-Security-Policy").rfind("default-src 'self';", 0), 0u);
  EXPECT_EQ(header(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(header(page, "ETag").empty());

  const auto paths = assets_named_by(page.body);
  ASSERT_EQ(paths.size(), web_assets().size() - 1) << page.body;
  for (const auto& path : paths) {
    const auto asset = get(state, path);
    ASSERT_EQ(asset.status, 200) << path;
    EXPECT_EQ(asset.route, "/assets/{name}") << path;
    EXPECT_EQ(header(asset, "Cache-Control"), "public, max-age=31536000, immutable") << path;
    // The name carries the first 16 hex digits of the SHA-256 of the bytes.
    EXPECT_NE(path.find("." + header(asset, "ETag").substr(1, 16) + "."), std::string::npos) << path;
    const std::string policy = header(asset, "Content-Security-Policy");
    if (path.find("/assets/report-frame.") == 0) {
      // The report's inline styles, and nothing else: no script, nothing loaded.
      EXPECT_EQ(policy.rfind("default-src 'none'; style-src 'unsafe-inline';", 0), 0u) << policy;
      EXPECT_EQ(policy.find("script-src"), std::string::npos) << policy;
    } else {
      EXPECT_EQ(policy.rfind("default-src 'self';", 0), 0u) << path;
    }
  }
}

TEST(Web, NothingComesFromAnotherOriginAndNothingIsInline) {
  for (const WebAsset& asset : web_assets()) {
    // An SVG's namespace is a name, not something loaded.
    const std::string body = std::regex_replace(std::string(asset.body), std::regex(R"re( xmlns="[^"]*")re"), "");
    EXPECT_EQ(body.find("http://"), std::string::npos) << asset.path;
    EXPECT_EQ(body.find("https://"), std::string::npos) << asset.path;
    if (asset.content_type.starts_with("text/html")) {
      EXPECT_EQ(body.find("<style"), std::string::npos) << asset.path;
      EXPECT_EQ(body.find(" style="), std::string::npos) << asset.path;
      EXPECT_FALSE(std::regex_search(body, std::regex("<script(?![^>]*\\bsrc=)"))) << asset.path;
      EXPECT_FALSE(std::regex_search(body, std::regex(" on[a-z]+="))) << asset.path;
    }
  }
}

TEST(Web, IfNoneMatchGivesNotModified) {
  const ServiceState& state = state_with();
  const std::string etag = header(get(state, "/"), "ETag");
  struct Case {
    std::string if_none_match;
    int status;
  };
  for (const auto& [given, status] : std::vector<Case>{
           {etag, 304}, {"W/" + etag, 304}, {"\"other\", " + etag, 304}, {"*", 304}, {"\"other\"", 200}, {"", 200}}) {
    const auto response = get(state, "/", given);
    EXPECT_EQ(response.status, status) << given;
    EXPECT_EQ(header(response, "ETag"), etag) << given;
    if (status == 304) {
      EXPECT_TRUE(response.body.empty()) << given;
      EXPECT_TRUE(response.content_type.empty()) << given;
    }
  }
}

TEST(Web, ThePageIsOpenWithApiKeysAndTheApiIsNot) {
  const ServiceState& state = state_with({"s3cret-key"});
  const auto page = get(state, "/");
  EXPECT_EQ(page.status, 200);
  for (const auto& path : assets_named_by(page.body)) EXPECT_EQ(get(state, path).status, 200) << path;
  EXPECT_EQ(get(state, "/v1/instruments").status, 401);
  EXPECT_EQ(get(state, "/openapi.json").status, 401);
}

TEST(Web, UnknownAssetsAndOtherMethods) {
  const ServiceState& state = state_with();
  const auto missing = get(state, "/assets/app.0000000000000000.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_EQ(get(state, "/assets/").status, 404);
  ApiRequest post;
  post.method = "POST";
  post.target = "/";
  const auto response = handle(state, std::move(post));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(header(response, "Allow"), "GET");
}

TEST(Web, TheScoreEndpointAnswersCsvWhenAcceptAsksForIt) {
  const ServiceState& state = state_with();
  const std::string body =
      R"({"responses": [{"id": "p1", "answers": {"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2}},
                                             {"id": "p,2", "answers": {"1": 9}}]})";
  // As `psyscore score -i gad-7 --format csv` writes the same answers.
  const std::string csv =
      "id,total,total_answered,total_band,errors\np1,9,7,mild,\n\"p,2\",,,,"
      "\"answer 9 to item \"\"1\"\" is outside its scale 0..3\"\n";
  struct Case {
    std::string accept;
    bool csv;
  };
  for (const auto& [accept, wants_csv] : std::vector<Case>{{"text/csv", true},
                                                           {"text/csv; charset=utf-8", true},
                                                           {"TEXT/CSV", true},
                                                           {"application/json;q=0.5, text/csv", true},
                                                           {"", false},
                                                           {"application/json", false},
                                                           {"*/*", false},
                                                           {"text/csv;q=0.5, application/json", false},
                                                           {"text/csv;q=0", false},
                                                           {"text/html", false}}) {
    ApiRequest request;
    request.method = "POST";
    request.target = "/v1/instruments/gad-7/score";
    request.content_type = "application/json";
    request.accept = accept;
    request.body = body;
    const auto response = handle(state, std::move(request));
    ASSERT_EQ(response.status, 200) << accept << response.body;
    EXPECT_EQ(response.content_type, wants_csv ? "text/csv; charset=utf-8" : "application/json") << accept;
    if (wants_csv) {
      EXPECT_EQ(response.body, csv) << accept;
    }
  }
}

}  // namespace
}  // namespace psyscore::service
