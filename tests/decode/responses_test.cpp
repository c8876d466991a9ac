#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "psyscore/responses.hpp"
#include "scoring/decode/response_json.hpp"
#include "scoring/util/json_input.hpp"

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

// The document path: parse, then decode_response_array, as the service does.
Result<ResponseMatrix> decode_through_document(const std::string& body) {
  auto document = detail::parse_json(body);
  if (!document) return std::unexpected(std::move(document.error()));
  const auto* responses = document->is_object() ? document->get_object().if_contains("responses") : nullptr;
  if (!responses) return std::unexpected(Error{ErrorCode::malformed, "no responses", {}});
  return detail::decode_response_array(*demo(), *responses, "/responses");
}

// decode_response_body_fast either declines a body or returns exactly the
// wave of the document path.
TEST(JsonResponses, FastPathGivesTheDocumentPathsWaveOrDeclines) {
  struct Case {
    const char* name;
    const char* body;
    bool fast;  // the fast path takes it
  };
  const Case cases[] = {
      {"plain", R"({"responses":[{"id":"p01","answers":{"1":3,"2":null,"3":75}},{"id":"p02","answers":{}}]})", true},
      {"white space", " {\n \"responses\" : [ { \"answers\" : { \"2\" : 4 } ,\t\"id\" : \"a\" } ] }\r\n", true},
      {"no respondents", R"({"responses": []})", true},
      {"integer ids",
       R"({"responses": [{"id": 17, "answers": {}}, {"id": -4, "answers": {}}, {"id": -0, "answers": {}}]})", true},
      {"answer errors", R"({"responses": [{"id": "a", "answers": {"1": 5, "2": "3", "3": 30, "9": 1, "x": null}},
                          {"id": "b", "answers": {"1": true, "2": false, "3": "a long text that is not shown"}}]})",
       true},
      {"answers out of order", R"({"responses": [{"id": "a", "answers": {"3": 25, "1": 0, "2": 1}}]})", true},
      {"decimal answer", R"({"responses": [{"id": "a", "answers": {"1": 2.0}}]})", false},
      {"exponent", R"({"responses": [{"id": "a", "answers": {"1": 2e0}}]})", false},
      {"escaped id", R"({"responses": [{"id": "a\"b", "answers": {}}]})", false},
      {"UTF-8 id", "{\"responses\": [{\"id\": \"Ørsted\", \"answers\": {}}]}", false},
      {"nested answer", R"({"responses": [{"id": "a", "answers": {"1": [3]}}]})", false},
      {"huge integer", R"({"responses": [{"id": "a", "answers": {"1": 12345678901234567890}}]})", false},
      {"repeated item", R"({"responses": [{"id": "a", "answers": {"1": 1, "1": 2}}]})", false},
      {"repeated unknown item", R"({"responses": [{"id": "a", "answers": {"x": 1, "x": 2}}]})", false},
      {"repeated member", R"({"responses": [{"id": "a", "id": "b", "answers": {}}]})", false},
      {"repeated id", R"({"responses": [{"id": "a", "answers": {}}, {"id": "a", "answers": {}}]})", false},
      {"other key", R"({"responses": [], "x": 1})", false},
      {"unknown member", R"({"responses": [{"id": "a", "answers": {}, "age": 40}]})", false},
      {"missing answers", R"({"responses": [{"id": "a"}]})", false},
      {"empty id", R"({"responses": [{"id": "", "answers": {}}]})", false},
      {"leading zero", R"({"responses": [{"id": "a", "answers": {"1": 01}}]})", false},
      {"trailing comma", R"({"responses": [{"id": "a", "answers": {"1": 1,}}]})", false},
      {"text after the body", R"({"responses": []} x)", false},
      {"literal run on", R"({"responses": [{"id": "a", "answers": {"1": nullx}}]})", false},
      {"cut short", R"({"responses": [{"id": "a", "answers": {"1": 1)", false},
  };
  for (const auto& c : cases) {
    const auto fast = detail::decode_response_body_fast(*demo(), c.body, "responses");
    EXPECT_EQ(fast.has_value(), c.fast) << c.name;
    const auto full = decode_json_responses(*demo(), c.body);
    if (!fast) continue;
    const auto document = decode_through_document(c.body);
    ASSERT_TRUE(document) << c.name << ": " << document.error().message;
    ASSERT_TRUE(full) << c.name;
    for (const ResponseMatrix* wave : {&*full, &*document}) {
      EXPECT_EQ(fast->ids, wave->ids) << c.name;
      ASSERT_EQ(fast->answers.size(), wave->answers.size()) << c.name;
      for (std::size_t i = 0; i < wave->answers.size(); ++i) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(fast->answers[i]), std::bit_cast<std::uint64_t>(wave->answers[i]))
            << c.name << ", answer " << i;
      }
      ASSERT_EQ(fast->errors.size(), wave->errors.size()) << c.name;
      for (std::size_t r = 0; r < wave->errors.size(); ++r) {
        ASSERT_EQ(fast->errors[r].size(), wave->errors[r].size()) << c.name << ", row " << r;
        for (std::size_t e = 0; e < wave->errors[r].size(); ++e) {
          EXPECT_EQ(fast->errors[r][e].item, wave->errors[r][e].item) << c.name;
          EXPECT_EQ(fast->errors[r][e].code, wave->errors[r][e].code) << c.name;
          EXPECT_EQ(fast->errors[r][e].message, wave->errors[r][e].message) << c.name;
        }
      }
    }
  }
}

}  // namespace
}  // namespace psyscore
