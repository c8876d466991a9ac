// Cronbach's alpha and the rest of psych::alpha (psych 2.2.9) as pure
// functions. Rows are respondents, columns keyed items, NaN a missing answer.
// Formulas: docs/statistics.md and docs/statistics.md ("Reliability").
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Core>

#include "psyscore/reliability.hpp"
#include "scoring/kernels/covariance.hpp"
#include "scoring/kernels/item_sums.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

// Raw alpha of the pairwise-complete covariance matrix of `keyed`
// (psych::alpha's raw_alpha). NaN when it is not defined (k < 2, a pair
// answered together by fewer than 2 rows, zero total variance).
double raw_alpha_pairwise(const Eigen::Ref<const Eigen::MatrixXd>& keyed);

// k/(k-1) * (1 - tr(C)/sum(C)); NaN for k < 2.
double raw_alpha_from_covariance(const Eigen::Ref<const Eigen::MatrixXd>& covariance);

struct SquaredMultipleCorrelations {
  Eigen::VectorXd smc;        // 1 - 1/diag(pinv(R)), clipped to [0, 1]
  bool clipped_high = false;  // some smc > 1 were set to 1 (psych's message)
  bool clipped_low = false;   // some smc < 0 were set to 0
};

// psych::smc: the pseudo-inverse keeps the eigenvalues of the symmetric R
// whose magnitude (= singular value) exceeds sqrt(eps) times the largest, as
// psych's Pinv() does with the SVD. NaN everywhere when R has a NaN.
SquaredMultipleCorrelations squared_multiple_correlations(const Eigen::Ref<const Eigen::MatrixXd>& correlation);

// psych's alpha.1 for one covariance matrix C and R = cov2cor(C), given the
// smc of R. `q` is the Duhachek-Iacobucci Q (ase = sqrt(q / N)).
struct AlphaStatistics {
  double raw_alpha = kNaN;
  double std_alpha = kNaN;
  double g6_smc = kNaN;
  double average_r = kNaN;
  double s_n = kNaN;
  double q = kNaN;
  double var_r = kNaN;  // sample variance of the strict lower triangle of R
  double median_r = kNaN;
};
AlphaStatistics alpha_statistics(const Eigen::Ref<const Eigen::MatrixXd>& covariance,
                                 const Eigen::Ref<const Eigen::MatrixXd>& correlation,
                                 const Eigen::Ref<const Eigen::VectorXd>& smc);

// Feldt's interval at `level`: 1 - (1 - alpha) F^-1(1 - p/2 | p/2; N-1, (N-1)(k-1)).
Interval feldt_interval(double alpha, double n, double k, double level);
// alpha -/+ z * ase with z = 1.96 at level 0.95 (psych hard-codes 1.96) and
// the normal quantile Phi^-1(1 - (1 - level)/2) at any other level.
Interval duhachek_interval(double alpha, double ase, double level);
// The normal quantile the Duhachek interval uses at `level`.
double duhachek_z(double level);

// Per item: psych's item.stats and alpha.drop (without response frequencies,
// which need the raw answers).
struct ItemAlphaStatistics {
  std::size_t n = 0;
  double raw_r = kNaN;
  double std_r = kNaN;
  double r_cor = kNaN;
  double r_drop = kNaN;
  double mean = kNaN;
  double sd = kNaN;
  AlphaIfDropped dropped;
};

// Everything psych::alpha reports for one block of keyed items, from its
// sums over the rows (item_sums.hpp) and the pairwise moments they give.
// N (for ase, Feldt and alpha_se) is the number of rows summed.
struct AlphaSuite {
  std::size_t n = 0;
  std::size_t k = 0;
  AlphaStatistics total;
  double ase = kNaN;
  double mean = kNaN;  // of the per-row mean of the answered items
  double sd = kNaN;
  Interval feldt;
  Interval duhachek;
  std::vector<ItemAlphaStatistics> items;
  Eigen::MatrixXd correlation;  // cov2cor(covariance), the R of alpha
  SquaredMultipleCorrelations smc;
  bool smc_clipped_in_drops = false;
};
AlphaSuite alpha_suite(const ItemSums& sums, const PairwiseMoments& moments, double ci_level);

// Type-7 quantile (R's default) of sorted values; NaN when empty.
double quantile_type7(const std::vector<double>& sorted, double probability);

}  // namespace psyscore::detail
