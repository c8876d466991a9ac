// FHIR QuestionnaireResponses in: the answer forms LHC-Forms and the SDC
// examples write, nested groups, Bundles, and every way a response can fail.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fhir_support.hpp"
#include "fixtures.hpp"
#include "psyscore/fhir.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/decode/fhir_response.hpp"

namespace psyscore {
namespace {

using test::data_dir;
using test::read_text;

struct Styled {
  std::string name;
  std::string file;
};

TEST(FhirResponse, EveryAnswerStyleGivesTheSameScores) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const std::vector<Styled> cases = {
      {"LHC-Forms, bare LOINC codes, /code linkIds", "phq9_lhc_forms_loinc_codes.json"},
      {"SDC, itemWeight on the coding", "phq9_sdc_item_weight.json"},
      {"ordinalValue (deprecated) on the coding", "phq9_ordinal_value.json"},
  };
  for (const Styled& c : cases) {
    const auto wave = test::decode(registry, read_text(data_dir() / "fhir" / c.file));
    ASSERT_TRUE(wave) << c.name << ": " << wave.error().message;
    EXPECT_EQ(wave->instrument->id, "phq-9") << c.name;
    ASSERT_EQ(wave->responses.respondent_count(), 1u) << c.name;
    EXPECT_TRUE(wave->responses.usable(0)) << c.name;
    EXPECT_EQ(wave->responses.ids[0], "Patient/example") << c.name;
    EXPECT_EQ(wave->sources[0].authored, "2026-11-30T09:15:00+01:00") << c.name;
    const ScoreTable table = score(*wave->instrument, wave->responses);
    ASSERT_TRUE(table.at(0, 0).value) << c.name;
    EXPECT_EQ(*table.at(0, 0).value, 11.0) << c.name;
  }
}

TEST(FhirResponse, IntegerAnswersInNestedGroups) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const auto wave = test::decode(registry, read_text(data_dir() / "fhir" / "pss10_integer_nested_groups.json"));
  ASSERT_TRUE(wave) << wave.error().message;
  EXPECT_EQ(wave->instrument->id, "pss-10");
  EXPECT_EQ(wave->responses.ids[0], "p07") << "respondent from subject.identifier";
  const ScoreTable table = score(*wave->instrument, wave->responses);
  ASSERT_TRUE(table.at(0, 0).value);
  EXPECT_EQ(*table.at(0, 0).value, 24.0) << "items 4, 5, 7, 8 reverse-keyed";
}

TEST(FhirResponse, TheFormsOwnTotalIsComparedNotUsed) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  std::string body = read_text(data_dir() / "fhir" / "phq9_lhc_forms_loinc_codes.json");
  const auto wave = test::decode(registry, body);
  ASSERT_TRUE(wave);
  ASSERT_EQ(wave->sources[0].reported.size(), 1u);
  EXPECT_EQ(wave->sources[0].reported[0], 11.0);
}

// A response that does not fit the definition is not scored and says why;
// the others in the Bundle are.
struct BadResponse {
  std::string name;
  std::string item_json;  // replaces the first item of a valid PHQ-9 response
  std::string status = "completed";
  std::string code;        // the expected issue code
  std::string expression;  // the expected FHIRPath of the issue
};

