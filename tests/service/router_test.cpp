// The API as a function: every route's success path and a table of bad
// requests, each with its status and problem pointer. No sockets.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "router.hpp"

namespace psyscore::service {
namespace {

namespace json = boost::json;

ServiceState& state_with(std::vector<std::string> keys = {}, std::vector<std::string> origins = {}) {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static std::vector<std::unique_ptr<ServiceState>> states;
  ServiceLimits limits;
  limits.max_body_bytes = 1 << 20;
  limits.max_respondents = 50;
  limits.max_bootstrap_iterations = 5000;
  states.push_back(std::make_unique<ServiceState>(registry, test::source_dir() / "instruments", limits, std::move(keys),
                                                  std::move(origins)));
  return *states.back();
}

ApiResponse call(const ServiceState& state, std::string method, std::string target, std::string body = {},
                 std::string content_type = "application/json") {
  ApiRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  if (!request.body.empty()) request.content_type = std::move(content_type);
  return handle(state, std::move(request));
}

const std::string kGad7Answers = R"({"1": 1, "2": 2, "3": 0, "4": 3, "5": 1, "6": 0, "7": 2})";

TEST(Router, ScoresJsonAndCsvAlike) {
  const ServiceState& state = state_with();
  const auto from_json = call(state, "POST", "/v1/instruments/gad-7/score",
                              R"({"responses": [{"id": "p1", "answers": )" + kGad7Answers + "}]}");
  ASSERT_EQ(from_json.status, 200) << from_json.body;
  EXPECT_EQ(from_json.content_type, "application/json");
  EXPECT_EQ(from_json.route, "/v1/instruments/{id}/score");
  EXPECT_EQ(from_json.respondents, 1u);
  const auto from_csv = call(state, "POST", "/v1/instruments/gad-7/score", "id,1,2,3,4,5,6,7\np1,1,2,0,3,1,0,2\n",
                             "text/csv; charset=utf-8");
  ASSERT_EQ(from_csv.status, 200) << from_csv.body;
  EXPECT_EQ(from_csv.body, from_json.body);
  EXPECT_NE(from_json.body.find(R"("total":{"value":9,)"), std::string::npos) << from_json.body;
}

TEST(Router, InlineDefinitionScoresLikeTheRegistryOne) {
  const ServiceState& state = state_with();
  const std::string definition = test::read_text(test::source_dir() / "instruments" / "gad-7.json");
  const auto inline_result =
      call(state, "POST", "/v1/score",
           R"({"instrument": )" + definition + R"(, "responses": [{"id": "p1", "answers": )" + kGad7Answers + "}]}");
  const auto registry_result = call(state, "POST", "/v1/instruments/gad-7/score",
                                    R"({"responses": [{"id": "p1", "answers": )" + kGad7Answers + "}]}");
  ASSERT_EQ(inline_result.status, 200) << inline_result.body;
  EXPECT_EQ(inline_result.body, registry_result.body);
}

TEST(Router, RegistryValidationHealthMetricsAndOpenApi) {
  const ServiceState& state = state_with();
  const auto list = call(state, "GET", "/v1/instruments");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json::parse(list.body).at("instruments").as_array().size(), 9u);
  const auto one = call(state, "GET", "/v1/instruments/mbi-hss");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(json::parse(one.body).at("id").as_string(), "mbi-hss");
  const auto valid = call(state, "POST", "/v1/instruments/validate",
                          test::read_text(test::source_dir() / "instruments" / "who-5.json"));
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(json::parse(valid.body).at("valid").as_bool(), true);
  EXPECT_EQ(call(state, "GET", "/healthz").status, 200);
  EXPECT_EQ(call(state, "GET", "/readyz").status, 200);
  EXPECT_EQ(call(state, "GET", "/openapi.json").status, 200);
  EXPECT_EQ(json::parse(call(state, "GET", "/openapi.json").body).at("openapi").as_string().subview(0, 3), "3.1");
  const auto metrics = call(state, "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("psyscore_instrument_info{id=\"phq-9\""), std::string::npos);
}

// A table of bad requests: each gets its status, an RFC 9457 body, and where
// one applies, the pointer of the problem.
TEST(Router, BadRequestsGetTheirStatusAndPointer) {
  struct Case {
    const char* name;
    std::string method, target, body, content_type;
    int status;
    const char* pointer;  // nullptr: no pointer to check
  };
  const std::string score = "/v1/instruments/gad-7/score";
  const std::string reliability = "/v1/instruments/gad-7/reliability";
  const std::string one = R"({"id": "p1", "answers": )" + kGad7Answers + "}";
  const std::string controlled = "/v1/instruments/gad-7/controlled";
  const auto pair = [](const std::string& id) { return R"({"id": ")" + id + R"(", "answers": )" + kGad7Answers + "}"; };
  // {"pre": [...], "post": [...]} with n respondents <prefix>1..n.
  const auto arm = [&](const std::string& prefix, int n) {
    std::string wave;
    for (int i = 1; i <= n; ++i) wave += (i > 1 ? "," : "") + pair(prefix + std::to_string(i));
    return R"({"pre": [)" + wave + R"(], "post": [)" + wave + "]}";
  };
  // A respondent with covariates, and a compare body of such respondents.
  const auto with = [](const std::string& id, const std::string& covariates,
                       const std::string& answers = kGad7Answers) {
    return R"({"id": ")" + id + R"(", "answers": )" + answers + R"(, "covariates": )" + covariates + "}";
  };
  const auto by_covariate = [](const std::string& respondents, const std::string& options) {
    return R"({"responses": [)" + respondents + R"(], "options": )" + options + "}";
  };
  const std::string levels = with("a", R"({"ward": "x", "age": 40})") + "," + with("b", R"({"ward": "y", "age": 50})");
  const std::string too_many = [&] {
    std::string body = R"({"responses": [)";
    for (int i = 0; i < 51; ++i)
      body += (i ? "," : "") + std::string(R"({"id": "p)") + std::to_string(i) + R"(", "answers": {}})";
    return body + "]}";
  }();
  const Case cases[] = {
      {"unknown path", "GET", "/v2/instruments", "", "", 404, nullptr},
      {"unknown instrument", "GET", "/v1/instruments/gad-8", "", "", 404, nullptr},
      {"unknown instrument to score", "POST", "/v1/instruments/gad-8/score", R"({"responses": []})", "application/json",
       404, nullptr},
      {"wrong method", "DELETE", "/v1/instruments", "", "", 405, nullptr},
      {"GET on a POST route", "GET", score, "", "", 405, nullptr},
      {"POST on a GET route", "POST", "/healthz", "{}", "application/json", 405, nullptr},
      {"no content type", "POST", score, R"({"responses": []})", "", 415, nullptr},
      {"form content type", "POST", score, "responses=1", "application/x-www-form-urlencoded", 415, nullptr},
      {"XML", "POST", score, "<responses/>", "application/xml", 415, nullptr},
      {"CSV to an inline route", "POST", "/v1/score", "id,1\n", "text/csv", 415, nullptr},
      {"CSV to validate", "POST", "/v1/instruments/validate", "id,1\n", "text/csv", 415, nullptr},
      {"malformed JSON", "POST", score, R"({"responses": [)", "application/json", 400, ""},
      {"trailing garbage", "POST", score, R"({"responses": []} x)", "application/json", 400, ""},
      {"NaN", "POST", score, R"({"responses": [{"id": "a", "answers": {"1": NaN}}]})", "application/json", 400, ""},
      {"Infinity", "POST", score, R"({"responses": [{"id": "a", "answers": {"1": Infinity}}]})", "application/json",
       400, ""},
      {"invalid UTF-8", "POST", score, "{\"responses\": [{\"id\": \"\xc3\x28\", \"answers\": {}}]}", "application/json",
       400, ""},
      {"deep nesting", "POST", score, std::string(10000, '[') + std::string(10000, ']'), "application/json", 400, ""},
      {"body is an array", "POST", score, "[]", "application/json", 400, ""},
      {"missing responses", "POST", score, "{}", "application/json", 400, "/responses"},
      {"responses not an array", "POST", score, R"({"responses": {}})", "application/json", 400, "/responses"},
      {"unknown body key", "POST", score, R"({"responses": [], "respondents": []})", "application/json", 400,
       "/respondents"},
      {"instrument on a registry route", "POST", score, R"({"responses": [], "instrument": {}})", "application/json",
       400, "/instrument"},
      {"respondent not an object", "POST", score, R"({"responses": [7]})", "application/json", 400, "/responses/0"},
      {"respondent without id", "POST", score, R"({"responses": [{"answers": {}}]})", "application/json", 400,
       "/responses/0/id"},
      {"id is a float", "POST", score, R"({"responses": [{"id": 1.5, "answers": {}}]})", "application/json", 400,
       "/responses/0/id"},
      {"answers is a list", "POST", score, R"({"responses": [{"id": "a", "answers": [1]}]})", "application/json", 400,
       "/responses/0/answers"},
      {"unknown respondent key", "POST", score, R"({"responses": [{"id": "a", "answers": {}, "name": "x"}]})",
       "application/json", 400, "/responses/0/name"},
      {"duplicate respondent ids", "POST", score, R"({"responses": [)" + one + "," + one + "]}", "application/json",
       422, "/responses/1/id"},
      {"too many respondents", "POST", score, too_many, "application/json", 422, "/responses"},
      {"inline without instrument", "POST", "/v1/score", R"({"responses": []})", "application/json", 400,
       "/instrument"},
      {"inline invalid definition", "POST", "/v1/score",
       R"({"instrument": {"id": "x", "version": "1.0.0", "name": "X", "scale": {"min": 0, "max": 4},
           "items": [{"id": "1"}], "subscales": [{"id": "s", "items": ["2"], "method": "sum"}]}, "responses": []})",
       "application/json", 422, "/instrument/subscales/0/items/0"},
      {"inline definition not an object", "POST", "/v1/score", R"({"instrument": [], "responses": []})",
       "application/json", 422, "/instrument"},
      {"validate: invalid definition", "POST", "/v1/instruments/validate",
       R"({"id": "x", "version": "1", "name": "X", "scale": {"min": 0, "max": 4}, "items": [{"id": "1"}],
           "subscales": [{"id": "s", "items": ["1"], "method": "sum"}]})",
       "application/json", 422, "/version"},
      {"validate: unknown key", "POST", "/v1/instruments/validate",
       R"({"id": "x", "version": "1.0.0", "name": "X", "scale": {"min": 0, "max": 4}, "items": [{"id": "1"}],
           "subscales": [{"id": "s", "items": ["1"], "method": "sum"}], "colour": "red"})",
       "application/json", 422, "/colour"},
      {"validate: malformed", "POST", "/v1/instruments/validate", "{", "application/json", 400, ""},
      {"CSV ragged row", "POST", score, "id,1,2\na,1\n", "text/csv", 400, ""},
      {"CSV duplicate ids", "POST", score, "id,1\na,1\na,2\n", "text/csv", 422, ""},
      {"CSV without id column", "POST", score, "pid,1\na,1\n", "text/csv", 400, ""},
      {"CSV unclosed quote", "POST", score, "id,1\n\"a,1\n", "text/csv", 400, ""},
      {"CSV empty", "POST", score, "", "text/csv", 415, nullptr},
      {"CSV unknown query parameter", "POST", score + "?idcolumn=rid", "rid,1\na,1\n", "text/csv", 400, ""},
      {"JSON with a query parameter", "POST", score + "?id_column=rid", R"({"responses": []})", "application/json", 400,
       ""},
      {"bad percent escape", "POST", score + "?id_column=%zz", "id,1\n", "text/csv", 400, nullptr},
      {"bad percent escape in path", "GET", "/v1/instruments/%g1", "", "", 400, nullptr},
      {"over-long target", "GET", "/v1/instruments/" + std::string(3000, 'a'), "", "", 414, nullptr},
      {"reliability: options not an object", "POST", reliability, R"({"responses": [], "options": 3})",
       "application/json", 400, "/options"},
      {"reliability: unknown option", "POST", reliability, R"({"responses": [], "options": {"missnig": "listwise"}})",
       "application/json", 400, "/options/missnig"},
      {"reliability: option at the top level", "POST", reliability, R"({"responses": [], "ci_level": 0.9})",
       "application/json", 400, "/ci_level"},
      {"reliability: ci_level of 1.5", "POST", reliability, R"({"responses": [], "options": {"ci_level": 1.5}})",
       "application/json", 422, "/options/ci_level"},
      {"reliability: ci_level as text", "POST", reliability, R"({"responses": [], "options": {"ci_level": "95%"}})",
       "application/json", 400, "/options/ci_level"},
      {"reliability: unknown missing rule", "POST", reliability,
       R"({"responses": [], "options": {"missing": "impute"}})", "application/json", 422, "/options/missing"},
      {"reliability: negative iterations", "POST", reliability,
       R"({"responses": [], "options": {"bootstrap": {"iterations": -5}}})", "application/json", 422,
       "/options/bootstrap/iterations"},
      {"reliability: fractional iterations", "POST", reliability,
       R"({"responses": [], "options": {"bootstrap": {"iterations": 2.5}}})", "application/json", 400,
       "/options/bootstrap/iterations"},
      {"reliability: iterations over the limit", "POST", reliability,
       R"({"responses": [], "options": {"bootstrap": {"iterations": 5001}}})", "application/json", 422,
       "/options/bootstrap/iterations"},
      {"reliability: unknown bootstrap key", "POST", reliability,
       R"({"responses": [], "options": {"bootstrap": {"iterations": 10, "sead": 1}}})", "application/json", 400,
       "/options/bootstrap/sead"},
      {"reliability: subscales not a list", "POST", reliability,
       R"({"responses": [], "options": {"subscales": "total"}})", "application/json", 400, "/options/subscales"},
      {"reliability: CSV seed without iterations", "POST", reliability + "?seed=3", "id,1\na,1\n", "text/csv", 422,
       nullptr},
      {"reliability: CSV ci_level not a number", "POST", reliability + "?ci_level=high", "id,1\na,1\n", "text/csv", 400,
       nullptr},
      {"change: CSV body", "POST", "/v1/instruments/gad-7/change", "id,1\na,1\n", "text/csv", 415, nullptr},
      {"change: missing post", "POST", "/v1/instruments/gad-7/change", R"({"pre": []})", "application/json", 400,
       "/post"},
      {"change: rci_reliability of 1", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_reliability": {"total": 1}}})", "application/json", 422,
       "/options/rci_reliability/total"},
      {"change: unknown rci_reliability", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_reliability": "guess"}})", "application/json", 422,
       "/options/rci_reliability"},
      {"change: negative criterion", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_criterion": -1}})", "application/json", 422,
       "/options/rci_criterion"},
      {"change: bad respondent in post", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [{"id": "a"}]})", "application/json", 400, "/post/0/answers"},
      {"compare: groups not an object", "POST", "/v1/instruments/gad-7/compare", R"({"groups": [[], []]})",
       "application/json", 400, "/groups"},
      {"compare: bad respondent", "POST", "/v1/instruments/gad-7/compare",
       R"({"groups": {"a": [{"id": 1.5, "answers": {}}], "b": []}})", "application/json", 400, "/groups/a/0/id"},
      {"compare: CSV without group_column", "POST", "/v1/instruments/gad-7/compare", "id,1\na,1\n", "text/csv", 400,
       ""},
      {"compare: one group", "POST", "/v1/instruments/gad-7/compare", R"({"groups": {"a": [)" + one + "]}}",
       "application/json", 422, nullptr},
      {"compare: items as a number", "POST", "/v1/instruments/gad-7/compare",
       R"({"groups": {}, "options": {"items": 1}})", "application/json", 400, "/options/items"},
      {"compare: items as text", "POST", "/v1/instruments/gad-7/compare",
       R"({"groups": {}, "options": {"items": "true"}})", "application/json", 400, "/options/items"},
      {"compare: CSV items=yes", "POST", "/v1/instruments/gad-7/compare?group_column=g&items=yes", "id,g,1\na,x,1\n",
       "text/csv", 400, ""},
      {"compare: items in the query of a JSON body", "POST", "/v1/instruments/gad-7/compare?items=true",
       R"({"groups": {}})", "application/json", 400, ""},
      {"compare: group_covariate not a string", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels, R"({"group_covariate": 1})"), "application/json", 400, "/options/group_covariate"},
      {"compare: group_covariate empty", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels, R"({"group_covariate": ""})"), "application/json", 400, "/options/group_covariate"},
      {"compare: unknown group_covariate", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels, R"({"group_covariate": "wrad"})"), "application/json", 422, "/options/group_covariate"},
      {"compare: numeric group_covariate", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels, R"({"group_covariate": "age"})"), "application/json", 422, "/options/group_covariate"},
      {"compare: group_covariate of one level", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(
           with("a", R"({"ward": "x"})") + "," + with("b", R"({"ward": null})") + "," + with("c", R"({"ward": "x"})"),
           R"({"group_covariate": "ward"})"),
       "application/json", 422, "/options/group_covariate"},
      {"compare: a level without scores", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels + "," + with("c", R"({"ward": "z"})", R"({"1": 9})"), R"({"group_covariate": "ward"})"),
       "application/json", 422, "/options/group_covariate"},
      {"compare: group_covariate with groups", "POST", "/v1/instruments/gad-7/compare",
       R"({"groups": {"x": [)" + one + R"(]}, "options": {"group_covariate": "ward"}})", "application/json", 400,
       "/options/group_covariate"},
      {"compare: group_covariate without responses", "POST", "/v1/instruments/gad-7/compare",
       R"({"options": {"group_covariate": "ward"}})", "application/json", 400, "/responses"},
      {"compare: responses without group_covariate", "POST", "/v1/instruments/gad-7/compare",
       by_covariate(levels, "{}"), "application/json", 400, "/responses"},
      {"compare: responses beside groups", "POST", "/v1/instruments/gad-7/compare",
       R"({"groups": {}, "responses": []})", "application/json", 400, "/responses"},
      {"compare: CSV group_covariate", "POST", "/v1/instruments/gad-7/compare?group_covariate=g", "id,g,1\na,x,1\n",
       "text/csv", 400, ""},
      {"report: group_covariate with groups", "POST", "/v1/instruments/gad-7/report",
       R"({"groups": {"x": [)" + one + R"(]}, "options": {"group_covariate": "ward"}})", "application/json", 400,
       "/options/group_covariate"},
      {"reliability: items as null", "POST", reliability, R"({"responses": [], "options": {"items": null}})",
       "application/json", 400, "/options/items"},
      {"reliability: CSV items=1", "POST", reliability + "?items=1", "id,1\na,1\n", "text/csv", 400, ""},
      {"change: nk without reliability_post", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_method": "nk"}})", "application/json", 422,
       "/options/reliability_post"},
      {"change: hlm is for waves", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_method": "hlm"}})", "application/json", 422, "/options/rci_method"},
      {"change: rci_method not a string", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_method": 2}})", "application/json", 400, "/options/rci_method"},
      {"change: reliability_post a number", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [], "post": [], "options": {"rci_method": "nk", "reliability_post": 0.8}})", "application/json", 400,
       "/options/reliability_post"},
      {"change: reliability_post with jt", "POST", "/v1/instruments/gad-7/change",
       R"({"pre": [)" + pair("a") + "," + pair("b") + R"(], "post": [)" + pair("a") + "," + pair("b") +
           R"(], "options": {"rci_reliability": {"total": 0.8}, "reliability_post": {"total": 0.7}}})",
       "application/json", 422, "/options/reliability_post"},
      {"controlled: CSV body", "POST", controlled, "id,1\na,1\n", "text/csv", 415, nullptr},
      {"controlled: no groups", "POST", controlled, R"({"options": {}})", "application/json", 400, "/groups"},
      {"controlled: group not an object", "POST", controlled, R"({"groups": {"a": []}})", "application/json", 400,
       "/groups/a"},
      {"controlled: unknown key in a group", "POST", controlled, R"({"groups": {"a": {"pre": [], "during": []}}})",
       "application/json", 400, "/groups/a/during"},
      {"controlled: bad respondent", "POST", controlled,
       R"({"groups": {"a": {"pre": [{"id": 1.5, "answers": {}}], "post": []}}})", "application/json", 400,
       "/groups/a/pre/0/id"},
      {"controlled: one group", "POST", controlled, R"({"groups": {"a": )" + arm("a", 3) + "}}", "application/json",
       422, "/groups"},
      {"controlled: unknown reference", "POST", controlled,
       R"({"groups": {"a": )" + arm("a", 3) + R"(, "b": )" + arm("b", 3) + R"(}, "options": {"reference": "c"}})",
       "application/json", 422, "/options/reference"},
      {"controlled: a group of one pair", "POST", controlled,
       R"({"groups": {"a": )" + arm("a", 3) + R"(, "b": )" + arm("b", 1) + "}}", "application/json", 422, "/groups/b"},
      {"controlled: nk without reliability_post", "POST", controlled,
       R"({"groups": {"a": )" + arm("a", 3) + R"(, "b": )" + arm("b", 3) + R"(}, "options": {"rci_method": "nk"}})",
       "application/json", 422, "/options/reliability_post"},
      {"controlled: unknown rci_method", "POST", controlled,
       R"({"groups": {"a": )" + arm("a", 3) + R"(, "b": )" + arm("b", 3) + R"(}, "options": {"rci_method": "x"}})",
       "application/json", 422, "/options/rci_method"},
      {"controlled: unknown option", "POST", controlled, R"({"groups": {}, "options": {"refrence": "a"}})",
       "application/json", 400, "/options/refrence"},
      {"controlled: reference not a string", "POST", controlled, R"({"groups": {}, "options": {"reference": 1}})",
       "application/json", 400, "/options/reference"},
  };
  const ServiceState& state = state_with();
  for (const auto& c : cases) {
    const auto response = call(state, c.method, c.target, c.body, c.content_type);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json") << c.name;
    json::value problem;
    try {
      problem = json::parse(response.body);
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.name << ": body is not JSON: " << response.body;
      continue;
    }
    EXPECT_EQ(problem.at("status").as_int64(), c.status) << c.name;
    EXPECT_FALSE(problem.at("title").as_string().empty()) << c.name;
    EXPECT_FALSE(problem.at("detail").as_string().empty()) << c.name;
    if (!c.pointer) continue;
    const auto& errors = problem.at("errors").as_array();
    ASSERT_FALSE(errors.empty()) << c.name << ": " << response.body;
    EXPECT_EQ(errors[0].at("pointer").as_string(), c.pointer) << c.name << ": " << response.body;
  }
}

