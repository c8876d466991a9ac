// The command line with the files statistics packages write: SPSS, Stata and
// SAS files in (by extension and by content), semicolon CSV, and
// `score --format sav|xlsx` out.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/scoring.hpp"
#include "run_process.hpp"
#include "scoring/decode/readstat_input.hpp"

namespace psyscore::test {
namespace {

std::string formats(const std::string& file) { return (data_dir() / "formats" / file).string(); }

TEST(FormatsCli, EveryFileFormatScoresAsTheCsvOfTheSameWave) {
  // wave.csv's 9s are plain numbers (off the scale); wave.sav declares them user-missing.
  const auto csv = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats("wave.csv")});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  for (const char* file : {"wave.dta", "wave.sas7bdat"}) {
    const auto result = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats(file)});
    EXPECT_EQ(result.exit_code, 0) << file << ": " << result.err;
    EXPECT_EQ(result.out, csv.out) << file;
  }
  const auto sav = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats("wave.sav")});
  ASSERT_EQ(sav.exit_code, 0) << sav.err;
  const auto zsav = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats("wave.zsav")});
  EXPECT_EQ(zsav.out, sav.out);
  // Respondent 103's 9 is "no answer" in SPSS: scored (prorated) instead of rejected.
  EXPECT_NE(sav.out.find(R"({"id":"103","scores":{)"), std::string::npos) << sav.out;
  EXPECT_NE(csv.out.find(R"({"id":"103","scores":null)"), std::string::npos) << csv.out;
}

TEST(FormatsCli, FilesAreKnownByContentOnStdin) {
  const std::string bytes = read_text(formats("wave.sav"));
  const auto from_stdin = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", "-"}, bytes);
  const auto from_file = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats("wave.sav")});
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, from_file.out);
  // The other commands read the same files.
  const auto reliability = run_psyscore({"reliability", "-i", "gad-7", "--column-prefix", "gad_", formats("wave.dta")});
  EXPECT_EQ(reliability.exit_code, 0) << reliability.err;  // the 6 respondents without a 9
  EXPECT_NE(reliability.out.find("\"raw_alpha\""), std::string::npos) << reliability.out;
  const auto compare = run_psyscore(
      {"compare", "-i", "gad-7", "--column-prefix", "gad_", "--group-column", "group", formats("wave.sav")});
  EXPECT_EQ(compare.exit_code, 0) << compare.err;
  EXPECT_NE(compare.out.find("Balint group"), std::string::npos) << compare.out;
}

TEST(FormatsCli, SemicolonCsvWithDecimalCommas) {
  const auto detected =
      run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", formats("wave-semicolon.csv")});
  ASSERT_EQ(detected.exit_code, 0) << detected.err;
  EXPECT_NE(detected.out.find(R"({"id":"109","scores":{"total":{"value":10)"), std::string::npos) << detected.out;
  const auto told = run_psyscore(
      {"score", "-i", "gad-7", "--column-prefix", "gad_", "--delimiter", ";", formats("wave-semicolon.csv")});
  EXPECT_EQ(told.out, detected.out);
  const auto wrong = run_psyscore(
      {"score", "-i", "gad-7", "--column-prefix", "gad_", "--delimiter", ",", formats("wave-semicolon.csv")});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("no column \"id\""), std::string::npos) << wrong.err;
  const auto bad = run_psyscore({"score", "-i", "gad-7", "--delimiter", "|", formats("wave.csv")});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(FormatsCli, DamagedFileNamesItself) {
  const std::string bytes = read_text(formats("wave.sav")).substr(0, 300);
  const auto path = std::filesystem::temp_directory_path() / "psyscore-formats-cut.sav";
  std::ofstream(path, std::ios::binary) << bytes;
  const auto result = run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", path.string()});
  std::filesystem::remove(path);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("psyscore-formats-cut.sav: the file cannot be read as SPSS data"), std::string::npos)
      << result.err;
}

TEST(FormatsCli, ScoresAsSpssFileReadBack) {
  const auto result =
      run_psyscore({"score", "-i", "gad-7", "--column-prefix", "gad_", "--format", "sav", formats("wave.sav")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "warning: ignored columns that are not items: \"group\", \"age\"\n");
  auto table = detail::read_stat_table(result.out, detail::StatFormat::spss, {});
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(table->case_count, 8u);
  const auto* band = table->find("total_band");
  ASSERT_NE(band, nullptr);
  EXPECT_EQ(band->text(0, true), "minimal");
  // psyscore's scores.sav as R (foreign::read.spss) and ReadStat's tool read it (make_fixtures.sh):
  // the same numbers, band labels and variable labels as what psyscore writes now.
  const auto* total = table->find("total");
  const auto* answered = table->find("total_answered");
  const boost::json::value r = read_json(data_dir() / "formats" / "expected_scores_sav.json");
  EXPECT_EQ(r.at("variable_labels").at("total").as_string(), total->label);
  EXPECT_EQ(r.at("variable_labels").at("total_band").as_string(), band->label);
  const auto& rows = r.at("respondents").as_array();
  ASSERT_EQ(rows.size(), table->case_count);
  std::istringstream tool(read_text(data_dir() / "formats" / "scores_readstat.csv"));
  std::string line;
  std::getline(tool, line);
  EXPECT_EQ(line, R"("id","total","total_answered","total_band","errors")");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i + 1));
    const auto expected_total = number(rows[i].at("total"));
    EXPECT_EQ(rows[i].at("id").as_string(), table->find("id")->texts[i]);
    EXPECT_TRUE(near_relative(total->numbers[i], expected_total, 1e-15));
    EXPECT_TRUE(near_relative(answered->numbers[i], number(rows[i].at("total_answered")), 0));
    const auto& expected_band = rows[i].at("total_band");
    EXPECT_EQ(band->text(i, true), expected_band.is_null() ? "" : std::string(expected_band.as_string()));
    ASSERT_TRUE(std::getline(tool, line));
    const auto first = line.find(',');
    const std::string tool_total = line.substr(first + 1, line.find(',', first + 1) - first - 1);
    if (tool_total.empty()) {
      EXPECT_FALSE(expected_total);
    } else {
      EXPECT_TRUE(near_relative(std::stod(tool_total), expected_total, 1e-6));  // the tool prints 6 decimals
    }
  }
}

}  // namespace
}  // namespace psyscore::test