TEST(FhirResponse, BadResponsesAreRefusedOneByOne) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const std::vector<BadResponse> cases = {
      {"unknown linkId", R"({"linkId":"/99999-9","answer":[{"valueInteger":1}]})", "completed", "unknown_item",
       "Bundle.entry[1].resource.item[0].linkId"},
      {"coding outside the map",
       R"({"linkId":"/44250-9","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA9999-9"}}]})",
       "completed", "unmapped_code", "Bundle.entry[1].resource.item[0].answer[0].valueCoding"},
      {"weight disagrees with the map",
       R"({"linkId":"/44250-9","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6569-3",)"
       R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/itemWeight","valueDecimal":3}]}}]})",
       "completed", "weight_mismatch", "Bundle.entry[1].resource.item[0].answer[0].valueCoding"},
      {"weight off the scale",
       R"({"linkId":"/44250-9","answer":[{"valueCoding":{"system":"http://example.org/other","code":"x",)"
       R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/itemWeight","valueDecimal":7}]}}]})",
       "completed", "out_of_range", "Bundle.entry[1].resource.item[0].answer[0]"},
      {"decimal off the step", R"({"linkId":"1","answer":[{"valueDecimal":1.5}]})", "completed", "off_step",
       "Bundle.entry[1].resource.item[0].answer[0]"},
      {"string answer", R"({"linkId":"1","answer":[{"valueString":"often"}]})", "completed", "not_a_number",
       "Bundle.entry[1].resource.item[0].answer[0].valueString"},
      {"two answers", R"({"linkId":"1","answer":[{"valueInteger":1},{"valueInteger":2}]})", "completed",
       "repeated_answer", "Bundle.entry[1].resource.item[0].answer[1]"},
      {"status in-progress", R"({"linkId":"1","answer":[{"valueInteger":1}]})", "in-progress", "not_completed",
       "Bundle.entry[1].resource.status"},
  };
  for (const BadResponse& c : cases) {
    const std::string good = test::phq9_response("good", "completed", "");
    const std::string bad = test::phq9_response("bad", c.status, c.item_json);
    const auto wave = test::decode(registry, test::bundle_of({good, bad}));
    ASSERT_TRUE(wave) << c.name << ": " << wave.error().message;
    ASSERT_EQ(wave->responses.respondent_count(), 2u) << c.name;
    EXPECT_TRUE(wave->responses.usable(0)) << c.name << ": the good response is scored";
    EXPECT_FALSE(wave->responses.usable(1)) << c.name;
    ASSERT_EQ(wave->sources[1].issues.size(), 1u) << c.name;
    EXPECT_EQ(wave->sources[1].issues[0].code, c.code) << c.name;
    EXPECT_EQ(wave->sources[1].issues[0].expression, c.expression) << c.name;
    EXPECT_EQ(wave->sources[1].issues[0].severity, "error") << c.name;
  }
}

// What makes the whole request unusable.
struct BadRequest {
  std::string name;
  std::string body;
  ErrorCode code;
  std::string problem;  // expected code of the first problem
  std::string pointer;
};

TEST(FhirResponse, BadRequestsAreErrors) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const std::string no_questionnaire = R"({"resourceType":"QuestionnaireResponse","status":"completed","item":[]})";
  const std::vector<BadRequest> cases = {
      {"not JSON", "{", ErrorCode::malformed, "invalid_json", ""},
      {"a Patient", R"({"resourceType":"Patient"})", ErrorCode::malformed, "not_a_response", "/resourceType"},
      {"missing questionnaire", no_questionnaire, ErrorCode::invalid, "missing_questionnaire", "/questionnaire"},
      {"unknown questionnaire",
       R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/x","status":"completed"})",
       ErrorCode::invalid, "unknown_questionnaire", "/questionnaire"},
      {"another version",
       R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://psyscore.org/fhir/Questionnaire/phq-9|2.0.0","status":"completed"})",
       ErrorCode::invalid, "unknown_questionnaire", "/questionnaire"},
      {"two instruments",
       test::bundle_of(
           {test::phq9_response("a", "completed", ""),
            R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://psyscore.org/fhir/Questionnaire/gad-7","status":"completed"})"}),
       ErrorCode::invalid, "mixed_questionnaires", "/entry/1/resource/questionnaire"},
      {"empty Bundle", R"({"resourceType":"Bundle","type":"collection","entry":[]})", ErrorCode::invalid,
       "no_responses", "/entry"},
      {"item without linkId",
       R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://loinc.org/q/44249-1","status":"completed","item":[{"answer":[{"valueInteger":1}]}]})",
       ErrorCode::malformed, "missing_link_id", "/item/0"},
      {"linkId a number",
       R"({"resourceType":"QuestionnaireResponse","questionnaire":"http://loinc.org/q/44249-1","status":"completed","item":[{"linkId":1}]})",
       ErrorCode::malformed, "wrong_type", "/item/0/linkId"},
  };
  for (const BadRequest& c : cases) {
    const auto wave = test::decode(registry, c.body);
    ASSERT_FALSE(wave) << c.name;
    EXPECT_EQ(wave.error().code, c.code) << c.name;
    ASSERT_FALSE(wave.error().problems.empty()) << c.name;
    EXPECT_EQ(wave.error().problems[0].code, c.problem) << c.name;
    EXPECT_EQ(wave.error().problems[0].pointer, c.pointer) << c.name;
  }
}

TEST(FhirResponse, ANamedInstrumentRefusesResponsesToAnother) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const auto gad7 = registry.find("gad-7");
  const std::string body = test::phq9_response("a", "completed", "");
  const auto wave = test::decode_as(registry, "gad-7", body);
  ASSERT_FALSE(wave);
  EXPECT_EQ(wave.error().code, ErrorCode::invalid);
  EXPECT_EQ(wave.error().problems[0].code, "other_questionnaire");

  const std::string no_questionnaire =
      R"({"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"1","answer":[{"valueInteger":2}]}]})";
  const auto named = test::decode_as(registry, "phq-9", no_questionnaire);
  ASSERT_TRUE(named) << "a response without questionnaire is taken as one to the named instrument";
  EXPECT_EQ(named->responses.ids[0], "response 1");
}

