// Tests of association in a contingency table of counts, as R's chisq.test and
// fisher.test report them. Private to the engine.
#pragma once

#include <cstdint>
#include <optional>

#include <Eigen/Core>

namespace psyscore::detail {

struct ChiSquaredTest {
  double statistic = 0;
  double df = 0;         // (rows - 1)(columns - 1)
  double p = 0;          // NaN where undefined (an expected count of 0)
  bool correct = false;  // Yates' continuity correction applied (2 x 2 tables, as R)
  double min_expected = 0;
  bool approximation_warning = false;  // some expected count below 5 (R: "may be incorrect")
};

// Pearson's chi-squared test of independence as chisq.test(table): expected
// counts row sum * column sum / n; for a 2 x 2 table Yates' correction
// |O - E| - min(0.5, min |O - E|). Preconditions: at least 2 x 2, non-negative
// integer counts, n > 0. Never throws.
ChiSquaredTest chi_squared_test(const Eigen::MatrixXd& table);

// Default: 10^7. The largest number of tables (or, for tables with two rows or
// two columns, of partial tables: see fisher_exact_test) enumerated.
inline constexpr std::uint64_t kFisherTableLimit = 10'000'000;

struct FisherTest {
  std::optional<double> p;   // nullopt when the enumeration would pass the limit
  std::uint64_t tables = 0;  // the tables (partial tables) the enumeration needs
};

// Fisher's exact test, two-sided as fisher.test: the probability, given both
// margins, of every table no more probable than the observed one (relative
// tolerance 1e-7, as R).
//
// Tables with two rows or two columns (r x 2): all but the two largest rows are
// enumerated and, for each such prefix, the last two rows are summed in closed
// form along the hypergeometric (a binary search for where the probability
// crosses the observed one, then the two tails), so a 2 x 2 or 3 x 2 table
// of 100,000 respondents is immediate. Other tables are enumerated completely.
// Either way, when the count of (partial) tables passes `limit`, p is nullopt
// and `tables` says how many there would have been (at least).
FisherTest fisher_exact_test(const Eigen::MatrixXd& table, std::uint64_t limit = kFisherTableLimit);

}  // namespace psyscore::detail
