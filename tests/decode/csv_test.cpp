#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "psyscore/responses.hpp"
#include "scoring/decode/csv.hpp"
#include "scoring/decode/decode_common.hpp"

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

// A column can be the group column and a covariate at once: it fills both,
// on the quick path for plain rows and the general one (quoted cells).
TEST(Csv, GroupColumnCanAlsoBeACovariate) {
  CsvOptions options;
  options.group_column = "years";
  options.covariate_columns = {"years", "age"};
  auto wave = decode("id,years,age,1,2,3\na,under_1y,51,1,1,1\nb,\"5y_plus\",40,2,2,2\n", options);
  ASSERT_TRUE(wave) << wave.error().message;
  EXPECT_EQ(wave->groups, (std::vector<std::string>{"under_1y", "5y_plus"}));
  ASSERT_EQ(wave->covariates.size(), 2u);
  EXPECT_EQ(wave->covariates[0].name, "years");
  EXPECT_FALSE(wave->covariates[0].numeric);
  EXPECT_EQ(wave->covariates[0].labels, wave->groups);
  EXPECT_TRUE(wave->covariates[1].numeric);
  EXPECT_TRUE(wave->warnings.empty()) << wave->warnings.front();
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

// Decodes `text` as the CLI's streaming `score` does: handed to the decoder
// `window` bytes at a time, in chunks of at most `rows` respondents (all
// appended to one wave here).
Result<ResponseMatrix> decode_in_windows(const std::string& text, std::size_t window, std::size_t rows,
                                         CsvOptions options = {}) {
  options.source = "wave.csv";
  detail::CsvResponseDecoder decoder(*demo(), options);
  ResponseMatrix wave;
  wave.item_count = demo()->items.size();
  std::string buffer;
  std::size_t begin = 0;
  std::size_t fed = 0;
  bool needs_text = true;
  while (!decoder.finished()) {
    if (needs_text && fed < text.size()) {
      buffer.erase(0, begin);
      begin = 0;
      buffer += text.substr(fed, window);
      fed = std::min(fed + window, text.size());
    }
    begin += decoder.decode(std::string_view(buffer).substr(begin), fed == text.size(), &wave, rows);
    needs_text = decoder.needs_more_text();
  }
  if (auto error = decoder.error()) return std::unexpected(std::move(*error));
  wave.warnings = decoder.warnings();
  return wave;
}

// Equal as the encoders see them: NaN equals NaN.
::testing::AssertionResult same_wave(const Result<ResponseMatrix>& a, const Result<ResponseMatrix>& b) {
  if (a.has_value() != b.has_value()) return ::testing::AssertionFailure() << "one failed, one did not";
  if (!a) {
    const Error& x = a.error();
    const Error& y = b.error();
    if (x.code != y.code || x.message != y.message || x.problems.size() != y.problems.size()) {
      return ::testing::AssertionFailure() << "errors differ: " << x.message << " / " << y.message;
    }
    for (std::size_t p = 0; p < x.problems.size(); ++p) {
      if (describe(x.problems[p]) != describe(y.problems[p]) || x.problems[p].code != y.problems[p].code) {
        return ::testing::AssertionFailure() << describe(x.problems[p]) << " / " << describe(y.problems[p]);
      }
    }
    return ::testing::AssertionSuccess();
  }
  if (a->ids != b->ids || a->groups != b->groups || a->warnings != b->warnings) {
    return ::testing::AssertionFailure() << "ids, groups or warnings differ";
  }
  if (a->answers.size() != b->answers.size() ||
      !std::equal(a->answers.begin(), a->answers.end(), b->answers.begin(), [](double x, double y) {
        return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
      })) {
    return ::testing::AssertionFailure() << "answers differ";
  }
  for (std::size_t r = 0; r < a->errors.size(); ++r) {
    if (a->errors[r].size() != b->errors[r].size()) return ::testing::AssertionFailure() << "errors of row " << r;
    for (std::size_t e = 0; e < a->errors[r].size(); ++e) {
      if (a->errors[r][e].message != b->errors[r][e].message || a->errors[r][e].code != b->errors[r][e].code) {
        return ::testing::AssertionFailure() << a->errors[r][e].message << " / " << b->errors[r][e].message;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Every window size and chunk size gives what the whole text gives: records,
// quoted fields and line ends cut anywhere, and every message with its line.
TEST(Csv, DecodingInWindowsEqualsDecodingAtOnce) {
  std::string long_wave = "id,1,2,3,note\r\n";
  for (int r = 0; r < 60; ++r) {
    long_wave += "p" + std::to_string(r) + "," + std::to_string(r % 5) + ",," + (r % 7 == 0 ? "x" : "2");
    long_wave += r % 4 == 0 ? ",\"a \"\"quoted\"\"\r\nnote, over two lines\"\r\n" : ",\r\n";
  }
  struct Case {
    const char* name;
    std::string text;
  };
  const Case cases[] = {
      {"plain", "id,1,2,3\np01,0,1,2\np02,4,,NA\n"},
      {"CRLF", "id,1,2,3\r\np01,0,1,2\r\np02,4,,NA\r\n"},
      {"lone CR", "id,1,2,3\rp01,0,1,2\rp02,1,1,1"},
      {"byte order mark", "\xEF\xBB\xBFid,1,2,3\np01,0,1,2\n"},
      {"blank lines", "\n\r\nid,1,2,3\n\n\r\np01,0,1,2\n\n"},
      {"quoted", "\"id\",1,2,3,c\n\"p,\"\"1\",0,\"1\",2,\"x\ny\"\"\"\n\"p2\",\" 1\",2,3,\"\"\n"},
      {"bad answers", "id,1,2,3\np01,9,-1,two\np02,1.5,0.0,4\n"},
      {"ragged and empty id", "id,1,2,3\np01,1,1\n,1,1,1\np03,1,1,1,1\n"},
      {"duplicate id late", long_wave + "p3,1,1,1,\r\n"},
      {"long", long_wave},
      {"unclosed quote", "id,1,2,3\np01,\"1,1,1\n"},
      {"quote inside a field", "id,1,2,3\np01,1\"2,1,1\n"},
      {"text after a closing quote", "id,1,2,3\np01,\"1\"x,1,1\n"},
      {"header only", "id,1,2,3"},
      {"empty", ""},
      {"no id column", "pid,1,2,3\np01,1,1,1\n"},
  };
  for (const auto& c : cases) {
    const auto whole = decode(c.text);
    for (const std::size_t window : {1, 2, 3, 5, 16, 1000}) {
      for (const std::size_t rows : {std::size_t{1}, std::size_t{7}, SIZE_MAX}) {
        EXPECT_TRUE(same_wave(decode_in_windows(c.text, window, rows), whole))
            << c.name << ", window " << window << ", chunks of " << rows;
      }
    }
  }
}

TEST(Csv, RepeatedIdsAreFoundInAnyOrder) {
  struct Case {
    const char* name;
    std::vector<std::string> ids;
    std::size_t repeats;
    std::size_t first_line;  // of the first repeat listed
  };
  std::vector<std::string> shuffled(3000);
  for (std::size_t i = 0; i < shuffled.size(); ++i) shuffled[i] = "r" + std::to_string(i);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  std::vector<std::string> shuffled_with_repeats = shuffled;
  shuffled_with_repeats.push_back(shuffled[1234]);
  shuffled_with_repeats.push_back(shuffled[5]);
  std::vector<std::string> many_repeats(150, "same");
  many_repeats.front() = "other";

  const Case cases[] = {
      {"sorted, none", {"1", "2", "9", "10", "11", "100"}, 0, 0},
      {"sorted, then a repeat", {"1", "2", "3", "2"}, 1, 5},
      {"equal neighbours", {"a", "a"}, 1, 3},
      {"unsorted, none", {"b", "a", "c", "ab"}, 0, 0},
      {"unsorted, two", {"b", "a", "c", "a", "b"}, 2, 5},
      {"shuffled, none", shuffled, 0, 0},
      {"shuffled, two late", shuffled_with_repeats, 2, 3002},
      {"more than are listed", many_repeats, 148, 4},
  };
  for (const auto& c : cases) {
    std::string text = "id,1,2,3\n";
    for (const auto& id : c.ids) text += id + ",1,1,1\n";
    const auto wave = decode(text);
    if (c.repeats == 0) {
      ASSERT_TRUE(wave) << c.name << ": " << wave.error().message;
      EXPECT_EQ(wave->respondent_count(), c.ids.size()) << c.name;
      continue;
    }
    ASSERT_FALSE(wave) << c.name;
    EXPECT_EQ(wave.error().code, ErrorCode::invalid) << c.name;
    EXPECT_EQ(wave.error().problems.size(), std::min<std::size_t>(c.repeats, 100)) << c.name;
    EXPECT_EQ(wave.error().problems[0].line, c.first_line) << c.name << ": " << describe(wave.error().problems[0]);
    EXPECT_EQ(wave.error().message, std::to_string(c.repeats) +
                                        (c.repeats == 1 ? " respondent id is" : " respondent ids are") +
                                        " repeated; ids must be unique within a wave")
        << c.name;
  }
}

// The decoders' own number reading must give exactly what from_chars gives,
// or decline.
TEST(Csv, PlainDecimalsReadAsFromChars) {
  std::vector<std::string> texts = {"0",
                                    "-0",
                                    "7",
                                    "007",
                                    "-3",
                                    "2.5",
                                    "-0.5",
                                    "0.1",
                                    "1.",
                                    ".5",
                                    "-",
                                    "",
                                    "1e3",
                                    "+1",
                                    " 1",
                                    "1 ",
                                    "1..2",
                                    "1.2.",
                                    "--1",
                                    "0x10",
                                    "inf",
                                    "nan",
                                    "9.999",
                                    "123456789012345",
                                    "1234567890123456",
                                    "0.000000000000001",
                                    "0.0000000000000001",
                                    "99999999999999.9"};
  std::mt19937_64 random(42);
  for (int i = 0; i < 100000; ++i) {
    std::string digits = std::to_string(random());
    digits.resize(1 + random() % 16);
    if (random() % 2) digits.insert(random() % (digits.size() + 1), ".");
    if (random() % 4 == 0) digits.insert(0, "-");
    texts.push_back(digits);
  }
  for (const auto& text : texts) {
    double value = 0;
    bool whole = false;
    if (!detail::parse_plain_decimal(text, value, whole)) continue;
    double expected = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    ASSERT_TRUE(ec == std::errc{} && end == text.data() + text.size()) << text << " is not a number to from_chars";
    EXPECT_EQ(std::bit_cast<std::uint64_t>(value), std::bit_cast<std::uint64_t>(expected)) << text;
    EXPECT_EQ(whole, text.find('.') == std::string::npos) << text;
  }
  double value = 0;
  bool whole = false;
  for (const char* declined : {"1.", ".5", "", "-", "+1", " 1", "1e3", "1234567890123456", "1..2"}) {
    EXPECT_FALSE(detail::parse_plain_decimal(declined, value, whole)) << declined;
  }
}

// Quoting every field changes nothing in RFC 4180. The decoder reads plain
// records (no quotes) through a shortcut and quoted ones the general way, so
// this compares the two on records of every kind.
TEST(Csv, QuotingEveryFieldChangesNothing) {
  const std::vector<std::string> rows = {
      "p01,0,1,2,x",    "p02,4,,NA,",      "p03,NA,NA,NA,NA", "p04, 1,2 ,3,a b", "p05,1\t,2,3,",
      "p06,5,1,1,",     "p07,-1,1,1,",     "p08,1.5,1,1,",    "p09,1.0,2,3,",    "p10,0001,2,3,",
      "p11,three,1,1,", "p+12,1,1,1,(c)",  "p13,1,1,1,na",    "p14,1e0,1,1,",    "p15,1234567890123456,1,1,",
      " p16 ,1,1,1,",   "p17,1,1,1,Ørsted"};
  std::vector<std::string> waves;
  for (const auto& ending : {"\n", "\r\n"}) {
    std::string wave = std::string("id,1,2,3,note") + ending;
    for (const auto& row : rows) wave += row + ending;
    waves.push_back(wave);
    waves.push_back(wave + "p03,1,1,1," + ending);  // a repeated id
    waves.push_back(wave + "p18,1,1" + ending);     // a ragged row
    waves.push_back(wave + ",1,1,1," + ending);     // an empty id
    waves.push_back(wave + "p19,1,1,1,x");          // no final line break
  }
  // Every field of every line in quotes; line ends stay as they are.
  auto quoted = [](const std::string& text) {
    std::string out;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t newline = std::min(text.find('\n', start), text.size());
      std::string line = text.substr(start, newline - start);
      const bool carriage_return = line.ends_with('\r');
      if (carriage_return) line.pop_back();
      out += '"';
      for (const char c : line) out += c == ',' ? std::string("\",\"") : std::string(1, c);
      out += '"';
      if (carriage_return) out += '\r';
      if (newline < text.size()) out += '\n';
      start = newline + 1;
    }
    return out;
  };
  for (const auto& wave : waves) {
    EXPECT_TRUE(same_wave(decode(quoted(wave)), decode(wave))) << wave << "\nquoted:\n" << quoted(wave);
  }
  CsvOptions grouped;
  grouped.group_column = "g";
  const std::string with_groups = "id,g,1\na,x,1\nb,NA,1\nc,,1\nd,y z,1\n";
  EXPECT_TRUE(same_wave(decode(quoted(with_groups), grouped), decode(with_groups, grouped)));
}

TEST(Csv, SemicolonAndTabDelimitersAreDetectedFromTheHeader) {
  const std::string comma = "id,1,2,3\np01,0,1,2\np02,4,,NA\n\"p 03\",1,\"2\",3\n";
  auto with = [&](char delimiter) {
    std::string text = comma;
    std::ranges::replace(text, ',', delimiter);
    return text;
  };
  const auto expected = decode(comma);
  ASSERT_TRUE(expected);
  for (const char delimiter : {';', '\t'}) {
    SCOPED_TRACE(delimiter == ';' ? "semicolon" : "tab");
    EXPECT_TRUE(same_wave(decode(with(delimiter)), expected));
    CsvOptions named;
    named.delimiter = delimiter;
    EXPECT_TRUE(same_wave(decode(with(delimiter), named), expected));
  }
  // A header with more semicolons than commas is read with ';' unless told otherwise.
  EXPECT_EQ(detail::detect_delimiter("id;name, first;1;2\n"), ';');
  EXPECT_EQ(detail::detect_delimiter("id,1;2\n"), ',');
  EXPECT_EQ(detail::detect_delimiter("\"a;b;c\",1\n"), ',');
  CsvOptions comma_only;
  comma_only.delimiter = ',';
  auto told = decode(with(';'), comma_only);
  ASSERT_FALSE(told);
  EXPECT_EQ(told.error().problems.front().code, "missing_column");
}

TEST(Csv, DecimalCommaWhereTheDelimiterIsNotAComma) {
  // Demo items take whole numbers: 2,5 reads as 2.5 and is off the step; 2,0 is 2.
  auto wave = decode("id;1;2;3\np01;2,0;2,5;\" 3,0 \"\n");
  ASSERT_TRUE(wave) << wave.error().message;
  EXPECT_EQ(wave->at(0, 0), 2.0);
  ASSERT_EQ(wave->errors[0].size(), 1u);
  EXPECT_EQ(wave->errors[0][0].code, AnswerErrorCode::off_step);
  EXPECT_NE(wave->errors[0][0].message.find("answer 2.5"), std::string::npos) << wave->errors[0][0].message;
  EXPECT_EQ(wave->at(0, 2), 3.0);
  auto tab = decode("id\t1\t2\t3\np01\t1,0\t1,2,3\t4\n");
  ASSERT_TRUE(tab);
  EXPECT_EQ(tab->at(0, 0), 1.0);
  ASSERT_EQ(tab->errors[0].size(), 1u);
  EXPECT_EQ(tab->errors[0][0].code, AnswerErrorCode::not_a_number);  // two commas
  // With a comma delimiter a quoted "2,5" is not a number.
  auto comma = decode("id,1,2,3\np01,\"2,5\",1,1\n");
  ASSERT_TRUE(comma);
  EXPECT_EQ(comma->errors[0][0].code, AnswerErrorCode::not_a_number);
}

TEST(Csv, QuotingErrorsNameTheDelimiter) {
  auto wave = decode("id;1;2;3\np01;\"1\"x;2;3\n");
  ASSERT_FALSE(wave);
  EXPECT_EQ(wave.error().problems.front().message, "a quoted field must end at a semicolon or the end of the line");
  EXPECT_EQ(wave.error().problems.front().line, 2u);
  EXPECT_EQ(wave.error().problems.front().column, 2u);
}

}  // namespace
}  // namespace psyscore
