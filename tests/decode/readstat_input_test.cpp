// SPSS, Stata and SAS files in: the fixtures of tests/data/formats (written
// by ReadStat's command-line tool and by R's foreign, and read back by R in
// make_fixtures.R) decode to what R reads from them; files built here with
// ReadStat's writer cover the bad forms.
#include "scoring/decode/readstat_input.hpp"

#include <readstat.h>

#include <cmath>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/waves.hpp"

namespace psyscore {
namespace {

using detail::StatFormat;
namespace json = boost::json;

InstrumentPtr gad7() {
  static const InstrumentPtr instrument = *load_instrument_file(test::source_dir() / "instruments" / "gad-7.json");
  return instrument;
}

std::filesystem::path formats_dir() { return test::data_dir() / "formats"; }

CsvOptions wave_options(std::string source) {
  CsvOptions options;
  options.source = std::move(source);
  options.column_prefix = "gad_";
  options.group_column = "group";
  return options;
}

struct FixtureCase {
  std::string file;
  StatFormat format;
  std::string expected;  // what R (or ReadStat's tool) read from it
  // Group labels the expected file lacks (ReadStat's CSV dump has none).
  std::map<std::string, std::string> group_labels;
};

const std::vector<FixtureCase> kFixtures = {
    {"wave.sav", StatFormat::spss, "expected_sav.json", {}},
    {"wave.zsav", StatFormat::spss, "expected_sav.json", {}},
    {"wave.dta", StatFormat::stata, "expected_wave_dta.json", {{"1", "control"}, {"2", "Balint group"}}},
    {"wave_r.dta", StatFormat::stata, "expected_r_dta.json", {}},
    {"wave.sas7bdat", StatFormat::sas, "expected_wave_sas7bdat.json", {}},
};

TEST(ReadStatInput, FixturesDecodeToWhatRReads) {
  for (const FixtureCase& c : kFixtures) {
    SCOPED_TRACE(c.file);
    const std::string bytes = test::read_text(formats_dir() / c.file);
    EXPECT_EQ(detail::sniff_stat_format(bytes), c.format);
    EXPECT_EQ(detail::stat_format_from_extension(c.file), c.format);
    auto wave = detail::decode_stat_responses(*gad7(), bytes, c.format, wave_options(c.file));
    ASSERT_TRUE(wave) << wave.error().message;
    const json::value document = test::read_json(formats_dir() / c.expected);
    const json::array& expected = document.at("respondents").as_array();
    ASSERT_EQ(wave->respondent_count(), expected.size());
    ASSERT_EQ(wave->groups.size(), expected.size());
    for (std::size_t r = 0; r < expected.size(); ++r) {
      SCOPED_TRACE("case " + std::to_string(r + 1));
      const json::object& respondent = expected[r].as_object();
      EXPECT_EQ(wave->ids[r], respondent.at("id").as_string());
      std::string group(respondent.at("group").as_string());
      if (const auto label = c.group_labels.find(group); label != c.group_labels.end()) group = label->second;
      EXPECT_EQ(wave->groups[r], group);
      const json::array& answers = respondent.at("answers").as_array();
      for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto answer = test::number(answers[i]);
        if (answer && *answer == 9) {
          // A 9 that is not user-missing (Stata, SAS) is off the GAD-7 scale: the respondent is not scored.
          ASSERT_FALSE(wave->usable(r)) << "item " << i + 1;
          EXPECT_TRUE(std::ranges::any_of(wave->errors[r],
                                          [&](const AnswerError& e) {
                                            return e.item == gad7()->items[i].id &&
                                                   e.code == AnswerErrorCode::out_of_range;
                                          }))
              << "item " << i + 1;
        } else if (!answer) {
          EXPECT_TRUE(std::isnan(wave->at(r, i))) << "item " << i + 1;
        } else {
          EXPECT_EQ(wave->at(r, i), *answer) << "item " << i + 1;
        }
      }
    }
    EXPECT_EQ(wave->warnings.size(), c.file == "wave_r.dta" ? 0u : 1u);
    if (c.file != "wave_r.dta") {
      EXPECT_EQ(wave->warnings.front(), "ignored columns that are not items: \"age\"");
    }
  }
}

TEST(ReadStatInput, SpssUserMissingIsMissingAndStataKeepsTheValue) {
  // Respondent 103 answered item 3 with 9, the SPSS file's user-missing "no answer".
  const std::string sav = test::read_text(formats_dir() / "wave.sav");
  auto wave = detail::decode_stat_responses(*gad7(), sav, StatFormat::spss, wave_options("wave.sav"));
  ASSERT_TRUE(wave);
  EXPECT_TRUE(wave->usable(2));
  EXPECT_TRUE(std::isnan(wave->at(2, 2)));
  const std::string dta = test::read_text(formats_dir() / "wave.dta");
  auto stata = detail::decode_stat_responses(*gad7(), dta, StatFormat::stata, wave_options("wave.dta"));
  ASSERT_TRUE(stata);
  ASSERT_EQ(stata->errors[2].size(), 1u);
  EXPECT_EQ(stata->errors[2][0].message, "answer 9 to item \"3\" is outside its scale 0..3");
}

// Covariates as in a CSV: a numeric variable without value labels is
// numeric (system-missing is missing), one with labels is categorical and
// reads as its labels.
TEST(ReadStatInput, CovariatesAreReadAsTheCsvReadsThem) {
  CsvOptions options = wave_options("wave.sav");
  options.group_column.clear();
  options.covariate_columns = {"age", "group"};
  auto wave =
      detail::decode_stat_responses(*gad7(), test::read_text(formats_dir() / "wave.sav"), StatFormat::spss, options);
  ASSERT_TRUE(wave) << wave.error().message;
  ASSERT_EQ(wave->covariates.size(), 2u);
  const Covariate& age = wave->covariates[0];
  EXPECT_EQ(age.name, "age");
  ASSERT_TRUE(age.numeric);
  CsvOptions csv = options;
  csv.source = "wave.csv";
  csv.covariate_columns = {"age"};
  auto from_csv = decode_csv_responses(*gad7(), test::read_text(formats_dir() / "wave.csv"), csv);
  ASSERT_TRUE(from_csv) << from_csv.error().message;
  ASSERT_EQ(age.numbers.size(), 8u);
  for (std::size_t r = 0; r < 8; ++r) {
    const double expected = from_csv->covariates[0].numbers[r];
    if (std::isnan(expected)) {
      EXPECT_TRUE(age.missing(r)) << r;
    } else {
      EXPECT_EQ(age.numbers[r], expected) << r;
    }
  }
  const Covariate& group = wave->covariates[1];
  EXPECT_FALSE(group.numeric);
  EXPECT_EQ(group.labels, (std::vector<std::string>{"control", "Balint group", "control", "Balint group", "control",
                                                    "Balint group", "control", "Balint group"}));
  EXPECT_TRUE(wave->warnings.empty() || wave->warnings[0].find("\"age\"") == std::string::npos)
      << "a covariate is not an ignored column";

  options.covariate_columns = {"years"};
  auto unknown =
      detail::decode_stat_responses(*gad7(), test::read_text(formats_dir() / "wave.sav"), StatFormat::spss, options);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().problems.at(0).code, "unknown_covariate_column");
  EXPECT_EQ(unknown.error().problems.at(0).message, "no covariate variable \"years\"");
}