// options.group_covariate: the groups are the levels of a covariate, in
// order of first appearance, and the result is the bytes of the same groups
// sent as "groups", but for the warning about respondents without the
// covariate. The inline route takes it too.
TEST(Router, CompareGroupsByACovariate) {
  const ServiceState& state = state_with();
  const std::string answers[] = {
      R"({"1": 4, "2": 5, "3": 4, "4": 1, "5": 2, "6": 1})", R"({"1": 3, "2": 4, "3": 4, "4": 2, "5": 1, "6": 1})",
      R"({"1": 5, "2": 4, "4": 1, "5": 1, "6": 2})",         R"({"1": 5, "2": 5, "3": 5, "4": 1, "5": 1, "6": 1})",
      R"({"1": 4, "2": 5, "3": 4, "4": 1, "5": 1, "6": 1})", R"({"1": 5, "2": 4, "3": 5, "4": 2, "5": 1, "6": 1})",
      R"({"1": 2, "2": 3, "3": 4, "4": 3, "5": 2, "6": 2})"};
  const auto respondent = [&](int r, const std::string& covariates) {
    std::string out = R"({"id": "p)" + std::to_string(r) + R"(", "answers": )" + answers[r];
    if (!covariates.empty()) out += R"(, "covariates": )" + covariates;
    return out + "}";
  };
  const std::string responses =
      "[" + respondent(0, R"({"duration": "5plus", "age": 51})") + "," +
      respondent(1, R"({"duration": "1-4", "age": 33})") + "," + respondent(2, R"({"duration": "5plus"})") + "," +
      respondent(3, R"({"duration": null, "age": 45})") + "," + respondent(4, "") + "," +
      respondent(5, R"({"duration": "1-4"})") + "," + respondent(6, R"({"duration": "5plus"})") + "]";
  const std::string groups = R"({"groups": {"5plus": [)" + respondent(0, "") + "," + respondent(2, "") + "," +
                             respondent(6, "") + R"(], "1-4": [)" + respondent(1, "") + "," + respondent(5, "") +
                             R"(]}, "options": {"items": true}})";
  const std::string compare = "/v1/instruments/balint-attitudes/compare";
  const auto explicit_groups = call(state, "POST", compare, groups);
  ASSERT_EQ(explicit_groups.status, 200) << explicit_groups.body;
  const auto by_covariate =
      call(state, "POST", compare,
           R"({"responses": )" + responses + R"(, "options": {"items": true, "group_covariate": "duration"}})");
  ASSERT_EQ(by_covariate.status, 200) << by_covariate.body;
  EXPECT_EQ(by_covariate.respondents, 7u);
  const std::string warning = R"("2 respondent(s) without a value of covariate \"duration\" are left out")";
  const std::string warnings = R"("warnings":[)" + warning + "]}\n";
  const std::string none = "\"warnings\":[]}\n";
  ASSERT_TRUE(by_covariate.body.ends_with(warnings)) << by_covariate.body;
  ASSERT_TRUE(explicit_groups.body.ends_with(none)) << explicit_groups.body;
  EXPECT_EQ(by_covariate.body.substr(0, by_covariate.body.size() - warnings.size()),
            explicit_groups.body.substr(0, explicit_groups.body.size() - none.size()));
  EXPECT_NE(by_covariate.body.find(R"("groups":[{"name":"5plus","n":3,)"), std::string::npos) << by_covariate.body;

  const std::string definition = test::read_text(test::source_dir() / "instruments" / "balint-attitudes.json");
  const auto inline_route = call(state, "POST", "/v1/compare",
                                 R"({"instrument": )" + definition + R"(, "responses": )" + responses +
                                     R"(, "options": {"items": true, "group_covariate": "duration"}})");
  ASSERT_EQ(inline_route.status, 200) << inline_route.body;
  EXPECT_EQ(inline_route.body, by_covariate.body);
}

