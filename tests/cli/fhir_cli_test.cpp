// psyscore score with FHIR: QuestionnaireResponses as input, Observations as
// output (--format fhir), and the same scores as every other path.

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fhir_support.hpp"
#include "fixtures.hpp"
#include "run_process.hpp"

namespace psyscore::test {
namespace {

namespace json = boost::json;

std::string fhir_data(const std::string& name) { return (data_dir() / "fhir" / name).string(); }

TEST(CliFhir, ScoresAResponseIntoObservations) {
  const auto result =
      run_psyscore({"score", "-i", "phq-9", fhir_data("phq9_sdc_item_weight.json"), "--format", "fhir"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  keep_for_schema_check("cli-observations-phq9", result.out);
  const json::value bundle = json::parse(result.out);
  EXPECT_EQ(bundle.at("resourceType").as_string(), "Bundle");
  EXPECT_EQ(bundle.at("entry").at(0).at("resource").at("valueQuantity").at("value").to_number<double>(), 11.0);
}

TEST(CliFhir, FhirInputGivesTheJsonResultToo) {
  const auto result = run_psyscore({"score", "-i", "pss-10", fhir_data("pss10_integer_nested_groups.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json::value body = json::parse(result.out);
  EXPECT_EQ(body.at("results").at(0).at("id").as_string(), "p07");
  EXPECT_EQ(body.at("results").at(0).at("scores").at("total").at("value").to_number<double>(), 24.0);
}

TEST(CliFhir, CsvAndJsonInputAsObservations) {
  const std::string csv = "id,1,2,3,4,5,6,7,8,9\np1,1,2,0,3,1,1,2,0,1\n";
  const auto from_csv = run_psyscore({"score", "-i", "phq-9", "-", "--format", "fhir"}, csv);
  ASSERT_EQ(from_csv.exit_code, 0) << from_csv.err;
  keep_for_schema_check("cli-observations-from-csv", from_csv.out);
  const std::string body =
      R"({"responses":[{"id":"p1","answers":{"1":1,"2":2,"3":0,"4":3,"5":1,"6":1,"7":2,"8":0,"9":1}}]})";
  const auto from_json = run_psyscore({"score", "-i", "phq-9", "-", "--format", "fhir"}, body);
  ASSERT_EQ(from_json.exit_code, 0) << from_json.err;
  EXPECT_EQ(from_csv.out, from_json.out);
  const json::value observation = json::parse(from_csv.out).at("entry").at(0).at("resource");
  EXPECT_EQ(observation.at("subject").at("identifier").at("value").as_string(), "p1");
  EXPECT_EQ(observation.at("valueQuantity").at("value").to_number<double>(), 11.0);
}

TEST(CliFhir, AResponseToAnotherInstrumentIsAnError) {
  const auto result = run_psyscore({"score", "-i", "gad-7", fhir_data("phq9_lhc_forms_loinc_codes.json")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find("phq9_lhc_forms_loinc_codes.json: /questionnaire: The response answers"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace psyscore::test
