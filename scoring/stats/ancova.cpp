#include "scoring/stats/ancova.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "scoring/stats/least_squares.hpp"
#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

using StudentsT = boost::math::students_t_distribution<double, MathPolicy>;
using FisherF = boost::math::fisher_f_distribution<double, MathPolicy>;

double t_quantile(double ci_level, double df) {
  if (!(df > 0)) return kNaN;
  return boost::math::quantile(StudentsT(df), 1 - (1 - ci_level) / 2);
}

double two_sided_t_p(double t, double df) {
  if (!(df > 0) || std::isnan(t)) return kNaN;
  return 2 * boost::math::cdf(StudentsT(df), -std::abs(t));
}

double upper_f_p(double f, double num_df, double den_df) {
  if (!(num_df > 0 && den_df > 0) || !std::isfinite(f)) return kNaN;
  return boost::math::cdf(boost::math::complement(FisherF(num_df, den_df), f));
}

// F test of a model against a larger one that contains it, as anova() forms it.
FTest nested_f_test(const LeastSquaresFit& smaller, const LeastSquaresFit& larger) {
  FTest test;
  test.num_df = static_cast<double>(larger.rank - smaller.rank);
  test.den_df = static_cast<double>(larger.df_residual);
  if (!(test.num_df > 0 && test.den_df > 0)) {
    test.f = kNaN;
    test.p = kNaN;
    return test;
  }
  test.f = ((smaller.weighted_rss - larger.weighted_rss) / test.num_df) / (larger.weighted_rss / test.den_df);
  test.p = upper_f_p(test.f, test.num_df, test.den_df);
  return test;
}

}  // namespace

AncovaResult ancova(std::span<const double> pre, std::span<const double> post, std::span<const std::size_t> group,
                    std::span<const std::string> group_names, double ci_level) {
  assert(pre.size() == post.size() && pre.size() == group.size());
  assert(group_names.size() >= 2);
  const auto levels = static_cast<Eigen::Index>(group_names.size());

  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < pre.size(); ++i) {
    if (!std::isnan(pre[i]) && !std::isnan(post[i])) rows.push_back(i);
  }
  const auto n = static_cast<Eigen::Index>(rows.size());

  // Model matrices of post ~ pre (no group), post ~ pre + group and
  // post ~ pre * group, in R's column order.
  Eigen::MatrixXd interaction(n, 2 * levels);
  Eigen::VectorXd y(n);
  interaction.setZero();
  for (Eigen::Index r = 0; r < n; ++r) {
    const std::size_t i = rows[static_cast<std::size_t>(r)];
    assert(group[i] < group_names.size());
    interaction(r, 0) = 1;
    interaction(r, 1) = pre[i];
    const auto g = static_cast<Eigen::Index>(group[i]);
    if (g > 0) {
      interaction(r, 1 + g) = 1;
      interaction(r, levels + g) = pre[i];
    }
    y(r) = post[i];
  }
  const Eigen::MatrixXd main_effects = interaction.leftCols(levels + 1);
  const Eigen::MatrixXd no_group = interaction.leftCols(2);

  const LeastSquaresFit fit = fit_least_squares(main_effects, y);
  const LeastSquaresFit without_group = fit_least_squares(no_group, y);
  const LeastSquaresFit with_interaction = fit_least_squares(interaction, y);

  AncovaResult result;
  result.n = n;
  result.df_residual = fit.df_residual;
  const auto df = static_cast<double>(fit.df_residual);
  const double sigma2 = df > 0 ? fit.weighted_rss / df : kNaN;
  result.sigma = std::sqrt(sigma2);
  result.residual_sum_of_squares = fit.weighted_rss;
  const double mean_post = n > 0 ? y.mean() : kNaN;
  const double total_ss = (y.array() - mean_post).square().sum();
  result.r_squared = total_ss > 0 ? 1 - fit.weighted_rss / total_ss : kNaN;
  result.adj_r_squared = df > 0 ? 1 - (1 - result.r_squared) * static_cast<double>(n - 1) / df : kNaN;

  std::vector<std::string> terms = {"(Intercept)", "pre"};
  for (Eigen::Index g = 1; g < levels; ++g) terms.push_back("group" + group_names[static_cast<std::size_t>(g)]);
  const double quantile = t_quantile(ci_level, df);
  for (Eigen::Index j = 0; j < levels + 1; ++j) {
    AncovaCoefficient coefficient;
    coefficient.term = terms[static_cast<std::size_t>(j)];
    coefficient.estimate = fit.coefficients(j);
    coefficient.se = std::sqrt(sigma2 * fit.unscaled_covariance(j, j));
    coefficient.t = coefficient.estimate / coefficient.se;
    coefficient.p = two_sided_t_p(coefficient.t, df);
    coefficient.lower = coefficient.estimate - quantile * coefficient.se;
    coefficient.upper = coefficient.estimate + quantile * coefficient.se;
    result.coefficients.push_back(coefficient);
  }
  for (const Eigen::Index j : fit.aliased) result.aliased_terms.push_back(terms[static_cast<std::size_t>(j)]);

  // A group column collinear with pre (pre constant within groups) leaves the
  // group effect unidentified; an aliased pre alone (pre constant) does not.
  const bool group_aliased = std::any_of(fit.aliased.begin(), fit.aliased.end(), [](Eigen::Index j) { return j >= 2; });
  result.group_test = nested_f_test(without_group, fit);
  result.group_sum_of_squares = without_group.weighted_rss - fit.weighted_rss;
  const double effect_and_error = result.group_sum_of_squares + fit.weighted_rss;
  result.partial_eta_squared =
      !group_aliased && df > 0 && effect_and_error > 0 ? result.group_sum_of_squares / effect_and_error : kNaN;
  if (group_aliased) result.group_test = {kNaN, result.group_test.num_df, result.group_test.den_df, kNaN};

  // emmeans: each group's prediction at the mean pre score of the model's
  // rows, with its standard error from the coefficients' covariance.
  result.pre_mean = n > 0 ? main_effects.col(1).mean() : kNaN;
  for (Eigen::Index g = 0; g < levels; ++g) {
    Eigen::VectorXd contrast = Eigen::VectorXd::Zero(levels + 1);
    contrast(0) = 1;
    contrast(1) = result.pre_mean;
    if (g > 0) contrast(1 + g) = 1;
    AdjustedMean mean;
    mean.group = group_names[static_cast<std::size_t>(g)];
    if (fit.aliased.empty()) {
      mean.estimate = contrast.dot(fit.coefficients);
      mean.se = std::sqrt(sigma2 * contrast.dot(fit.unscaled_covariance * contrast));
    } else {
      mean.estimate = kNaN;
      mean.se = kNaN;
    }
    mean.df = df > 0 ? df : kNaN;
    mean.lower = mean.estimate - quantile * mean.se;
    mean.upper = mean.estimate + quantile * mean.se;
    result.adjusted_means.push_back(mean);
  }

  result.interaction_test = nested_f_test(fit, with_interaction);
  return result;
}

}  // namespace psyscore::detail
