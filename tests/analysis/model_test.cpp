// End-to-end tests of model(): the R fixtures of tests/data/model (glm, MASS
// confint, chisq.test, fisher.test) decoded from JSON and CSV responses with
// covariates, the bad inputs of the contract with their pointers, and the
// JSON encoder.

#include "psyscore/model.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "fixtures.hpp"
#include "psyscore/instrument.hpp"

namespace psyscore {
namespace {

using test::number;
using test::number_at;

constexpr double kClosedForm = 1e-9;
constexpr double kIterative = 1e-6;

// Three items 0-4, a sum with bands: respondents with the event answer
// 3, 3, 2 (total 8, "high"), the others 1, 1, 0 (total 2, "low").
constexpr std::string_view kInstrument = R"({
  "id": "cohort-test", "version": "1.0.0", "name": "Cohort test",
  "scale": {"min": 0, "max": 4},
  "items": [{"id": "1"}, {"id": "2"}, {"id": "3"}],
  "subscales": [{"id": "total", "name": "Total", "items": ["1", "2", "3"], "method": "sum",
                 "bands": [{"label": "low", "max": 5}, {"label": "high", "min": 6}]}]
})";

InstrumentPtr instrument() {
  auto parsed = parse_instrument(kInstrument);
  EXPECT_TRUE(parsed.has_value());
  return *parsed;
}

boost::json::value fixture(const std::string& name) {
  return test::read_json(test::data_dir() / "model" / (name + ".json"));
}

// The fixture's data as a JSON body of responses with covariates. The
// outcome becomes the answers (and, as "wellbeing", a yes/no covariate).
std::string body_of(const boost::json::value& fixture) {
  const auto& data = fixture.as_object().at("data").as_object();
  const auto& outcome = data.at("outcome").as_array();
  boost::json::array responses;
  for (std::size_t r = 0; r < outcome.size(); ++r) {
    boost::json::object respondent;
    respondent["id"] = "r" + std::to_string(r + 1);
    boost::json::object answers;
    boost::json::object covariates;
    if (outcome[r].is_null()) {
      answers = {{"1", nullptr}, {"2", nullptr}, {"3", nullptr}};
      covariates["wellbeing"] = nullptr;
    } else if (*number(outcome[r]) == 1) {
      answers = {{"1", 3}, {"2", 3}, {"3", 2}};
      covariates["wellbeing"] = "yes";
    } else {
      answers = {{"1", 1}, {"2", 1}, {"3", 0}};
      covariates["wellbeing"] = "no";
    }
    for (const auto& [name, column] : data) {
      if (name == "outcome") continue;
      covariates[name] = column.as_array()[r];
    }
    respondent["answers"] = std::move(answers);
    respondent["covariates"] = std::move(covariates);
    responses.push_back(std::move(respondent));
  }
  return boost::json::serialize(boost::json::object{{"responses", std::move(responses)}});
}

ResponseMatrix wave_of(const Instrument& definition, const std::string& body) {
  auto wave = decode_json_responses(definition, body);
  EXPECT_TRUE(wave.has_value()) << (wave ? "" : wave.error().message);
  return wave ? std::move(*wave) : ResponseMatrix{};
}

