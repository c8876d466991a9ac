#include "scoring/psych/alpha.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <Eigen/Eigenvalues>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>

#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// Below this ratio of smallest to largest eigenvalue of R the smc of R
// without item i are computed from their own pseudo-inverse; above it the
// Schur complement of inv(R) gives them in O(k^2) with an error below
// 1e-12 (the error grows with the condition number).
constexpr double kDowndateConditionLimit = 1e-4;

// Mean and sample sd with R's two-pass correction, over the non-NaN values.
struct MeanSd {
  std::size_t n = 0;
  double mean = kNaN;
  double sd = kNaN;
};

MeanSd mean_sd(const std::vector<double>& values) {
  MeanSd out;
  double sum = 0;
  for (const double x : values) {
    if (std::isnan(x)) continue;
    sum += x;
    ++out.n;
  }
  if (out.n == 0) return out;
  const double count = static_cast<double>(out.n);
  double mean = sum / count;
  double correction = 0;
  for (const double x : values) {
    if (!std::isnan(x)) correction += x - mean;
  }
  mean += correction / count;
  out.mean = mean;
  if (out.n < 2) return out;
  double squares = 0;
  for (const double x : values) {
    if (!std::isnan(x)) squares += (x - mean) * (x - mean);
  }
  out.sd = std::sqrt(squares / (count - 1));
  return out;
}

// Mean and sample sd of n values from the sum and the sum of squares of
// their deviations from `shift` (NaN where undefined, as mean_sd()).
MeanSd mean_sd_from_sums(std::size_t n, double sum, double squares, double shift) {
  MeanSd out;
  out.n = n;
  if (n == 0) return out;
  const double count = static_cast<double>(n);
  out.mean = shift + sum / count;
  if (n >= 2) out.sd = std::sqrt((squares - sum * sum / count) / (count - 1));
  return out;
}

// R's median and var() of the strict lower triangle of R.
void lower_triangle_spread(const Eigen::Ref<const Eigen::MatrixXd>& correlation, double& median, double& variance) {
  const Eigen::Index k = correlation.cols();
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(k * (k - 1) / 2));
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = j + 1; i < k; ++i) values.push_back(correlation(i, j));
  }
  if (values.empty() || std::ranges::any_of(values, [](double v) { return std::isnan(v); })) {
    median = kNaN;
    variance = kNaN;
    return;
  }
  const MeanSd spread = mean_sd(values);
  variance = spread.n >= 2 ? spread.sd * spread.sd : kNaN;
  const std::size_t half = values.size() / 2;
  std::ranges::nth_element(values, values.begin() + static_cast<std::ptrdiff_t>(half));
  const double upper = values[half];
  if (values.size() % 2 == 1) {
    median = upper;
  } else {
    const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(half));
    median = (lower + upper) / 2;
  }
}

SquaredMultipleCorrelations smc_from_eigen(const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& eigen) {
  const Eigen::VectorXd& values = eigen.eigenvalues();
  const Eigen::MatrixXd& vectors = eigen.eigenvectors();
  const Eigen::Index k = values.size();
  // Singular values of a symmetric matrix are the magnitudes of its
  // eigenvalues; psych's Pinv drops those <= sqrt(eps) * the largest.
  const double largest = values.cwiseAbs().maxCoeff();
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon()) * largest;
  Eigen::VectorXd inverse_diagonal = Eigen::VectorXd::Zero(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    if (!(std::abs(values(j)) > std::max(tolerance, 0.0))) continue;
    inverse_diagonal += vectors.col(j).cwiseAbs2() / values(j);
  }
  SquaredMultipleCorrelations out;
  out.smc.resize(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    double smc = 1 - 1 / inverse_diagonal(i);
    if (smc > 1) {
      smc = 1;
      out.clipped_high = true;
    }
    if (smc < 0) {
      smc = 0;
      out.clipped_low = true;
    }
    out.smc(i) = smc;
  }
  return out;
}

// R without row and column i.
Eigen::MatrixXd without(const Eigen::Ref<const Eigen::MatrixXd>& matrix, Eigen::Index i) {
  const Eigen::Index k = matrix.cols();
  Eigen::MatrixXd out(k - 1, k - 1);
  for (Eigen::Index c = 0, oc = 0; c < k; ++c) {
    if (c == i) continue;
    for (Eigen::Index r = 0, orow = 0; r < k; ++r) {
      if (r == i) continue;
      out(orow++, oc) = matrix(r, c);
    }
    ++oc;
  }
  return out;
}

// NaN where df <= 0 or the probability is outside (0, 1).
double fisher_quantile(double probability, double df1, double df2) {
  return boost::math::quantile(boost::math::fisher_f_distribution<double, detail::MathPolicy>(df1, df2), probability);
}

}  // namespace

