#include "scoring/util/json_writer.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace psyscore::detail {
namespace {

TEST(JsonWriter, NumbersUseTheShortestExactForm) {
  struct Case {
    double number;
    const char* expected;
  };
  const Case cases[] = {
      {17.0, "17"},
      {1.7, "1.7"},
      {0.1 + 0.2, "0.30000000000000004"},
      {-0.0, "0"},
      {1e300, "1e+300"},
      {std::numeric_limits<double>::quiet_NaN(), "null"},
      {std::numeric_limits<double>::infinity(), "null"},
  };
  for (const auto& c : cases) {
    std::string out;
    append_json_number(out, c.number);
    EXPECT_EQ(out, c.expected) << "number " << c.number;
  }
}

TEST(JsonWriter, StringsAreEscapedAsRfc8259Requires) {
  struct Case {
    std::string text;
    const char* expected;
  };
  const Case cases[] = {
      {"plain", R"("plain")"},
      {"quote \" and backslash \\", R"("quote \" and backslash \\")"},
      {"line\nbreak\ttab", R"("line\nbreak\ttab")"},
      {std::string("nul\0byte", 8), R"("nul\u0000byte")"},
      {"\x1f", R"("\u001f")"},
      {"Ørsted café", "\"Ørsted café\""},
      {"€ and 𝄞", "\"€ and 𝄞\""},
      // Not UTF-8: each byte that starts no valid sequence becomes U+FFFD.
      {"p\xFF"
       "2",
       "\"p\xEF\xBF\xBD"
       "2\""},
      {"M\xFCller", "\"M\xEF\xBF\xBDller\""},                                        // Latin-1
      {"cut \xC3", "\"cut \xEF\xBF\xBD\""},                                          // a sequence cut short
      {"\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},                                  // overlong
      {"\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},                  // a surrogate
      {"\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},  // above U+10FFFF
  };
  for (const auto& c : cases) {
    std::string out;
    append_json_string(out, c.text);
    EXPECT_EQ(out, c.expected) << "text " << c.text;
  }
}

TEST(JsonWriter, NestsContainersWithCommas) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_object();
  writer.field("a", std::size_t{1}).field("b", true).key("c").begin_array();
  writer.value(std::int64_t{-2}).null().value("x").begin_object().end_object();
  writer.end_array().field("d", std::optional<double>{}).end_object();
  EXPECT_EQ(out, R"({"a":1,"b":true,"c":[-2,null,"x",{}],"d":null})");
}

// The memory of NumberFormatter never changes what is written, also when
// values share a slot.
TEST(JsonWriter, NumberFormatterWritesWhatAppendJsonNumberWrites) {
  std::vector<double> numbers = {0.0,
                                 -0.0,
                                 1.0,
                                 17.0,
                                 1e5,
                                 0.1 + 0.2,
                                 -1e-300,
                                 1e300,
                                 5e-324,
                                 std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::max()};
  std::mt19937_64 random(3);
  for (int i = 0; i < 20000; ++i) {
    numbers.push_back(static_cast<double>(random() % 100) / static_cast<double>(1 + random() % 9));
  }
  for (int i = 0; i < 2000; ++i) numbers.push_back(std::bit_cast<double>(random()));
  NumberFormatter formatter;
  for (int pass = 0; pass < 2; ++pass) {
    for (const double number : numbers) {
      std::string expected;
      append_json_number(expected, number);
      std::string out = "x";
      formatter.append(out, number);
      EXPECT_EQ(out, "x" + expected) << number;
    }
  }
}

TEST(JsonWriter, EscapesAnywhereInAString) {
  for (const std::size_t at : {0, 1, 5}) {
    std::string text = "abcde";
    text.insert(at, "\n");
    std::string expected = "\"abcde\"";
    expected.insert(at + 1, "\\n");
    std::string out;
    append_json_string(out, text);
    EXPECT_EQ(out, expected) << "escape at " << at;
  }
}

}  // namespace
}  // namespace psyscore::detail
