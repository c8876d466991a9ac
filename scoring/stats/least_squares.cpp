#include "scoring/stats/least_squares.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

#include <Eigen/Householder>

#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// R's lm() passes tol = 1e-7 to dqrdc2.
constexpr double kAliasTolerance = 1e-7;

// Moves column `from` of `a` (and its entry in `order`) behind every other
// column, keeping the others in order, as dqrdc2 does with a negligible column.
void move_to_end(Eigen::MatrixXd& a, std::vector<Eigen::Index>& order, Eigen::Index from) {
  const Eigen::Index last = a.cols() - 1;
  if (from == last) return;
  const Eigen::VectorXd moved = a.col(from);
  for (Eigen::Index j = from; j < last; ++j) a.col(j) = a.col(j + 1);
  a.col(last) = moved;
  std::rotate(order.begin() + from, order.begin() + from + 1, order.end());
}

}  // namespace

LeastSquaresFit fit_least_squares(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& weights) {
  assert(x.rows() == y.size());
  assert(weights.size() == 0 || weights.size() == y.size());
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  const bool weighted = weights.size() > 0;

  // The rows that take part (positive weight), scaled by sqrt(w).
  std::vector<Eigen::Index> rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    assert(!weighted || weights(i) >= 0);
    if (!weighted || weights(i) > 0) rows.push_back(i);
  }
  const auto m = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd a(m, p);
  Eigen::VectorXd b(m);
  for (Eigen::Index r = 0; r < m; ++r) {
    const Eigen::Index i = rows[static_cast<std::size_t>(r)];
    const double scale = weighted ? std::sqrt(weights(i)) : 1.0;
    a.row(r) = scale * x.row(i);
    b(r) = scale * y(i);
  }

  // Original column norms, by original column; dqrdc2 compares against 1 for a
  // zero column.
  Eigen::VectorXd original_norm(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double norm = a.col(j).norm();
    original_norm(j) = norm == 0 ? 1.0 : norm;
  }

  std::vector<Eigen::Index> order(static_cast<std::size_t>(p));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Eigen::Index candidates = p;  // columns at positions >= candidates are aliased
  Eigen::VectorXd workspace(std::max<Eigen::Index>(p, 1));
  const Eigen::Index steps = std::min(m, p);
  for (Eigen::Index l = 0; l < steps; ++l) {
    while (l < candidates &&
           a.col(l).tail(m - l).norm() < kAliasTolerance * original_norm(order[static_cast<std::size_t>(l)])) {
      move_to_end(a, order, l);
      --candidates;
    }
    if (l >= candidates) break;
    double tau = 0;
    double beta = 0;
    a.col(l).tail(m - l).makeHouseholderInPlace(tau, beta);
    if (l + 1 < p) {
      a.block(l, l + 1, m - l, p - l - 1).applyHouseholderOnTheLeft(a.col(l).tail(m - l - 1), tau, workspace.data());
    }
    b.tail(m - l).applyHouseholderOnTheLeft(a.col(l).tail(m - l - 1), tau, workspace.data());
    a(l, l) = beta;
  }
  const Eigen::Index rank = std::min(candidates, m);

  LeastSquaresFit fit;
  fit.rank = rank;
  fit.coefficients = Eigen::VectorXd::Constant(p, kNaN);
  fit.unscaled_covariance = Eigen::MatrixXd::Constant(p, p, kNaN);
  Eigen::VectorXd kept_coefficients = Eigen::VectorXd::Zero(p);  // aliased count as 0
  if (rank > 0) {
    const Eigen::MatrixXd r = a.topLeftCorner(rank, rank).triangularView<Eigen::Upper>();
    const Eigen::VectorXd solution = r.triangularView<Eigen::Upper>().solve(b.head(rank));
    const Eigen::MatrixXd r_inverse = r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(rank, rank));
    const Eigen::MatrixXd covariance = r_inverse * r_inverse.transpose();
    for (Eigen::Index i = 0; i < rank; ++i) {
      const Eigen::Index column = order[static_cast<std::size_t>(i)];
      fit.coefficients(column) = solution(i);
      kept_coefficients(column) = solution(i);
      for (Eigen::Index j = 0; j < rank; ++j) {
        fit.unscaled_covariance(column, order[static_cast<std::size_t>(j)]) = covariance(i, j);
      }
    }
  }
  for (Eigen::Index i = rank; i < p; ++i) fit.aliased.push_back(order[static_cast<std::size_t>(i)]);
  std::sort(fit.aliased.begin(), fit.aliased.end());

  fit.fitted = x * kept_coefficients;
  fit.residuals = y - fit.fitted;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = weighted ? weights(i) : 1.0;
    if (w > 0) fit.weighted_rss += w * fit.residuals(i) * fit.residuals(i);
  }
  fit.df_residual = m - rank;
  return fit;
}

}  // namespace psyscore::detail
