// psyscore model as a user runs it: the output is the engine's result for the
// same input (and so the HTTP body); bad data exits 1 naming the file, line and
// column, bad usage exits 2.

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/model.hpp"
#include "run_process.hpp"

namespace psyscore::test {
namespace {

std::string example(const std::string& name) { return (source_dir() / "examples" / "balint-survey" / name).string(); }

TEST(ModelCli, PrintsTheEngineResult) {
  const auto result =
      run_psyscore({"model", "-i", "who-5", example("survey.csv"), "--outcome", "raw>=13", "--predictor", "duration",
                    "--predictor", "teaching", "--predictor", "age", "--reference", "duration=lt1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto who5 = load_instrument_file(source_dir() / "instruments" / "who-5.json");
  ASSERT_TRUE(who5) << "who-5";
  CsvOptions csv;
  csv.source = example("survey.csv");
  csv.covariate_columns = {"duration", "teaching", "age"};
  auto wave = decode_csv_responses(**who5, read_text(example("survey.csv")), csv);
  ASSERT_TRUE(wave) << "survey.csv";
  ModelOptions options;
  options.outcome = ModelOutcome::at_least_value("raw", 13);
  options.predictors = {"duration", "teaching", "age"};
  options.reference = {{"duration", "lt1"}};
  auto report = model(**who5, *wave, options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(result.out, encode_model_result(**who5, *report)) << "model";
  const auto body = boost::json::parse(result.out);
  EXPECT_EQ(body.at("logistic").at("coefficients").as_array().size(), 5u) << "model";
  EXPECT_EQ(body.at("associations").as_array().size(), 2u) << "model";
}

TEST(ModelCli, BadDataExitsOneWithLineAndColumn) {
  const std::string csv = "id,age,1,2,3,4,5\nr1,50,3,3,3,3,3\nr2,fifty,1,1,1,1,1\nr3,30,4,4,4,4,4\nr4,31,1,1,1,1,1\n";
  const auto result = run_psyscore({"model", "-i", "who-5", "-", "--outcome", "raw>=13", "--predictor", "age"}, csv);
  EXPECT_EQ(result.exit_code, 1) << "fifty";
  EXPECT_NE(result.err.find(":3:2:"), std::string::npos) << result.err;
  const auto unknown = run_psyscore({"model", "-i", "who-5", "-", "--outcome", "raw>=13", "--predictor", "years"}, csv);
  EXPECT_EQ(unknown.exit_code, 1) << "years";
  EXPECT_NE(unknown.err.find("years"), std::string::npos) << unknown.err;
}

TEST(ModelCli, BadUsageExitsTwo) {
  const auto no_outcome = run_psyscore({"model", "-i", "who-5", example("survey.csv"), "--predictor", "age"});
  EXPECT_EQ(no_outcome.exit_code, 2) << no_outcome.err;
  const auto bad_outcome =
      run_psyscore({"model", "-i", "who-5", example("survey.csv"), "--outcome", "raw>>13", "--predictor", "age"});
  EXPECT_EQ(bad_outcome.exit_code, 2) << bad_outcome.err;
  const auto bad_reference = run_psyscore({"model", "-i", "who-5", example("survey.csv"), "--outcome", "raw>=13",
                                           "--predictor", "duration", "--reference", "duration"});
  EXPECT_EQ(bad_reference.exit_code, 2) << bad_reference.err;
}

}  // namespace
}  // namespace psyscore::test
