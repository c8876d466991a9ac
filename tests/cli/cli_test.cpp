// The psyscore command as a user runs it: output, messages, exit codes.

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/json.hpp"
#include "run_process.hpp"
#include "scoring/util/json_writer.hpp"

namespace psyscore::test {
namespace {

std::string data(const std::string& name) { return (data_dir() / "cli" / name).string(); }

TEST(Cli, ListsTheBundledInstruments) {
  const auto result = run_psyscore({"instruments"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto listing = boost::json::parse(result.out);
  EXPECT_EQ(listing.at("instruments").as_array().size(), 9u);
  EXPECT_TRUE(result.err.empty());
}

TEST(Cli, ShowsOneDefinitionInCanonicalForm) {
  const auto result = run_psyscore({"instruments", "show", "phq-9"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(boost::json::parse(result.out).at("id").as_string(), "phq-9");
  const auto unknown = run_psyscore({"instruments", "show", "phq-10"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no instrument \"phq-10\""), std::string::npos) << unknown.err;
}

TEST(Cli, ValidateReportsEveryProblemWithFileAndPointer) {
  const auto good = run_psyscore({"validate", (source_dir() / "instruments" / "gad-7.json").string()});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find(R"("valid":true)"), std::string::npos) << good.out;

  const auto bad = run_psyscore({"validate", data("broken-definition.json")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.out.empty());
  EXPECT_NE(bad.err.find("broken-definition.json: /subscales/0/items/1: no item has id \"9\""), std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("broken-definition.json: /scale/step"), std::string::npos) << bad.err;

  const auto malformed = run_psyscore({"validate", data("malformed-definition.json")});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("malformed-definition.json:3:"), std::string::npos) << malformed.err;

  const auto missing = run_psyscore({"validate", data("no-such-file.json")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no-such-file.json"), std::string::npos) << missing.err;
}

TEST(Cli, ScoresACsvFileAsTheHttpBodyWould) {
  const auto result = run_psyscore({"score", "-i", "phq-9", data("phq9.csv")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Byte for byte what the engine's encoder writes for the same input.
  const InstrumentPtr phq9 = *load_instrument_file(source_dir() / "instruments" / "phq-9.json");
  const std::string text = read_text(data("phq9.csv"));
  CsvOptions options;
  options.source = data("phq9.csv");
  auto wave = decode_csv_responses(*phq9, text, options);
  ASSERT_TRUE(wave);
  EXPECT_EQ(result.out, encode_score_result(*phq9, *wave, score(*phq9, *wave)));

  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("summary").at("respondents").as_int64(), 3);
  EXPECT_EQ(body.at("summary").at("with_errors").as_int64(), 1);
  EXPECT_EQ(body.at("results").at(0).at("scores").at("total").at("band").as_string(), "moderate");
}

TEST(Cli, ReadsStdinAndJsonAndADefinitionFile) {
  const std::string csv = "id,1,2,3,4,5,6,7\na,3,3,3,3,3,3,3\n";
  const auto from_stdin = run_psyscore({"score", "-i", "gad-7", "-"}, csv);
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_NE(from_stdin.out.find(R"("value":21)"), std::string::npos) << from_stdin.out;

  const std::string json = R"({"responses": [{"id": "a", "answers": {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3,
                               "6": 3, "7": 3}}]})";
  const auto from_json =
      run_psyscore({"score", "-i", (source_dir() / "instruments" / "gad-7.json").string(), "-"}, json);
  ASSERT_EQ(from_json.exit_code, 0) << from_json.err;
  EXPECT_EQ(from_json.out, from_stdin.out);
}

TEST(Cli, CsvOutputHasOneRowPerRespondent) {
  const auto result = run_psyscore({"score", "-i", "phq-9", "--format", "csv", data("phq9.csv")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "id,total,total_answered,total_band,errors\n"
            "p01,12,9,moderate,\n"
            "p02,,,,\"answer 4 to item \"\"3\"\" is outside its scale 0..3\"\n"
            "p03,4.5,8,,\n");
  EXPECT_NE(result.err.find("warning: 1 score(s) of subscale \"total\""), std::string::npos) << result.err;

  // Numbers are written as the JSON encoder writes them (2.6, not 2.6000000000000001).
  const auto mean =
      run_psyscore({"score", "-i", "balint-attitudes", "--format", "csv", "-"}, "id,1,2,3,4,5,6\na,1,1,1,1,1,\n");
  ASSERT_EQ(mean.exit_code, 0) << mean.err;
  EXPECT_EQ(mean.out, "id,total,total_answered,errors\na,2.6,5,\n");
}

TEST(Cli, ColumnPrefixAndIdColumn) {
  const std::string csv = "record_id,gad_1,gad_2,gad_3,gad_4,gad_5,gad_6,gad_7\nr1,0,1,0,1,0,1,0\n";
  const auto result =
      run_psyscore({"score", "-i", "gad-7", "--id-column", "record_id", "--column-prefix", "gad_", "-"}, csv);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(R"({"id":"r1","scores":{"total":{"value":3,)"), std::string::npos) << result.out;
}

// Bad input: exit 1 and a message naming file, line and column.
TEST(Cli, InvalidInputNamesFileRowAndColumn) {
  struct Case {
    const char* name;
    std::vector<std::string> arguments;
    std::string input;
    const char* message;
  };
  const Case cases[] = {
      {"ragged row",
       {"score", "-i", "gad-7", data("ragged.csv")},
       "",
       "ragged.csv:3:9: the row has 9 fields but the header has 8"},
      {"duplicate ids",
       {"score", "-i", "gad-7", "-"},
       "id,1,2,3,4,5,6,7\na,0,0,0,0,0,0,0\na,1,1,1,1,1,1,1\n",
       "<stdin>:3:1: respondent id \"a\" is used twice"},
      {"unclosed quote",
       {"score", "-i", "gad-7", "-"},
       "id,1,2,3,4,5,6,7\n\"a,0,0,0,0,0,0,0\n",
       "<stdin>:2:1: a quoted field is not closed"},
      {"no id column", {"score", "-i", "gad-7", "-"}, "pid,1\nx,1\n", "<stdin>:1: no column \"id\""},
      {"unknown instrument", {"score", "-i", "gad-8", "-"}, "id,1\n", "no instrument \"gad-8\""},
      {"missing data file", {"score", "-i", "gad-7", "missing.csv"}, "", "missing.csv: cannot open the file"},
      {"malformed JSON", {"score", "-i", "gad-7", "-"}, R"({"responses": [)", "<stdin>:1:16: invalid JSON"},
      {"JSON structure",
       {"score", "-i", "gad-7", "-"},
       R"({"responses": [{"id": "a"}]})",
       "<stdin>: /responses/0/answers: a respondent needs \"answers\""},
      {"empty input", {"score", "-i", "gad-7", "-"}, "", "the CSV is empty"},
      {"binary garbage", {"score", "-i", "gad-7", "-"}, std::string("\x00\x01\xff\"\n\x7f", 6), "<stdin>:"},
  };
  for (const auto& c : cases) {
    const auto result = run_psyscore(c.arguments, c.input);
    EXPECT_EQ(result.exit_code, 1) << c.name << ": " << result.err;
    EXPECT_TRUE(result.out.empty()) << c.name << ": " << result.out;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << c.name << ": " << result.err;
  }
}

TEST(Cli, UsageErrorsExitWithTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"score"},
      {"score", "-i", "gad-7"},
      {"score", "-i", "gad-7", "--format", "xml", "-"},
      {"--instruments", "/nonexistent", "instruments"},
      {"validate"},
  };
  for (const auto& arguments : cases) {
    std::string joined;
    for (const auto& a : arguments) joined += a + " ";
    const auto result = run_psyscore(arguments);
    EXPECT_EQ(result.exit_code, 2) << joined << ": " << result.err;
    EXPECT_FALSE(result.err.empty()) << joined;
  }
  const auto help = run_psyscore({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("score"), std::string::npos);
}

TEST(Cli, InstrumentsDirectoryIsConfigurable) {
  const auto result = run_psyscore({"--instruments", (data_dir() / "cli" / "registry").string(), "instruments"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(boost::json::parse(result.out).at("instruments").as_array().size(), 1u);
  const auto broken = run_psyscore({"--instruments", (data_dir() / "cli").string(), "instruments"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken-definition.json"), std::string::npos) << broken.err;
}

// A GAD-7 wave of `rows` respondents, large enough to span several reads
// and chunks of the streaming `score`: CRLF line ends, missing and invalid
// answers, and a quoted comment column whose fields hold quotes, commas and
// line breaks.
std::string large_wave(std::size_t rows) {
  std::mt19937 random(5);
  std::string text = "id,1,2,3,4,5,6,7,comment\r\n";
  for (std::size_t r = 0; r < rows; ++r) {
    text += "r" + std::to_string(r);
    for (int item = 0; item < 7; ++item) {
      const auto draw = random() % 100;
      text += ',';
      if (draw < 3) continue;  // missing
      if (draw == 3)
        text += r % 2 ? "x" : "9";  // not a number, or off the scale
      else
        text += std::to_string(draw % 4);
    }
    text +=
        r % 37 == 0 ? ",\"said \"\"fine, thanks\"\"\r\n" + std::string(200, '.') + "\"\r\n" : ",no_comment_today\r\n";
  }
  return text;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// What `score` printed before it streamed: the wave decoded at once, then
// encoded; for a wave with problems, the problems on stderr.
void expect_scored_as_a_whole(const std::string& text, const std::string& source, const ProcessResult& result,
                              const std::string& name) {
  const InstrumentPtr gad7 = *load_instrument_file(source_dir() / "instruments" / "gad-7.json");
  CsvOptions options;
  options.source = source;
  const auto wave = decode_csv_responses(*gad7, text, options);
  if (!wave) {
    std::string expected;
    for (const Problem& problem : wave.error().problems) expected += "error: " + describe(problem) + "\n";
    EXPECT_EQ(result.exit_code, 1) << name;
    EXPECT_TRUE(result.out.empty()) << name;
    EXPECT_EQ(result.err, expected) << name;
    return;
  }
  EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
  EXPECT_TRUE(result.out == encode_score_result(*gad7, *wave, score(*gad7, *wave))) << name << ": output differs";
  EXPECT_TRUE(result.err.empty()) << name << ": " << result.err;
}

TEST(Cli, StreamingScoreWritesWhatTheWholeWaveGives) {
  const std::string wave = large_wave(60000);
  ASSERT_GT(wave.size(), std::size_t{2} << 20) << "the wave should span several 1 MB reads";
  // Quoted fields cut by a read and a repeat near the end, after most of the
  // file would have been written by a single pass.
  std::string repeated = wave;
  repeated.insert(repeated.rfind("\r\n", repeated.size() - 3) + 2, "r17,1,1,1,1,1,1,1,\"late\r\nrepeat\"\r\n");
  const std::string ragged = wave + "r60000,1,1\r\n";

  for (const auto& [name, text] :
       {std::pair{"valid", wave}, std::pair{"repeated id", repeated}, std::pair{"ragged last row", ragged}}) {
    const std::string path = write_temp(std::string("stream-") + name + ".csv", text);
    expect_scored_as_a_whole(text, path, run_psyscore({"score", "-i", "gad-7", path}), std::string(name) + ", file");
    expect_scored_as_a_whole(text, "<stdin>", run_psyscore({"score", "-i", "gad-7", "-"}, text),
                             std::string(name) + ", pipe");
  }
}

// The CSV format: one line per respondent with the values of the JSON result.
TEST(Cli, StreamingCsvScoresMatchTheJsonScores) {
  const std::string path = write_temp("stream-csv.csv", large_wave(10000));
  const auto json = run_psyscore({"score", "-i", "gad-7", path});
  const auto csv = run_psyscore({"score", "-i", "gad-7", "--format", "csv", path});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto results = boost::json::parse(json.out).at("results").as_array();
  std::istringstream lines(csv.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "id,total,total_answered,total_band,errors");
  std::size_t row = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(row, results.size());
    const auto& result = results[row++];
    const std::string id(result.at("id").as_string());
    EXPECT_TRUE(line.starts_with(id + ",")) << line;
    if (result.at("scores").is_null()) {
      EXPECT_TRUE(line.starts_with(id + ",,,,")) << line;
      continue;
    }
    const auto& total = result.at("scores").at("total");
    std::string expected = id + ",";
    if (!total.at("value").is_null()) detail::append_json_number(expected, total.at("value").to_number<double>());
    expected += "," + boost::json::serialize(total.at("answered")) + ",";
    EXPECT_TRUE(line.starts_with(expected)) << line << " vs " << expected;
  }
  EXPECT_EQ(row, results.size());
}

}  // namespace
}  // namespace psyscore::test
