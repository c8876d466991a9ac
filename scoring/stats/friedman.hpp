// Friedman's rank test for k related samples, as R 4.2's friedman.test(y) on a
// matrix y (rows = blocks, here respondents; columns = waves), with Kendall's
// coefficient of concordance W. Private to the engine.
#pragma once

#include <cstddef>

#include <Eigen/Core>

#include "psyscore/statistic.hpp"

namespace psyscore::detail {

struct FriedmanTest {
  std::size_t n = 0;    // complete rows used (respondents with a score at every wave)
  std::size_t df = 0;   // k - 1
  Statistic statistic;  // tie-corrected; undefined when every row is tied throughout or n = 0
  Statistic p;          // upper chi-square tail on df
  Statistic kendall_w;  // statistic / (n (k - 1))
};

// Rows holding a NaN are left out (R's friedman.test drops incomplete blocks
// the same way when given complete.cases). Ranks are taken within each row
// with ties averaged; the statistic is
//   12 sum_j (R_j - n (k + 1) / 2)^2 / (n k (k + 1) - sum(t^3 - t) / (k - 1)),
// R_j the rank sum of column j and t the sizes of the tie groups within rows.
// Needs k >= 2 columns.
FriedmanTest friedman(const Eigen::MatrixXd& scores);

}  // namespace psyscore::detail
