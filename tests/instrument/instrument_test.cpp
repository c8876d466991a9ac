#include "psyscore/instrument.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore {
namespace {

// A valid definition that each broken case below changes in one place.
constexpr const char* kValid = R"({
  "id": "demo", "version": "1.0.0", "name": "Demo",
  "scale": {"min": 0, "max": 4},
  "items": [{"id": "1"}, {"id": "2", "reverse": true}, {"id": "3"}],
  "subscales": [{"id": "total", "items": ["1", "2", "3"], "method": "sum", "min_answered": 2,
                 "bands": [{"label": "low", "max": 5}, {"label": "high", "min": 6}],
                 "norms": {"mean": 6, "sd": 2}}]
})";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the valid definition has no \"" << from << "\"";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Instrument, LoadsAValidDefinition) {
  auto instrument = parse_instrument(kValid);
  ASSERT_TRUE(instrument) << instrument.error().message;
  const Instrument& demo = **instrument;
  EXPECT_EQ(demo.id, "demo");
  ASSERT_EQ(demo.items.size(), 3u);
  EXPECT_TRUE(demo.items[1].reverse_keyed);
  EXPECT_EQ(demo.items[1].scale, (Scale{0, 4, 1}));
  ASSERT_EQ(demo.subscales.size(), 1u);
  EXPECT_EQ(demo.subscales[0].min_answered, 2u);
  EXPECT_TRUE(demo.subscales[0].prorate);
  EXPECT_FALSE(demo.subscales[0].higher_is_better);
  EXPECT_EQ(demo.item_index("3"), 2u);
  EXPECT_EQ(demo.item_index("4"), std::nullopt);
  EXPECT_EQ(demo.sha256.size(), 64u);
}

