#include "scoring/stats/logistic_regression.hpp"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include <Eigen/QR>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "scoring/stats/least_squares.hpp"
#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// R's binomial()$linkinv, $mu.eta and $dev.resids (family.c): eta is clamped at
// +-30 so that mu stays strictly inside (0, 1).
constexpr double kThreshold = 30;

double inverse_logit(double eta) {
  const double t = eta < -kThreshold ? DBL_EPSILON : (eta > kThreshold ? 1 / DBL_EPSILON : std::exp(eta));
  return t / (1 + t);
}

double logit_derivative(double eta) {
  const double one_plus = 1 + std::exp(eta);
  return (eta > kThreshold || eta < -kThreshold) ? DBL_EPSILON : std::exp(eta) / (one_plus * one_plus);
}

double y_log_y(double y, double mu) { return y != 0 ? y * std::log(y / mu) : 0; }

double deviance_of(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double sum = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) sum += 2 * (y_log_y(y(i), mu(i)) + y_log_y(1 - y(i), 1 - mu(i)));
  return sum;
}

struct Irls {
  Eigen::VectorXd coefficients;  // NaN for aliased
  LeastSquaresFit last;          // the weighted least squares of the last iteration
  Eigen::VectorXd eta;
  Eigen::VectorXd mu;
  double deviance = 0;
  int iterations = 0;
  bool converged = false;
};

// glm.fit(x, y, family = binomial(), offset, etastart) for 0/1 y and unit weights.
Irls irls(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& offset,
          const Eigen::VectorXd* eta_start, const LogisticOptions& options) {
  const Eigen::Index n = x.rows();
  Irls out;
  if (eta_start != nullptr) {
    out.eta = *eta_start;
  } else {
    out.eta.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double mu_start = (y(i) + 0.5) / 2;  // binomial()$initialize with unit weights
      out.eta(i) = std::log(mu_start / (1 - mu_start));
    }
  }
  out.mu = out.eta.unaryExpr(&inverse_logit);
  double deviance_old = deviance_of(y, out.mu);
  Eigen::VectorXd z(n);
  Eigen::VectorXd weights(n);
  Eigen::VectorXd start(x.cols());
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const double derivative = logit_derivative(out.eta(i));
      z(i) = (out.eta(i) - offset(i)) + (y(i) - out.mu(i)) / derivative;
      // glm.fit scales rows by sqrt(mu.eta^2 / variance); the least squares takes
      // the square root of its weights, so it sees the same number.
      weights(i) = derivative * derivative / (out.mu(i) * (1 - out.mu(i)));
    }
    out.last = fit_least_squares(x, z, weights);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      start(j) = std::isnan(out.last.coefficients(j)) ? 0.0 : out.last.coefficients(j);
    }
    out.eta = x * start + offset;
    out.mu = out.eta.unaryExpr(&inverse_logit);
    out.deviance = deviance_of(y, out.mu);
    out.iterations = iteration;
    if (std::abs(out.deviance - deviance_old) / (std::abs(out.deviance) + 0.1) < options.epsilon) {
      out.converged = true;
      break;
    }
    deviance_old = out.deviance;
  }
  out.coefficients = out.last.coefficients;
  return out;
}

// R's regularize.values(x, y, ties = mean): sorted by x, equal x collapsed to
// the mean of their y.
void regularize(std::vector<double>& x, std::vector<double>& y) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ux;
  std::vector<double> uy;
  for (std::size_t k = 0; k < order.size();) {
    std::size_t end = k;
    double sum = 0;
    while (end < order.size() && x[order[end]] == x[order[k]]) sum += y[order[end++]];
    ux.push_back(x[order[k]]);
    uy.push_back(sum / static_cast<double>(end - k));
    k = end;
  }
  x = std::move(ux);
  y = std::move(uy);
}

