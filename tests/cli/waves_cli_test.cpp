// psyscore waves as a user runs it: one file per wave and one long CSV give
// the engine's result (and so the HTTP body); bad input exits 1 naming the
// file, line and column; bad usage exits 2.

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/waves.hpp"
#include "run_process.hpp"

namespace psyscore::test {
namespace {

std::string example(const std::string& name) { return (source_dir() / "examples" / "balint-cohort" / name).string(); }

InstrumentPtr mbi_hss() { return *load_instrument_file(source_dir() / "instruments" / "mbi-hss.json"); }

TEST(WavesCli, LongCsvPrintsTheEngineResult) {
  const auto result = run_psyscore({"waves", "-i", "mbi-hss", "--wave-column", "wave", example("waves.csv")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  CsvWavesOptions options;
  options.csv.source = example("waves.csv");
  options.wave_column = "wave";
  auto decoded = decode_csv_waves(*mbi_hss(), read_text(example("waves.csv")), options);
  ASSERT_TRUE(decoded);
  std::vector<NamedWave> waves;
  for (std::size_t w = 0; w < decoded->names.size(); ++w) waves.push_back({decoded->names[w], &decoded->waves[w]});
  auto report = psyscore::waves(*mbi_hss(), waves);
  ASSERT_TRUE(report);
  EXPECT_EQ(result.out, encode_waves_result(*mbi_hss(), *report));
  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("waves").as_array().size(), 3u);
  EXPECT_EQ(body.at("respondents").as_int64(), 12);
  EXPECT_EQ(body.at("subscales").at(0).at("mixed_model").at("n_respondents").as_int64(), 12);
}

TEST(WavesCli, OneFilePerWaveAndHlm) {
  const auto result = run_psyscore({"waves", "-i", "mbi-hss", "--wave", "baseline=" + example("pre.csv"), "--wave",
                                    "10m=" + example("post.csv"), "--subscale", "EE"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("subscales").as_array().size(), 1u);
  EXPECT_EQ(body.at("subscales").at(0).at("mixed_model").at("fixed").at(1).at("term").as_string(), "wave10m");

  const auto hlm =
      run_psyscore({"waves", "-i", "mbi-hss", "--wave-column", "wave", example("waves.csv"), "--rci-method", "hlm"});
  ASSERT_EQ(hlm.exit_code, 0) << hlm.err;
  const auto rci = boost::json::parse(hlm.out).at("subscales").at(0).at("rci");
  ASSERT_TRUE(rci.is_object()) << hlm.out;
  EXPECT_EQ(rci.at("method").as_string(), "hlm");
  EXPECT_EQ(rci.at("n").as_int64(), 10);  // b03 and b11 have two scores each
}

TEST(WavesCli, BadInputAndUsage) {
  const std::string duplicate =
      "id,wave,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22\n"
      "b01,a,3,4,4,5,3,3,5,3,3,1,3,5,1,3,1,2,4,4,4,4,5,3\n"
      "b01,a,3,4,4,5,3,3,5,3,3,1,3,5,1,3,1,2,4,4,4,4,5,3\n";
  struct Case {
    const char* name;
    std::vector<std::string> arguments;
    std::string input;
    int exit_code;
    const char* message;  // a fragment of stderr
  };
  const Case cases[] = {
      {"repeated respondent in the long CSV",
       {"waves", "-i", "mbi-hss", "--wave-column", "wave", "-"},
       duplicate,
       1,
       "<stdin>:3:1"},
      {"one wave", {"waves", "-i", "mbi-hss", "--wave", "a=" + example("pre.csv")}, "", 1, "at least 2 waves"},
      {"unknown wave in the order",
       {"waves", "-i", "mbi-hss", "--wave-column", "wave", "--wave-order", "baseline,6m", example("waves.csv")},
       "",
       1,
       "not in wave_order"},
      {"neither --wave nor --wave-column", {"waves", "-i", "mbi-hss"}, "", 2, "either --wave"},
      {"--wave without a file", {"waves", "-i", "mbi-hss", "--wave", "baseline"}, "", 2, "NAME=FILE"},
      {"another rci method",
       {"waves", "-i", "mbi-hss", "--wave-column", "wave", example("waves.csv"), "--rci-method", "jt"},
       "",
       2,
       "hlm"},
  };
  for (const Case& c : cases) {
    const auto result = run_psyscore(c.arguments, c.input);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.name << ": " << result.err;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << c.name << ": " << result.err;
  }
}

}  // namespace
}  // namespace psyscore::test
