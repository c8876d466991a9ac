// The FHIR endpoints as functions: the Questionnaire of an instrument, FHIR
// scoring with its errors as OperationOutcomes, and the same scores through
// FHIR, JSON and CSV. Every FHIR resource is also left for the schema check.

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fhir_support.hpp"
#include "fixtures.hpp"
#include "router.hpp"

namespace psyscore::service {
namespace {

namespace json = boost::json;

const ServiceState& fhir_state() {
  static auto registry =
      std::make_shared<const Registry>(*Registry::load_directory(test::source_dir() / "instruments"));
  static ServiceState state(registry, test::source_dir() / "instruments", ServiceLimits{}, {}, {});
  return state;
}

ApiResponse call(std::string method, std::string target, std::string body = {},
                 std::string content_type = "application/fhir+json") {
  ApiRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  if (!request.body.empty()) request.content_type = std::move(content_type);
  return handle(fhir_state(), std::move(request));
}

std::string text(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

TEST(FhirEndpoints, QuestionnaireOfEveryInstrument) {
  for (const InstrumentPtr& instrument : fhir_state().registry()->instruments()) {
    const auto response = call("GET", "/v1/instruments/" + instrument->id + "/fhir/Questionnaire");
    ASSERT_EQ(response.status, 200) << instrument->id << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/fhir+json") << instrument->id;
    EXPECT_EQ(response.route, "/v1/instruments/{id}/fhir/Questionnaire") << instrument->id;
    test::keep_for_schema_check("http-questionnaire-" + instrument->id, response.body);
    const json::value questionnaire = json::parse(response.body);
    EXPECT_EQ(text(questionnaire.at("resourceType")), "Questionnaire") << instrument->id;
  }
}

TEST(FhirEndpoints, ScoresEachAnswerStyle) {
  const std::vector<std::pair<std::string, double>> cases = {{"phq9_lhc_forms_loinc_codes.json", 11},
                                                             {"phq9_sdc_item_weight.json", 11},
                                                             {"phq9_ordinal_value.json", 11},
                                                             {"pss10_integer_nested_groups.json", 24}};
  for (const auto& [file, total] : cases) {
    const auto response = call("POST", "/v1/fhir/score", test::read_text(test::data_dir() / "fhir" / file));
    ASSERT_EQ(response.status, 200) << file << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/fhir+json") << file;
    EXPECT_EQ(response.respondents, 1u) << file;
    test::keep_for_schema_check("http-score-" + file.substr(0, file.size() - 5), response.body);
    const json::value bundle = json::parse(response.body);
    const json::value& observation = bundle.at("entry").at(0).at("resource");
    EXPECT_EQ(text(observation.at("resourceType")), "Observation") << file;
    EXPECT_EQ(observation.at("valueQuantity").at("value").to_number<double>(), total) << file;
  }
}

struct BadRequest {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::string content_type;
  int status;
  std::string issue;  // psyscore's code in issue.details
};

TEST(FhirEndpoints, ErrorsAreOperationOutcomes) {
  const std::string phq9 = test::phq9_response("a", "completed", "");
  const std::vector<BadRequest> cases = {
      {"unknown instrument", "GET", "/v1/instruments/nope/fhir/Questionnaire", "", "", 404, "unknown_instrument"},
      {"not JSON", "POST", "/v1/fhir/score", "{", "application/fhir+json", 400, "invalid_json"},
      {"CSV body", "POST", "/v1/fhir/score", "id,1\np,1\n", "text/csv", 415, "unsupported_media_type"},
      {"unknown parameter", "POST", "/v1/fhir/score?instrumnet=phq-9", phq9, "application/fhir+json", 400,
       "unknown_parameter"},
      {"unknown instrument parameter", "POST", "/v1/fhir/score?instrument=nope", phq9, "application/fhir+json", 404,
       "unknown_instrument"},
      {"response to another instrument", "POST", "/v1/fhir/score?instrument=gad-7", phq9, "application/fhir+json", 422,
       "other_questionnaire"},
      {"missing questionnaire", "POST", "/v1/fhir/score",
       R"({"resourceType":"QuestionnaireResponse","status":"completed"})", "application/fhir+json", 422,
       "missing_questionnaire"},
      {"a Patient", "POST", "/v1/fhir/score", R"({"resourceType":"Patient"})", "application/json", 400,
       "not_a_response"},
  };
  int n = 0;
  for (const BadRequest& c : cases) {
    const auto response = call(c.method, c.target, c.body, c.content_type);
    EXPECT_EQ(response.status, c.status) << c.name << ": " << response.body;
    EXPECT_EQ(response.content_type, "application/fhir+json") << c.name;
    test::keep_for_schema_check("http-outcome-" + std::to_string(n++), response.body);
    const json::value outcome = json::parse(response.body);
    EXPECT_EQ(text(outcome.at("resourceType")), "OperationOutcome") << c.name;
    EXPECT_EQ(text(outcome.at("issue").at(0).at("details").at("coding").at(0).at("code")), c.issue) << c.name;
  }
}

// The property: whatever the answers, FHIR, JSON and CSV give the same
// scores and bands.
TEST(FhirEndpoints, SameAnswersSameScoresThroughFhirJsonAndCsv) {
  std::mt19937 random(2024);
  std::uniform_int_distribution<int> answer(-1, 3);  // -1: not answered
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::string> entries;
    std::string json_body = R"({"responses":[)";
    std::string csv = "id,1,2,3,4,5,6,7,8,9\n";
    const int respondents = 1 + trial % 7;
    for (int r = 0; r < respondents; ++r) {
      std::vector<int> answers(9);
      for (int& a : answers) a = answer(random);
      const std::string id = "t" + std::to_string(trial) + "r" + std::to_string(r);
      entries.push_back(test::phq9_coded_response(id, answers, r % 3));
      json_body += (r ? "," : "") + std::string(R"({"id":"Patient/)") + id + R"(","answers":{)";
      csv += "Patient/" + id;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        json_body += (i ? "," : "") + std::string("\"") + std::to_string(i + 1) +
                     "\":" + (answers[i] < 0 ? std::string("null") : std::to_string(answers[i]));
        csv += "," + (answers[i] < 0 ? std::string() : std::to_string(answers[i]));
      }
      json_body += "}}";
      csv += "\n";
    }
    json_body += "]}";
    const auto from_fhir = call("POST", "/v1/fhir/score", test::bundle_of(entries));
    const auto from_json = call("POST", "/v1/instruments/phq-9/score", json_body, "application/json");
    const auto from_csv = call("POST", "/v1/instruments/phq-9/score", csv, "text/csv");
    ASSERT_EQ(from_fhir.status, 200) << from_fhir.body;
    ASSERT_EQ(from_json.status, 200) << from_json.body;
    ASSERT_EQ(from_csv.status, 200) << from_csv.body;
    EXPECT_EQ(from_json.body, from_csv.body) << "trial " << trial;
    test::keep_for_schema_check("http-property-" + std::to_string(trial), from_fhir.body);
    const json::value bundle = json::parse(from_fhir.body);
    const json::value result = json::parse(from_json.body);
    // One Observation per respondent (one subscale); a last OperationOutcome
    // may carry the request's warnings (prorated totals between bands).
    std::vector<json::value> observations;
    for (const json::value& entry : bundle.at("entry").as_array()) {
      if (entry.at("resource").at("resourceType") == "Observation") observations.push_back(entry.at("resource"));
    }
    const json::array& results = result.at("results").as_array();
    ASSERT_EQ(observations.size(), results.size()) << "trial " << trial;
    EXPECT_EQ(result.at("warnings").as_array().empty(), observations.size() == bundle.at("entry").as_array().size())
        << "trial " << trial << ": warnings in both or in neither";
    for (std::size_t r = 0; r < results.size(); ++r) {
      const json::value& observation = observations[r];
      const json::value& total = results[r].at("scores").at("total");
      EXPECT_EQ(text(observation.at("subject").at("reference")), text(results[r].at("id")))
          << "trial " << trial << " respondent " << r;
      if (total.at("value").is_null()) {
        EXPECT_FALSE(observation.as_object().contains("valueQuantity")) << "trial " << trial << " respondent " << r;
        continue;
      }
      EXPECT_EQ(observation.at("valueQuantity").at("value").to_number<double>(), total.at("value").to_number<double>())
          << "trial " << trial << " respondent " << r;
      const bool banded = observation.as_object().contains("interpretation");
      EXPECT_EQ(banded, !total.at("band").is_null()) << "trial " << trial << " respondent " << r;
      if (banded) {
        EXPECT_EQ(text(observation.at("interpretation").at(0).at("text")), text(total.at("band")))
            << "trial " << trial << " respondent " << r;
      }
    }
  }
}

}  // namespace
}  // namespace psyscore::service
