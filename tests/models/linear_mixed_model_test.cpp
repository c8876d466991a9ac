// The REML fit, Satterthwaite df and marginal means against lme4 1.1-31,
// lmerTest 3.1-3 and emmeans 1.8.4 (tests/data/waves/make_fixtures.R).
#include "scoring/models/linear_mixed_model.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/math/distributions/students_t.hpp>

#include "waves_fixtures.hpp"

namespace psyscore::test {
namespace {

// Iterative fits: 1e-6 relative (the fixtures are R's fits run to a tight
// tolerance; lmerTest's df carry its numerical derivatives' error, about 1e-9).
constexpr double kTolerance = 1e-6;

double value(const boost::json::value& object, std::string_view key) {
  return number_at(object, key).value_or(std::nan(""));
}

// score ~ wave + (1 | id) on a waves fixture: long rows by respondent, then wave.
detail::MixedModelData wave_model_data(const Eigen::MatrixXd& scores) {
  const Eigen::Index waves = scores.cols();
  std::vector<double> y;
  std::vector<Eigen::Index> wave;
  detail::MixedModelData data;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    bool any = false;
    for (Eigen::Index j = 0; j < waves; ++j) {
      if (std::isnan(scores(i, j))) continue;
      y.push_back(scores(i, j));
      wave.push_back(j);
      data.group.push_back(data.groups);
      any = true;
    }
    if (any) ++data.groups;
  }
  const auto n = static_cast<Eigen::Index>(y.size());
  data.x = Eigen::MatrixXd::Zero(n, waves);
  data.z = Eigen::MatrixXd::Ones(n, 1);
  data.y = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  for (Eigen::Index r = 0; r < n; ++r) {
    data.x(r, 0) = 1;
    if (wave[static_cast<std::size_t>(r)] > 0) data.x(r, wave[static_cast<std::size_t>(r)]) = 1;
  }
  return data;
}

// score ~ time + (time | id) on an hlm fixture.
detail::MixedModelData slope_model_data(const boost::json::value& fixture) {
  const std::vector<double> time = json_numbers(fixture.at("time"));
  const std::vector<double> score = json_numbers(fixture.at("score"));
  const auto& ids = fixture.at("id").as_array();
  detail::MixedModelData data;
  std::map<std::string, Eigen::Index> index;
  const auto n = static_cast<Eigen::Index>(time.size());
  data.x.resize(n, 2);
  data.z.resize(n, 2);
  data.y.resize(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::string id(ids[static_cast<std::size_t>(r)].as_string());
    auto [it, inserted] = index.try_emplace(id, data.groups);
    if (inserted) ++data.groups;
    data.group.push_back(it->second);
    data.x(r, 0) = data.z(r, 0) = 1;
    data.x(r, 1) = data.z(r, 1) = time[static_cast<std::size_t>(r)];
    data.y(r) = score[static_cast<std::size_t>(r)];
  }
  return data;
}

// theta is compared on the scale of the largest theta, so that one at or near
// its bound 0 (a singular fit) is held to the same absolute precision.
void expect_theta(const Eigen::VectorXd& actual, const boost::json::value& expected, const char* name) {
  const std::vector<double> theta = json_numbers(expected);
  ASSERT_EQ(actual.size(), static_cast<Eigen::Index>(theta.size())) << name;
  double scale = 0;
  for (const double t : theta) scale = std::max(scale, std::abs(t));
  for (std::size_t k = 0; k < theta.size(); ++k)
    EXPECT_NEAR(actual(static_cast<Eigen::Index>(k)), theta[k], 1e-6 * scale) << name << " theta " << k;
}

TEST(LinearMixedModel, RandomInterceptMatchesLmerTest) {
  for (const char* name : kWavesCases) {
    SCOPED_TRACE(name);
    const boost::json::value fixture = waves_fixture(name);
    const boost::json::value& expected = fixture.at("mixed_model");
    const detail::MixedModelData data = wave_model_data(wave_scores(fixture));
    const auto fit = detail::fit_reml(data);
    ASSERT_TRUE(fit.has_value()) << name;

    EXPECT_EQ(fit->n_obs, expected.at("n_obs").to_number<Eigen::Index>()) << name;
    EXPECT_EQ(fit->n_groups, expected.at("n_respondents").to_number<Eigen::Index>()) << name;
    expect_theta(fit->theta, expected.at("theta"), name);
    EXPECT_NEAR_REL(fit->log_likelihood, number_at(expected, "log_likelihood"), kTolerance) << name;
    EXPECT_NEAR_REL(fit->reml_criterion, number_at(expected, "reml_criterion"), kTolerance) << name;
    EXPECT_EQ(fit->singular, expected.at("singular").as_bool()) << name;

    const boost::json::value& random = expected.at("random");
    const double respondent_variance = fit->random_covariance(0, 0);
    const double residual_variance = fit->sigma * fit->sigma;
    EXPECT_NEAR_REL(fit->sigma, number_at(random, "residual_sd"), kTolerance) << name;
    // A singular fit's respondent variance is 0 in R up to its stopping point.
    const double variance_floor = value(random, "residual_variance") * 1e-6;
    EXPECT_NEAR(respondent_variance, value(random, "respondent_variance"),
                std::max(kTolerance * value(random, "respondent_variance"), variance_floor))
        << name;
    EXPECT_NEAR(respondent_variance / (respondent_variance + residual_variance), value(random, "icc"),
                std::max(kTolerance * value(random, "icc"), 1e-6))
        << name;

    const auto& fixed = expected.at("fixed").as_array();
    ASSERT_EQ(fit->beta.size(), static_cast<Eigen::Index>(fixed.size())) << name;
    for (std::size_t j = 0; j < fixed.size(); ++j) {
      Eigen::VectorXd l = Eigen::VectorXd::Zero(fit->beta.size());
      l(static_cast<Eigen::Index>(j)) = 1;
      const detail::SatterthwaiteT t = detail::satterthwaite_t(*fit, l);
      const std::string term(fixed[j].at("term").as_string());
      EXPECT_NEAR_REL(t.estimate, number_at(fixed[j], "estimate"), kTolerance) << name << " " << term;
      EXPECT_NEAR_REL(t.se, number_at(fixed[j], "se"), kTolerance) << name << " " << term;
      EXPECT_NEAR_REL(t.df, number_at(fixed[j], "df"), kTolerance) << name << " " << term;
      EXPECT_NEAR_REL(t.t, number_at(fixed[j], "t"), kTolerance) << name << " " << term;
      EXPECT_NEAR_REL(t.p, number_at(fixed[j], "p"), kTolerance) << name << " " << term;
    }

    // anova(): lmerTest's contrast for the single term, then the F test.
    const Eigen::MatrixXd contrasts = detail::doolittle_contrasts(data.x);
    const Eigen::MatrixXd wave_rows = contrasts.bottomRows(contrasts.rows() - 1);
    const std::vector<std::vector<double>> expected_rows = matrix(expected.at("wave_test_contrast"));
    ASSERT_EQ(wave_rows.rows(), static_cast<Eigen::Index>(expected_rows.size())) << name;
    for (Eigen::Index r = 0; r < wave_rows.rows(); ++r)
      for (Eigen::Index c = 0; c < wave_rows.cols(); ++c)
        EXPECT_NEAR(wave_rows(r, c), expected_rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)], 1e-12)
            << name << " contrast " << r << "," << c;
    const detail::SatterthwaiteF f = detail::satterthwaite_f(*fit, wave_rows);
    const boost::json::value& wave_test = expected.at("wave_test");
    EXPECT_NEAR_REL(f.f, number_at(wave_test, "f"), kTolerance) << name;
    EXPECT_EQ(f.num_df, wave_test.at("num_df").to_number<Eigen::Index>()) << name;
    EXPECT_NEAR_REL(f.den_df, number_at(wave_test, "den_df"), kTolerance) << name;
    EXPECT_NEAR_REL(f.p, number_at(wave_test, "p"), kTolerance) << name;