// options.items in a JSON body and items=true in a CSV request's query give
// the same result, which carries the items; without it there are none.
TEST(Router, ItemsByOptionOrByQuery) {
  const ServiceState& state = state_with();
  const std::string csv =
      "id,years,1,2,3,4,5,6\n"
      "a1,short,4,5,4,1,2,1\na2,short,3,4,4,2,1,1\na3,short,5,4,,1,1,2\n"
      "b1,long,5,5,5,1,1,1\nb2,long,4,5,4,1,1,1\nb3,long,5,4,5,2,1,1\n";
  const std::string groups =
      R"({"groups": {"short": [)"
      R"({"id": "a1", "answers": {"1": 4, "2": 5, "3": 4, "4": 1, "5": 2, "6": 1}},)"
      R"({"id": "a2", "answers": {"1": 3, "2": 4, "3": 4, "4": 2, "5": 1, "6": 1}},)"
      R"({"id": "a3", "answers": {"1": 5, "2": 4, "4": 1, "5": 1, "6": 2}}], "long": [)"
      R"({"id": "b1", "answers": {"1": 5, "2": 5, "3": 5, "4": 1, "5": 1, "6": 1}},)"
      R"({"id": "b2", "answers": {"1": 4, "2": 5, "3": 4, "4": 1, "5": 1, "6": 1}},)"
      R"({"id": "b3", "answers": {"1": 5, "2": 4, "3": 5, "4": 2, "5": 1, "6": 1}}]})";  // "options" follows
  const std::string compare = "/v1/instruments/balint-attitudes/compare";
  const auto by_query = call(state, "POST", compare + "?group_column=years&items=true", csv, "text/csv");
  ASSERT_EQ(by_query.status, 200) << by_query.body;
  const auto by_option = call(state, "POST", compare, groups + R"(, "options": {"items": true}})");
  ASSERT_EQ(by_option.status, 200) << by_option.body;
  EXPECT_EQ(by_query.body, by_option.body);
  EXPECT_NE(by_query.body.find(R"("items":[{"id":"1","groups":[{"name":"short","n":3,)"), std::string::npos)
      << by_query.body;
  const auto without = call(state, "POST", compare + "?group_column=years&items=false", csv, "text/csv");
  ASSERT_EQ(without.status, 200) << without.body;
  EXPECT_EQ(without.body.find(R"("items")"), std::string::npos) << without.body;

  const std::string reliability = "/v1/instruments/balint-attitudes/reliability";
  const auto reliability_by_query = call(state, "POST", reliability + "?items=true", csv, "text/csv");
  ASSERT_EQ(reliability_by_query.status, 200) << reliability_by_query.body;
  EXPECT_NE(reliability_by_query.body.find(R"("item_answers":[{"id":"1","n":6,)"), std::string::npos)
      << reliability_by_query.body;
}