::testing::AssertionResult near(Statistic actual, std::optional<double> expected, double tolerance) {
  if (!expected || !actual) {
    if (!expected && !actual) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "one is null: actual " << actual.value_or(NAN) << " expected "
                                         << expected.value_or(NAN);
  }
  if (std::abs(*actual - *expected) <= tolerance * std::abs(*expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << *actual << " vs expected " << *expected;
}

std::optional<double> exp_of(std::optional<double> x) {
  if (!x) return std::nullopt;
  return std::exp(*x);
}

struct Case {
  std::string name;
  std::vector<std::string> predictors;
  std::vector<std::pair<std::string, std::string>> reference;
};

void expect_matches(const ModelReport& report, const boost::json::value& expected, const std::string& name) {
  const auto& object = expected.as_object();
  const auto& terms = object.at("terms").as_array();
  ASSERT_EQ(report.logistic.coefficients.size(), terms.size()) << name;
  EXPECT_EQ(report.n, object.at("y").as_array().size()) << name;
  EXPECT_EQ(report.logistic.iterations, static_cast<int>(*number_at(expected, "iterations"))) << name;
  EXPECT_TRUE(near(report.logistic.deviance, number_at(expected, "deviance"), kIterative)) << name;
  EXPECT_TRUE(near(report.logistic.null_deviance, number_at(expected, "null_deviance"), kClosedForm)) << name;
  EXPECT_TRUE(near(report.logistic.aic, number_at(expected, "aic"), kIterative)) << name;
  EXPECT_TRUE(near(report.logistic.lr_p, number_at(expected, "lr_p"), kIterative)) << name;
  EXPECT_TRUE(near(report.logistic.nagelkerke_r2, number_at(expected, "nagelkerke_r2"), kIterative)) << name;
  EXPECT_EQ(report.logistic.separation, object.at("separation").as_bool()) << name;
  const bool separated = report.logistic.separation;
  for (std::size_t j = 0; j < terms.size(); ++j) {
    const ModelCoefficient& c = report.logistic.coefficients[j];
    const std::string where = name + " " + c.term;
    EXPECT_EQ(c.term, terms[j].as_string()) << where;
    if (separated) continue;  // tests/stats/logistic_regression_test.cpp checks those estimates
    EXPECT_TRUE(near(c.estimate, number(object.at("coefficients").as_array()[j]), kClosedForm)) << where;
    EXPECT_TRUE(near(c.se, number(object.at("se").as_array()[j]), kClosedForm)) << where;
    EXPECT_TRUE(near(c.p, number(object.at("p").as_array()[j]), kClosedForm)) << where;
    EXPECT_TRUE(near(c.wald.lower, exp_of(number(object.at("wald_lower").as_array()[j])), kClosedForm)) << where;
    EXPECT_TRUE(near(c.wald.upper, exp_of(number(object.at("wald_upper").as_array()[j])), kClosedForm)) << where;
    EXPECT_TRUE(near(c.profile.lower, exp_of(number(object.at("profile_lower").as_array()[j])), kIterative)) << where;
    EXPECT_TRUE(near(c.profile.upper, exp_of(number(object.at("profile_upper").as_array()[j])), kIterative)) << where;
  }
  const auto& associations = object.at("associations").as_array();
  ASSERT_EQ(report.associations.size(), associations.size()) << name;
  for (std::size_t k = 0; k < associations.size(); ++k) {
    const Association& a = report.associations[k];
    const auto& e = associations[k];
    const std::string where = name + " association " + a.covariate;
    EXPECT_EQ(a.covariate, e.as_object().at("covariate").as_string()) << where;
    const auto& levels = e.as_object().at("levels").as_array();
    ASSERT_EQ(a.levels.size(), levels.size()) << where;
    for (std::size_t l = 0; l < levels.size(); ++l) {
      EXPECT_EQ(a.levels[l], levels[l].as_string()) << where;
      const auto& row = e.as_object().at("table").as_array()[l].as_array();
      EXPECT_EQ(static_cast<double>(a.table[l][0]), *number(row[0])) << where;
      EXPECT_EQ(static_cast<double>(a.table[l][1]), *number(row[1])) << where;
    }
    EXPECT_TRUE(near(a.chi_squared, number_at(e, "chi_squared"), kClosedForm)) << where;
    EXPECT_TRUE(near(a.chi_squared_p, number_at(e, "p"), kClosedForm)) << where;
    EXPECT_TRUE(near(a.fisher_p, number_at(e, "fisher_p"), kClosedForm)) << where;
    EXPECT_TRUE(near(a.min_expected, number_at(e, "min_expected"), kClosedForm)) << where;
    EXPECT_EQ(a.correct, e.as_object().at("correct").as_bool()) << where;
  }
}

class ModelFixtureTest : public ::testing::TestWithParam<Case> {};

TEST_P(ModelFixtureTest, AgreesWithR) {
  const Case& c = GetParam();
  const auto definition = instrument();
  const boost::json::value expected = fixture(c.name);
  const ResponseMatrix wave = wave_of(*definition, body_of(expected));
  ModelOptions options;
  options.predictors = c.predictors;
  options.reference = c.reference;
  options.ci_level = *number_at(expected, "ci_level");
  // The same model three ways: the subscale at or above a value, in a band,
  // and the yes/no covariate.
  options.outcome = ModelOutcome::at_least_value("total", 6);
  auto at_least = model(*definition, wave, options);
  ASSERT_TRUE(at_least.has_value()) << c.name << ": " << at_least.error().message;
  expect_matches(*at_least, expected, c.name + " (at_least)");
  EXPECT_EQ(at_least->outcome_label, "total >= 6") << c.name;
  options.outcome = ModelOutcome::in_bands("total", {"high"});
  auto bands = model(*definition, wave, options);
  ASSERT_TRUE(bands.has_value()) << c.name;
  expect_matches(*bands, expected, c.name + " (bands)");
  options.outcome = ModelOutcome::covariate_level("wellbeing", "yes");
  auto covariate = model(*definition, wave, options);
  ASSERT_TRUE(covariate.has_value()) << c.name;
  expect_matches(*covariate, expected, c.name + " (covariate)");
  EXPECT_EQ(covariate->outcome_label, "wellbeing = yes") << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ModelFixtureTest,
    ::testing::Values(Case{"survey",
                           {"duration", "obligation", "teaching", "management", "prevention", "age"},
                           {{"duration", "lt1"}}},
                      Case{"survey_90", {"duration", "teaching", "age"}, {{"duration", "lt1"}}},
                      Case{"missing_covariates", {"duration", "teaching", "age"}, {{"duration", "lt1"}}},
                      Case{"small_2x2", {"group"}, {}}, Case{"numeric_only", {"age"}, {}},
                      Case{"quasi_separated", {"duration", "age"}, {{"duration", "lt1"}}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(Model, SeparationNamesThePredictorAndDropsItsProfile) {
  const auto definition = instrument();
  const ResponseMatrix wave = wave_of(*definition, body_of(fixture("quasi_separated")));
  ModelOptions options;
  options.outcome = ModelOutcome::covariate_level("wellbeing", "yes");
  options.predictors = {"duration", "age"};
  options.reference = {{"duration", "lt1"}};
  auto report = model(*definition, wave, options);
  ASSERT_TRUE(report.has_value()) << "quasi-separated";
  EXPECT_TRUE(report->logistic.separation) << "quasi-separated";
  EXPECT_EQ(report->logistic.separation_kind, "quasi-complete") << "quasi-separated";
  EXPECT_EQ(report->logistic.separated_predictors, std::vector<std::string>{"duration"}) << "quasi-separated";
  EXPECT_FALSE(report->logistic.coefficients[2].profile.lower.has_value()) << "duration5plus";
  EXPECT_TRUE(report->logistic.coefficients[1].profile.lower.has_value()) << "duration1to4";
  bool warned = false;
  for (const auto& w : report->warnings) warned = warned || w.find("separation: \"duration\"") != std::string::npos;
  EXPECT_TRUE(warned) << "quasi-separated: a warning names duration";
  const std::string json = encode_model_result(*definition, *report);
  EXPECT_NE(json.find("\"separation\":true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"profile\":{\"lower\":null,\"upper\":null}"), std::string::npos) << json;
}

TEST(Model, FewEventsPerPredictorWarn) {
  const auto definition = instrument();
  const ResponseMatrix wave = wave_of(*definition, body_of(fixture("small_2x2")));
  ModelOptions options;
  options.outcome = ModelOutcome::covariate_level("wellbeing", "yes");
  options.predictors = {"group"};
  auto report = model(*definition, wave, options);
  ASSERT_TRUE(report.has_value()) << "small 2x2";
  bool warned = false;
  for (const auto& w : report->warnings) warned = warned || w.find("events per predictor") != std::string::npos;
  EXPECT_TRUE(warned) << "7 non-events over 1 coefficient";
}

struct BadCase {
  std::string name;
  ModelOptions options;
  std::string pointer;
  std::string code;
};

class ModelBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ModelBadInputTest, Is422WithAPointer) {
  const BadCase& c = GetParam();
  const auto definition = instrument();
  const ResponseMatrix wave = wave_of(*definition, body_of(fixture("survey")));
  auto report = model(*definition, wave, c.options);
  ASSERT_FALSE(report.has_value()) << c.name;
  EXPECT_EQ(report.error().code, ErrorCode::invalid) << c.name;
  ASSERT_FALSE(report.error().problems.empty()) << c.name;
  EXPECT_EQ(report.error().problems.front().pointer, c.pointer) << c.name;
  EXPECT_EQ(report.error().problems.front().code, c.code) << c.name << ": " << report.error().message;
}

ModelOptions options_with(std::vector<std::string> predictors,
                          std::vector<std::pair<std::string, std::string>> reference,
                          ModelOutcome outcome = ModelOutcome::at_least_value("total", 6)) {
  ModelOptions options;
  options.outcome = std::move(outcome);
  options.predictors = std::move(predictors);
  options.reference = std::move(reference);
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ModelBadInputTest,
    ::testing::Values(
        BadCase{"unknown_predictor", options_with({"age", "years"}, {}), "/options/predictors/1", "unknown_covariate"},
        BadCase{"reference_absent", options_with({"duration"}, {{"duration", "10plus"}}), "/options/reference/duration",
                "unknown_level"},
        BadCase{"reference_numeric", options_with({"age"}, {{"age", "50"}}), "/options/reference/age",
                "reference_for_numeric"},
        BadCase{"one_class", options_with({"age"}, {}, ModelOutcome::at_least_value("total", 0)), "/options/outcome",
                "one_class"},
        BadCase{"unknown_subscale", options_with({"age"}, {}, ModelOutcome::at_least_value("EE", 1)),
                "/options/outcome/subscale", "unknown_subscale"},
        BadCase{"unknown_band", options_with({"age"}, {}, ModelOutcome::in_bands("total", {"severe"})),
                "/options/outcome/bands/0", "unknown_band"},
        BadCase{"numeric_outcome", options_with({"duration"}, {}, ModelOutcome::covariate_level("age", "1")),
                "/options/outcome/covariate", "outcome_not_categorical"},
        BadCase{"outcome_three_levels", options_with({"age"}, {}, ModelOutcome::covariate_level("duration", "lt1")),
                "/options/outcome/covariate", "outcome_not_binary"},
        BadCase{"no_predictors", options_with({}, {}), "/options/predictors", "no_predictors"},
        BadCase{"duplicate_predictor", options_with({"age", "age"}, {}), "/options/predictors/1",
                "duplicate_predictor"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ModelDecoding, JsonCovariateMixingNumbersAndTextIs422AtItsPointer) {
  const auto definition = instrument();
  const std::string body = R"({"responses": [
    {"id": "a", "answers": {"1": 1}, "covariates": {"age": 51, "teaching": "yes"}},
    {"id": "b", "answers": {"1": 2}, "covariates": {"age": 40, "teaching": "no"}},
    {"id": "c", "answers": {"1": 2}, "covariates": {"age": "fifty", "teaching": null}}]})";
  auto wave = decode_json_responses(*definition, body);
  ASSERT_FALSE(wave.has_value()) << "age as text";
  EXPECT_EQ(wave.error().code, ErrorCode::invalid) << "age as text";
  EXPECT_EQ(wave.error().problems.front().pointer, "/responses/2/covariates/age") << "age as text";
}

TEST(ModelDecoding, JsonCovariatesFastAndDocumentPathsAgree) {
  const auto definition = instrument();
  // Compact (the fast path reads it) and with a fraction (only the document path does).
  const std::string fast = R"({"responses":[{"id":"a","answers":{"1":1},"covariates":{"age":51,"t":"yes","x":null}},)"
                           R"({"id":"b","answers":{"1":2},"covariates":{"t":"no"}}]})";
  const std::string slow = R"({"responses":[{"id":"a","answers":{"1":1},"covariates":{"age":51.0,"t":"yes","x":null}},)"
                           R"({"id":"b","answers":{"1":2},"covariates":{"t":"no"}}]})";
  for (const std::string& body : {fast, slow}) {
    auto wave = decode_json_responses(*definition, body);
    ASSERT_TRUE(wave.has_value()) << body;
    ASSERT_EQ(wave->covariates.size(), 3u) << body;
    const Covariate* age = wave->covariate("age");
    ASSERT_NE(age, nullptr) << body;
    EXPECT_TRUE(age->numeric) << body;
    EXPECT_EQ(age->numbers[0], 51) << body;
    EXPECT_TRUE(age->missing(1)) << body;
    const Covariate* t = wave->covariate("t");
    ASSERT_NE(t, nullptr) << body;
    EXPECT_FALSE(t->numeric) << body;
    EXPECT_EQ(t->labels[1], "no") << body;
    EXPECT_TRUE(wave->covariate("x")->missing(0)) << body;
  }
}

TEST(ModelDecoding, JsonCovariateOfWrongTypeIs400) {
  const auto definition = instrument();
  auto wave =
      decode_json_responses(*definition, R"({"responses": [{"id": "a", "answers": {}, "covariates": {"t": true}}]})");
  ASSERT_FALSE(wave.has_value()) << "boolean covariate";
  EXPECT_EQ(wave.error().code, ErrorCode::malformed) << "boolean covariate";
  EXPECT_EQ(wave.error().problems.front().pointer, "/responses/0/covariates/t") << "boolean covariate";
}

TEST(ModelDecoding, CsvCovariatesAreTypedByTheirColumn) {
  const auto definition = instrument();
  CsvOptions options;
  options.covariate_columns = {"age", "duration", "code"};
  const std::string csv =
      "id,1,2,3,age,duration,code,note\n"
      "a,1,2,3,51,lt1,1,x\n"
      "b,1,2,3,NA,5plus,2b,y\n"
      "c,1,2,3, 40 ,\"1to4\",,z\n";
  auto wave = decode_csv_responses(*definition, csv, options);
  ASSERT_TRUE(wave.has_value()) << wave.error().message;
  ASSERT_EQ(wave->covariates.size(), 3u) << "csv";
  EXPECT_TRUE(wave->covariates[0].numeric) << "age";
  EXPECT_EQ(wave->covariates[0].numbers[2], 40) << "age, trimmed";
  EXPECT_TRUE(wave->covariates[0].missing(1)) << "age NA";
  EXPECT_FALSE(wave->covariates[1].numeric) << "duration";
  EXPECT_EQ(wave->covariates[1].labels[2], "1to4") << "duration, quoted";
  EXPECT_FALSE(wave->covariates[2].numeric) << "code: 1, 2b: as many numbers as text";
  ASSERT_EQ(wave->warnings.size(), 1u) << "only note is ignored";
  EXPECT_NE(wave->warnings[0].find("note"), std::string::npos) << wave->warnings[0];
}

TEST(ModelDecoding, CsvNumericCovariateWithTextIs422AtLineAndColumn) {
  const auto definition = instrument();
  CsvOptions options;
  options.source = "survey.csv";
  options.covariate_columns = {"age"};
  const std::string csv = "id,1,2,3,age\na,1,2,3,51\nb,1,2,3,47\nc,1,2,3,fifty\nd,1,2,3,38\n";
  auto wave = decode_csv_responses(*definition, csv, options);
  ASSERT_FALSE(wave.has_value()) << "fifty";
  EXPECT_EQ(wave.error().code, ErrorCode::invalid) << "fifty";
  EXPECT_EQ(wave.error().problems.front().line, 4u) << "fifty";
  EXPECT_EQ(wave.error().problems.front().column, 5u) << "fifty";
  EXPECT_EQ(wave.error().problems.front().source, "survey.csv") << "fifty";
}

TEST(ModelDecoding, CsvUnknownCovariateColumnIs422) {
  const auto definition = instrument();
  CsvOptions options;
  options.covariate_columns = {"years"};
  auto wave = decode_csv_responses(*definition, "id,1,2,3\na,1,2,3\n", options);
  ASSERT_FALSE(wave.has_value()) << "years";
  EXPECT_EQ(wave.error().code, ErrorCode::invalid) << "years";
  EXPECT_EQ(wave.error().problems.front().line, 1u) << "years";
  EXPECT_EQ(wave.error().problems.front().code, "unknown_covariate_column") << "years";
}

}  // namespace
}  // namespace psyscore
