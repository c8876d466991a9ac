#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "psyscore/responses.hpp"

namespace psyscore {
namespace {

InstrumentPtr demo() {
  static const InstrumentPtr instrument = *parse_instrument(R"({
    "id": "demo", "version": "1.0.0", "name": "Demo", "scale": {"min": 0, "max": 4},
    "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}],
    "subscales": [{"id": "total", "items": ["1", "2", "3"], "method": "sum"}]})");
  return instrument;
}

Result<ResponseMatrix> decode(const std::string& text, CsvOptions options = {}) {
  options.source = "wave.csv";
  return decode_csv_responses(*demo(), text, options);
}

TEST(Csv, DecodesAnswersIntoOneMatrix) {
  auto wave = decode("id,1,2,3\np01,0,1,2\np02,4,,NA\n");
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->respondent_count(), 2u);
  EXPECT_EQ(wave->ids[1], "p02");
  EXPECT_EQ(wave->at(0, 2), 2.0);
  EXPECT_EQ(wave->at(1, 0), 4.0);
  EXPECT_TRUE(std::isnan(wave->at(1, 1)));
  EXPECT_TRUE(std::isnan(wave->at(1, 2)));
  EXPECT_TRUE(wave->warnings.empty());
}

TEST(Csv, AcceptsWhatSpreadsheetsWrite) {
  struct Case {
    const char* name;
    std::string text;
  };
  const Case cases[] = {
      {"CRLF line ends", "id,1,2,3\r\np01,0,1,2\r\n"},
      {"lone CR line ends", "id,1,2,3\rp01,0,1,2\r"},
      {"byte order mark", "\xEF\xBB\xBFid,1,2,3\np01,0,1,2\n"},
      {"no final newline", "id,1,2,3\np01,0,1,2"},
      {"blank lines", "id,1,2,3\n\np01,0,1,2\n\n\n"},
      {"quoted fields", "\"id\",\"1\",\"2\",\"3\"\n\"p01\",\"0\",1,\"2\"\n"},
      {"columns in another order", "3,id,2,1\n2,p01,1,0\n"},
      {"spaces around values", "id, 1 ,2,3\np01, 0,1 ,2\n"},
  };
  for (const auto& c : cases) {
    auto wave = decode(c.text);
    ASSERT_TRUE(wave) << c.name << ": " << wave.error().message;
    ASSERT_EQ(wave->respondent_count(), 1u) << c.name;
    EXPECT_EQ(wave->ids[0], "p01") << c.name;
    EXPECT_EQ(wave->at(0, 0), 0.0) << c.name;
    EXPECT_EQ(wave->at(0, 1), 1.0) << c.name;
    EXPECT_EQ(wave->at(0, 2), 2.0) << c.name;
  }
}

TEST(Csv, QuotedFieldsFollowRfc4180) {
  auto wave = decode("id,1,2,3,comment\n\"p,01\",0,1,2,\"said \"\"hi\"\"\nthen left\"\n\"p\"\"02\",1,1,1,\n");
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->respondent_count(), 2u);
  EXPECT_EQ(wave->ids[0], "p,01");
  EXPECT_EQ(wave->ids[1], "p\"02");
}

TEST(Csv, ExtraAndMissingColumnsAreNamedInWarnings) {
  auto wave = decode("id,age,1,2,site\np01,40,1,2,A\n");
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->warnings.size(), 2u);
  EXPECT_NE(wave->warnings[0].find("\"3\""), std::string::npos) << wave->warnings[0];
  EXPECT_NE(wave->warnings[1].find("\"age\", \"site\""), std::string::npos) << wave->warnings[1];
  EXPECT_TRUE(std::isnan(wave->at(0, 2)));
}

TEST(Csv, IdColumnAndColumnPrefixAreConfigurable) {
  CsvOptions options;
  options.id_column = "record_id";
  options.column_prefix = "mbi_";
  auto wave = decode("record_id,mbi_1,mbi_2,mbi_3,1\nr1,3,2,1,9\n", options);
  ASSERT_TRUE(wave) << wave.error().message;
  EXPECT_EQ(wave->ids[0], "r1");
  EXPECT_EQ(wave->at(0, 0), 3.0);
  ASSERT_EQ(wave->warnings.size(), 1u);
  EXPECT_NE(wave->warnings[0].find("\"1\""), std::string::npos) << "the unprefixed column is ignored";
}

TEST(Csv, GroupColumnIsRead) {
  CsvOptions options;
  options.group_column = "years";
  auto wave = decode("id,years,1,2,3\na,under_1y,1,1,1\nb,5y_plus,2,2,2\n", options);
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->groups.size(), 2u);
  EXPECT_EQ(wave->groups[1], "5y_plus");
  EXPECT_TRUE(wave->warnings.empty());
}

