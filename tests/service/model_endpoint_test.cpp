// POST /v1/instruments/{id}/model and /v1/model through handle(): the JSON and
// CSV bodies give the engine's result, and every bad input of the contract
// gets its status with a pointer (CSV: line and column).

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/model.hpp"
#include "router.hpp"

namespace psyscore::service {
namespace {

namespace json = boost::json;

const ServiceState& state() {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static ServiceState shared(registry, test::source_dir() / "instruments", ServiceLimits{}, {}, {});
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

std::string example(const std::string& name) {
  return test::read_text(test::source_dir() / "examples" / "balint-survey" / name);
}

TEST(ModelEndpoint, JsonAndCsvBodiesGiveTheEngineResult) {
  const auto who5 = state().registry()->find("who-5");
  ASSERT_TRUE(who5) << "who-5";
  CsvOptions csv;
  csv.source = "body";
  csv.covariate_columns = {"duration", "teaching", "age"};
  auto wave = decode_csv_responses(*who5, example("survey.csv"), csv);
  ASSERT_TRUE(wave) << "survey.csv";
  ModelOptions options;
  options.outcome = ModelOutcome::at_least_value("raw", 13);
  options.predictors = {"duration", "teaching", "age"};
  options.reference = {{"duration", "lt1"}};
  auto report = model(*who5, *wave, options);
  ASSERT_TRUE(report) << report.error().message;

  const auto from_csv = call(
      "/v1/instruments/who-5/model?outcome=raw%3E%3D13&predictors=duration,teaching,age"
      "&reference=duration%3Dlt1",
      example("survey.csv"), "text/csv");
  ASSERT_EQ(from_csv.status, 200) << from_csv.body;
  // The ignored columns differ (the JSON body has none): compare the model itself.
  const auto csv_body = json::parse(from_csv.body);
  const auto engine_body = json::parse(encode_model_result(*who5, *report));
  EXPECT_EQ(csv_body.at("logistic"), engine_body.at("logistic")) << "CSV";
  EXPECT_EQ(csv_body.at("associations"), engine_body.at("associations")) << "CSV";

  json::value body = json::parse(example("model.json"));
  body.at("options").as_object()["predictors"] = json::array{"duration", "teaching", "age"};
  const auto from_json = call("/v1/instruments/who-5/model", json::serialize(body));
  ASSERT_EQ(from_json.status, 200) << from_json.body;
  const auto json_body = json::parse(from_json.body);
  EXPECT_EQ(json_body.at("logistic"), engine_body.at("logistic")) << "JSON";
  EXPECT_EQ(json_body.at("outcome"), engine_body.at("outcome")) << "JSON";

  body.as_object()["instrument"] = json::parse(test::read_text(test::source_dir() / "instruments" / "who-5.json"));
  const auto inline_body = call("/v1/model", json::serialize(body));
  ASSERT_EQ(inline_body.status, 200) << inline_body.body;
  EXPECT_EQ(json::parse(inline_body.body).at("logistic"), engine_body.at("logistic")) << "inline";
}

TEST(ModelEndpoint, BadInputGetsItsStatusAndLocation) {
  struct Case {
    const char* name;
    std::string target, body, content_type;
    int status;
    std::string pointer;
    std::size_t line = 0, column = 0;
  };
  const std::string route = "/v1/instruments/who-5/model";
  const std::string answers = R"("answers": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3})";
  const auto respondent = [&](int i, const std::string& covariates) {
    return R"({"id": "r)" + std::to_string(i) + R"(", )" + answers + R"(, "covariates": )" + covariates + "}";
  };
  const std::string three = "[" + respondent(1, R"({"d": "x", "age": 50})") + "," +
                            respondent(2, R"({"d": "y", "age": 40})") + "," +
                            respondent(3, R"({"d": "y", "age": 30})") + "]";
  const auto with = [&](const std::string& responses, const std::string& options) {
    return R"({"responses": )" + responses + R"(, "options": )" + options + "}";
  };
  const std::string outcome = R"("outcome": {"subscale": "raw", "at_least": 13})";
  const std::string csv =
      "id,age,d,1,2,3,4,5\nr1,50,x,3,3,3,3,3\nr2,fifty,y,1,1,1,1,1\nr3,30,y,4,4,4,4,4\nr4,31,x,1,1,1,1,1\n";
  const Case cases[] = {
      {"unknown predictor", route, with(three, "{" + outcome + R"(, "predictors": ["age", "years"]})"),
       "application/json", 422, "/options/predictors/1"},
      {"reference level that does not occur", route,
       with(three, "{" + outcome + R"(, "predictors": ["d"], "reference": {"d": "z"}})"), "application/json", 422,
       "/options/reference/d"},
      {"outcome with one class only", route, with(three, "{" + outcome + R"(, "predictors": ["age"]})"),
       "application/json", 422, "/options/outcome"},
      {"numeric covariate with text (JSON)", route,
       with("[" + respondent(1, R"({"age": 50})") + "," + respondent(2, R"({"age": 40})") + "," +
                respondent(3, R"({"age": "old"})") + "]",
            "{" + outcome + R"(, "predictors": ["age"]})"),
       "application/json", 422, "/responses/2/covariates/age"},
      {"covariate of a wrong type", route,
       with("[" + respondent(1, R"({"age": [50]})") + "]", "{" + outcome + R"(, "predictors": ["age"]})"),
       "application/json", 400, "/responses/0/covariates/age"},
      {"no outcome", route, with(three, R"({"predictors": ["age"]})"), "application/json", 400, "/options/outcome"},
      {"outcome of no known form", route, with(three, R"({"outcome": {"subscale": "raw"}, "predictors": ["age"]})"),
       "application/json", 400, "/options/outcome"},
      {"unknown option", route, with(three, "{" + outcome + R"(, "predictors": ["age"], "seed": 1})"),
       "application/json", 400, "/options/seed"},
      {"numeric covariate with text (CSV)", route + "?outcome=raw%3E%3D13&predictors=age", csv, "text/csv", 422, "", 3,
       2},
      {"unknown covariate column (CSV)", route + "?outcome=raw%3E%3D13&predictors=years", csv, "text/csv", 422, "", 1,
       0},
      {"CSV without outcome", route + "?predictors=age", csv, "text/csv", 400, ""},
      {"unknown query parameter", route + "?outcome=raw%3E%3D13&predictors=d&group_column=d", csv, "text/csv", 400, ""},
  };
  for (const Case& c : cases) {
    const auto response = call(c.target, c.body, c.content_type);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/problem+json") << c.name;
    const auto problem = json::parse(response.body);
    const auto& errors = problem.at("errors").as_array();
    ASSERT_FALSE(errors.empty()) << c.name << ": " << response.body;
    EXPECT_EQ(errors[0].at("pointer").as_string(), c.pointer) << c.name << ": " << response.body;
    if (c.line > 0) {
      EXPECT_EQ(errors[0].at("line").as_int64(), static_cast<std::int64_t>(c.line)) << c.name;
    }
    if (c.column > 0) {
      EXPECT_EQ(errors[0].at("column").as_int64(), static_cast<std::int64_t>(c.column)) << c.name;
    }
  }
}

}  // namespace
}  // namespace psyscore::service