double quantile_type7(const std::vector<double>& sorted, double probability) {
  if (sorted.empty()) return kNaN;
  // R: index = 1 + (n - 1) p; lo = floor, hi = ceiling;
  // q = (1 - h) x[lo] + h x[hi] with h = index - lo.
  const double index = static_cast<double>(sorted.size() - 1) * probability;
  const double lo = std::floor(index);
  const auto low = static_cast<std::size_t>(lo);
  const std::size_t high = std::min(low + 1, sorted.size() - 1);
  const double h = index - lo;
  if (h == 0 || sorted[high] == sorted[low]) return sorted[low];
  return (1 - h) * sorted[low] + h * sorted[high];
}

double raw_alpha_from_covariance(const Eigen::Ref<const Eigen::MatrixXd>& covariance) {
  const auto k = static_cast<double>(covariance.cols());
  if (covariance.cols() < 2) return kNaN;
  const double total = covariance.sum();
  const double alpha = (1 - covariance.trace() / total) * (k / (k - 1));
  return std::isfinite(alpha) ? alpha : kNaN;  // sum(C) = 0 would give -inf
}

double raw_alpha_pairwise(const Eigen::Ref<const Eigen::MatrixXd>& keyed) {
  if (keyed.cols() < 2 || keyed.rows() < 2) return kNaN;
  return raw_alpha_from_covariance(pairwise_covariance(keyed));
}

