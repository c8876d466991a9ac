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

// STATS.md's worked example: 12 respondents' sums before and after.
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

}  // namespace psyscore::test

// EXPECT_STAT(actual, expected) << "case": strict relative 1e-9 against R
// (which also satisfies EXPECT_NEAR_REL's looser max(1, |x|) scale).
#define EXPECT_STAT(actual, expected) EXPECT_TRUE(::psyscore::test::strictly_near((actual), (expected)))