// R's spline(x, y, method = "fmm"): Forsythe, Malcolm and Moler's cubic spline
// (end conditions from cubics through the first and last four points), evaluated
// at 3 * (number of distinct x) equally spaced points over the range of x.
void fmm_spline(std::vector<double>& x, std::vector<double>& y, std::vector<double>& out_x,
                std::vector<double>& out_y) {
  regularize(x, y);
  const std::size_t n = x.size();
  std::vector<double> b(n);
  std::vector<double> c(n);
  std::vector<double> d(n);
  if (n == 1) {
    b[0] = c[0] = d[0] = 0;
  } else if (n == 2) {
    b[0] = b[1] = (y[1] - y[0]) / (x[1] - x[0]);
    c[0] = c[1] = d[0] = d[1] = 0;
  } else {
    const std::size_t last = n - 1;
    d[0] = x[1] - x[0];
    c[1] = (y[1] - y[0]) / d[0];
    for (std::size_t i = 1; i < last; ++i) {
      d[i] = x[i + 1] - x[i];
      b[i] = 2 * (d[i - 1] + d[i]);
      c[i + 1] = (y[i + 1] - y[i]) / d[i];
      c[i] = c[i + 1] - c[i];
    }
    b[0] = -d[0];
    b[last] = -d[last - 1];
    c[0] = c[last] = 0;
    if (n > 3) {
      c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
      c[last] = c[last - 1] / (x[last] - x[last - 2]) - c[last - 2] / (x[last - 1] - x[last - 3]);
      c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
      c[last] = -c[last] * d[last - 1] * d[last - 1] / (x[last] - x[last - 3]);
    }
    for (std::size_t i = 1; i <= last; ++i) {
      const double t = d[i - 1] / b[i - 1];
      b[i] = b[i] - t * d[i - 1];
      c[i] = c[i] - t * c[i - 1];
    }
    c[last] = c[last] / b[last];
    for (std::size_t i = last; i-- > 0;) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
    b[last] = (y[last] - y[last - 1]) / d[last - 1] + d[last - 1] * (c[last - 1] + 2 * c[last]);
    for (std::size_t i = 0; i < last; ++i) {
      b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2 * c[i]);
      d[i] = (c[i + 1] - c[i]) / d[i];
      c[i] = 3 * c[i];
    }
    c[last] = 3 * c[last];
    d[last] = d[last - 1];
  }

  // seq.int(min, max, length.out = 3 n), computed from both ends as R does.
  const std::size_t count = 3 * n;
  out_x.assign(count, 0);
  const double from = x.front();
  const double to = x.back();
  out_x[0] = from;
  if (count > 1) out_x[count - 1] = to;
  if (count > 2) {
    const double by = (to - from) / static_cast<double>(count - 1);
    for (std::size_t i = 1; i + 1 < count; ++i) {
      out_x[i] = i < count / 2 ? from + static_cast<double>(i) * by : to - static_cast<double>(count - 1 - i) * by;
    }
  }
  out_y.assign(count, 0);
  std::size_t i = 0;
  for (std::size_t l = 0; l < count; ++l) {
    const double u = out_x[l];
    if (u < x[i] || (i + 1 < n && x[i + 1] < u)) {
      i = 0;
      std::size_t j = n;
      do {
        const std::size_t k = (i + j) / 2;
        if (u < x[k]) {
          j = k;
        } else {
          i = k;
        }
      } while (j > i + 1);
    }
    const double dx = u - x[i];
    out_y[l] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]));
  }
}

// R's approx(x, y, xout = v)$y (linear, rule 1: NA outside the range).
Statistic linear_interpolation(std::vector<double> x, std::vector<double> y, double v) {
  regularize(x, y);
  if (x.empty() || v < x.front() || v > x.back()) return std::nullopt;
  std::size_t i = 0;
  std::size_t j = x.size() - 1;
  while (i + 1 < j) {
    const std::size_t middle = (i + j) / 2;
    if (v < x[middle]) {
      j = middle;
    } else {
      i = middle;
    }
  }
  if (v == x[j]) return y[j];
  if (v == x[i]) return y[i];
  return y[i] + (y[j] - y[i]) * ((v - x[i]) / (x[j] - x[i]));
}

