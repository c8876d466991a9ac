// Covariances and correlations of item columns with missing answers, as R's
// cov(use = "pairwise"), cor(use = "pairwise") and cov2cor() compute them.
// Rows are respondents, columns items, NaN marks a missing answer.
#pragma once

#include <Eigen/Core>

#include "scoring/kernels/item_sums.hpp"

namespace psyscore::detail {

struct PairwiseMoments {
  // C_ij over the rows where items i and j were both answered, denominator
  // n_ij - 1 (C_ii over the answers to i). NaN where n_ij < 2.
  Eigen::MatrixXd covariance;
  // cor(use = "pairwise"): each r_ij with the means and sds of its own rows
  // (not cov2cor(covariance)). 1 on the diagonal; NaN where undefined.
  Eigen::MatrixXd correlation;
  // n_ij; the diagonal holds the answers to each item.
  Eigen::MatrixXd counts;
  bool complete = true;  // no missing answer at all
};

// The moments from their sums, O(k^2).
PairwiseMoments pairwise_moments(const ItemSums& sums);

// item_sums() then the moments: one pass over the rows (O(n k^2)).
PairwiseMoments pairwise_moments(const Eigen::Ref<const Eigen::MatrixXd>& data);

// The covariance of pairwise_moments().
Eigen::MatrixXd pairwise_covariance(const Eigen::Ref<const Eigen::MatrixXd>& data);

// R's cov2cor: C_ij / sqrt(C_ii C_jj), with exactly 1 on the diagonal.
Eigen::MatrixXd cov2cor(const Eigen::Ref<const Eigen::MatrixXd>& covariance);

}  // namespace psyscore::detail
