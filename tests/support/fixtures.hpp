// Test helpers: reading R-generated JSON fixtures and comparing numbers with
// a stated relative tolerance.
#pragma once

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/value.hpp>

namespace psyscore::test {

// tests/data and the source tree, as the build configured them.
std::filesystem::path data_dir();
std::filesystem::path source_dir();

std::string read_text(const std::filesystem::path& path);
// Parses a JSON file; fails the test (and returns null) when it cannot.
boost::json::value read_json(const std::filesystem::path& path);

// A fixture number: a JSON number, or nullopt for null (R's NA/NaN).
std::optional<double> number(const boost::json::value& value);
std::optional<double> number_at(const boost::json::value& object, std::string_view key);

// Rows of numbers, null -> NaN (a fixture's "data").
std::vector<std::vector<double>> matrix(const boost::json::value& rows);

// |actual - expected| <= tolerance * max(1, |expected|), or both NaN/null.
::testing::AssertionResult near_relative(double actual, std::optional<double> expected, double tolerance);
// |actual - expected| <= tolerance * |expected|, strictly relative at any
// size (a p value of 1e-12 too), or both NaN/null: R's closed-form values.
::testing::AssertionResult near_fraction(double actual, std::optional<double> expected, double tolerance);

}  // namespace psyscore::test

// EXPECT_NEAR_REL(actual, expected, tolerance) << "case name";
#define EXPECT_NEAR_REL(actual, expected, tolerance) \
  EXPECT_TRUE(::psyscore::test::near_relative((actual), (expected), (tolerance)))
