#include "covariance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace psyscore {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows per block: the centred block, its mask and its squares stay in cache
// and memory stays O(block * k) however many respondents there are.
constexpr Eigen::Index kBlockRows = 4096;

// Mean of the answers of every column (NaN for a column without answers).
Eigen::VectorXd column_means(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  Eigen::VectorXd means(data.cols());
  for (Eigen::Index j = 0; j < data.cols(); ++j) {
    double sum = 0;
    Eigen::Index count = 0;
    for (Eigen::Index r = 0; r < data.rows(); ++r) {
      const double x = data(r, j);
      if (std::isnan(x)) continue;
      sum += x;
      ++count;
    }
    means(j) = count > 0 ? sum / static_cast<double>(count) : kNaN;
  }
  return means;
}

}  // namespace

bool has_missing(const Eigen::Ref<const Eigen::MatrixXd>& data) { return data.hasNaN(); }

Eigen::MatrixXd cov2cor(const Eigen::Ref<const Eigen::MatrixXd>& covariance) {
  const Eigen::Index k = covariance.cols();
  Eigen::MatrixXd correlation(k, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      correlation(i, j) = covariance(i, j) / std::sqrt(covariance(i, i) * covariance(j, j));
    }
    correlation(j, j) = 1;  // as R, even for a zero or NaN variance
  }
  return correlation;
}

Eigen::MatrixXd complete_rows(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  Eigen::Index kept = 0;
  for (Eigen::Index r = 0; r < data.rows(); ++r) kept += data.row(r).hasNaN() ? 0 : 1;
  Eigen::MatrixXd out(kept, data.cols());
  Eigen::Index row = 0;
  for (Eigen::Index r = 0; r < data.rows(); ++r) {
    if (!data.row(r).hasNaN()) out.row(row++) = data.row(r);
  }
  return out;
}

namespace {

// with_correlation = false skips the sums of squares (a third of the work
// with missing data) and leaves `correlation` empty.
PairwiseMoments accumulate_moments(const Eigen::Ref<const Eigen::MatrixXd>& data, bool with_correlation) {
  const Eigen::Index n = data.rows();
  const Eigen::Index k = data.cols();
  PairwiseMoments out;
  out.complete = !data.hasNaN();

  // Centring every column on the mean of its answers first keeps the sums
  // small, so the one-pass formulas (sum xy - sum x sum y / n) lose no digits
  // to cancellation and agree with R's two-pass cov() to ~1e-15.
  const Eigen::VectorXd means = column_means(data);

  // Over the rows where both i and j are present (centred x, mask m):
  //   products(i, j) = sum x_i x_j        sums(i, j) = sum x_i m_j
  //   squares(i, j)  = sum x_i^2 m_j      counts(i, j) = sum m_i m_j
  // Missing answers are zeros in the centred block, so one matrix product
  // gives each sum for every pair at once.
  Eigen::MatrixXd products = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd squares = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd column_sums = Eigen::VectorXd::Zero(k);

  Eigen::MatrixXd centred;
  Eigen::MatrixXd mask;
  Eigen::MatrixXd squared;
  for (Eigen::Index start = 0; start < n; start += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, n - start);
    centred.resize(rows, k);
    for (Eigen::Index j = 0; j < k; ++j) {
      for (Eigen::Index r = 0; r < rows; ++r) {
        const double x = data(start + r, j);
        centred(r, j) = std::isnan(x) ? 0.0 : x - means(j);
      }
    }
    products.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose());
    if (out.complete) {
      column_sums += centred.colwise().sum().transpose();
      continue;
    }
    mask.resize(rows, k);
    for (Eigen::Index j = 0; j < k; ++j) {
      for (Eigen::Index r = 0; r < rows; ++r) mask(r, j) = std::isnan(data(start + r, j)) ? 0.0 : 1.0;
    }
    sums.noalias() += centred.transpose() * mask;
    if (with_correlation) {
      squared = centred.cwiseAbs2();
      squares.noalias() += squared.transpose() * mask;
    }
    counts.selfadjointView<Eigen::Lower>().rankUpdate(mask.transpose());
  }
  products.triangularView<Eigen::StrictlyUpper>() = products.transpose();

  out.covariance.resize(k, k);
  if (with_correlation) out.correlation.resize(k, k);
  if (out.complete) {
    const double rows = static_cast<double>(n);
    out.covariance = (products - column_sums * column_sums.transpose() / rows) / (rows - 1);
    out.counts = Eigen::MatrixXd::Constant(k, k, rows);
    if (n < 2) out.covariance.setConstant(kNaN);
    if (with_correlation) out.correlation = cov2cor(out.covariance);
    return out;
  }

  counts.triangularView<Eigen::StrictlyUpper>() = counts.transpose();
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double nij = counts(i, j);
      if (nij < 2) {
        out.covariance(i, j) = kNaN;
        if (with_correlation) out.correlation(i, j) = kNaN;
        continue;
      }
      // sums(i, j): item i over the rows where j is present (and i, since a
      // missing x_i is a zero); sums(j, i) the other way round.
      const double cov = (products(i, j) - sums(i, j) * sums(j, i) / nij) / (nij - 1);
      out.covariance(i, j) = cov;
      if (!with_correlation) continue;
      const double var_i = (squares(i, j) - sums(i, j) * sums(i, j) / nij) / (nij - 1);
      const double var_j = (squares(j, i) - sums(j, i) * sums(j, i) / nij) / (nij - 1);
      out.correlation(i, j) = cov / std::sqrt(var_i * var_j);
    }
    if (with_correlation && counts(j, j) >= 2) out.correlation(j, j) = 1;
  }
  out.counts = std::move(counts);
  return out;
}

}  // namespace

PairwiseMoments pairwise_moments(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  return accumulate_moments(data, true);
}

Eigen::MatrixXd pairwise_covariance(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  return accumulate_moments(data, false).covariance;
}

}  // namespace psyscore
