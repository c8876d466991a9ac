#include "scoring/psych/omega.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include "scoring/psych/alpha.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

// psych's lower bound 0.005 on the uniquenesses.
constexpr double kMaxCommunality = 0.995;

// Relative change of the objective below its rounding error (64 ulps of a
// sum of k(k-1)/2 squares).
constexpr double kFlatObjective = 64 * std::numeric_limits<double>::epsilon();

double offdiag_ssr(const Eigen::Ref<const Eigen::MatrixXd>& r, const Eigen::VectorXd& l) {
  double ssr = 0;
  for (Eigen::Index j = 0; j < r.cols(); ++j) {
    for (Eigen::Index i = j + 1; i < r.rows(); ++i) {
      const double e = r(i, j) - l(i) * l(j);
      ssr += e * e;
    }
  }
  return ssr;
}

// max |df/dL_i| of f(L) = sum_{i<j} (r_ij - L_i L_j)^2.
double gradient_norm(const Eigen::Ref<const Eigen::MatrixXd>& r, const Eigen::VectorXd& l) {
  Eigen::MatrixXd residual = r - l * l.transpose();
  residual.diagonal().setZero();
  return (2 * (residual * l)).cwiseAbs().maxCoeff();
}

// One principal-axis step: the leading eigenpair of R with `communalities`
// on its diagonal. Keeps the orientation of `previous` when given.
Eigen::VectorXd principal_axis_step(const Eigen::Ref<const Eigen::MatrixXd>& r, const Eigen::VectorXd& communalities,
                                    const Eigen::VectorXd* previous) {
  Eigen::MatrixXd reduced = r;
  reduced.diagonal() = communalities;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(reduced);
  const Eigen::Index top = reduced.cols() - 1;  // eigenvalues ascend
  Eigen::VectorXd l = std::sqrt(std::max(eigen.eigenvalues()(top), 0.0)) * eigen.eigenvectors().col(top);
  if (previous != nullptr && l.dot(*previous) < 0) l = -l;
  return l;
}

}  // namespace