    // emmeans(~ wave): the intercept plus each wave's coefficient.
    const double level = value(expected, "ci_level");
    const auto& means = expected.at("wave_means").as_array();
    for (std::size_t j = 0; j < means.size(); ++j) {
      Eigen::VectorXd l = Eigen::VectorXd::Zero(fit->beta.size());
      l(0) = 1;
      if (j > 0) l(static_cast<Eigen::Index>(j)) = 1;
      const detail::SatterthwaiteT t = detail::satterthwaite_t(*fit, l);
      const boost::math::students_t_distribution<double> distribution(t.df);
      const double half = boost::math::quantile(distribution, (1 + level) / 2) * t.se;
      EXPECT_NEAR_REL(t.estimate, number_at(means[j], "estimate"), kTolerance) << name << " wave " << j;
      EXPECT_NEAR_REL(t.se, number_at(means[j], "se"), kTolerance) << name << " wave " << j;
      EXPECT_NEAR_REL(t.df, number_at(means[j], "df"), kTolerance) << name << " wave " << j;
      EXPECT_NEAR_REL(t.estimate - half, number_at(means[j], "lower"), kTolerance) << name << " wave " << j;
      EXPECT_NEAR_REL(t.estimate + half, number_at(means[j], "upper"), kTolerance) << name << " wave " << j;
    }
  }
}

