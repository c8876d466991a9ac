#include "fixtures.hpp"

#include <fstream>
#include <limits>
#include <sstream>

#include <boost/json.hpp>

namespace psyscore::test {

namespace json = boost::json;

std::filesystem::path data_dir() { return PSYSCORE_TEST_DATA_DIR; }
std::filesystem::path source_dir() { return PSYSCORE_SOURCE_DIR; }

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream contents;
  contents << in.rdbuf();
  return std::move(contents).str();
}

json::value read_json(const std::filesystem::path& path) {
  boost::system::error_code ec;
  json::value value = json::parse(read_text(path), ec);
  EXPECT_FALSE(ec) << path << ": " << ec.message();
  return value;
}

std::optional<double> number(const json::value& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  ADD_FAILURE() << "expected a number or null, got " << json::serialize(value);
  return std::nullopt;
}

std::optional<double> number_at(const json::value& object, std::string_view key) {
  const json::value* value = object.as_object().if_contains(key);
  if (!value) {
    ADD_FAILURE() << "fixture has no \"" << key << "\"";
    return std::nullopt;
  }
  return number(*value);
}

std::vector<std::vector<double>> matrix(const json::value& rows) {
  std::vector<std::vector<double>> out;
  for (const auto& row : rows.as_array()) {
    auto& values = out.emplace_back();
    for (const auto& cell : row.as_array()) {
      values.push_back(number(cell).value_or(std::numeric_limits<double>::quiet_NaN()));
    }
  }
  return out;
}

::testing::AssertionResult near_fraction(double actual, std::optional<double> expected, double tolerance) {
  if (!expected || std::isnan(*expected)) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected NaN/null, got " << actual;
  }
  if (std::abs(actual - *expected) <= tolerance * std::abs(*expected)) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message.precision(17);
  message << "actual " << actual << " vs expected " << *expected << " (relative "
          << std::abs(actual - *expected) / std::abs(*expected) << ", tolerance " << tolerance << ")";
  return ::testing::AssertionFailure() << message.str();
}

::testing::AssertionResult near_relative(double actual, std::optional<double> expected, double tolerance) {
  if (!expected || std::isnan(*expected)) {
    if (std::isnan(actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected NaN/null, got " << actual;
  }
  const double scale = std::max(1.0, std::abs(*expected));
  if (std::abs(actual - *expected) <= tolerance * scale) return ::testing::AssertionSuccess();
  std::ostringstream message;
  message.precision(17);
  message << "actual " << actual << " vs expected " << *expected << " (difference " << actual - *expected
          << ", tolerance " << tolerance << " relative)";
  return ::testing::AssertionFailure() << message.str();
}

}  // namespace psyscore::test
