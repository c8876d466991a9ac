// POST /v1/instruments/{id}/waves and /v1/waves through the router: JSON and
// long CSV bodies give the same result, the inline route the registry's, and
// every bad form its status and pointer (CSV: line and column). No sockets.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "router.hpp"

namespace psyscore::service {
namespace {

namespace json = boost::json;

const ServiceState& state() {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static ServiceLimits limits = [] {
    ServiceLimits l;
    l.max_body_bytes = 1 << 20;
    l.max_respondents = 50;
    return l;
  }();
  static ServiceState shared(registry, test::source_dir() / "instruments", limits, {}, {});
  return shared;
}

ApiResponse call(std::string target, std::string body, std::string content_type = "application/json") {
  ApiRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return handle(state(), std::move(request));
}

// GAD-7 answers (0..3) for respondent `id`, shifted by `shift` and clamped.
std::string answers(int base, int shift) {
  std::string out = "{";
  for (int item = 1; item <= 7; ++item) {
    const int value = std::max(0, std::min(3, (base + item) % 4 - shift));
    out += (item > 1 ? ", " : "") + std::string("\"") + std::to_string(item) + "\": " + std::to_string(value);
  }
  return out + "}";
}

struct Study {
  std::string json;
  std::string csv;
};

// Eight respondents at three waves; p8 misses the second.
Study study() {
  const char* names[] = {"baseline", "6m", "10m"};
  Study s;
  s.json = R"({"waves": [)";
  s.csv = "id,wave,1,2,3,4,5,6,7\n";
  for (int w = 0; w < 3; ++w) {
    s.json += std::string(w ? ", " : "") + R"({"name": ")" + names[w] + R"(", "responses": [)";
    bool first = true;
    for (int p = 1; p <= 8; ++p) {
      if (p == 8 && w == 1) continue;
      const std::string a = answers(p, w);
      s.json += std::string(first ? "" : ", ") + R"({"id": "p)" + std::to_string(p) + R"(", "answers": )" + a + "}";
      first = false;
      json::object parsed = json::parse(a).as_object();
      s.csv += "p" + std::to_string(p) + "," + names[w];
      for (int item = 1; item <= 7; ++item) s.csv += "," + std::to_string(parsed.at(std::to_string(item)).as_int64());
      s.csv += "\n";
    }
    s.json += "]}";
  }
  s.json += "]}";
  return s;
}

TEST(WavesEndpoint, JsonCsvAndInlineAgree) {
  const Study s = study();
  const auto from_json = call("/v1/instruments/gad-7/waves", s.json);
  ASSERT_EQ(from_json.status, 200) << from_json.body;
  EXPECT_EQ(from_json.route, "/v1/instruments/{id}/waves");
  EXPECT_EQ(from_json.respondents, 23u);
  const json::value result = json::parse(from_json.body);
  const auto& subscale = result.at("subscales").at(0);
  EXPECT_EQ(subscale.at("waves").as_array().size(), 3u);
  EXPECT_EQ(subscale.at("friedman").at("n").as_int64(), 7);
  EXPECT_EQ(subscale.at("pairwise_wilcoxon").as_array().size(), 3u);
  EXPECT_EQ(subscale.at("mixed_model").at("n_obs").as_int64(), 23);
  EXPECT_EQ(subscale.at("mixed_model").at("n_respondents").as_int64(), 8);

  const auto from_csv = call("/v1/instruments/gad-7/waves?wave_column=wave", s.csv, "text/csv");
  ASSERT_EQ(from_csv.status, 200) << from_csv.body;
  EXPECT_EQ(from_csv.body, from_json.body);

  const std::string definition = test::read_text(test::source_dir() / "instruments" / "gad-7.json");
  const auto from_inline = call("/v1/waves", R"({"instrument": )" + definition + ", " + s.json.substr(1));
  ASSERT_EQ(from_inline.status, 200) << from_inline.body;
  EXPECT_EQ(from_inline.body, from_json.body);

  const auto with_hlm = call("/v1/instruments/gad-7/waves",
                             s.json.substr(0, s.json.size() - 1) +
                                 R"(, "options": {"ci_level": 0.9, "clinical_significance": {"rci_method": "hlm"}}})");
  ASSERT_EQ(with_hlm.status, 200) << with_hlm.body;
  const json::value hlm = json::parse(with_hlm.body);
  EXPECT_EQ(hlm.at("ci_level").as_double(), 0.9);
  EXPECT_TRUE(hlm.at("subscales").at(0).as_object().contains("rci"));
}

TEST(WavesEndpoint, BadRequestsGetTheirStatusAndPointer) {
  const Study s = study();
  const std::string url = "/v1/instruments/gad-7/waves";
  const std::string one = R"({"id": "p1", "answers": {"1": 1}})";
  struct Case {
    const char* name;
    std::string target, body, content_type;
    int status;
    const char* pointer;  // nullptr: not checked
    int line;             // 0: not checked
    int column;
  };
  const Case cases[] = {
      {"no waves", url, "{}", "application/json", 400, "/waves", 0, 0},
      {"waves not an array", url, R"({"waves": {}})", "application/json", 400, "/waves", 0, 0},
      {"one wave", url, R"({"waves": [{"name": "a", "responses": [)" + one + "]}]}", "application/json", 422, "/waves",
       0, 0},
      {"repeated wave name", url,
       R"({"waves": [{"name": "a", "responses": [)" + one + R"(]}, {"name": "a", "responses": [)" + one + "]}]}",
       "application/json", 422, "/waves/1/name", 0, 0},
      {"respondent repeated within a wave", url,
       R"({"waves": [{"name": "a", "responses": [)" + one + R"(]}, {"name": "b", "responses": [)" + one + "," + one +
           "]}]}",
       "application/json", 422, "/waves/1/responses/1/id", 0, 0},
      {"wave without a name", url, R"({"waves": [{"responses": []}, {"name": "b", "responses": []}]})",
       "application/json", 400, "/waves/0/name", 0, 0},
      {"unknown key in a wave", url, R"({"waves": [{"name": "a", "responses": [], "when": 1}]})", "application/json",
       400, "/waves/0/when", 0, 0},
      {"bad ci_level", url, s.json.substr(0, s.json.size() - 1) + R"(, "options": {"ci_level": 2}})",
       "application/json", 422, "/options/ci_level", 0, 0},
      {"unknown option", url, s.json.substr(0, s.json.size() - 1) + R"(, "options": {"level": 2}})", "application/json",
       400, "/options/level", 0, 0},
      {"pre/post rci method", url,
       s.json.substr(0, s.json.size() - 1) + R"(, "options": {"clinical_significance": {"rci_method": "jt"}}})",
       "application/json", 422, "/options/clinical_significance/rci_method", 0, 0},
      {"unknown subscale", url, s.json.substr(0, s.json.size() - 1) + R"(, "options": {"subscales": ["EE"]}})",
       "application/json", 422, "/options/subscales/0", 0, 0},
      {"CSV without wave_column", url, s.csv, "text/csv", 400, nullptr, 0, 0},
      {"CSV without the wave column", url + "?wave_column=time", s.csv, "text/csv", 400, nullptr, 0, 0},
      {"CSV respondent repeated within a wave", url + "?wave_column=wave",
       "id,wave,1,2,3,4,5,6,7\np1,a,1,1,1,1,1,1,1\np1,b,1,1,1,1,1,1,1\np1,a,2,2,2,2,2,2,2\n", "text/csv", 422, "", 4,
       1},
      {"CSV wave not in wave_order", url + "?wave_column=wave&wave_order=a,b",
       "id,wave,1,2,3,4,5,6,7\np1,a,1,1,1,1,1,1,1\np1,b,1,1,1,1,1,1,1\np1,c,2,2,2,2,2,2,2\n", "text/csv", 422, "", 4,
       2},
      {"CSV one wave", url + "?wave_column=wave", "id,wave,1,2,3,4,5,6,7\np1,a,1,1,1,1,1,1,1\n", "text/csv", 422,
       "/waves", 0, 0},
      {"CSV listed wave without rows", url + "?wave_column=wave&wave_order=a,b,c",
       "id,wave,1,2,3,4,5,6,7\np1,a,1,1,1,1,1,1,1\np1,b,1,1,1,1,1,1,1\n", "text/csv", 422, "", 0, 0},
      {"CSV unknown parameter", url + "?wave_column=wave&group_column=x", s.csv, "text/csv", 400, nullptr, 0, 0},
  };
  for (const Case& c : cases) {
    const auto response = call(c.target, c.body, c.content_type);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json") << c.name;
    json::value problem;
    try {
      problem = json::parse(response.body);
    } catch (const std::exception&) {
      ADD_FAILURE() << c.name << ": body is not JSON: " << response.body;
      continue;
    }
    if (!c.pointer) continue;
    const auto& errors = problem.at("errors").as_array();
    ASSERT_FALSE(errors.empty()) << c.name << ": " << response.body;
    EXPECT_EQ(errors[0].at("pointer").as_string(), c.pointer) << c.name << ": " << response.body;
    if (c.line > 0) {
      EXPECT_EQ(errors[0].at("line").as_int64(), c.line) << c.name << ": " << response.body;
      EXPECT_EQ(errors[0].at("column").as_int64(), c.column) << c.name << ": " << response.body;
    }
  }
}

}  // namespace
}  // namespace psyscore::service