TEST(FhirResponse, CitationForms) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const auto phq9 = registry.find("phq-9");
  const std::vector<std::pair<std::string, bool>> cases = {
      {"http://psyscore.org/fhir/Questionnaire/phq-9", true},
      {"http://psyscore.org/fhir/Questionnaire/phq-9|1.0.0", true},
      {"http://psyscore.org/fhir/Questionnaire/phq-9|0.9.0", false},
      {"http://loinc.org/q/44249-1", true},
      {"http://loinc.org/q/44249-1|2.76", true},
      {"Questionnaire/44249-1", true},
      {"https://fhir.example.org/r4/Questionnaire/phq-9", true},
      {"https://fhir.example.org/r4/Questionnaire/xphq-9", false},
      {"http://loinc.org/q/69737-5", false},
  };
  for (const auto& [canonical, cites] : cases) {
    EXPECT_EQ(fhir_cites_instrument(*phq9, canonical), cites) << canonical;
  }
}

TEST(FhirResponse, ABundleOfAThousandMatchesTheJsonPath) {
  const test::FhirRegistry registry = test::bundled_fhir_registry();
  const auto phq9 = registry.find("phq-9");
  std::vector<std::string> entries;
  std::string json = R"({"responses":[)";
  for (int r = 0; r < 1000; ++r) {
    std::vector<int> answers(9);
    for (int i = 0; i < 9; ++i) answers[i] = (r * 7 + i * 3 + r / 9) % 4;
    if (r % 97 == 5) answers[4] = -1;  // one missing answer: prorated
    entries.push_back(test::phq9_coded_response("r" + std::to_string(r), answers, r % 3));
    json += (r ? "," : "") + std::string(R"({"id":"Patient/r)") + std::to_string(r) + R"(","answers":{)";
    for (int i = 0; i < 9; ++i) {
      json += (i ? "," : "") + std::string("\"") + std::to_string(i + 1) + "\":";
      json += answers[i] < 0 ? "null" : std::to_string(answers[i]);
    }
    json += "}}";
  }
  json += "]}";
  const auto fhir_wave = test::decode(registry, test::bundle_of(entries));
  ASSERT_TRUE(fhir_wave) << fhir_wave.error().message;
  const auto json_wave = decode_json_responses(*phq9, json);
  ASSERT_TRUE(json_wave) << json_wave.error().message;
  ASSERT_EQ(fhir_wave->responses.respondent_count(), 1000u);
  EXPECT_EQ(fhir_wave->responses.ids, json_wave->ids);
  const ScoreTable a = score(*phq9, fhir_wave->responses);
  const ScoreTable b = score(*phq9, *json_wave);
  for (std::size_t r = 0; r < 1000; ++r) {
    EXPECT_EQ(a.at(r, 0).value, b.at(r, 0).value) << "respondent " << r;
    EXPECT_EQ(a.at(r, 0).band, b.at(r, 0).band) << "respondent " << r;
  }
}

TEST(FhirPaths, PointersBecomeFhirPath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "Bundle"},
      {"/entry/3/resource/item/0", "Bundle.entry[3].resource.item[0]"},
      {"/a~1b/0", "Bundle.a/b[0]"},
  };
  for (const auto& [pointer, path] : cases) EXPECT_EQ(detail::fhirpath_of("Bundle", pointer), path) << pointer;
  EXPECT_EQ(detail::fhirpath_of("", "/entry/0/resource"), "entry[0].resource");
}

TEST(FhirPaths, DateTimes) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"2026", true},
      {"2026-11", true},
      {"2026-11-30", true},
      {"2026-11-30T09:15:00Z", true},
      {"2026-11-30T09:15:00.123+01:00", true},
      {"2026-11-30T09:15:00", false},
      {"2026-13", false},
      {"26-11-30", false},
      {"", false},
      {"2026-11-30T25:00:00Z", false},
  };
  for (const auto& [text, valid] : cases) EXPECT_EQ(detail::is_fhir_date_time(text), valid) << text;
}

}  // namespace
}  // namespace psyscore