// A long file, one case per respondent and wave, splits into its waves by
// the wave variable's labels; an id may repeat across waves, not within one.
TEST(ReadStatInput, LongFileSplitsIntoWaves) {
  CsvWavesOptions options;
  options.csv.source = "long.sav";
  options.csv.column_prefix = "gad_";
  options.wave_column = "wave";
  const std::string sav = test::read_text(formats_dir() / "long.sav");
  auto waves = decode_waves(*gad7(), sav, InputFormat::spss, options);
  ASSERT_TRUE(waves) << waves.error().message;
  EXPECT_EQ(waves->names, (std::vector<std::string>{"pre", "post"}));
  CsvWavesOptions csv = options;
  csv.csv.source = "long.csv";
  auto from_csv = decode_waves(*gad7(), test::read_text(formats_dir() / "long.csv"), InputFormat::csv, csv);
  ASSERT_TRUE(from_csv) << from_csv.error().message;
  ASSERT_EQ(waves->waves.size(), 2u);
  for (std::size_t w = 0; w < 2; ++w) {
    const ResponseMatrix& a = waves->waves[w];
    const ResponseMatrix& b = from_csv->waves[w];
    EXPECT_EQ(a.ids, b.ids) << w;
    ASSERT_EQ(a.answers.size(), b.answers.size()) << w;
    for (std::size_t k = 0; k < a.answers.size(); ++k) {
      // 9 is SPSS's user-missing code, an answer off the scale in the CSV.
      if (std::isnan(a.answers[k])) continue;
      EXPECT_EQ(a.answers[k], b.answers[k]) << w << " " << k;
    }
  }
  options.wave_order = {"post", "follow-up"};
  auto unknown = decode_waves(*gad7(), sav, InputFormat::spss, options);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().problems.at(0).code, "unknown_wave");
  EXPECT_EQ(unknown.error().problems.at(0).message, "case 1, variable \"wave\": wave \"pre\" is not in wave_order");
}

