// Split-half reliability: Guttman's lambda 4 (4 R_AB / sum(R), psych's rab)
// over splits of the items into halves of floor(k/2) and ceil(k/2) items.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace psyscore::detail {

struct SplitHalfResult {
  double max = 0;
  double min = 0;
  double mean = 0;
  std::vector<Eigen::Index> max_half;  // items of the smaller half (floor(k/2)) of the best split
  std::vector<Eigen::Index> min_half;  // ... of the worst split
  std::size_t splits = 0;
  bool exhaustive = false;
  double lambda2 = 0;  // Guttman's lambda 2 of R
  double lambda6 = 0;  // Guttman's lambda 6 with smc (psych's G6(smc))
};

// With k <= max_exhaustive_items every distinct split is examined once, in
// lexicographic order of the smaller half (for even k: the halves that hold
// item 0), so ties resolve as psych's combn() order does. psych looks at only
// the first half of its combinations, which for odd k misses about half of
// the splits; psyscore looks at all of them. Beyond max_exhaustive_items,
// `samples` random halves drawn from a stream seeded with `seed`.
// R: a correlation matrix (psych uses cov2cor of the pairwise covariance).
SplitHalfResult split_half(const Eigen::Ref<const Eigen::MatrixXd>& correlation, std::size_t max_exhaustive_items = 16,
                           std::size_t samples = 10000, std::uint64_t seed = 1);

}  // namespace psyscore::detail
