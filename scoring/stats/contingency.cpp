#include "scoring/stats/contingency.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>

#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// fisher.test counts a table as "no more probable" when its probability is at
// most the observed one times 1 + 1e-7.
const double kRelativeTolerance = std::log1p(1e-7);

using Count = long long;

double log_factorial(Count n) { return std::lgamma(static_cast<double>(n) + 1); }

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

// Tables with two columns: rows of sizes n_i, s events in all.
FisherTest fisher_two_columns(const std::vector<Count>& sizes, const std::vector<Count>& events, std::uint64_t limit) {
  const std::size_t rows = sizes.size();
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
  std::vector<Count> n(rows);
  std::vector<Count> x(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    n[i] = sizes[order[i]];
    x[i] = events[order[i]];
  }
  const Count total = std::accumulate(n.begin(), n.end(), Count{0});
  const Count successes = std::accumulate(x.begin(), x.end(), Count{0});
  const std::size_t prefix_rows = rows - 2;

  FisherTest out;
  out.tables = 1;
  for (std::size_t i = 0; i < prefix_rows; ++i)
    out.tables = saturating_multiply(out.tables, static_cast<std::uint64_t>(n[i] + 1));
  if (out.tables > limit) return out;

  // log k! for every k up to n, once: the walk evaluates millions of them.
  std::vector<double> factorials(static_cast<std::size_t>(total) + 1);
  for (Count k = 0; k <= total; ++k) factorials[static_cast<std::size_t>(k)] = log_factorial(k);
  const auto log_choose = [&](Count m, Count k) {
    return factorials[static_cast<std::size_t>(m)] - factorials[static_cast<std::size_t>(k)] -
           factorials[static_cast<std::size_t>(m - k)];
  };
  const double normalizer = log_choose(total, successes);
  double observed = 0;
  for (std::size_t i = 0; i < rows; ++i) observed += log_choose(n[i], x[i]);
  const double threshold = observed + kRelativeTolerance;
  // The observed table counts, so p >= its probability; a block of tables
  // below 1e-17 of that adds nothing a double can hold (and exp() of very
  // negative numbers is slow), so it is skipped.
  const double negligible = observed - normalizer - 40;
  std::vector<Count> capacity_after(rows + 1, 0);  // sum of n over rows >= i
  for (std::size_t i = rows; i-- > 0;) capacity_after[i] = capacity_after[i + 1] + n[i];

  const Count a = n[rows - 2];
  const Count b = n[rows - 1];
  double p = 0;
  // The last two rows given what the prefix left: x events in the first, s - x
  // in the second; along x the probability is unimodal (hypergeometric).
  const auto last_two = [&](Count s, double prefix) {
    const Count low = std::max<Count>(0, s - b);
    const Count high = std::min(a, s);
    if (prefix + log_choose(a + b, s) - normalizer < negligible) return;
    const auto weight = [&](Count value) { return prefix + log_choose(a, value) + log_choose(b, s - value); };
    Count mode = (s + 1) * (a + 1) / (a + b + 2);
    mode = std::clamp(mode, low, high);
    if (weight(mode) <= threshold) {
      p += std::exp(prefix + log_choose(a + b, s) - normalizer);
      return;
    }
    // Left tail: the largest value below the mode at or under the threshold.
    if (weight(low) <= threshold) {
      Count in = low;       // weight(in) <= threshold
      Count out_of = mode;  // weight(out_of) > threshold
      while (out_of - in > 1) {
        const Count middle = in + (out_of - in) / 2;
        (weight(middle) <= threshold ? in : out_of) = middle;
      }
      double tail = 0;
      for (Count value = in; value >= low; --value) {
        const double log_term = weight(value) - normalizer;
        if (log_term < negligible) break;
        const double term = std::exp(log_term);
        tail += term;
        if (term < 1e-17 * tail) break;
      }
      p += tail;
    }
    if (weight(high) <= threshold) {
      Count in = high;
      Count out_of = mode;
      while (in - out_of > 1) {
        const Count middle = out_of + (in - out_of) / 2;
        (weight(middle) <= threshold ? in : out_of) = middle;
      }
      double tail = 0;
      for (Count value = in; value <= high; ++value) {
        const double log_term = weight(value) - normalizer;
        if (log_term < negligible) break;
        const double term = std::exp(log_term);
        tail += term;
        if (term < 1e-17 * tail) break;
      }
      p += tail;
    }
  };
  std::function<void(std::size_t, Count, double)> walk = [&](std::size_t row, Count left, double prefix) {
    if (row == prefix_rows) {
      last_two(left, prefix);
      return;
    }
    const Count low = std::max<Count>(0, left - capacity_after[row + 1]);
    const Count high = std::min(n[row], left);
    for (Count value = low; value <= high; ++value) walk(row + 1, left - value, prefix + log_choose(n[row], value));
  };
  walk(0, successes, 0.0);
  out.p = std::min(p, 1.0);
  return out;
}

