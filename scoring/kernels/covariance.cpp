#include "scoring/kernels/covariance.hpp"
#include "scoring/util/nan.hpp"

#include <cmath>
#include <limits>

namespace psyscore::detail {

namespace {}  // namespace

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

PairwiseMoments pairwise_moments(const ItemSums& sums) {
  const Eigen::Index k = sums.products.cols();
  PairwiseMoments out;
  out.complete = sums.complete;
  out.counts = sums.counts;
  out.covariance.resize(k, k);
  out.correlation.resize(k, k);
  // The shifted sums make the one-pass formulas safe: over the n_ij rows,
  // C_ij = (sum x~_i x~_j - sum x~_i sum x~_j / n_ij) / (n_ij - 1).
  for (Eigen::Index j = 0; j < k; ++j) {
    for (Eigen::Index i = 0; i < k; ++i) {
      const double nij = sums.counts(i, j);
      if (nij < 2) {
        out.covariance(i, j) = kNaN;
        out.correlation(i, j) = kNaN;
        continue;
      }
      const double sum_i = sums.sums(i, j);
      const double sum_j = sums.sums(j, i);
      const double cov = (sums.products(i, j) - sum_i * sum_j / nij) / (nij - 1);
      out.covariance(i, j) = cov;
      // Each item's variance over the same rows, as cor(use = "pairwise").
      const double var_i = (sums.squares(i, j) - sum_i * sum_i / nij) / (nij - 1);
      const double var_j = (sums.squares(j, i) - sum_j * sum_j / nij) / (nij - 1);
      out.correlation(i, j) = cov / std::sqrt(var_i * var_j);
    }
    if (sums.counts(j, j) >= 2) out.correlation(j, j) = 1;
  }
  if (out.complete) out.correlation = cov2cor(out.covariance);
  return out;
}

PairwiseMoments pairwise_moments(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  return pairwise_moments(item_sums(data));
}

Eigen::MatrixXd pairwise_covariance(const Eigen::Ref<const Eigen::MatrixXd>& data) {
  return pairwise_moments(data).covariance;
}

}  // namespace psyscore::detail