// Each broken definition must be rejected with a problem at this pointer and
// with this code (other problems may be reported as well).
TEST(Instrument, RejectsEveryBrokenRuleWithItsPointer) {
  struct Case {
    const char* name;
    std::string definition;
    const char* pointer;
    const char* code;
  };
  const std::string valid = kValid;
  const Case cases[] = {
      {"unknown top-level key", replace(valid, R"("name": "Demo")", R"("name": "Demo", "nmae": 1)"), "/nmae",
       "unknown_key"},
      {"unknown item key", replace(valid, R"({"id": "3"})", R"({"id": "3", "reversed": true})"), "/items/2/reversed",
       "unknown_key"},
      {"unknown subscale key", replace(valid, R"("method": "sum")", R"("method": "sum", "min_answerd": 2)"),
       "/subscales/0/min_answerd", "unknown_key"},
      {"unknown band key", replace(valid, R"({"label": "low", "max": 5})", R"({"label": "low", "maximum": 5})"),
       "/subscales/0/bands/0/maximum", "unknown_key"},
      {"missing id", replace(valid, R"("id": "demo", )", ""), "/id", "missing_key"},
      {"bad id", replace(valid, R"("id": "demo")", R"("id": "Demo Scale")"), "/id", "bad_id"},
      {"bad version", replace(valid, R"("version": "1.0.0")", R"("version": "1.0")"), "/version", "bad_version"},
      {"missing scale", replace(valid, R"("scale": {"min": 0, "max": 4},)", ""), "/scale", "missing_key"},
      {"min equals max", replace(valid, R"({"min": 0, "max": 4})", R"({"min": 4, "max": 4})"), "/scale/max",
       "empty_scale"},
      {"min above max", replace(valid, R"({"min": 0, "max": 4})", R"({"min": 5, "max": 4})"), "/scale/max",
       "empty_scale"},
      {"step not dividing the range", replace(valid, R"({"min": 0, "max": 4})", R"({"min": 0, "max": 4, "step": 3})"),
       "/scale/step", "bad_step"},
      {"zero step", replace(valid, R"({"min": 0, "max": 4})", R"({"min": 0, "max": 4, "step": 0})"), "/scale/step",
       "bad_step"},
      {"scale of wrong type", replace(valid, R"({"min": 0, "max": 4})", R"([0, 4])"), "/scale", "wrong_type"},
      {"item scale broken", replace(valid, R"({"id": "3"})", R"({"id": "3", "scale": {"min": 1, "max": 0}})"),
       "/items/2/scale/max", "empty_scale"},
      {"duplicate item id", replace(valid, R"({"id": "3"})", R"({"id": "1"})"), "/items/2/id", "duplicate_id"},
      {"empty item id", replace(valid, R"({"id": "3"})", R"({"id": ""})"), "/items/2/id", "empty_id"},
      {"no items", replace(valid, R"([{"id": "1"}, {"id": "2", "reverse": true}, {"id": "3"}])", "[]"), "/items",
       "empty"},
      {"reverse not a boolean", replace(valid, R"("reverse": true)", R"("reverse": "yes")"), "/items/1/reverse",
       "wrong_type"},
      {"no subscales",
       R"({"id": "demo", "version": "1.0.0", "name": "Demo", "scale": {"min": 0, "max": 4},
           "items": [{"id": "1"}], "subscales": []})",
       "/subscales", "empty"},
      {"unknown item in subscale", replace(valid, R"(["1", "2", "3"])", R"(["1", "2", "9"])"), "/subscales/0/items/2",
       "unknown_item"},
      {"item twice in a subscale", replace(valid, R"(["1", "2", "3"])", R"(["1", "2", "2"])"), "/subscales/0/items/2",
       "duplicate_id"},
      {"empty subscale", replace(valid, R"(["1", "2", "3"])", "[]"), "/subscales/0/items", "empty_subscale"},
      {"unknown method", replace(valid, R"("method": "sum")", R"("method": "average")"), "/subscales/0/method",
       "unknown_method"},
      {"missing method", replace(valid, R"("method": "sum", )", ""), "/subscales/0/method", "missing_key"},
      {"min_answered above k", replace(valid, R"("min_answered": 2)", R"("min_answered": 4)"),
       "/subscales/0/min_answered", "out_of_range"},
      {"min_answered zero", replace(valid, R"("min_answered": 2)", R"("min_answered": 0)"), "/subscales/0/min_answered",
       "out_of_range"},
      {"min_answered fractional", replace(valid, R"("min_answered": 2)", R"("min_answered": 1.5)"),
       "/subscales/0/min_answered", "wrong_type"},
      // Found by the fuzzer: without a valid item, a min_answered beyond any
      // size_t was converted to one (undefined behaviour).
      {"min_answered beyond size_t, no valid item",
       replace(replace(valid, R"("items": ["1", "2", "3"])", R"("items": ["9"])"), R"("min_answered": 2)",
               R"("min_answered": 77777777777777777772)"),
       "/subscales/0/items/0", "unknown_item"},
      {"prorate false with min_answered below k",
       replace(valid, R"("min_answered": 2)", R"("min_answered": 2, "prorate": false)"), "/subscales/0/min_answered",
       "out_of_range"},
      {"prorate on a mean",
       replace(replace(valid, R"("method": "sum")", R"("method": "mean")"), R"("min_answered": 2)",
               R"("min_answered": 2, "prorate": true)"),
       "/subscales/0/prorate", "not_applicable"},
      {"overlapping bands", replace(valid, R"({"label": "high", "min": 6})", R"({"label": "high", "min": 5})"),
       "/subscales/0/bands/1/min", "overlapping_bands"},
      {"bands out of order",
       replace(valid, R"([{"label": "low", "max": 5}, {"label": "high", "min": 6}])",
               R"([{"label": "high", "min": 6, "max": 12}, {"label": "low", "min": 0, "max": 5}])"),
       "/subscales/0/bands/1/min", "overlapping_bands"},
      {"open band in the middle",
       replace(valid, R"({"label": "high", "min": 6})", R"({"label": "mid", "min": 6}, {"label": "high", "min": 9})"),
       "/subscales/0/bands/1", "overlapping_bands"},
      {"band min above max",
       replace(valid, R"({"label": "high", "min": 6})", R"({"label": "high", "min": 9, "max": 7})"),
       "/subscales/0/bands/1", "empty_band"},
      {"duplicate band label", replace(valid, R"({"label": "high", "min": 6})", R"({"label": "low", "min": 6})"),
       "/subscales/0/bands/1/label", "duplicate_label"},
      {"band without label", replace(valid, R"({"label": "high", "min": 6})", R"({"min": 6})"),
       "/subscales/0/bands/1/label", "missing_key"},
      {"norm sd zero", replace(valid, R"("sd": 2)", R"("sd": 0)"), "/subscales/0/norms/sd", "out_of_range"},
      {"published alpha above 1",
       replace(valid, R"("norms": {"mean": 6, "sd": 2})",
               R"("norms": {"mean": 6, "sd": 2}, "published_reliability": {"alpha": 1.2})"),
       "/subscales/0/published_reliability/alpha", "out_of_range"},
      {"duplicate subscale id",
       replace(valid, R"("norms": {"mean": 6, "sd": 2}}])",
               R"("norms": {"mean": 6, "sd": 2}}, {"id": "total", "items": ["1"], "method": "mean"}])"),
       "/subscales/1/id", "duplicate_id"},
      {"pomp over mixed scales",
       replace(replace(valid, R"({"id": "3"})", R"({"id": "3", "scale": {"min": 1, "max": 5}})"), R"("method": "sum")",
               R"("method": "pomp")"),
       "/subscales/0/items/2", "mixed_scales"},
      {"notes of wrong type", replace(valid, R"("name": "Demo")", R"("name": "Demo", "notes": 3)"), "/notes",
       "wrong_type"},
      {"root not an object", "[1, 2]", "", "wrong_type"},
  };
  for (const auto& c : cases) {
    auto instrument = parse_instrument(c.definition, "demo.json");
    ASSERT_FALSE(instrument) << c.name << ": accepted";
    EXPECT_EQ(instrument.error().code, ErrorCode::invalid) << c.name;
    bool found = false;
    std::string seen;
    for (const auto& problem : instrument.error().problems) {
      seen += "\n  " + describe(problem) + " [" + problem.code + "]";
      EXPECT_EQ(problem.source, "demo.json") << c.name;
      EXPECT_FALSE(problem.message.empty()) << c.name;
      if (problem.pointer == c.pointer && problem.code == c.code) found = true;
    }
    EXPECT_TRUE(found) << c.name << ": expected " << c.pointer << " [" << c.code << "], got" << seen;
  }
}

