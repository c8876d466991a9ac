// The same answers give the same scores whatever the format they come in:
// CSV with each delimiter, JSON, and SPSS, Stata and SAS files written with
// ReadStat's writer, all through decode_responses.
#include <readstat.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore {
namespace {

InstrumentPtr instrument() {
  static const InstrumentPtr definition = *parse_instrument(R"({
    "id": "prop", "version": "1.0.0", "name": "Property", "scale": {"min": 0, "max": 6},
    "items": [{"id": "1"}, {"id": "2", "reverse": true}, {"id": "3"}, {"id": "4"}, {"id": "5"}],
    "subscales": [{"id": "a", "items": ["1", "2", "3"], "method": "mean", "min_answered": 2},
                  {"id": "b", "items": ["3", "4", "5"], "method": "sum", "min_answered": 2,
                   "bands": [{"label": "low", "max": 8}, {"label": "high", "min": 9}]}]})");
  return definition;
}

struct Wave {
  std::vector<std::string> ids;
  std::vector<std::vector<double>> answers;  // NaN = missing
};

Wave random_wave(std::mt19937_64& random, std::size_t respondents) {
  Wave wave;
  std::uniform_int_distribution<int> answer(-1, 6);  // -1: missing
  for (std::size_t r = 0; r < respondents; ++r) {
    wave.ids.push_back("r" + std::to_string(r + 1));
    std::vector<double> row;
    for (int i = 0; i < 5; ++i) {
      const int a = answer(random);
      row.push_back(a < 0 ? std::nan("") : a);
    }
    wave.answers.push_back(std::move(row));
  }
  return wave;
}

std::string to_csv(const Wave& wave, char delimiter) {
  std::string out = "id";
  for (int i = 1; i <= 5; ++i) out += delimiter + std::string("q") + std::to_string(i);
  out += '\n';
  for (std::size_t r = 0; r < wave.ids.size(); ++r) {
    out += wave.ids[r];
    for (const double a : wave.answers[r]) {
      out += delimiter;
      if (!std::isnan(a)) out += std::to_string(static_cast<int>(a));
    }
    out += r % 2 ? "\r\n" : "\n";
  }
  return out;
}

std::string to_json(const Wave& wave) {
  std::string out = R"({"responses":[)";
  for (std::size_t r = 0; r < wave.ids.size(); ++r) {
    if (r) out += ',';
    out += R"({"id":")" + wave.ids[r] + R"(","answers":{)";
    for (int i = 0; i < 5; ++i) {
      if (i) out += ',';
      const double a = wave.answers[r][static_cast<std::size_t>(i)];
      out += "\"" + std::to_string(i + 1) + "\":" + (std::isnan(a) ? std::string("null") : std::to_string(int(a)));
    }
    out += "}}";
  }
  return out + "]}";
}

ssize_t append_bytes(const void* data, std::size_t length, void* context) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), length);
  return static_cast<ssize_t>(length);
}

std::string to_file(const Wave& wave, InputFormat format) {
  std::string out;
  readstat_writer_t* writer = readstat_writer_init();
  readstat_set_data_writer(writer, append_bytes);
  readstat_variable_t* id = readstat_add_variable(writer, "id", READSTAT_TYPE_STRING, 16);
  std::vector<readstat_variable_t*> items;
  for (int i = 1; i <= 5; ++i) {
    items.push_back(readstat_add_variable(writer, ("q" + std::to_string(i)).c_str(), READSTAT_TYPE_DOUBLE, 0));
  }
  const auto rows = static_cast<long>(wave.ids.size());
  readstat_error_t status = READSTAT_OK;
  if (format == InputFormat::spss) status = readstat_begin_writing_sav(writer, &out, rows);
  if (format == InputFormat::stata) status = readstat_begin_writing_dta(writer, &out, rows);
  if (format == InputFormat::sas) status = readstat_begin_writing_sas7bdat(writer, &out, rows);
  EXPECT_EQ(status, READSTAT_OK) << readstat_error_message(status);
  for (std::size_t r = 0; r < wave.ids.size(); ++r) {
    readstat_begin_row(writer);
    readstat_insert_string_value(writer, id, wave.ids[r].c_str());
    for (std::size_t i = 0; i < 5; ++i) {
      const double a = wave.answers[r][i];
      if (std::isnan(a)) {
        readstat_insert_missing_value(writer, items[i]);
      } else {
        readstat_insert_double_value(writer, items[i], a);
      }
    }
    readstat_end_row(writer);
  }
  EXPECT_EQ(readstat_end_writing(writer), READSTAT_OK);
  readstat_writer_free(writer);
  return out;
}

::testing::AssertionResult same_scores(const ScoreTable& a, const ScoreTable& b) {
  if (a.respondent_count != b.respondent_count || a.scores.size() != b.scores.size()) {
    return ::testing::AssertionFailure() << "different sizes";
  }
  for (std::size_t i = 0; i < a.scores.size(); ++i) {
    const SubscaleScore& x = a.scores[i];
    const SubscaleScore& y = b.scores[i];
    if (x.value != y.value || x.band != y.band || x.answered != y.answered || x.prorated != y.prorated) {
      return ::testing::AssertionFailure() << "score " << i << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(FormatsProperty, SameAnswersSameScoresInEveryFormat) {
  std::mt19937_64 random(20);
  CsvOptions options;
  options.column_prefix = "q";
  for (int trial = 0; trial < 20; ++trial) {
    const Wave wave = random_wave(random, 1 + static_cast<std::size_t>(trial) * 7);
    auto reference = decode_responses(*instrument(), to_json(wave), InputFormat::json);
    ASSERT_TRUE(reference) << reference.error().message;
    const ScoreTable expected = score(*instrument(), *reference);
    struct Input {
      std::string name;
      std::string bytes;
      InputFormat format;
    };
    const std::vector<Input> inputs = {
        {"csv ,", to_csv(wave, ','), InputFormat::csv},
        {"csv ;", to_csv(wave, ';'), InputFormat::csv},
        {"csv tab", to_csv(wave, '\t'), InputFormat::csv},
        {"sav", to_file(wave, InputFormat::spss), InputFormat::spss},
        {"dta", to_file(wave, InputFormat::stata), InputFormat::stata},
        {"sas7bdat", to_file(wave, InputFormat::sas), InputFormat::sas},
    };
    for (const Input& input : inputs) {
      SCOPED_TRACE(input.name + ", trial " + std::to_string(trial));
      EXPECT_EQ(detect_input_format(input.bytes), input.format);
      auto decoded = decode_responses(*instrument(), input.bytes, input.format, options);
      ASSERT_TRUE(decoded) << decoded.error().message;
      EXPECT_EQ(decoded->ids, reference->ids);
      EXPECT_TRUE(same_scores(score(*instrument(), *decoded), expected));
    }
  }
}

}  // namespace
}  // namespace psyscore