TEST(Csv, BadAnswersMarkOnlyTheirRespondent) {
  struct Case {
    const char* cell;
    AnswerErrorCode code;
  };
  const Case cases[] = {
      {"5", AnswerErrorCode::out_of_range},   {"-1", AnswerErrorCode::out_of_range},
      {"2.5", AnswerErrorCode::off_step},     {"three", AnswerErrorCode::not_a_number},
      {"inf", AnswerErrorCode::not_a_number}, {"nan", AnswerErrorCode::not_a_number},
      {"1e", AnswerErrorCode::not_a_number},  {".", AnswerErrorCode::not_a_number},
  };
  for (const auto& c : cases) {
    auto wave = decode(std::string("id,1,2,3\np01,1,") + c.cell + ",1\np02,1,1,1\n");
    ASSERT_TRUE(wave) << c.cell << ": " << wave.error().message;
    ASSERT_EQ(wave->errors[0].size(), 1u) << c.cell;
    EXPECT_EQ(wave->errors[0][0].code, c.code) << c.cell;
    EXPECT_EQ(wave->errors[0][0].item, "2") << c.cell;
    EXPECT_FALSE(wave->usable(0)) << c.cell;
    EXPECT_TRUE(wave->usable(1)) << c.cell;
  }
}

// Every structural error fails the file with its line and column.
TEST(Csv, StructuralErrorsNameLineAndColumn) {
  struct Case {
    const char* name;
    std::string text;
    ErrorCode error;
    const char* code;
    std::size_t line, column;
  };
  const Case cases[] = {
      {"empty file", "", ErrorCode::malformed, "empty", 1, 0},
      {"only blank lines", "\n\n", ErrorCode::malformed, "empty", 1, 0},
      {"no id column", "pid,1,2,3\np01,1,1,1\n", ErrorCode::malformed, "missing_column", 1, 0},
      {"duplicate column", "id,1,2,2,3\np01,1,1,1,1\n", ErrorCode::malformed, "duplicate_column", 1, 4},
      {"row too long", "id,1,2,3\np01,1,1,1\np02,1,1,1,1\n", ErrorCode::malformed, "ragged_row", 3, 5},
      {"row too short", "id,1,2,3\np01,1,1\n", ErrorCode::malformed, "ragged_row", 2, 4},
      {"empty id", "id,1,2,3\np01,1,1,1\n,1,1,1\n", ErrorCode::malformed, "missing_id", 3, 1},
      {"unclosed quote", "id,1,2,3\np01,\"1,1,1\n", ErrorCode::malformed, "invalid_csv", 2, 2},
      {"quote inside a field", "id,1,2,3\np01,1\"2,1,1\n", ErrorCode::malformed, "invalid_csv", 2, 2},
      {"text after closing quote", "id,1,2,3\np01,\"1\"x,1,1\n", ErrorCode::malformed, "invalid_csv", 2, 2},
      {"duplicate id", "id,1,2,3\np01,1,1,1\np02,1,1,1\np01,2,2,2\n", ErrorCode::invalid, "duplicate_id", 4, 1},
      {"no item columns", "id,a,b\np01,1,1\n", ErrorCode::invalid, "no_item_columns", 1, 0},
  };
  for (const auto& c : cases) {
    auto wave = decode(c.text);
    ASSERT_FALSE(wave) << c.name << ": accepted";
    EXPECT_EQ(wave.error().code, c.error) << c.name;
    ASSERT_FALSE(wave.error().problems.empty()) << c.name;
    const Problem& problem = wave.error().problems[0];
    EXPECT_EQ(problem.code, c.code) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.source, "wave.csv") << c.name;
    EXPECT_EQ(problem.line, c.line) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.column, c.column) << c.name << ": " << describe(problem);
  }
}

TEST(Csv, MissingGroupColumnAndEmptyGroupAreErrors) {
  CsvOptions options;
  options.group_column = "years";
  auto no_column = decode("id,1,2,3\na,1,1,1\n", options);
  ASSERT_FALSE(no_column);
  EXPECT_EQ(no_column.error().problems[0].code, "missing_column");
  auto empty_group = decode("id,years,1,2,3\na,,1,1,1\n", options);
  ASSERT_FALSE(empty_group);
  EXPECT_EQ(empty_group.error().problems[0].code, "missing_group");
  EXPECT_EQ(empty_group.error().problems[0].line, 2u);
  EXPECT_EQ(empty_group.error().problems[0].column, 2u);
}

TEST(Csv, QuotedNewlinesKeepLineNumbersRight) {
  auto wave = decode("id,1,2,3,note\np01,1,1,1,\"two\nlines\"\np02,1,1\n");
  ASSERT_FALSE(wave);
  EXPECT_EQ(wave.error().problems[0].line, 4u) << describe(wave.error().problems[0]);
}

}  // namespace
}  // namespace psyscore