TEST(Instrument, ReportsEveryProblemAtOnce) {
  const std::string broken = R"({"id": "Bad", "version": "x", "name": "Demo", "scale": {"min": 0, "max": 4},
    "items": [{"id": "1"}, {"id": "1"}],
    "subscales": [{"id": "s", "items": ["1", "7"], "method": "median", "colour": "red"}]})";
  auto instrument = parse_instrument(broken);
  ASSERT_FALSE(instrument);
  EXPECT_EQ(instrument.error().problems.size(), 6u) << instrument.error().message;
}

TEST(Instrument, SuggestsTheIntendedKeyForATypo) {
  auto instrument =
      parse_instrument(replace(kValid, R"("method": "sum")", R"("method": "sum", "higher_is_beter": true)"));
  ASSERT_FALSE(instrument);
  ASSERT_EQ(instrument.error().problems.size(), 1u);
  EXPECT_NE(instrument.error().problems[0].message.find("did you mean \"higher_is_better\""), std::string::npos)
      << instrument.error().problems[0].message;
}

TEST(Instrument, MalformedJsonIsLocatedByLineAndColumn) {
  struct Case {
    const char* name;
    const char* text;
    std::size_t line, column;
  };
  const Case cases[] = {
      {"trailing comma", "{\n  \"id\": \"x\",\n}", 3, 1},
      {"unterminated", "{\"id\": \"x\"", 1, 11},
      {"extra data", "{}\n{}", 2, 1},
      {"empty", "", 1, 1},
      {"invalid UTF-8", "{\"id\": \"\xff\"}", 1, 9},
  };
  for (const auto& c : cases) {
    auto instrument = parse_instrument(c.text, "x.json");
    ASSERT_FALSE(instrument) << c.name;
    EXPECT_EQ(instrument.error().code, ErrorCode::malformed) << c.name;
    ASSERT_EQ(instrument.error().problems.size(), 1u) << c.name;
    const Problem& problem = instrument.error().problems[0];
    EXPECT_EQ(problem.line, c.line) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.column, c.column) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.code, "invalid_json") << c.name;
  }
}