// MASS::profile.glm for one coefficient followed by MASS's confint.profile.glm:
// steps of del * se on each side until the signed root deviance passes zmax (at
// most 9 per side), each a glm.fit with the coefficient fixed as an offset and
// warm-started from the previous step; then a spline through (value, z) and the
// values where it crosses the normal quantiles.
std::pair<Statistic, Statistic> profile_interval(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                                 const std::vector<Eigen::Index>& estimable, Eigen::Index column,
                                                 const Eigen::VectorXd& coefficients, double standard_error,
                                                 double deviance, const Eigen::VectorXd& eta,
                                                 const LogisticOptions& options) {
  const double alpha = (1 - options.ci_level) / 4;
  const boost::math::chi_squared_distribution<double, MathPolicy> chi_squared(1);
  const double zmax = std::sqrt(boost::math::quantile(boost::math::complement(chi_squared, alpha)));
  const double step_size = zmax / 5;
  constexpr int kMaxSteps = 10;

  std::vector<Eigen::Index> others;
  for (Eigen::Index j : estimable) {
    if (j != column) others.push_back(j);
  }
  Eigen::MatrixXd x_others(x.rows(), static_cast<Eigen::Index>(others.size()));
  for (std::size_t k = 0; k < others.size(); ++k) x_others.col(static_cast<Eigen::Index>(k)) = x.col(others[k]);

  std::vector<double> z_values{0.0};
  std::vector<double> parameter_values{coefficients(column)};
  for (const double sign : {-1.0, 1.0}) {
    Eigen::VectorXd linear_predictor = eta;
    double z = 0;
    for (int step = 1; step < kMaxSteps && std::abs(z) < zmax; ++step) {
      const double value = coefficients(column) + sign * step * step_size * standard_error;
      const Eigen::VectorXd offset = x.col(column) * value;
      const Irls fit = irls(x_others, y, offset, &linear_predictor, options);
      Eigen::VectorXd kept = fit.coefficients;
      for (Eigen::Index k = 0; k < kept.size(); ++k) {
        if (std::isnan(kept(k))) kept(k) = 0;
      }
      linear_predictor = x_others * kept + offset;
      double squared = fit.deviance - deviance;
      if (squared > -0.001) {
        squared = std::max(squared, 0.0);
      } else {
        // MASS stops: "profiling has found a better solution, so original fit had
        // not converged"; there is no interval to give.
        return {std::nullopt, std::nullopt};
      }
      z = sign * std::sqrt(squared);
      z_values.push_back(z);
      parameter_values.push_back(value);
    }
  }
  // order(zi) (stable), then spline(x = parameter values, y = z).
  std::vector<std::size_t> order(z_values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return z_values[a] < z_values[b]; });
  std::vector<double> spline_x;
  std::vector<double> spline_y;
  for (std::size_t k : order) {
    spline_x.push_back(parameter_values[k]);
    spline_y.push_back(z_values[k]);
  }
  std::vector<double> grid;
  std::vector<double> curve;
  fmm_spline(spline_x, spline_y, grid, curve);
  const boost::math::normal_distribution<double, MathPolicy> normal;
  const double a = (1 - options.ci_level) / 2;
  return {linear_interpolation(curve, grid, boost::math::quantile(normal, a)),
          linear_interpolation(curve, grid, boost::math::quantile(normal, 1 - a))};
}

