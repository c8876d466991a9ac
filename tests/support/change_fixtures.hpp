// Shared by the change and compare tests: the R fixtures of
// tests/data/change and a strictly relative comparison for statistics.
#pragma once

#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::test {

// Every statistic is compared to R at this relative tolerance (p values of
// normal approximations included).
inline constexpr double kRelative = 1e-9;

inline std::filesystem::path change_fixture(std::string_view name) {
  return data_dir() / "change" / (std::string(name) + ".json");
}

// The fixtures of one pre/post group (paired_<name>.json), of independent
// groups (compare_<name>.json) and of band transitions (bands_<name>.json).
inline constexpr std::array kPairedCases = {
    "stats_example",          "group8_exact", "group12_ties_zero", "cohort80",
    "small_unreachable",      "all_zero",     "constant_shift",    "mean_scores_non_integer",
    "mean_scores_float_ties",
};
inline constexpr std::array kCompareCases = {"three_groups_ties", "two_groups_no_ties", "two_groups_ties",
                                             "three_groups_large"};

inline boost::json::value paired_fixture(std::string_view name) {
  return read_json(change_fixture("paired_" + std::string(name)));
}
inline boost::json::value compare_fixture(std::string_view name) {
  return read_json(change_fixture("compare_" + std::string(name)));
}
inline boost::json::value bands_fixture(std::string_view name) {
  return read_json(change_fixture("bands_" + std::string(name)));
}

// docs/statistics.md's worked example: 12 respondents' sums before and after.
inline constexpr std::array<double, 12> kStatsExamplePre = {24, 31, 18, 27, 35, 22, 29, 26, 33, 20, 28, 25};
inline constexpr std::array<double, 12> kStatsExamplePost = {17, 25, 16, 18, 27, 21, 24, 23, 23, 16, 16, 36};

// |actual - expected| <= tolerance * |expected| (no absolute floor, so small
// p values are held to the same relative precision), or both null/NaN.
// Infinite values count as null, as the JSON encoder writes them.
inline ::testing::AssertionResult strictly_near(double actual, std::optional<double> expected,
                                                double tolerance = kRelative) {
  const bool actual_null = !std::isfinite(actual);
  const bool expected_null = !expected || !std::isfinite(*expected);
  if (actual_null || expected_null) {
    if (actual_null && expected_null) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "actual " << actual << " vs expected "
                                         << (expected ? std::to_string(*expected) : "null");
  }
  if (std::abs(actual - *expected) <= tolerance * std::abs(*expected)) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message.precision(17);
  message << "actual " << actual << " vs expected " << *expected << " (relative difference "
          << std::abs(actual - *expected) / std::abs(*expected) << ", tolerance " << tolerance << ")";
  return ::testing::AssertionFailure() << message.str();
}

inline ::testing::AssertionResult strictly_near(std::optional<double> actual, std::optional<double> expected,
                                                double tolerance = kRelative) {
  return strictly_near(actual.value_or(std::nan("")), expected, tolerance);
}

inline std::vector<double> numbers(const boost::json::value& array) {
  std::vector<double> out;
  for (const auto& v : array.as_array()) out.push_back(number(v).value_or(std::nan("")));
  return out;
}

inline std::vector<std::string> strings(const boost::json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

inline const boost::json::value& at(const boost::json::value& object, std::string_view key) {
  return object.as_object().at(key);
}

// minuend[i] - subtrahend[i].
inline std::vector<double> differences(std::span<const double> minuend, std::span<const double> subtrahend) {
  std::vector<double> d(minuend.size());
  for (std::size_t i = 0; i < minuend.size(); ++i) d[i] = minuend[i] - subtrahend[i];
  return d;
}

// A paired fixture's post - pre, from the very doubles R used, so that float
// "ties" match R's.
inline std::vector<double> paired_differences(const boost::json::value& fixture) {
  return differences(numbers(at(fixture, "post")), numbers(at(fixture, "pre")));
}

// A compare fixture's groups in its group_order: (name, scores).
inline std::vector<std::pair<std::string, std::vector<double>>> compare_groups(const boost::json::value& fixture) {
  std::vector<std::pair<std::string, std::vector<double>>> groups;
  for (const auto& name : at(fixture, "group_order").as_array()) {
    groups.emplace_back(name.as_string(), numbers(at(at(fixture, "groups"), name.as_string())));
  }
  return groups;
}

// ------------------------------------------------ test instruments and waves

// A test instrument: `items` items on 0..6, one subscale "EE" of all of them.
struct TestInstrument {
  std::size_t items = 9;
  std::string method = "sum";
  bool higher_is_better = false;
  std::vector<std::string> band_labels;  // 2: split at 26/27; 3: the MBI EE cut-offs 18/19, 26/27
  bool published = true;
  bool norms = false;
};

inline std::string bands_json(const std::vector<std::string>& labels) {
  if (labels.size() == 2) {
    return R"(, "bands": [{"label": ")" + labels[0] + R"(", "max": 26}, {"label": ")" + labels[1] + R"(", "min": 27}])";
  }
  if (labels.size() == 3) {
    return R"(, "bands": [{"label": ")" + labels[0] + R"(", "max": 18}, {"label": ")" + labels[1] +
           R"(", "min": 19, "max": 26}, {"label": ")" + labels[2] + R"(", "min": 27}])";
  }
  return "";
}