TEST(Router, ControlledDesignOfTheExample) {
  // The example's first 10 respondents of each wave (this state allows 50 per request).
  json::value example =
      json::parse(test::read_text(test::source_dir() / "examples" / "balint-trial" / "controlled.json"));
  for (auto& group : example.at("groups").as_object()) {
    for (const char* wave : {"pre", "post"}) group.value().at(wave).as_array().resize(10);
  }
  const std::string body = json::serialize(example);
  const auto response = call(state_with(), "POST", "/v1/instruments/mbi-hss/controlled", body, "application/json");
  ASSERT_EQ(response.status, 200) << response.body;
  const json::value result = json::parse(response.body);
  EXPECT_EQ(result.at("reference").as_string(), "waitlist");
  const auto& ee = result.at("subscales").as_array()[0];
  EXPECT_EQ(ee.at("id").as_string(), "EE");
  EXPECT_EQ(ee.at("ancova").at("coefficients").as_array()[2].at("term").as_string(), "groupbalint");
  EXPECT_TRUE(ee.at("change_welch").is_object());
}

// The report endpoint takes the body of .../controlled and answers with the
// controlled report; its bad bodies get the controlled endpoint's problems.
TEST(Router, ControlledReportOfTheExample) {
  json::value example =
      json::parse(test::read_text(test::source_dir() / "examples" / "balint-trial" / "controlled.json"));
  for (auto& group : example.at("groups").as_object()) {
    for (const char* wave : {"pre", "post"}) group.value().at(wave).as_array().resize(10);
  }
  const ServiceState& state = state_with();
  const std::string report = "/v1/instruments/mbi-hss/report";
  const auto page = call(state, "POST", report, json::serialize(example), "application/json");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find(R"(<section class="report-section" id="controlled")"), std::string::npos);
  for (const char* id : {"controlled-means-EE", "controlled-jt-EE-balint", "controlled-jt-EE-waitlist"}) {
    EXPECT_NE(page.body.find(std::string("<svg class=\"figure\" id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(page.body.find("than the waitlist group"), std::string::npos) << "the reference is the body's";
  example.as_object()["show_ids"] = true;
  const auto with_ids = call(state, "POST", report, json::serialize(example), "application/json");
  ASSERT_EQ(with_ids.status, 200) << with_ids.body;
  EXPECT_NE(with_ids.body.find("<td>t01</td>"), std::string::npos) << "show_ids";

  example.as_object().erase("show_ids");
  example.at("options").as_object()["reference"] = "nobody";
  const std::string bad_reference = json::serialize(example);
  const std::string missing_post = R"({"groups": {"a": {"pre": []}}})";
  const std::string unknown_key = R"({"groups": {"a": {"pre": [], "during": []}}})";
  for (const std::string& body : {bad_reference, missing_post, unknown_key}) {
    const auto expected = call(state, "POST", "/v1/instruments/mbi-hss/controlled", body, "application/json");
    const auto actual = call(state, "POST", report, body, "application/json");
    EXPECT_GE(expected.status, 400) << body.substr(0, 80);
    EXPECT_EQ(actual.status, expected.status) << body.substr(0, 80);
    EXPECT_EQ(actual.body, expected.body) << body.substr(0, 80);
  }
}

TEST(Router, AnOverflowingNumberMarksOnlyItsRespondent) {
  const auto response = call(state_with(), "POST", "/v1/instruments/gad-7/score",
                             R"({"responses": [{"id": "a", "answers": {"1": 1e999}}, {"id": "b", "answers": {}}]})");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find(R"("scores":null,"errors":[{"item":"1","code":"not_a_number")"), std::string::npos)
      << response.body;
}

TEST(Router, ApiKeysGuardEverythingButHealthAndReadiness) {
  const ServiceState& state = state_with({"s3cret-key"});
  EXPECT_EQ(call(state, "GET", "/healthz").status, 200);
  EXPECT_EQ(call(state, "GET", "/readyz").status, 200);
  const auto denied = call(state, "GET", "/v1/instruments");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(denied.content_type, "application/problem+json");
  EXPECT_EQ(call(state, "GET", "/metrics").status, 401);

  ApiRequest request;
  request.method = "GET";
  request.target = "/v1/instruments";
  for (const auto& [header, status] : std::vector<std::pair<std::string, int>>{{"Bearer s3cret-key", 200},
                                                                               {"Bearer s3cret-kez", 401},
                                                                               {"Bearer ", 401},
                                                                               {"Basic s3cret-key", 401},
                                                                               {"s3cret-key", 401}}) {
    request.authorization = header;
    EXPECT_EQ(handle(state, ApiRequest(request)).status, status) << header;
  }
}

TEST(Router, CorsAllowListAnswersPreflightAndTagsResponses) {
  const ServiceState& state = state_with({}, {"https://survey.example.org"});
  ApiRequest preflight;
  preflight.method = "OPTIONS";
  preflight.target = "/v1/instruments/gad-7/score";
  preflight.origin = "https://survey.example.org";
  const auto allowed = handle(state, std::move(preflight));
  EXPECT_EQ(allowed.status, 204);
  auto header = [](const ApiResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Origin"), "https://survey.example.org");

  ApiRequest other;
  other.method = "GET";
  other.target = "/v1/instruments";
  other.origin = "https://elsewhere.example.org";
  EXPECT_EQ(header(handle(state, std::move(other)), "Access-Control-Allow-Origin"), "");
}

// Which requests the server answers on its I/O threads (false) and which it
// hands to the compute pool (true).
TEST(Router, OnlyLongRunningRequestsGoToTheComputePool) {
  const std::string small_body = R"({"responses": []})";
  const std::string large_body(20 * 1024, ' ');
  struct Case {
    const char* name;
    std::string method;
    std::string target;
    const std::string& body;
    bool heavy;
  };
  const Case cases[] = {
      {"a GET", "GET", "/v1/instruments", small_body, false},
      {"a small registry score", "POST", "/v1/instruments/gad-7/score", small_body, false},
      {"a small score with a query", "POST", "/v1/instruments/gad-7/score?id_column=rid", small_body, false},
      {"a small inline score", "POST", "/v1/score", small_body, false},
      {"a small validation", "POST", "/v1/instruments/validate", small_body, false},
      {"a large score", "POST", "/v1/instruments/gad-7/score", large_body, true},
      {"a large validation", "POST", "/v1/instruments/validate", large_body, true},
      {"a small reliability (may bootstrap)", "POST", "/v1/instruments/gad-7/reliability", small_body, true},
      {"a small inline change", "POST", "/v1/change", small_body, true},
      {"a small compare", "POST", "/v1/instruments/gad-7/compare", small_body, true},
      {"an escaped path", "POST", "/v1/instruments/gad-7/%73core", small_body, true},
      {"an unknown path", "POST", "/v1/elsewhere", small_body, true},
  };
  for (const auto& c : cases) {
    ApiRequest request;
    request.method = c.method;
    request.target = c.target;
    request.body = c.body;
    EXPECT_EQ(is_compute_heavy(request), c.heavy) << c.name;
  }
}

// What a request gets when the compute queue is full: 503, Retry-After, a
// problem naming --max-queue, its route for the metrics and the log, and
// the CORS headers of its origin.
TEST(Router, AFullComputeQueueIsA503WithRetryAfter) {
  const ServiceState& state = state_with({}, {"https://survey.example.org"});
  ApiRequest request;
  request.method = "POST";
  request.target = "/v1/instruments/gad-7/reliability?id_column=rid";
  request.origin = "https://survey.example.org";
  const ApiResponse response = queue_full(state, request, 8);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.route, "/v1/instruments/{id}/reliability");
  EXPECT_EQ(response.content_type, "application/problem+json");
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Retry-After", "1"}, {"Access-Control-Allow-Origin", "https://survey.example.org"}, {"Vary", "Origin"}};
  EXPECT_EQ(response.headers, headers);
  const json::value problem = json::parse(response.body);
  EXPECT_EQ(problem.at("status").as_int64(), 503);
  EXPECT_EQ(problem.at("errors").at(0).at("code").as_string(), "queue_full");
  const std::string detail(problem.at("detail").as_string());
  EXPECT_NE(detail.find("8 requests are waiting"), std::string::npos) << detail;
  EXPECT_NE(detail.find("--max-queue"), std::string::npos) << detail;

  request.target = "/v1/elsewhere";
  EXPECT_EQ(queue_full(state, request, 8).route, "unmatched");
}

// Counters render sorted by route, then status, whatever the order in which
// requests finished.
TEST(Metrics, RenderCountsByRouteAndStatus) {
  Metrics metrics;
  metrics.observe("/v1/score", 422, 0.002, 10, 0);
  metrics.observe("/healthz", 200, 0.0001, 0, 0);
  metrics.observe("/v1/score", 200, 0.02, 100, 3);
  metrics.observe("/v1/score", 200, 0.3, 50, 2);
  const auto registry = std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  const std::string text = metrics.render(*registry);
  const std::string counters =
      "psyscore_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n"
      "psyscore_http_requests_total{route=\"/v1/score\",status=\"200\"} 2\n"
      "psyscore_http_requests_total{route=\"/v1/score\",status=\"422\"} 1\n";
  EXPECT_NE(text.find(counters), std::string::npos) << text;
  const char* expected_lines[] = {
      "psyscore_http_request_duration_seconds_bucket{route=\"/v1/score\",le=\"0.0025\"} 1\n",
      "psyscore_http_request_duration_seconds_bucket{route=\"/v1/score\",le=\"0.025\"} 2\n",
      "psyscore_http_request_duration_seconds_bucket{route=\"/v1/score\",le=\"0.5\"} 3\n",
      "psyscore_http_request_duration_seconds_count{route=\"/v1/score\"} 3\n",
      "psyscore_http_request_duration_seconds_count{route=\"/healthz\"} 1\n",
      "psyscore_http_request_body_bytes_total 160\n",
      "psyscore_respondents_total 5\n",
  };
  for (const char* line : expected_lines) EXPECT_NE(text.find(line), std::string::npos) << line << text;
  EXPECT_LT(text.find("route=\"/healthz\",le="), text.find("route=\"/v1/score\",le=")) << "histograms sorted by route";
}

}  // namespace
}  // namespace psyscore::service