TEST(ReadStatInput, TableKeepsLabelsAndOnlyTheVariablesAskedFor) {
  const std::string sav = test::read_text(formats_dir() / "wave.sav");
  detail::StatReadOptions options;
  options.keep = [](std::string_view name) { return name == "group" || name == "age"; };
  auto table = detail::read_stat_table(sav, StatFormat::spss, options);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->case_count, 8u);
  EXPECT_EQ(table->variable_names.size(), 10u);
  ASSERT_EQ(table->columns.size(), 2u);
  const detail::StatColumn* group = table->find("group");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->label, "Study arm");
  EXPECT_EQ(group->text(1, true), "Balint group");
  EXPECT_EQ(group->text(1, false), "2");
  const detail::StatColumn* age = table->find("age");
  ASSERT_NE(age, nullptr);
  EXPECT_TRUE(age->missing(6));
  EXPECT_EQ(age->text(0, true), "34");
  EXPECT_EQ(table->find("gad_1"), nullptr);
}

TEST(ReadStatInput, FormatsByMediaTypeAndContent) {
  EXPECT_EQ(detail::stat_format_from_media_type("application/x-spss-sav"), StatFormat::spss);
  EXPECT_EQ(detail::stat_format_from_media_type("Application/X-Stata-Dta; charset=binary"), StatFormat::stata);
  EXPECT_EQ(detail::stat_format_from_media_type("application/x-sas-data"), StatFormat::sas);
  EXPECT_EQ(detail::stat_format_from_media_type("text/csv"), std::nullopt);
  EXPECT_EQ(detail::stat_format_from_extension("WAVE.SAV"), StatFormat::spss);
  EXPECT_EQ(detail::stat_format_from_extension("wave.csv"), std::nullopt);
  EXPECT_EQ(detail::sniff_stat_format("id,gad_1\n1,2\n"), std::nullopt);
  EXPECT_EQ(detail::sniff_stat_format(""), std::nullopt);
  EXPECT_EQ(detail::sniff_stat_format("$FL"), std::nullopt);
}

// A small .sav built with ReadStat's writer: columns of numbers (NaN =
// system-missing) or strings.
using Cells = std::variant<std::vector<double>, std::vector<std::string>>;
struct Variable {
  std::string name;
  Cells cells;
};

ssize_t append_bytes(const void* data, std::size_t length, void* context) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), length);
  return static_cast<ssize_t>(length);
}

