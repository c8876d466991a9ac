// The "fhir" block of a definition: what it loads into, and every rule the
// loader enforces, each with its pointer.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "psyscore/instrument.hpp"

namespace psyscore {
namespace {

std::string with_fhir(const std::string& block) {
  return R"({"id": "demo", "version": "1.0.0", "name": "Demo", "scale": {"min": 0, "max": 3},
  "items": [{"id": "1"}, {"id": "2"}],
  "subscales": [{"id": "total", "items": ["1", "2"], "method": "sum"}],
  "fhir": )" +
         block + "}";
}

const std::string kValidBlock = R"({
  "url": "http://example.org/fhir/Questionnaire/demo",
  "questionnaire": ["http://loinc.org/q/00000-0"],
  "code": {"system": "http://loinc.org", "code": "00000-0", "display": "Demo panel"},
  "items": {"1": [{"system": "http://loinc.org", "code": "11111-1"}], "2": [{"system": "http://loinc.org", "code": "22222-2"}]},
  "subscales": {"total": [{"system": "http://loinc.org", "code": "33333-3"}]},
  "answers": [{"system": "http://loinc.org", "code": "LA1-1", "value": 0}, {"system": "http://loinc.org", "code": "LA2-2", "value": 3}],
  "ignore": ["44444-4"],
  "notes": "codes made up for the test"
})";

TEST(FhirBlock, Loads) {
  const auto instrument = parse_instrument(with_fhir(kValidBlock));
  ASSERT_TRUE(instrument) << instrument.error().message;
  const FhirBinding& fhir = (*instrument)->fhir;
  EXPECT_EQ(fhir.url, "http://example.org/fhir/Questionnaire/demo");
  EXPECT_EQ(fhir.questionnaire, std::vector<std::string>{"http://loinc.org/q/00000-0"});
  ASSERT_TRUE(fhir.code);
  EXPECT_EQ(fhir.code->display, "Demo panel");
  ASSERT_EQ(fhir.item_codes.size(), 2u);
  EXPECT_EQ(fhir.item_codes[1].at(0).code, "22222-2");
  EXPECT_EQ(fhir.subscale_codes.at(0).at(0).code, "33333-3");
  ASSERT_EQ(fhir.answers.size(), 2u);
  EXPECT_EQ(fhir.answers[1].value, 3.0);
  EXPECT_EQ(fhir.ignore, std::vector<std::string>{"44444-4"});
}

TEST(FhirBlock, WithoutTheBlockEveryItemHasNoCodes) {
  const auto instrument =
      parse_instrument(R"({"id": "d", "version": "1.0.0", "name": "D", "scale": {"min": 0, "max": 1},
    "items": [{"id": "1"}], "subscales": [{"id": "s", "items": ["1"], "method": "sum"}]})");
  ASSERT_TRUE(instrument) << instrument.error().message;
  EXPECT_EQ((*instrument)->fhir.item_codes.size(), 1u);
  EXPECT_EQ((*instrument)->fhir.subscale_codes.size(), 1u);
  EXPECT_TRUE((*instrument)->fhir.url.empty());
}

TEST(FhirBlock, BundledPhq9AndGad7CarryLoinc) {
  const auto registry = Registry::load_directory(test::source_dir() / "instruments");
  ASSERT_TRUE(registry) << registry.error().message;
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> cases = {
      {"phq-9", "44249-1", "44250-9", "44261-6"}, {"gad-7", "69737-5", "69725-0", "70274-6"}};
  for (const auto& [id, panel, first_item, total] : cases) {
    const FhirBinding& fhir = registry->find(id)->fhir;
    ASSERT_TRUE(fhir.code) << id;
    EXPECT_EQ(fhir.code->code, panel) << id;
    EXPECT_EQ(fhir.questionnaire.at(0), "http://loinc.org/q/" + panel) << id;
    EXPECT_EQ(fhir.item_codes.at(0).at(0).code, first_item) << id;
    EXPECT_EQ(fhir.subscale_codes.at(0).at(0).code, total) << id;
    ASSERT_EQ(fhir.answers.size(), 4u) << id;
    EXPECT_EQ(fhir.answers[2].coding.code, "LA6570-1") << id;
    EXPECT_EQ(fhir.answers[2].value, 2.0) << id;
  }
}

TEST(FhirBlock, RejectsEveryBrokenRuleWithItsPointer) {
  struct Case {
    std::string name;
    std::string block;
    std::string pointer;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"not an object", "[]", "/fhir", "wrong_type"},
      {"unknown key", R"({"urll": "x"})", "/fhir/urll", "unknown_key"},
      {"url with a version", R"({"url": "http://x.org/Questionnaire/d|1.0.0"})", "/fhir/url", "bad_url"},
      {"url not absolute", R"({"url": "Questionnaire/d"})", "/fhir/url", "bad_url"},
      {"alias not a string", R"({"questionnaire": [7]})", "/fhir/questionnaire/0", "wrong_type"},
      {"code without system", R"({"code": {"code": "1"}})", "/fhir/code/system", "missing_key"},
      {"system not a URI", R"({"code": {"system": "loinc", "code": "1"}})", "/fhir/code/system", "bad_system"},
      {"unknown coding key", R"({"code": {"system": "http://loinc.org", "code": "1", "version": "2"}})",
       "/fhir/code/version", "unknown_key"},
      {"unknown item", R"({"items": {"9": [{"system": "http://loinc.org", "code": "1"}]}})", "/fhir/items/9",
       "unknown_item"},
      {"item codes not a list", R"({"items": {"1": {"system": "http://loinc.org", "code": "1"}}})", "/fhir/items/1",
       "wrong_type"},
      {"unknown subscale", R"({"subscales": {"sum": []}})", "/fhir/subscales/sum", "unknown_subscale"},
      {"answer value off every scale", R"({"answers": [{"system": "http://loinc.org", "code": "LA1-1", "value": 4}]})",
       "/fhir/answers/0/value", "value_off_scale"},
      {"answer without value", R"({"answers": [{"system": "http://loinc.org", "code": "LA1-1"}]})",
       "/fhir/answers/0/value", "missing_key"},
      {"code mapped twice",
       R"({"answers": [{"system": "http://loinc.org", "code": "LA1-1", "value": 0}, {"system": "http://loinc.org", "code": "LA1-1", "value": 1}]})",
       "/fhir/answers/1/code", "duplicate_code"},
      {"item code is a subscale code",
       R"({"items": {"1": [{"system": "http://loinc.org", "code": "5"}]}, "subscales": {"total": [{"system": "http://loinc.org", "code": "5"}]}})",
       "/fhir/subscales/total", "ambiguous_code"},
      {"item code is another item's id", R"({"items": {"1": [{"system": "http://loinc.org", "code": "2"}]}})",
       "/fhir/items/1", "ambiguous_code"},
      {"ignored question is an item", R"({"ignore": ["/1"]})", "/fhir/ignore/0", "ambiguous_code"},
  };
  for (const Case& c : cases) {
    const auto instrument = parse_instrument(with_fhir(c.block));
    ASSERT_FALSE(instrument) << c.name;
    bool found = false;
    for (const Problem& problem : instrument.error().problems) {
      if (problem.pointer == c.pointer && problem.code == c.code) found = true;
    }
    EXPECT_TRUE(found) << c.name << ": no " << c.code << " at " << c.pointer
                       << "; first problem: " << instrument.error().problems.at(0).pointer << " "
                       << instrument.error().problems.at(0).code;
  }
}

}  // namespace
}  // namespace psyscore