// Boost.JSON would keep the last of two equal keys; the loader names the
// second instead, by pointer, line and column (of its opening quote).
TEST(Instrument, DuplicateKeysAreLocatedByPointerLineAndColumn) {
  struct Case {
    const char* name;
    std::string text;
    const char* pointer;
    std::size_t line, column;
  };
  const std::string valid = kValid;
  const Case cases[] = {
      {"top level", replace(valid, R"("name": "Demo")", R"("name": "Demo", "name": "Other")"), "/name", 2, 53},
      {"in an item",
       replace(valid, R"({"id": "2", "reverse": true})", R"({"id": "2", "reverse": true, "reverse": false})"),
       "/items/1/reverse", 4, 55},
      {"in a band", replace(valid, R"({"label": "high", "min": 6})", R"({"label": "high", "min": 6, "min": 7})"),
       "/subscales/0/bands/1/min", 6, 84},
      {"spelled with an escape", replace(valid, R"("sd": 2})", R"("sd": 2, "\u0073d": 3})"), "/subscales/0/norms/sd", 7,
       48},
      {"with \"~\" and \"/\"", R"({"a/b~": 1, "a\/b~": 2})", "/a~1b~0", 1, 13},
  };
  for (const auto& c : cases) {
    auto instrument = parse_instrument(c.text, "x.json");
    ASSERT_FALSE(instrument) << c.name;
    EXPECT_EQ(instrument.error().code, ErrorCode::malformed) << c.name;
    ASSERT_EQ(instrument.error().problems.size(), 1u) << c.name;
    const Problem& problem = instrument.error().problems[0];
    EXPECT_EQ(problem.code, "duplicate_key") << c.name;
    EXPECT_EQ(problem.source, "x.json") << c.name;
    EXPECT_EQ(problem.pointer, c.pointer) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.line, c.line) << c.name << ": " << describe(problem);
    EXPECT_EQ(problem.column, c.column) << c.name << ": " << describe(problem);
  }
}

// parse_json checks every JSON input (definitions, request bodies, responses)
// for duplicate keys: objects past the size where keys are checked as they
// come, keys that only hash alike, and the same key in different objects.
TEST(JsonInput, FindsDuplicateKeysInObjectsOfEverySize) {
  auto object_of = [](int keys, std::string extra) {
    std::string text = "{";
    for (int k = 0; k < keys; ++k) text += (k ? ",\"" : "\"") + std::to_string(k) + "\":" + std::to_string(k);
    return text + extra + "}";
  };
  struct Case {
    const char* name;
    std::string text;
    const char* pointer;  // nullptr: the text has no duplicate
  };
  const Case cases[] = {
      {"small object", object_of(5, ",\"3\":0"), "/3"},
      {"large object", object_of(1000, ",\"517\":0"), "/517"},
      {"large object, nested in arrays", "[[1, " + object_of(100, ",\"x\":[],\"x\":{}") + "]]", "/0/1/x"},
      {"long keys", R"({"a_long_key_name_1": 1, "a_long_key_name_2": 2, "a_long_key_name_1": 3})",
       "/a_long_key_name_1"},
      {"inner object only", R"({"k": {"a": 1}, "a": {"k": 1, "a": [{"k": 1}, {"k": 2, "k": 3}]}})", "/a/a/1/k"},
      {"no duplicate, large object", object_of(1000, ""), nullptr},
      {"no duplicate, same key in sibling objects", R"([{"a": 1}, {"a": 2, "b": {"a": 3}}])", nullptr},
      // "" and "\u0001" hash alike; the second reading finds them different.
      {"no duplicate, keys that hash alike", R"({"": 1, "\u0001": 2})", nullptr},
  };
  for (const auto& c : cases) {
    auto document = detail::parse_json(c.text);
    if (!c.pointer) {
      EXPECT_TRUE(document) << c.name << ": " << document.error().message;
      continue;
    }
    ASSERT_FALSE(document) << c.name;
    ASSERT_EQ(document.error().problems.size(), 1u) << c.name;
    EXPECT_EQ(document.error().problems[0].code, "duplicate_key") << c.name;
    EXPECT_EQ(document.error().problems[0].pointer, c.pointer) << c.name;
  }
  auto sizes = detail::parse_json(R"({"": 1, "\u0001": 2})");
  ASSERT_TRUE(sizes);
  EXPECT_EQ(sizes->as_object().size(), 2u);
}