std::string write_sav(const std::vector<Variable>& variables) {
  std::string out;
  readstat_writer_t* writer = readstat_writer_init();
  readstat_set_data_writer(writer, append_bytes);
  std::vector<readstat_variable_t*> added;
  std::size_t rows = 0;
  for (const Variable& v : variables) {
    if (const auto* numbers = std::get_if<std::vector<double>>(&v.cells)) {
      added.push_back(readstat_add_variable(writer, v.name.c_str(), READSTAT_TYPE_DOUBLE, 0));
      rows = numbers->size();
    } else {
      added.push_back(readstat_add_variable(writer, v.name.c_str(), READSTAT_TYPE_STRING, 16));
      rows = std::get<std::vector<std::string>>(v.cells).size();
    }
  }
  readstat_begin_writing_sav(writer, &out, static_cast<long>(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    readstat_begin_row(writer);
    for (std::size_t c = 0; c < variables.size(); ++c) {
      if (const auto* numbers = std::get_if<std::vector<double>>(&variables[c].cells)) {
        if (std::isnan((*numbers)[r])) {
          readstat_insert_missing_value(writer, added[c]);
        } else {
          readstat_insert_double_value(writer, added[c], (*numbers)[r]);
        }
      } else {
        readstat_insert_string_value(writer, added[c],
                                     std::get<std::vector<std::string>>(variables[c].cells)[r].c_str());
      }
    }
    readstat_end_row(writer);
  }
  readstat_end_writing(writer);
  readstat_writer_free(writer);
  return out;
}

constexpr double kNa = std::numeric_limits<double>::quiet_NaN();

struct BadCase {
  std::string name;
  std::vector<Variable> variables;
  CsvOptions options;
  ErrorCode code;
  std::string problem_code;
  std::string message;  // of the first problem
};

TEST(ReadStatInput, BadFilesNameTheVariableAndCase) {
  CsvOptions plain;
  plain.source = "bad.sav";
  plain.column_prefix = "q";
  CsvOptions grouped = plain;
  grouped.group_column = "arm";
  CsvOptions other_id = plain;
  other_id.id_column = "pid";
  const std::vector<BadCase> cases = {
      {"empty string id",
       {{"id", std::vector<std::string>{"a", " ", "c"}}, {"q1", std::vector<double>{1, 2, 3}}},
       plain,
       ErrorCode::malformed,
       "missing_id",
       "case 2, variable \"id\": the respondent id is empty"},
      {"system-missing numeric id",
       {{"id", std::vector<double>{1, 2, kNa}}, {"q1", std::vector<double>{1, 2, 3}}},
       plain,
       ErrorCode::malformed,
       "missing_id",
       "case 3, variable \"id\": the respondent id is empty"},
      {"missing group",
       {{"id", std::vector<double>{1, 2}}, {"arm", std::vector<double>{kNa, 1}}, {"q1", std::vector<double>{1, 2}}},
       grouped,
       ErrorCode::malformed,
       "missing_group",
       "case 1, variable \"arm\": the respondent has no group"},
      {"no id variable",
       {{"id", std::vector<double>{1}}, {"q1", std::vector<double>{1}}},
       other_id,
       ErrorCode::malformed,
       "missing_column",
       "no variable \"pid\" for respondent ids (name another variable with id_column / --id-column)"},
      {"no group variable",
       {{"id", std::vector<double>{1}}, {"q1", std::vector<double>{1}}},
       grouped,
       ErrorCode::malformed,
       "missing_column",
       "no group variable \"arm\""},
      {"repeated id",
       {{"id", std::vector<double>{7, 8, 7}}, {"q1", std::vector<double>{1, 2, 3}}},
       plain,
       ErrorCode::invalid,
       "duplicate_id",
       "respondent id \"7\" is used twice in this wave"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto wave = detail::decode_stat_responses(*gad7(), write_sav(c.variables), StatFormat::spss, c.options);
    ASSERT_FALSE(wave);
    EXPECT_EQ(wave.error().code, c.code);
    ASSERT_FALSE(wave.error().problems.empty());
    EXPECT_EQ(wave.error().problems.front().code, c.problem_code);
    EXPECT_EQ(wave.error().problems.front().message, c.message);
    EXPECT_EQ(wave.error().problems.front().source, "bad.sav");
  }
}

TEST(ReadStatInput, NoItemVariableSaysToSetThePrefix) {
  CsvOptions options;
  options.source = "bad.sav";
  auto wave = detail::decode_stat_responses(
      *gad7(), write_sav({{"id", std::vector<double>{1}}, {"q1", std::vector<double>{1}}}), StatFormat::spss, options);
  ASSERT_FALSE(wave);
  EXPECT_EQ(wave.error().code, ErrorCode::invalid);
  EXPECT_EQ(wave.error().problems.front().code, "no_item_columns");
  EXPECT_NE(wave.error().problems.front().message.find("column_prefix"), std::string::npos);
}

TEST(ReadStatInput, AnswersKeptAsTextAreReadOrRejected) {
  CsvOptions options;
  options.column_prefix = "q";
  auto wave = detail::decode_stat_responses(*gad7(),
                                            write_sav({{"id", std::vector<std::string>{"p1", "p2", "p3"}},
                                                       {"q1", std::vector<std::string>{"2", "x", ""}},
                                                       {"q2", std::vector<double>{1.5, 1, kNa}}}),
                                            StatFormat::spss, options);
  ASSERT_TRUE(wave) << wave.error().message;
  EXPECT_EQ(wave->ids[0], "p1");
  ASSERT_EQ(wave->errors[0].size(), 1u);  // 1.5 is off the step
  EXPECT_EQ(wave->errors[0][0].code, AnswerErrorCode::off_step);
  EXPECT_EQ(wave->at(0, 0), 2.0);
  ASSERT_EQ(wave->errors[1].size(), 1u);
  EXPECT_EQ(wave->errors[1][0].code, AnswerErrorCode::not_a_number);
  EXPECT_TRUE(wave->usable(2));
  EXPECT_TRUE(std::isnan(wave->at(2, 0)));
  EXPECT_EQ(wave->warnings.front(),
            "no column for items \"q3\", \"q4\", \"q5\", \"q6\", \"q7\"; their answers are missing");
}

TEST(ReadStatInput, LimitsRefuseWithTheNumbers) {
  const std::string sav = test::read_text(formats_dir() / "wave.sav");
  struct LimitCase {
    std::string name;
    detail::StatLimits limits;
    std::string code;
    std::string message;
  };
  const std::vector<LimitCase> cases = {
      {"variables", {.max_variables = 5}, "too_many_variables", "the file has 10 variables; at most 5 are accepted"},
      {"cases", {.max_cases = 3}, "too_many_cases", "the file has 8 cases; at most 3 are accepted"},
      {"values",
       {.max_values = 20},
       "too_many_values",
       "the file has 8 cases of 3 used variables; at most 20 values are accepted"},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto wave = detail::decode_stat_responses(*gad7(), sav, StatFormat::spss, wave_options("wave.sav"), c.limits);
    ASSERT_FALSE(wave);
    EXPECT_EQ(wave.error().code, ErrorCode::invalid);
    EXPECT_EQ(wave.error().problems.front().code, c.code);
    EXPECT_EQ(wave.error().problems.front().message, c.message);
  }
}

TEST(ReadStatInput, DamagedFilesAreMalformedNeverACrash) {
  for (const FixtureCase& c : kFixtures) {
    SCOPED_TRACE(c.file);
    const std::string bytes = test::read_text(formats_dir() / c.file);
    // Every cut, and every byte flipped, of the first 600 bytes (the headers).
    for (std::size_t cut = 0; cut < bytes.size(); cut += cut < 600 ? 1 : 97) {
      auto wave = detail::decode_stat_responses(*gad7(), bytes.substr(0, cut), c.format, wave_options(c.file));
      if (!wave) {
        EXPECT_TRUE(wave.error().code == ErrorCode::malformed || wave.error().code == ErrorCode::invalid) << cut;
      }
    }
    for (std::size_t at = 0; at < std::min<std::size_t>(bytes.size(), 600); ++at) {
      std::string flipped = bytes;
      flipped[at] = static_cast<char>(~flipped[at]);
      (void)detail::decode_stat_responses(*gad7(), flipped, c.format, wave_options(c.file));
    }
  }
  auto garbage = detail::decode_stat_responses(*gad7(), "id,gad_1\n1,2\n", StatFormat::spss, wave_options("x.sav"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::malformed);
  EXPECT_EQ(garbage.error().problems.front().code, "unreadable_file");
  EXPECT_EQ(garbage.error().problems.front().message.rfind("the file cannot be read as SPSS data: ", 0), 0u)
      << garbage.error().problems.front().message;
}

}  // namespace
}  // namespace psyscore
