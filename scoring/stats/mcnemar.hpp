// McNemar's test of a square pre x post table and Bowker's extension to more
// than two categories, as R's mcnemar.test (correct = TRUE), except for
// empty pairs (below). Private to the engine.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace psyscore::detail {

struct SymmetryTest {
  double statistic = 0;  // NaN when no pair is informative
  std::size_t df = 0;    // informative pairs
  double p = 0;          // NaN when no pair is informative
  bool continuity_corrected = false;
  // Pairs (i, j), i < j, with n_ij + n_ji = 0, left out of the sum and df.
  std::vector<std::pair<std::size_t, std::size_t>> dropped_pairs;
};

// `table[i][j]`: count in pre category i and post category j (r x r).
// The statistic sums (n_ij - n_ji)^2 / (n_ij + n_ji) over i < j. As in R,
// the 2 x 2 table gets the continuity correction (|b - c| - 1)^2 / (b + c)
// only when b != c, and tables beyond 2 x 2 never do. Unlike R (whose sum
// and p become NaN), a pair with n_ij + n_ji = 0 is left out of the sum and
// of df = r (r - 1) / 2; with no informative pair left the statistic and p
// are NaN and df is 0.
SymmetryTest mcnemar_bowker(const std::vector<std::vector<std::size_t>>& table);

}  // namespace psyscore::detail
