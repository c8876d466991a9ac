// FHIR resources out: the Questionnaire of every bundled instrument, the
// Observations of scored responses, OperationOutcomes for what could not be
// scored. Each resource is also left for the FHIR R4 schema check.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fhir_support.hpp"
#include "fixtures.hpp"
#include "psyscore/fhir.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {
namespace {

namespace json = boost::json;
using test::data_dir;
using test::read_text;

json::value parse(const std::string& text) { return json::parse(text); }
std::string s(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

TEST(FhirQuestionnaire, EveryBundledInstrument) {
  const test::FhirRegistry& registry = test::bundled_fhir_registry();
  for (const InstrumentPtr& instrument : registry.registry().instruments()) {
    const std::string text = encode_fhir_questionnaire(*instrument);
    test::keep_for_schema_check("questionnaire-" + instrument->id, text);
    const json::object q = parse(text).as_object();
    const std::string& id = instrument->id;
    EXPECT_EQ(s(q.at("resourceType")), "Questionnaire") << id;
    EXPECT_EQ(s(q.at("url")), "http://psyscore.org/fhir/Questionnaire/" + id) << id;
    EXPECT_EQ(s(q.at("version")), instrument->version) << id;
    const json::array& items = q.at("item").as_array();
    ASSERT_EQ(items.size(), instrument->items.size()) << id;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Item& item = instrument->items[i];
      EXPECT_EQ(s(items[i].at("linkId")), item.id) << id << " item " << i;
      const json::array& options = items[i].at("answerOption").as_array();
      ASSERT_FALSE(options.empty()) << id << " item " << i;
      const json::value& first_weight = options[0].at("extension").at(0);
      EXPECT_EQ(s(first_weight.at("url")), "http://hl7.org/fhir/StructureDefinition/itemWeight") << id;
      EXPECT_EQ(first_weight.at("valueDecimal").to_number<double>(), item.scale.min) << id;
      const json::value& last_weight = options.back().at("extension").at(0);
      EXPECT_EQ(last_weight.at("valueDecimal").to_number<double>(), item.scale.max) << id;
    }
  }
  const json::object phq9 = parse(encode_fhir_questionnaire(*registry.find("phq-9"))).as_object();
  EXPECT_EQ(s(phq9.at("code").at(0).at("code")), "44249-1");
  EXPECT_EQ(s(phq9.at("item").at(0).at("code").at(0).at("code")), "44250-9");
  EXPECT_EQ(s(phq9.at("item").at(0).at("answerOption").at(2).at("valueCoding").at("code")), "LA6570-1");
}

TEST(FhirObservations, OnePerResponseAndSubscale) {
  const test::FhirRegistry& registry = test::bundled_fhir_registry();
  const auto wave = test::decode(registry, read_text(data_dir() / "fhir" / "phq9_lhc_forms_loinc_codes.json"));
  ASSERT_TRUE(wave);
  const std::string text = encode_fhir_observations(*wave, score(*wave->instrument, wave->responses));
  test::keep_for_schema_check("observations-phq9-lhc-forms", text);
  const json::object bundle = parse(text).as_object();
  EXPECT_EQ(s(bundle.at("resourceType")), "Bundle");
  EXPECT_EQ(s(bundle.at("type")), "collection");
  const json::array& entries = bundle.at("entry").as_array();
  ASSERT_EQ(entries.size(), 1u) << "one response, one subscale, the form's total agrees";
  const json::object& observation = entries[0].at("resource").as_object();
  EXPECT_EQ(s(observation.at("resourceType")), "Observation");
  EXPECT_EQ(s(observation.at("status")), "final");
  EXPECT_EQ(s(observation.at("category").at(0).at("coding").at(0).at("code")), "survey");
  EXPECT_EQ(s(observation.at("code").at("coding").at(0).at("system")), "http://loinc.org");
  EXPECT_EQ(s(observation.at("code").at("coding").at(0).at("code")), "44261-6");
  EXPECT_EQ(s(observation.at("code").at("coding").at(1).at("system")), "http://psyscore.org/fhir/CodeSystem/phq-9");
  EXPECT_EQ(s(observation.at("subject").at("reference")), "Patient/example");
  EXPECT_EQ(s(observation.at("effectiveDateTime")), "2026-11-30T09:15:00+01:00");
  EXPECT_EQ(observation.at("valueQuantity").at("value").to_number<double>(), 11.0);
  EXPECT_EQ(s(observation.at("valueQuantity").at("code")), "{score}");
  EXPECT_EQ(s(observation.at("interpretation").at(0).at("text")), "moderate");
  EXPECT_EQ(s(observation.at("derivedFrom").at(0).at("reference")), "QuestionnaireResponse/phq9-lhc");
}

TEST(FhirObservations, RefusedResponsesAndDisagreeingTotalsAreOutcomes) {
  const test::FhirRegistry& registry = test::bundled_fhir_registry();
  std::string wrong_total = test::phq9_response("wrong-total", "completed", "");
  wrong_total.insert(wrong_total.size() - 2, R"(,{"linkId":"/44261-6","answer":[{"valueInteger":12}]})");
  const std::string body = test::bundle_of(
      {test::phq9_response("in-progress", "in-progress", ""),
       test::phq9_response(
           "unmapped", "completed",
           R"({"linkId":"/44250-9","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA9999-9"}}]})"),
       wrong_total});
  const auto wave = test::decode(registry, body);
  ASSERT_TRUE(wave) << wave.error().message;
  const std::string text = encode_fhir_observations(*wave, score(*wave->instrument, wave->responses));
  test::keep_for_schema_check("observations-with-outcomes", text);
  const json::value bundle = parse(text);
  const json::array& entries = bundle.at("entry").as_array();
  ASSERT_EQ(entries.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {{"OperationOutcome", "not_completed"},
                                                                     {"OperationOutcome", "unmapped_code"},
                                                                     {"Observation", ""},
                                                                     {"OperationOutcome", "score_mismatch"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const json::object& resource = entries[i].at("resource").as_object();
    EXPECT_EQ(s(resource.at("resourceType")), expected[i].first) << "entry " << i;
    if (expected[i].second.empty()) continue;
    const json::object& issue = resource.at("issue").at(0).as_object();
    EXPECT_EQ(s(issue.at("details").at("coding").at(0).at("code")), expected[i].second) << "entry " << i;
    EXPECT_EQ(s(issue.at("severity")), expected[i].second == "score_mismatch" ? "warning" : "error") << "entry " << i;
  }
  EXPECT_EQ(s(entries[0].at("resource").at("issue").at(0).at("code")), "incomplete");
  EXPECT_EQ(s(entries[1].at("resource").at("issue").at(0).at("expression").at(0)),
            "Bundle.entry[1].resource.item[0].answer[0].valueCoding");
}

TEST(FhirObservations, TooFewAnswersIsADataAbsentReason) {
  const test::FhirRegistry& registry = test::bundled_fhir_registry();
  const auto wave = test::decode(registry, test::phq9_coded_response("few", {1, 1, 1, -1, -1, 1, 1, 1, 1}, 1));
  ASSERT_TRUE(wave);
  const std::string text = encode_fhir_observations(*wave, score(*wave->instrument, wave->responses));
  test::keep_for_schema_check("observations-too-few", text);
  const json::value bundle = parse(text);
  const json::object& observation = bundle.at("entry").at(0).at("resource").as_object();
  EXPECT_FALSE(observation.contains("valueQuantity"));
  EXPECT_EQ(s(observation.at("dataAbsentReason").at("coding").at(0).at("code")), "unknown");
}

TEST(FhirOperationOutcome, FromErrors) {
  const test::FhirRegistry& registry = test::bundled_fhir_registry();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "structure"},
      {R"({"resourceType":"QuestionnaireResponse","status":"completed"})", "invalid"},
      {R"({"resourceType":"QuestionnaireResponse","questionnaire":"urn:x","status":"completed"})", "not-found"},
  };
  int n = 0;
  for (const auto& [body, type] : cases) {
    const auto wave = test::decode(registry, body);
    ASSERT_FALSE(wave) << body;
    const std::string text = encode_fhir_operation_outcome(wave.error());
    test::keep_for_schema_check("operation-outcome-" + std::to_string(n++), text);
    const json::object outcome = parse(text).as_object();
    EXPECT_EQ(s(outcome.at("resourceType")), "OperationOutcome") << body;
    EXPECT_EQ(s(outcome.at("issue").at(0).at("severity")), "error") << body;
    EXPECT_EQ(s(outcome.at("issue").at(0).at("code")), type) << body;
  }
  const std::string not_found =
      encode_fhir_operation_outcome(Error{.code = ErrorCode::not_found, .message = "No instrument x.", .problems = {}});
  test::keep_for_schema_check("operation-outcome-not-found", not_found);
  EXPECT_EQ(s(parse(not_found).at("issue").at(0).at("code")), "not-found");
}

}  // namespace
}  // namespace psyscore