// Lawson and Hanson's non-negative least squares: min |M w - c| over w >= 0.
// Returns the residual norm and the solution's l1 norm. M has few rows (the
// predictors) and many columns (the distinct respondent rows).
std::pair<double, double> non_negative_least_squares(const Eigen::MatrixXd& m, const Eigen::VectorXd& c) {
  const Eigen::Index columns = m.cols();
  Eigen::VectorXd w = Eigen::VectorXd::Zero(columns);
  std::vector<bool> in_passive(static_cast<std::size_t>(columns), false);
  std::vector<bool> excluded(static_cast<std::size_t>(columns), false);
  std::vector<Eigen::Index> passive;
  Eigen::VectorXd residual = c;
  const int max_outer = static_cast<int>(3 * m.rows()) + 30;
  for (int outer = 0; outer < max_outer; ++outer) {
    const double residual_norm = residual.norm();
    if (residual_norm <= 1e-13) break;
    const Eigen::VectorXd gradient = m.transpose() * residual;
    Eigen::Index best = -1;
    double best_value = 1e-11 * residual_norm;
    for (Eigen::Index j = 0; j < columns; ++j) {
      const auto k = static_cast<std::size_t>(j);
      if (!in_passive[k] && !excluded[k] && gradient(j) > best_value) {
        best = j;
        best_value = gradient(j);
      }
    }
    if (best < 0) break;
    passive.push_back(best);
    in_passive[static_cast<std::size_t>(best)] = true;
    for (int inner = 0; inner < 3 * static_cast<int>(m.rows()) + 30; ++inner) {
      Eigen::MatrixXd sub(m.rows(), static_cast<Eigen::Index>(passive.size()));
      for (std::size_t k = 0; k < passive.size(); ++k) sub.col(static_cast<Eigen::Index>(k)) = m.col(passive[k]);
      const Eigen::VectorXd s = sub.colPivHouseholderQr().solve(c);
      bool all_positive = true;
      for (Eigen::Index k = 0; k < s.size(); ++k) all_positive = all_positive && s(k) > 0;
      if (all_positive) {
        for (std::size_t k = 0; k < passive.size(); ++k) w(passive[k]) = s(static_cast<Eigen::Index>(k));
        break;
      }
      double step = 1;
      for (std::size_t k = 0; k < passive.size(); ++k) {
        const double current = w(passive[k]);
        const double target = s(static_cast<Eigen::Index>(k));
        if (target <= 0) step = std::min(step, current / (current - target));
      }
      std::vector<Eigen::Index> kept;
      for (std::size_t k = 0; k < passive.size(); ++k) {
        const Eigen::Index j = passive[k];
        w(j) += step * (s(static_cast<Eigen::Index>(k)) - w(j));
        if (w(j) <= 1e-15) {
          w(j) = 0;
          in_passive[static_cast<std::size_t>(j)] = false;
          // A column that leaves at once would come back at once: rounding.
          if (j == best) excluded[static_cast<std::size_t>(j)] = true;
        } else {
          kept.push_back(j);
        }
      }
      passive = std::move(kept);
      if (passive.empty()) break;
    }
    residual = c;
    for (Eigen::Index j : passive) residual -= w(j) * m.col(j);
  }
  return {residual.norm(), w.lpNorm<1>()};
}

}  // namespace

SeparationCheck detect_separation(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                  const std::vector<Eigen::Index>& skip) {
  SeparationCheck check;
  std::vector<Eigen::Index> columns;
  std::vector<double> scale;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (std::find(skip.begin(), skip.end(), j) != skip.end()) continue;
    const double largest = x.col(j).cwiseAbs().maxCoeff();
    if (largest == 0) continue;
    columns.push_back(j);
    scale.push_back(largest);
  }
  const auto p = static_cast<Eigen::Index>(columns.size());
  if (p == 0 || x.rows() == 0) return check;

  // Rows s_i x_i (scaled columns); duplicates add nothing to the cone.
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(x.rows()), std::vector<double>(columns.size()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double sign = y(i) > 0.5 ? 1.0 : -1.0;
    for (std::size_t k = 0; k < columns.size(); ++k)
      rows[static_cast<std::size_t>(i)][k] = sign * x(i, columns[k]) / scale[k];
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  const auto m = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd cone(p, m);
  for (Eigen::Index i = 0; i < m; ++i) {
    for (Eigen::Index k = 0; k < p; ++k) cone(k, i) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
  }
  const auto in_cone = [](const Eigen::MatrixXd& generators, const Eigen::VectorXd& target) {
    const auto [residual, size] = non_negative_least_squares(generators, target);
    return residual <= 1e-9 * (1 + size);
  };

  // Farkas: some b with A b >= 0 has b_j > 0 iff -e_j is not a non-negative
  // combination of the rows of A (and b_j < 0 iff +e_j is not).
  for (Eigen::Index k = 0; k < p; ++k) {
    const Eigen::VectorXd unit = Eigen::VectorXd::Unit(p, k);
    if (!in_cone(cone, -unit) || !in_cone(cone, unit)) check.columns.push_back(columns[static_cast<std::size_t>(k)]);
  }
  if (check.columns.empty()) return check;

  // Gordan: some b has A b > 0 in every row (complete separation) iff no
  // non-negative, non-zero combination of the rows is 0.
  Eigen::MatrixXd with_total(p + 1, m);
  with_total.topRows(p) = cone;
  with_total.row(p).setOnes();
  check.kind =
      in_cone(with_total, Eigen::VectorXd::Unit(p + 1, p)) ? Separation::kQuasiComplete : Separation::kComplete;
  return check;
}