inline TestInstrument with_bands(std::vector<std::string> labels) {
  TestInstrument spec;
  spec.band_labels = std::move(labels);
  return spec;
}

inline InstrumentPtr make_instrument(const TestInstrument& spec) {
  std::string items;
  std::string ids;
  for (std::size_t i = 1; i <= spec.items; ++i) {
    items += (i > 1 ? ", " : "") + std::string(R"({"id": ")") + std::to_string(i) + "\"}";
    ids += (i > 1 ? ", " : "") + std::string("\"") + std::to_string(i) + "\"";
  }
  std::string subscale = R"({"id": "EE", "items": [)" + ids + R"(], "method": ")" + spec.method +
                         R"(", "min_answered": )" + std::to_string(spec.items > 1 ? spec.items - 1 : 1) +
                         R"(, "higher_is_better": )" + (spec.higher_is_better ? "true" : "false") +
                         bands_json(spec.band_labels);
  if (spec.published) subscale += R"(, "published_reliability": {"alpha": 0.9, "source": "test"})";
  if (spec.norms) subscale += R"(, "norms": {"mean": 14, "sd": 8, "source": "test"})";
  subscale += "}";
  auto instrument = parse_instrument(R"({"id": "change-test", "version": "1.0.0", "name": "Change test",
      "scale": {"min": 0, "max": 6}, "items": [)" +
                                     items + R"(], "subscales": [)" + subscale + "]}");
  EXPECT_TRUE(instrument) << instrument.error().message;
  return *instrument;
}

inline std::string respondent_id(std::string_view prefix, std::size_t i) {
  const std::string number = std::to_string(i + 1);
  return std::string(prefix) + std::string(number.size() < 2 ? 2 - number.size() : 0, '0') + number;
}

// One respondent per target sum, answers filled greedily (6, 6, ..., rest, 0),
// so that the subscale sum (or mean * items) is exactly `sum`.
inline ResponseMatrix wave_of_sums(const std::vector<double>& sums, std::size_t items, std::string_view prefix = "p") {
  ResponseMatrix wave;
  wave.item_count = items;
  for (std::size_t r = 0; r < sums.size(); ++r) {
    wave.ids.push_back(respondent_id(prefix, r));
    double left = sums[r];
    for (std::size_t j = 0; j < items; ++j) {
      const double answer = std::min(6.0, left);
      wave.answers.push_back(answer);
      left -= answer;
    }
    EXPECT_EQ(left, 0) << "sum " << sums[r] << " does not fit " << items << " items";
    wave.errors.emplace_back();
  }
  return wave;
}

inline std::vector<double> item_sums(const std::vector<double>& scores, std::size_t items, bool mean) {
  std::vector<double> sums(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    sums[i] = mean ? std::round(scores[i] * static_cast<double>(items)) : scores[i];
  }
  return sums;
}

inline bool has_warning(const std::vector<std::string>& warnings, std::string_view fragment) {
  return std::any_of(warnings.begin(), warnings.end(),
                     [&](const std::string& w) { return w.find(fragment) != std::string::npos; });
}

inline std::string joined(const std::vector<std::string>& warnings) {
  std::string out;
  for (const auto& w : warnings) out += "\n  " + w;
  return out;
}

}  // namespace psyscore::test

// EXPECT_STAT(actual, expected) << "case": strict relative 1e-9 against R
// (which also satisfies EXPECT_NEAR_REL's looser max(1, |x|) scale).
#define EXPECT_STAT(actual, expected) EXPECT_TRUE(::psyscore::test::strictly_near((actual), (expected)))
