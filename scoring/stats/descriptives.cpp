#include "scoring/stats/descriptives.hpp"
#include "scoring/util/nan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace psyscore::detail {

namespace {

// R's mean in summary.c and the MEAN macro of cov.c: a long double sum, then
// the mean of the residuals added back, which removes most rounding error.
long double precise_mean(std::span<const double> x) {
  const auto n = static_cast<long double>(x.size());
  long double sum = 0;
  for (const double v : x) sum += v;
  long double m = sum / n;
  if (std::isfinite(static_cast<double>(m))) {
    long double residual = 0;
    for (const double v : x) residual += v - m;
    m += residual / n;
  }
  return m;
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return kNaN;
  return static_cast<double>(precise_mean(x));
}

double variance(std::span<const double> x) {
  if (x.size() < 2) return kNaN;
  // cov.c rounds the mean to double before forming the deviations.
  const auto m = static_cast<double>(precise_mean(x));
  long double squares = 0;
  for (const double v : x) squares += static_cast<long double>(v - m) * (v - m);
  return static_cast<double>(squares / static_cast<long double>(x.size() - 1));
}

double standard_deviation(std::span<const double> x) { return std::sqrt(variance(x)); }

double correlation(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  const auto mx = static_cast<double>(precise_mean(x));
  const auto my = static_cast<double>(precise_mean(y));
  long double sxy = 0;
  long double sxx = 0;
  long double syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double dx = x[i] - mx;
    const double dy = y[i] - my;
    sxy += static_cast<long double>(dx) * dy;
    sxx += static_cast<long double>(dx) * dx;
    syy += static_cast<long double>(dy) * dy;
  }
  const auto n1 = static_cast<long double>(x.size() - 1);
  // cov.c: covariance and SDs each divided by n - 1, rounded to double, then
  // the ratio clamped to [-1, 1].
  const auto covariance = static_cast<double>(sxy / n1);
  const double sd_x = std::sqrt(static_cast<double>(sxx / n1));
  const double sd_y = std::sqrt(static_cast<double>(syy / n1));
  if (sd_x == 0 || sd_y == 0) return kNaN;
  return std::clamp(covariance / (sd_x * sd_y), -1.0, 1.0);
}

double quantile_type7(std::span<const double> x, double probability) {
  if (x.empty()) return kNaN;
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  // R: index = 1 + (n - 1) p, lo and hi its floor and ceiling (1-based),
  // q = (1 - h) x[lo] + h x[hi], interpolating only when x[hi] != x[lo].
  const double index = 1 + static_cast<double>(sorted.size() - 1) * probability;
  const double lo = std::floor(index);
  const double hi = std::ceil(index);
  const double low_value = sorted[static_cast<std::size_t>(lo) - 1];
  const double high_value = sorted[static_cast<std::size_t>(hi) - 1];
  if (!(index > lo) || high_value == low_value) return low_value;
  const double h = index - lo;
  return (1 - h) * low_value + h * high_value;
}

double median(std::span<const double> x) {
  if (x.empty()) return kNaN;
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t half = sorted.size() / 2;
  if (sorted.size() % 2 == 1) return sorted[half];
  // R: mean() of the two middle values.
  const double middle[] = {sorted[half - 1], sorted[half]};
  return mean(middle);
}

Summary summarize(std::span<const double> x) {
  Summary summary;
  summary.n = x.size();
  summary.mean = mean(x);
  summary.sd = standard_deviation(x);
  summary.median = median(x);
  summary.q1 = quantile_type7(x, 0.25);
  summary.q3 = quantile_type7(x, 0.75);
  return summary;
}

}  // namespace psyscore::detail