SquaredMultipleCorrelations squared_multiple_correlations(const Eigen::Ref<const Eigen::MatrixXd>& correlation) {
  if (!correlation.allFinite()) {
    SquaredMultipleCorrelations out;
    out.smc = Eigen::VectorXd::Constant(correlation.cols(), kNaN);
    return out;
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(correlation);
  return smc_from_eigen(eigen);
}

AlphaStatistics alpha_statistics(const Eigen::Ref<const Eigen::MatrixXd>& covariance,
                                 const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const Eigen::Ref<const Eigen::VectorXd>& smc) {
  AlphaStatistics out;
  const Eigen::Index items = covariance.cols();
  if (items < 2) return out;
  const auto k = static_cast<double>(items);
  const double sum_c = covariance.sum();
  const double trace_c = covariance.trace();
  const double sum_r = correlation.sum();
  out.raw_alpha = (1 - trace_c / sum_c) * (k / (k - 1));
  out.std_alpha = (1 - k / sum_r) * (k / (k - 1));
  out.g6_smc = 1 - (k - smc.sum()) / sum_r;
  out.average_r = (sum_r - k) / (k * (k - 1));
  out.s_n = k * out.average_r / (1 - out.average_r);
  // C is symmetric: tr(C C) is its squared Frobenius norm and sum(C C) the
  // squared norm of its column sums, which avoids the O(k^3) product.
  const Eigen::VectorXd column_sums = covariance.colwise().sum().transpose();
  const double trace_cc = covariance.squaredNorm();
  const double sum_cc = column_sums.squaredNorm();
  out.q = (2 * k * k / ((k - 1) * (k - 1) * (sum_c * sum_c * sum_c))) *
          (sum_c * (trace_cc + trace_c * trace_c) - 2 * (trace_c * sum_cc));
  lower_triangle_spread(correlation, out.median_r, out.var_r);
  return out;
}

double duhachek_z(double level) {
  // psych's print method hard-codes 1.96 for its 95% interval; matching it
  // exactly there matters more than the 4e-5 it differs from the quantile.
  if (std::abs(level - 0.95) < 1e-12) return 1.96;
  return boost::math::quantile(boost::math::normal_distribution<double, detail::MathPolicy>(), 1 - (1 - level) / 2);
}

Interval duhachek_interval(double alpha, double ase, double level) {
  const double z = duhachek_z(level);
  return {alpha - z * ase, alpha + z * ase};
}

Interval feldt_interval(double alpha, double n, double k, double level) {
  const double p = 1 - level;
  const double df1 = n - 1;
  const double df2 = (n - 1) * (k - 1);
  return {1 - (1 - alpha) * fisher_quantile(1 - p / 2, df1, df2), 1 - (1 - alpha) * fisher_quantile(p / 2, df1, df2)};
}

AlphaSuite alpha_suite(const ItemSums& sums, const PairwiseMoments& moments, double ci_level) {
  AlphaSuite out;
  const Eigen::Index items = moments.covariance.cols();
  out.n = sums.rows;
  out.k = static_cast<std::size_t>(items);
  const double n = static_cast<double>(sums.rows);
  const double k = static_cast<double>(items);
  const Eigen::MatrixXd& covariance = moments.covariance;
  out.correlation = cov2cor(covariance);
  const Eigen::MatrixXd& correlation = out.correlation;

  std::optional<Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>> eigen;
  if (correlation.allFinite()) {
    eigen.emplace(correlation);
    out.smc = smc_from_eigen(*eigen);
  } else {
    out.smc = squared_multiple_correlations(correlation);
  }

  out.total = alpha_statistics(covariance, correlation, out.smc.smc);
  out.ase = std::sqrt(out.total.q / n);
  out.feldt = feldt_interval(out.total.raw_alpha, n, k, ci_level);
  out.duhachek = duhachek_interval(out.total.raw_alpha, out.ase, ci_level);

  // Person score: the mean of the items each respondent answered (psych's
  // rowMeans(na.rm = TRUE)), over the respondents who answered any.
  const MeanSd person = mean_sd_from_sums(sums.scored, sums.score_sum, sums.score_squares, sums.score_shift);
  out.mean = person.mean;
  out.sd = person.sd;

  // Item statistics (psych's item.stats).
  const double sum_r = correlation.sum();
  Eigen::MatrixXd correlation_smc = correlation;
  correlation_smc.diagonal() = out.smc.smc;
  const double sum_rc = correlation_smc.sum();
  out.items.resize(out.k);
  for (Eigen::Index i = 0; i < items; ++i) {
    ItemAlphaStatistics& item = out.items[static_cast<std::size_t>(i)];
    const double answers = sums.counts(i, i);
    const double item_sum = sums.sums(i, i);
    const double item_squares = sums.products(i, i);
    const MeanSd answered = mean_sd_from_sums(static_cast<std::size_t>(answers), item_sum, item_squares, sums.shift(i));
    item.n = answered.n;
    item.mean = answered.mean;
    item.sd = answered.sd;
    // raw_r: Pearson's r of the person score with the item over the rows
    // that answered the item (all of which have a score).
    if (answers >= 2) {
      const double score_sum = sums.item_score_sums(i);
      const double sxy = sums.item_score_products(i) - item_sum * score_sum / answers;
      const double sxx = item_squares - item_sum * item_sum / answers;
      const double syy = sums.item_score_squares(i) - score_sum * score_sum / answers;
      item.raw_r = sxy / std::sqrt(sxx * syy);
    }
    item.std_r = correlation.col(i).sum() / std::sqrt(sum_r);
    item.r_cor = correlation_smc.col(i).sum() / std::sqrt(sum_rc);  // NaN when sum_rc < 0, as psych
    const double rest = without(covariance, i).sum();
    item.r_drop = (covariance.col(i).sum() - covariance(i, i)) / std::sqrt(covariance(i, i) * rest);
  }

  // alpha.drop.
  if (items == 2) {
    // psych hard-codes k = 2: the row of item 1 has C12 / C22 (the variance
    // of the item that remains), item 2's C12 / C11; both rows take smc(R)[1].
    const double r12 = correlation(0, 1);
    for (Eigen::Index i = 0; i < 2; ++i) {
      AlphaIfDropped& d = out.items[static_cast<std::size_t>(i)].dropped;
      const Eigen::Index other = 1 - i;
      d.raw_alpha = covariance(0, 1) / covariance(other, other);
      d.std_alpha = r12;
      d.g6_smc = out.smc.smc(0);
      d.average_r = r12;
      d.s_n = r12 / (1 - r12);
      d.alpha_se = kNaN;
      d.var_r = 0;
      d.med_r = r12;
    }
    return out;
  }

  // smc of R without item i: the Schur complement of inv(R) when R is well
  // conditioned, else a pseudo-inverse of its own (with psych's clipping).
  std::optional<Eigen::MatrixXd> inverse;
  if (eigen) {
    const Eigen::VectorXd& values = eigen->eigenvalues();
    if (values.minCoeff() > kDowndateConditionLimit * values.maxCoeff()) {
      inverse = eigen->eigenvectors() * values.cwiseInverse().asDiagonal() * eigen->eigenvectors().transpose();
    }
  }
  for (Eigen::Index i = 0; i < items; ++i) {
    const Eigen::MatrixXd c_without = without(covariance, i);
    const Eigen::MatrixXd r_without = without(correlation, i);
    Eigen::VectorXd smc_without(items - 1);
    if (inverse) {
      const Eigen::MatrixXd& a = *inverse;
      for (Eigen::Index j = 0, o = 0; j < items; ++j) {
        if (j == i) continue;
        smc_without(o++) = 1 - 1 / (a(j, j) - a(j, i) * a(j, i) / a(i, i));
      }
    } else {
      const SquaredMultipleCorrelations s = squared_multiple_correlations(r_without);
      out.smc_clipped_in_drops = out.smc_clipped_in_drops || s.clipped_high || s.clipped_low;
      smc_without = s.smc;
    }
    const AlphaStatistics stats = alpha_statistics(c_without, r_without, smc_without);
    AlphaIfDropped& d = out.items[static_cast<std::size_t>(i)].dropped;
    d.raw_alpha = stats.raw_alpha;
    d.std_alpha = stats.std_alpha;
    d.g6_smc = stats.g6_smc;
    d.average_r = stats.average_r;
    d.s_n = stats.s_n;
    // psych drops the "alpha se" column unless there are more rows than items.
    d.alpha_se = out.n > out.k ? std::sqrt(stats.q / n) : kNaN;
    d.var_r = stats.var_r;
    d.med_r = stats.median_r;
  }
  return out;
}

}  // namespace psyscore::detail