LogisticFit fit_logistic(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const LogisticOptions& options) {
  assert(x.rows() == y.size() && y.size() > 0);
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  LogisticFit out;
  const Irls fit = irls(x, y, Eigen::VectorXd::Zero(n), nullptr, options);

  out.coefficients = fit.coefficients;
  out.aliased = fit.last.aliased;
  out.rank = fit.last.rank;
  out.iterations = fit.iterations;
  out.converged = fit.converged;
  out.deviance = fit.deviance;
  for (Eigen::Index i = 0; i < n; ++i) {
    out.fitted_extreme = out.fitted_extreme || fit.mu(i) > 1 - 10 * DBL_EPSILON || fit.mu(i) < 10 * DBL_EPSILON;
  }

  const boost::math::normal_distribution<double, MathPolicy> normal;
  const double a = (1 - options.ci_level) / 2;
  const double lower_quantile = boost::math::quantile(normal, a);
  const double upper_quantile = boost::math::quantile(normal, 1 - a);
  out.standard_errors = Eigen::VectorXd::Constant(p, kNaN);
  out.z = out.standard_errors;
  out.p = out.standard_errors;
  out.wald_lower = out.standard_errors;
  out.wald_upper = out.standard_errors;
  for (Eigen::Index j = 0; j < p; ++j) {
    if (std::isnan(out.coefficients(j))) continue;
    const double se = std::sqrt(fit.last.unscaled_covariance(j, j));
    out.standard_errors(j) = se;
    out.z(j) = out.coefficients(j) / se;
    out.p(j) = 2 * boost::math::cdf(normal, -std::abs(out.z(j)));
    out.wald_lower(j) = out.coefficients(j) + se * lower_quantile;
    out.wald_upper(j) = out.coefficients(j) + se * upper_quantile;
  }

  // glm(): the null model is the intercept alone when there is one, else mu = 1/2.
  bool intercept = false;
  for (Eigen::Index j = 0; j < p && !intercept; ++j) intercept = (x.col(j).array() == 1.0).all();
  const double mean_y = intercept ? y.mean() : 0.5;
  out.null_deviance = deviance_of(y, Eigen::VectorXd::Constant(n, mean_y));
  out.df_null = n - (intercept ? 1 : 0);
  out.df_residual = n - out.rank;
  double minus_two_log_likelihood = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    minus_two_log_likelihood += -2 * (y(i) > 0.5 ? std::log(fit.mu(i)) : std::log1p(-fit.mu(i)));
  }
  out.aic = minus_two_log_likelihood + 2 * static_cast<double>(out.rank);
  out.lr_chi_squared = out.null_deviance - out.deviance;
  out.lr_df = out.df_null - out.df_residual;
  out.lr_p = out.lr_df > 0 ? boost::math::gamma_q(static_cast<double>(out.lr_df) / 2,
                                                  std::max(out.lr_chi_squared, 0.0) / 2, MathPolicy())
                           : kNaN;
  const auto nd = static_cast<double>(n);
  const double cox_snell = 1 - std::exp((out.deviance - out.null_deviance) / nd);
  out.nagelkerke_r2 = cox_snell / (1 - std::exp(-out.null_deviance / nd));

  const SeparationCheck separation = detect_separation(x, y, out.aliased);
  out.separation = separation.kind;
  out.separated_columns = separation.columns;

  out.profile_lower.assign(static_cast<std::size_t>(p), std::nullopt);
  out.profile_upper.assign(static_cast<std::size_t>(p), std::nullopt);
  if (!options.profile) return out;
  std::vector<Eigen::Index> estimable;
  for (Eigen::Index j = 0; j < p; ++j) {
    if (!std::isnan(out.coefficients(j))) estimable.push_back(j);
  }
  for (Eigen::Index j : estimable) {
    if (std::find(out.separated_columns.begin(), out.separated_columns.end(), j) != out.separated_columns.end()) {
      continue;
    }
    const auto [lower, upper] =
        profile_interval(x, y, estimable, j, out.coefficients, out.standard_errors(j), out.deviance, fit.eta, options);
    out.profile_lower[static_cast<std::size_t>(j)] = lower;
    out.profile_upper[static_cast<std::size_t>(j)] = upper;
  }
  return out;
}

}  // namespace psyscore::detail
