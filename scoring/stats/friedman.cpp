#include "scoring/stats/friedman.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

#include "scoring/util/math_policy.hpp"

namespace psyscore::detail {

FriedmanTest friedman(const Eigen::MatrixXd& scores) {
  const Eigen::Index k = scores.cols();
  FriedmanTest result;
  if (k < 2) return result;
  result.df = static_cast<std::size_t>(k - 1);

  Eigen::VectorXd rank_sums = Eigen::VectorXd::Zero(k);
  double tie_term = 0;  // sum over rows and tie groups of t^3 - t
  std::vector<Eigen::Index> order(static_cast<std::size_t>(k));
  std::size_t n = 0;
  for (Eigen::Index row = 0; row < scores.rows(); ++row) {
    if (scores.row(row).hasNaN()) continue;
    ++n;
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::sort(order.begin(), order.end(),
              [&](Eigen::Index a, Eigen::Index b) { return scores(row, a) < scores(row, b); });
    // Average ranks over runs of equal values (R's rank(), ties.method = "average").
    std::size_t start = 0;
    while (start < order.size()) {
      std::size_t end = start + 1;
      while (end < order.size() && scores(row, order[end]) == scores(row, order[start])) ++end;
      const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
      for (std::size_t i = start; i < end; ++i) rank_sums(order[i]) += average_rank;
      const double t = static_cast<double>(end - start);
      tie_term += t * t * t - t;
      start = end;
    }
  }
  result.n = n;
  if (n == 0) return result;

  const double nd = static_cast<double>(n);
  const double kd = static_cast<double>(k);
  const double centre = nd * (kd + 1) / 2;
  double squares = 0;
  for (Eigen::Index j = 0; j < k; ++j) squares += (rank_sums(j) - centre) * (rank_sums(j) - centre);
  const double denominator = nd * kd * (kd + 1) - tie_term / (kd - 1);
  if (!(denominator > 0)) return result;  // every row tied throughout: R gives NaN
  const double statistic = 12 * squares / denominator;
  result.statistic = statistic;
  const boost::math::chi_squared_distribution<double, MathPolicy> chi_squared(kd - 1);
  result.p = boost::math::cdf(boost::math::complement(chi_squared, statistic));
  result.kendall_w = statistic / (nd * (kd - 1));
  return result;
}

}  // namespace psyscore::detail