OneFactorFit minres_one_factor(const Eigen::Ref<const Eigen::MatrixXd>& correlation) {
  OneFactorFit fit;
  const Eigen::Index k = correlation.cols();
  if (k < 2 || !correlation.allFinite()) {
    fit.loadings = Eigen::VectorXd::Constant(k, kNaN);
    fit.offdiag_ssr = kNaN;
    return fit;
  }
  if (k == 2) {
    const double r12 = correlation(1, 0);
    fit.loadings.resize(2);
    fit.loadings << std::sqrt(std::abs(r12)), std::copysign(std::sqrt(std::abs(r12)), r12);
    fit.converged = true;
    return fit;
  }

  // Principal-axis steps from the smc get close to the optimum with the
  // right signs; Newton steps then converge quadratically, where the
  // principal-axis iteration alone converges only linearly (sometimes slowly).
  Eigen::VectorXd l = principal_axis_step(correlation, squared_multiple_correlations(correlation).smc, nullptr);
  for (int step = 0; step < 20; ++step) {
    const Eigen::VectorXd next = principal_axis_step(correlation, l.cwiseAbs2(), &l);
    const double change = (next - l).cwiseAbs().maxCoeff();
    l = next;
    ++fit.iterations;
    if (change < 1e-4) break;
  }

  double objective = offdiag_ssr(correlation, l);
  for (int step = 0; step < 200; ++step) {
    ++fit.iterations;
    // f(L) = sum_{i<j} (r_ij - L_i L_j)^2
    // df/dL_i = -2 sum_{j != i} (r_ij - L_i L_j) L_j
    // d2f/dL_i^2 = 2 sum_{j != i} L_j^2; d2f/dL_i dL_j = 4 L_i L_j - 2 r_ij
    Eigen::MatrixXd residual = correlation - l * l.transpose();
    residual.diagonal().setZero();
    const Eigen::VectorXd gradient = -2 * (residual * l);
    if (gradient.cwiseAbs().maxCoeff() < 1e-15) break;
    Eigen::MatrixXd hessian = 4 * l * l.transpose() - 2 * correlation;
    hessian.diagonal() = 2 * (Eigen::VectorXd::Constant(k, l.squaredNorm()) - l.cwiseAbs2());
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(hessian);
    Eigen::VectorXd direction = ldlt.solve(-gradient);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || !(gradient.dot(direction) < 0)) {
      direction = principal_axis_step(correlation, l.cwiseAbs2(), &l) - l;  // fall back to a safe step
    }
    double t = 1;
    Eigen::VectorXd candidate = l + direction;
    double candidate_objective = offdiag_ssr(correlation, candidate);
    // Near the optimum a step lowers the objective by about |gradient|^2,
    // less than the objective's own rounding error: the objective cannot
    // tell the better point there, the gradient can. Without this the fit
    // stalled at gradients of ~1e-10 on some data, depending on the last
    // bits of R.
    const bool flat = std::abs(candidate_objective - objective) <= kFlatObjective * objective;
    const bool closer = flat && gradient_norm(correlation, candidate) < gradient.cwiseAbs().maxCoeff();
    while (!closer && candidate_objective > objective && t > 1e-12) {
      t /= 2;
      candidate = l + t * direction;
      candidate_objective = offdiag_ssr(correlation, candidate);
    }
    if (!closer && candidate_objective > objective) break;  // no progress left at this precision
    const double change = (candidate - l).cwiseAbs().maxCoeff();
    l = candidate;
    objective = candidate_objective;
    if (change < 1e-16) break;
  }
  fit.converged = gradient_norm(correlation, l) < 1e-10;

  // Heywood case: psych bounds the uniquenesses 1 - L^2 below at 0.005, and
  // its optimiser follows the gradient L_i^2 + psi_i - 1, so it heads for
  // the principal-axis fixed point with communalities capped at 0.995.
  if (l.cwiseAbs2().maxCoeff() > kMaxCommunality) {
    fit.heywood = true;
    fit.converged = false;
    for (int step = 0; step < 20000; ++step) {
      ++fit.iterations;
      const Eigen::VectorXd next = principal_axis_step(correlation, l.cwiseAbs2().cwiseMin(kMaxCommunality), &l);
      const double change = (next - l).cwiseAbs().maxCoeff();
      l = next;
      if (change < 1e-14) {
        fit.converged = true;
        break;
      }
    }
    objective = offdiag_ssr(correlation, l);
  }
  if (l.sum() < 0) l = -l;
  fit.loadings = l;
  fit.offdiag_ssr = objective;
  return fit;
}

OmegaTotal omega_total_one_factor(const Eigen::Ref<const Eigen::MatrixXd>& correlation) {
  OmegaTotal out;
  out.fit = minres_one_factor(correlation);
  const Eigen::VectorXd& l = out.fit.loadings;
  const Eigen::Index k = correlation.cols();
  if (!l.allFinite()) {
    out.omega_total = kNaN;
    out.omega_total_unflipped = kNaN;
    out.loadings = l;
    return out;
  }
  const double uniqueness = (Eigen::VectorXd::Ones(k) - l.cwiseAbs2()).sum();
  const double sum_r = correlation.sum();
  out.omega_total_unflipped = (sum_r - uniqueness) / sum_r;

  Eigen::VectorXd sign = Eigen::VectorXd::Ones(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    if (l(i) < 0) {
      sign(i) = -1;
      out.flipped.push_back(i);
    }
  }
  const double sum_flipped = sign.dot(correlation * sign);
  out.omega_total = (sum_flipped - uniqueness) / sum_flipped;
  out.loadings = l.cwiseAbs();
  out.heywood = out.fit.heywood;
  return out;
}

}  // namespace psyscore::detail