TEST(Instrument, HashIgnoresFormattingKeyOrderAndNumberSpelling) {
  const std::string reformatted = R"({"version":"1.0.0","id":"demo","name":"Demo","scale":{"max":4.0,"min":0e0},
    "subscales":[{"items":["1","2","3"],"id":"total","method":"sum","min_answered":2,
    "bands":[{"max":5,"label":"low"},{"min":6,"label":"high"}],"norms":{"sd":2,"mean":6.0}}],
    "items":[{"id":"1"},{"reverse":true,"id":"2"},{"id":"3"}]})";
  auto original = parse_instrument(kValid);
  auto same = parse_instrument(reformatted);
  ASSERT_TRUE(original && same);
  EXPECT_EQ((*original)->sha256, (*same)->sha256);
  EXPECT_EQ((*original)->canonical_json, (*same)->canonical_json);

  auto changed = parse_instrument(replace(kValid, R"("max": 5})", R"("max": 4})"));
  ASSERT_TRUE(changed);
  EXPECT_NE((*original)->sha256, (*changed)->sha256);
}

TEST(Instrument, HashIsSha256OfTheCanonicalForm) {
  auto instrument = parse_instrument(R"({"version": "1.0.0", "id": "x", "name": "X", "scale": {"min": 0, "max": 1},
    "items": [{"id": "1"}], "subscales": [{"id": "s", "items": ["1"], "method": "sum"}]})");
  ASSERT_TRUE(instrument);
  EXPECT_EQ((*instrument)->canonical_json,
            R"({"id":"x","items":[{"id":"1"}],"name":"X","scale":{"max":1,"min":0},)"
            R"("subscales":[{"id":"s","items":["1"],"method":"sum"}],"version":"1.0.0"})");
  // printf '%s' '<canonical_json above>' | sha256sum
  EXPECT_EQ((*instrument)->sha256, "0a192f3f229aff8e7e937352a0763e7497bad5491373f86612af5375f5e983cd");
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("psyscore-registry-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  std::filesystem::path dir_;
};

TEST_F(RegistryTest, LoadsEveryDefinitionButTheSchema) {
  write("b.json", replace(kValid, R"("id": "demo")", R"("id": "b-scale")"));
  write("a.json", replace(kValid, R"("id": "demo")", R"("id": "a-scale")"));
  write("schema.json", R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})");
  write("README.md", "not a definition");
  auto registry = Registry::load_directory(dir_);
  ASSERT_TRUE(registry) << registry.error().message;
  ASSERT_EQ(registry->instruments().size(), 2u);
  EXPECT_EQ(registry->instruments()[0]->id, "a-scale");
  EXPECT_EQ(registry->find("b-scale")->id, "b-scale");
  EXPECT_EQ(registry->find("c-scale"), nullptr);
}

TEST_F(RegistryTest, FailsWithTheProblemsOfEveryFile) {
  write("a.json", replace(kValid, R"("id": "demo")", R"("id": "dup")"));
  write("b.json", replace(kValid, R"("id": "demo")", R"("id": "dup")"));
  write("c.json", "{ broken");
  auto registry = Registry::load_directory(dir_);
  ASSERT_FALSE(registry);
  ASSERT_EQ(registry.error().problems.size(), 2u);
  EXPECT_EQ(registry.error().problems[0].code, "duplicate_id");
  EXPECT_NE(registry.error().problems[0].source.find("b.json"), std::string::npos);
  EXPECT_EQ(registry.error().problems[1].code, "invalid_json");
  EXPECT_NE(registry.error().problems[1].source.find("c.json"), std::string::npos);
}

TEST_F(RegistryTest, MissingDirectoryIsNotFound) {
  auto registry = Registry::load_directory(dir_ / "nowhere");
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().code, ErrorCode::not_found);
}

TEST(Instrument, MissingFileIsNotFound) {
  auto instrument = load_instrument_file("/nonexistent/definition.json");
  ASSERT_FALSE(instrument);
  EXPECT_EQ(instrument.error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace psyscore