TEST(LinearMixedModel, RandomSlopeMatchesLme4Ranef) {
  for (const char* name : kHlmCases) {
    SCOPED_TRACE(name);
    const boost::json::value fixture = hlm_fixture(name);
    const detail::MixedModelData data = slope_model_data(fixture);
    const auto fit = detail::fit_reml(data);
    ASSERT_TRUE(fit.has_value()) << name;
    expect_theta(fit->theta, fixture.at("theta"), name);
    EXPECT_NEAR_REL(fit->reml_criterion, number_at(fixture, "reml_criterion"), kTolerance) << name;
    EXPECT_NEAR_REL(fit->sigma, number_at(fixture, "sigma"), kTolerance) << name;
    EXPECT_EQ(fit->singular, fixture.at("singular").as_bool()) << name;
    const auto& fixed = fixture.at("fixed").as_array();
    for (std::size_t j = 0; j < fixed.size(); ++j) {
      EXPECT_NEAR_REL(fit->beta(static_cast<Eigen::Index>(j)), number_at(fixed[j], "estimate"), kTolerance) << name;
      EXPECT_NEAR_REL(std::sqrt(fit->vcov_beta(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j))),
                      number_at(fixed[j], "se"), kTolerance)
          << name;
    }
    const boost::json::value& ranef = fixture.at("ranef");
    const std::vector<double> slope = json_numbers(ranef.at("slope"));
    const std::vector<double> slope_sd = json_numbers(ranef.at("slope_sd"));
    const std::vector<double> intercept = json_numbers(ranef.at("intercept"));
    const std::vector<double> intercept_sd = json_numbers(ranef.at("intercept_sd"));
    ASSERT_EQ(fit->random_effects.rows(), static_cast<Eigen::Index>(slope.size())) << name;
    for (std::size_t i = 0; i < slope.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      EXPECT_NEAR_REL(fit->random_effects(r, 1), slope[i], kTolerance) << name << " respondent " << i;
      EXPECT_NEAR_REL(fit->random_effects_sd(r, 1), slope_sd[i], kTolerance) << name << " respondent " << i;
      EXPECT_NEAR_REL(fit->random_effects(r, 0), intercept[i], kTolerance) << name << " respondent " << i;
      EXPECT_NEAR_REL(fit->random_effects_sd(r, 0), intercept_sd[i], kTolerance) << name << " respondent " << i;
    }
  }
}

TEST(LinearMixedModel, RefusesWhatLme4Refuses) {
  struct Case {
    const char* name;
    Eigen::Index rows;
    Eigen::Index groups;
    bool rank_deficient;
    detail::MixedModelFailure failure;
  };
  const Case cases[] = {
      {"one score per respondent", 4, 4, false, detail::MixedModelFailure::too_few_observations},
      {"a wave with no scores", 6, 3, true, detail::MixedModelFailure::rank_deficient},
  };
  for (const Case& c : cases) {
    detail::MixedModelData data;
    data.x = Eigen::MatrixXd::Ones(c.rows, 2);
    for (Eigen::Index r = 0; r < c.rows; ++r) data.x(r, 1) = c.rank_deficient ? 0 : static_cast<double>(r % 2);
    data.z = Eigen::MatrixXd::Ones(c.rows, 1);
    data.y = Eigen::VectorXd::LinSpaced(c.rows, 1, 2);
    data.groups = c.groups;
    for (Eigen::Index r = 0; r < c.rows; ++r) data.group.push_back(r % c.groups);
    const auto fit = detail::fit_reml(data);
    ASSERT_FALSE(fit.has_value()) << c.name;
    EXPECT_EQ(fit.error(), c.failure) << c.name;
  }
}

// A deadline that has passed stops both models before their first
// evaluation; one far off changes nothing.
TEST(LinearMixedModel, StopsOnceItsDeadlinePassed) {
  struct Case {
    const char* name;
    detail::MixedModelData data;
  };
  const Case cases[] = {
      {"random intercept", wave_model_data(wave_scores(waves_fixture(kWavesCases[0])))},
      {"random slope", slope_model_data(hlm_fixture(kHlmCases[0]))},
  };
  for (const Case& c : cases) {
    const auto stopped = detail::fit_reml(c.data, {.deadline = Deadline::after(std::chrono::milliseconds(0))});
    ASSERT_FALSE(stopped.has_value()) << c.name;
    EXPECT_EQ(stopped.error(), detail::MixedModelFailure::deadline_exceeded) << c.name;
    const auto unhurried = detail::fit_reml(c.data, {.deadline = Deadline::after(std::chrono::hours(1))});
    const auto free = detail::fit_reml(c.data);
    ASSERT_TRUE(unhurried.has_value() && free.has_value()) << c.name;
    EXPECT_EQ(unhurried->theta, free->theta) << c.name;
    EXPECT_EQ(unhurried->evaluations, free->evaluations) << c.name;
  }
}

}  // namespace
}  // namespace psyscore::test
