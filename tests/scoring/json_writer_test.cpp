#include "json_writer.hpp"

#include <cstdint>
#include <limits>
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

}  // namespace
}  // namespace psyscore::detail
