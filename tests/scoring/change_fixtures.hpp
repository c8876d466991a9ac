// Shared by the change and compare tests: the R fixtures of
// tests/data/change and a strictly relative comparison for statistics.
#pragma once

#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
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

}  // namespace psyscore::test

// EXPECT_STAT(actual, expected) << "case": strict relative 1e-9 against R
// (which also satisfies EXPECT_NEAR_REL's looser max(1, |x|) scale).
#define EXPECT_STAT(actual, expected) EXPECT_TRUE(::psyscore::test::strictly_near((actual), (expected)))
