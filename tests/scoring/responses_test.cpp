#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "psyscore/responses.hpp"

namespace psyscore {
namespace {

InstrumentPtr demo() {
  static const InstrumentPtr instrument = *parse_instrument(R"({
    "id": "demo", "version": "1.0.0", "name": "Demo", "scale": {"min": 0, "max": 4},
    "items": [{"id": "1"}, {"id": "2"}, {"id": "3", "scale": {"min": 0, "max": 100, "step": 25}}],
    "subscales": [{"id": "total", "items": ["1", "2"], "method": "sum"}]})");
  return instrument;
}

TEST(JsonResponses, DecodesAnswersNullsAndAbsentKeys) {
  auto wave = decode_json_responses(*demo(), R"({"responses": [
    {"id": "p01", "answers": {"1": 3, "2": null, "3": 75}},
    {"id": 17, "answers": {"2": 4.0}}]})");
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->respondent_count(), 2u);
  EXPECT_EQ(wave->ids[1], "17");
  EXPECT_EQ(wave->at(0, 0), 3.0);
  EXPECT_TRUE(std::isnan(wave->at(0, 1)));
  EXPECT_EQ(wave->at(0, 2), 75.0);
  EXPECT_TRUE(std::isnan(wave->at(1, 0)));
  EXPECT_EQ(wave->at(1, 1), 4.0);
  EXPECT_EQ(wave->usable_count(), 2u);
}

TEST(JsonResponses, BadAnswersMarkOnlyTheirRespondent) {
  struct Case {
    const char* answer;
    const char* item;
    AnswerErrorCode code;
  };
  const Case cases[] = {
      {R"("1": 5)", "1", AnswerErrorCode::out_of_range},
      {R"("1": -0.5)", "1", AnswerErrorCode::out_of_range},
      {R"("1": 1.5)", "1", AnswerErrorCode::off_step},
      {R"("3": 30)", "3", AnswerErrorCode::off_step},
      {R"("3": 101)", "3", AnswerErrorCode::out_of_range},
      {R"("1": "3")", "1", AnswerErrorCode::not_a_number},
      {R"("1": true)", "1", AnswerErrorCode::not_a_number},
      {R"("1": [3])", "1", AnswerErrorCode::not_a_number},
      {R"("1": {"value": 3})", "1", AnswerErrorCode::not_a_number},
      {R"("4": 1)", "4", AnswerErrorCode::unknown_item},
  };
  for (const auto& c : cases) {
    auto wave = decode_json_responses(*demo(), std::string(R"({"responses": [{"id": "a", "answers": {)") + c.answer +
                                                   R"(}}, {"id": "b", "answers": {"1": 1}}]})");
    ASSERT_TRUE(wave) << c.answer << ": " << wave.error().message;
    ASSERT_EQ(wave->errors[0].size(), 1u) << c.answer;
    EXPECT_EQ(wave->errors[0][0].item, c.item) << c.answer;
    EXPECT_EQ(wave->errors[0][0].code, c.code) << c.answer;
    EXPECT_FALSE(wave->errors[0][0].message.empty()) << c.answer;
    EXPECT_TRUE(wave->usable(1)) << c.answer;
  }
}

TEST(JsonResponses, StructuralErrorsNameTheirPointer) {
  struct Case {
    const char* name;
    const char* body;
    ErrorCode error;
    const char* pointer;
    const char* code;
  };
  const Case cases[] = {
      {"not an object", "[]", ErrorCode::malformed, "", "wrong_type"},
      {"no responses", "{}", ErrorCode::malformed, "/responses", "missing_key"},
      {"unknown top-level key", R"({"responses": [], "respones": []})", ErrorCode::malformed, "/respones",
       "unknown_key"},
      {"responses not an array", R"({"responses": {}})", ErrorCode::malformed, "/responses", "wrong_type"},
      {"respondent not an object", R"({"responses": [3]})", ErrorCode::malformed, "/responses/0", "wrong_type"},
      {"missing id", R"({"responses": [{"answers": {}}]})", ErrorCode::malformed, "/responses/0/id", "missing_key"},
      {"empty id", R"({"responses": [{"id": "", "answers": {}}]})", ErrorCode::malformed, "/responses/0/id",
       "wrong_type"},
      {"id not a string", R"({"responses": [{"id": 1.5, "answers": {}}]})", ErrorCode::malformed, "/responses/0/id",
       "wrong_type"},
      {"missing answers", R"({"responses": [{"id": "a"}]})", ErrorCode::malformed, "/responses/0/answers",
       "missing_key"},
      {"answers an array", R"({"responses": [{"id": "a", "answers": [1, 2]}]})", ErrorCode::malformed,
       "/responses/0/answers", "wrong_type"},
      {"unknown respondent key", R"({"responses": [{"id": "a", "answers": {}, "age": 40}]})", ErrorCode::malformed,
       "/responses/0/age", "unknown_key"},
      {"duplicate ids", R"({"responses": [{"id": "a", "answers": {}}, {"id": "a", "answers": {}}]})",
       ErrorCode::invalid, "/responses/1/id", "duplicate_id"},
      {"malformed JSON", R"({"responses": [)", ErrorCode::malformed, "", "invalid_json"},
      {"NaN literal", R"({"responses": [{"id": "a", "answers": {"1": NaN}}]})", ErrorCode::malformed, "",
       "invalid_json"},
  };
  for (const auto& c : cases) {
    auto wave = decode_json_responses(*demo(), c.body);
    ASSERT_FALSE(wave) << c.name << ": accepted";
    EXPECT_EQ(wave.error().code, c.error) << c.name;
    ASSERT_FALSE(wave.error().problems.empty()) << c.name;
    EXPECT_EQ(wave.error().problems[0].pointer, c.pointer) << c.name << ": " << describe(wave.error().problems[0]);
    EXPECT_EQ(wave.error().problems[0].code, c.code) << c.name << ": " << describe(wave.error().problems[0]);
  }
}

TEST(JsonResponses, DeepNestingIsRejectedNotACrash) {
  std::string body = R"({"responses": [{"id": "a", "answers": {"1": )";
  body += std::string(100000, '[') + std::string(100000, ']') + "}}]}";
  auto wave = decode_json_responses(*demo(), body);
  ASSERT_FALSE(wave);
  EXPECT_EQ(wave.error().code, ErrorCode::malformed);
}

}  // namespace
}  // namespace psyscore