// Any other table: every table with the observed margins, row by row.
FisherTest fisher_enumerate(const Eigen::MatrixXd& table, std::uint64_t limit) {
  const auto rows = static_cast<std::size_t>(table.rows());
  const auto cols = static_cast<std::size_t>(table.cols());
  std::vector<Count> row_sums(rows, 0);
  std::vector<Count> col_sums(cols, 0);
  double observed = 0;
  Count total = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      const auto cell = static_cast<Count>(table(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)));
      row_sums[i] += cell;
      col_sums[j] += cell;
      total += cell;
      observed -= log_factorial(cell);
    }
  }
  double constant = -log_factorial(total);
  for (Count r : row_sums) constant += log_factorial(r);
  for (Count c : col_sums) constant += log_factorial(c);
  const double threshold = observed + kRelativeTolerance;

  FisherTest out;
  double p = 0;
  bool over = false;
  std::vector<Count> remaining = col_sums;
  // Fill row `row`, column `col`, with `left` of the row total still to place.
  std::function<void(std::size_t, std::size_t, Count, double)> fill = [&](std::size_t row, std::size_t col, Count left,
                                                                          double weight) {
    if (over) return;
    if (row + 1 == rows) {  // the last row is what the columns still need
      double last = weight;
      for (std::size_t j = 0; j < cols; ++j) last -= log_factorial(remaining[j]);
      if (++out.tables > limit) {
        over = true;
        return;
      }
      if (last <= threshold) p += std::exp(constant + last);
      return;
    }
    if (col + 1 == cols) {
      if (left > remaining[col]) return;
      remaining[col] -= left;
      fill(row + 1, 0, row_sums[row + 1], weight - log_factorial(left));
      remaining[col] += left;
      return;
    }
    Count later = 0;
    for (std::size_t j = col + 1; j < cols; ++j) later += remaining[j];
    const Count low = std::max<Count>(0, left - later);
    const Count high = std::min(left, remaining[col]);
    for (Count value = low; value <= high && !over; ++value) {
      remaining[col] -= value;
      fill(row, col + 1, left - value, weight - log_factorial(value));
      remaining[col] += value;
    }
  };
  fill(0, 0, row_sums[0], 0.0);
  if (!over) out.p = std::min(p, 1.0);
  return out;
}

}  // namespace

ChiSquaredTest chi_squared_test(const Eigen::MatrixXd& table) {
  assert(table.rows() >= 2 && table.cols() >= 2);
  ChiSquaredTest out;
  const double n = table.sum();
  const Eigen::VectorXd row_sums = table.rowwise().sum();
  const Eigen::VectorXd col_sums = table.colwise().sum().transpose();
  const Eigen::MatrixXd expected = row_sums * col_sums.transpose() / n;
  out.correct = table.rows() == 2 && table.cols() == 2;
  const Eigen::MatrixXd deviation = (table - expected).cwiseAbs();
  const double yates = out.correct ? std::min(0.5, deviation.minCoeff()) : 0.0;
  double statistic = 0;
  for (Eigen::Index j = 0; j < table.cols(); ++j) {
    for (Eigen::Index i = 0; i < table.rows(); ++i) {
      const double d = deviation(i, j) - yates;
      statistic += d * d / expected(i, j);
    }
  }
  out.statistic = statistic;
  out.df = static_cast<double>((table.rows() - 1) * (table.cols() - 1));
  out.min_expected = expected.minCoeff();
  out.approximation_warning = out.min_expected < 5;
  out.p = std::isfinite(statistic) ? boost::math::gamma_q(out.df / 2, statistic / 2, MathPolicy()) : kNaN;
  return out;
}

FisherTest fisher_exact_test(const Eigen::MatrixXd& table, std::uint64_t limit) {
  assert(table.rows() >= 2 && table.cols() >= 2);
  const Eigen::MatrixXd oriented = table.cols() == 2 ? table : table.transpose();
  if (oriented.cols() != 2) return fisher_enumerate(table, limit);
  std::vector<Count> sizes;
  std::vector<Count> events;
  for (Eigen::Index i = 0; i < oriented.rows(); ++i) {
    sizes.push_back(static_cast<Count>(oriented(i, 0) + oriented(i, 1)));
    events.push_back(static_cast<Count>(oriented(i, 0)));
  }
  return fisher_two_columns(sizes, events, limit);
}

}  // namespace psyscore::detail
