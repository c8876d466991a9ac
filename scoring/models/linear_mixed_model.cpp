#include "scoring/models/linear_mixed_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <tuple>
#include <utility>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <nlopt.hpp>

#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// lme4's isSingular() tolerance and lmerTest's eigenvalue tolerance.
constexpr double kSingularTolerance = 1e-4;
constexpr double kHessianTolerance = 1e-8;
constexpr int kNewtonSteps = 8;

// (row, column) of theta's k-th element in Lambda: the lower triangle by columns.
template <int Q>
constexpr std::pair<int, int> theta_position(int k) {
  int index = 0;
  for (int column = 0; column < Q; ++column)
    for (int row = column; row < Q; ++row) {
      if (index == k) return {row, column};
      ++index;
    }
  return {0, 0};
}

template <int Q>
using Square = Eigen::Matrix<double, Q, Q>;

template <int Q>
Square<Q> lambda_of(const double* theta) {
  Square<Q> lambda = Square<Q>::Zero();
  for (int k = 0; k < Q * (Q + 1) / 2; ++k) {
    const auto [row, column] = theta_position<Q>(k);
    lambda(row, column) = theta[k];
  }
  return lambda;
}

// The data reduced to what the REML criterion needs: per respondent Z_i'Z_i
// (q x q) and Z_i'[X_i y_i] (q x (p + 1)), and [X y]'[X y].
template <int Q>
class Reml {
 public:
  explicit Reml(const MixedModelData& data)
      : n_(data.x.rows()),
        p_(data.x.cols()),
        groups_(data.groups),
        ztz_(Q * Q, data.groups),
        ztxy_(Q * (data.x.cols() + 1), data.groups),
        cross_(data.x.cols() + 1, data.x.cols() + 1),
        work_(data.x.cols() + 1, data.x.cols() + 1),
        w_(Q, data.x.cols() + 1),
        llt_(data.x.cols() + 1) {
    const Eigen::Index width = p_ + 1;
    ztz_.setZero();
    ztxy_.setZero();
    Eigen::MatrixXd xy(n_, width);
    xy.leftCols(p_) = data.x;
    xy.col(p_) = data.y;
    cross_.setZero();
    cross_.selfadjointView<Eigen::Lower>().rankUpdate(xy.transpose());
    for (Eigen::Index row = 0; row < n_; ++row) {
      const Eigen::Index g = data.group[static_cast<std::size_t>(row)];
      double* ztz = ztz_.col(g).data();
      double* ztxy = ztxy_.col(g).data();
      for (int a = 0; a < Q; ++a) {
        const double za = data.z(row, a);
        for (int b = 0; b < Q; ++b) ztz[a + Q * b] += za * data.z(row, b);
        for (Eigen::Index c = 0; c < width; ++c) ztxy[a + Q * c] += za * xy(row, c);
      }
    }
  }

  Eigen::Index n() const { return n_; }
  Eigen::Index p() const { return p_; }

  // lme4's profiled REML criterion at theta:
  //   log|L_theta|^2 + log|R_X|^2 + (n - p) (1 + log(2 pi r^2 / (n - p))),
  // with |L_theta|^2 = prod_i det(Lambda' Z_i'Z_i Lambda + I), R_X the
  // Cholesky factor of X'V^-1 X and r^2 the penalised residual sum of squares.
  // No allocation: the scratch matrices are members.
  double criterion(const double* theta) {
    const Square<Q> lambda = lambda_of<Q>(theta);
    const Eigen::Index width = p_ + 1;
    work_ = cross_;
    double log_det_l = 0;
    for (Eigen::Index g = 0; g < groups_; ++g) {
      const Eigen::Map<const Square<Q>> ztz(ztz_.col(g).data());
      const Eigen::Map<const Eigen::Matrix<double, Q, Eigen::Dynamic>> ztxy(ztxy_.col(g).data(), Q, width);
      const Square<Q> m = lambda.transpose() * ztz * lambda + Square<Q>::Identity();
      const Eigen::LLT<Square<Q>> chol(m);
      const Square<Q> l = chol.matrixL();
      for (int a = 0; a < Q; ++a) log_det_l += 2 * std::log(l(a, a));
      // w = L^-1 Lambda' Z_i'[X_i y_i], by forward substitution, column by column.
      for (Eigen::Index c = 0; c < width; ++c) {
        for (int a = 0; a < Q; ++a) {
          double value = 0;
          for (int b = a; b < Q; ++b) value += lambda(b, a) * ztxy(b, c);
          for (int b = 0; b < a; ++b) value -= l(a, b) * w_(b, c);
          w_(a, c) = value / l(a, a);
        }
      }
      for (Eigen::Index c = 0; c < width; ++c)
        for (Eigen::Index r = c; r < width; ++r) {
          double value = 0;
          for (int a = 0; a < Q; ++a) value += w_(a, r) * w_(a, c);
          work_(r, c) -= value;
        }
    }
    llt_.compute(work_);
    if (llt_.info() != Eigen::Success) return kInfinity;
    double log_det_rx = 0;
    for (Eigen::Index j = 0; j < p_; ++j) log_det_rx += 2 * std::log(llt_.matrixLLT()(j, j));
    const double r = llt_.matrixLLT()(p_, p_);
    const double residual_df = static_cast<double>(n_ - p_);
    if (!(r > 0)) return kInfinity;
    return log_det_l + log_det_rx + residual_df * (1 + std::log(2 * std::numbers::pi * r * r / residual_df));
  }

  // Everything reported, at theta; returns the gradient and the Hessian of the
  // profiled criterion there, for the Newton polish after BOBYQA.
  std::pair<Eigen::VectorXd, Eigen::MatrixXd> finish(const Eigen::VectorXd& theta, MixedModelFit& fit) const;

 private:
  Eigen::Index n_;
  Eigen::Index p_;
  Eigen::Index groups_;
  Eigen::MatrixXd ztz_;
  Eigen::MatrixXd ztxy_;
  Eigen::MatrixXd cross_;
  Eigen::MatrixXd work_;
  Eigen::Matrix<double, Q, Eigen::Dynamic> w_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

// The analytic derivatives lmerTest takes numerically. With V = I + Z Lambda
// Lambda' Z' (block diagonal), P = V^-1 - V^-1 X A^-1 X' V^-1 and A = X'V^-1 X,
// the unprofiled REML deviance is
//   D(theta, sigma) = log|V| + log|A| + y'Py / sigma^2 + (n - p) log(2 pi sigma^2).
// dV/dtheta_k = Z D_k Z' (D_k = E_k Lambda' + Lambda E_k') and
// d2V/dtheta_k dtheta_l = Z D_kl Z' (D_kl = E_k E_l' + E_l E_k'), so
//   dD2/dk dl = tr(P V_kl) - tr(P V_k P V_l) + (2 y'P V_k P V_l P y - y'P V_kl P y) / sigma^2
//   dD2/dk dsigma = 2 y'P V_k P y / sigma^3,  dD2/dsigma2 = 6 y'Py / sigma^4 - 2 (n - p) / sigma^2
// and d vcov_beta / dtheta_k = sigma^2 A^-1 X'V^-1 V_k V^-1 X A^-1, d / dsigma = 2 sigma A^-1.
// Every term reduces to per-respondent q x q and q x p blocks: F_i = Z_i'V_i^-1 Z_i,
// G_i = Z_i'V_i^-1 X_i and h_i = Z_i'V_i^-1 (y_i - X_i beta).
template <int Q>
std::pair<Eigen::VectorXd, Eigen::MatrixXd> Reml<Q>::finish(const Eigen::VectorXd& theta, MixedModelFit& fit) const {
  constexpr int kThetas = Q * (Q + 1) / 2;
  const Square<Q> lambda = lambda_of<Q>(theta.data());
  const Eigen::Index p = p_;
  const Eigen::Index width = p + 1;

  // The Schur complement [X y]' V^-1 [X y], and per respondent K_i = Lambda M_i^-1 Lambda'.
  Eigen::MatrixXd c = cross_.selfadjointView<Eigen::Lower>();
  std::vector<Square<Q>> k_blocks(static_cast<std::size_t>(groups_));
  for (Eigen::Index g = 0; g < groups_; ++g) {
    const Eigen::Map<const Square<Q>> ztz(ztz_.col(g).data());
    const Eigen::Map<const Eigen::Matrix<double, Q, Eigen::Dynamic>> ztxy(ztxy_.col(g).data(), Q, width);
    const Square<Q> m = lambda.transpose() * ztz * lambda + Square<Q>::Identity();
    const Square<Q> k = lambda * m.inverse() * lambda.transpose();
    k_blocks[static_cast<std::size_t>(g)] = k;
    c.noalias() -= ztxy.transpose() * k * ztxy;
  }
  const Eigen::MatrixXd xvx = c.topLeftCorner(p, p);
  const Eigen::LLT<Eigen::MatrixXd> a_llt(xvx);
  const Eigen::MatrixXd a_inverse = a_llt.solve(Eigen::MatrixXd::Identity(p, p));
  const Eigen::VectorXd beta = a_llt.solve(c.col(p).head(p));
  const double r2 = c(p, p) - c.col(p).head(p).dot(beta);
  const double residual_df = static_cast<double>(n_ - p_);
  const double sigma2 = r2 / residual_df;
  const double sigma = std::sqrt(sigma2);

  fit.theta = theta;
  fit.beta = beta;
  fit.sigma = sigma;
  fit.vcov_beta = sigma2 * a_inverse;
  // Element by element: GCC 12 at -O3 misreads Eigen's vectorised copy of a
  // 1 x 1 fixed-size matrix into a dynamic one as an out-of-bounds read.
  const Square<Q> covariance = sigma2 * lambda * lambda.transpose();
  fit.random_covariance.resize(Q, Q);
  for (int a = 0; a < Q; ++a)
    for (int b = 0; b < Q; ++b) fit.random_covariance(a, b) = covariance(a, b);
  fit.q = Q;

  // D_k and D_kl.
  std::array<Square<Q>, kThetas> d;
  std::array<std::array<Square<Q>, kThetas>, kThetas> d2;
  for (int k = 0; k < kThetas; ++k) {
    Square<Q> e = Square<Q>::Zero();
    const auto [row, column] = theta_position<Q>(k);
    e(row, column) = 1;
    d[static_cast<std::size_t>(k)] = e * lambda.transpose() + lambda * e.transpose();
  }
  for (int k = 0; k < kThetas; ++k)
    for (int l = 0; l < kThetas; ++l) {
      Square<Q> ek = Square<Q>::Zero();
      Square<Q> el = Square<Q>::Zero();
      const auto [rk, ck] = theta_position<Q>(k);
      const auto [rl, cl] = theta_position<Q>(l);
      ek(rk, ck) = 1;
      el(rl, cl) = 1;
      d2[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)] = ek * el.transpose() + el * ek.transpose();
    }

  Eigen::Matrix<double, kThetas, kThetas> tr_p_vkl = Eigen::Matrix<double, kThetas, kThetas>::Zero();
  Eigen::Matrix<double, kThetas, kThetas> tr_pvk_pvl = Eigen::Matrix<double, kThetas, kThetas>::Zero();
  Eigen::Matrix<double, kThetas, kThetas> y_pvk_f_vl_py = Eigen::Matrix<double, kThetas, kThetas>::Zero();
  Eigen::Matrix<double, kThetas, kThetas> y_pvkl_py = Eigen::Matrix<double, kThetas, kThetas>::Zero();
  Eigen::Matrix<double, kThetas, 1> s = Eigen::Matrix<double, kThetas, 1>::Zero();
  Eigen::Matrix<double, kThetas, 1> tr_p_vk = Eigen::Matrix<double, kThetas, 1>::Zero();
  std::vector<Eigen::MatrixXd> t(kThetas, Eigen::MatrixXd::Zero(p, p));
  std::vector<Eigen::VectorXd> u(kThetas, Eigen::VectorXd::Zero(p));

  fit.random_effects.resize(groups_, Q);
  fit.random_effects_sd.resize(groups_, Q);
  Eigen::Matrix<double, Q, Eigen::Dynamic> g_block(Q, p);
  for (Eigen::Index g = 0; g < groups_; ++g) {
    const Eigen::Map<const Square<Q>> ztz(ztz_.col(g).data());
    const Eigen::Map<const Eigen::Matrix<double, Q, Eigen::Dynamic>> ztxy(ztxy_.col(g).data(), Q, width);
    const Square<Q>& k = k_blocks[static_cast<std::size_t>(g)];
    const Square<Q> ztz_k = ztz * k;
    const Square<Q> f = ztz - ztz_k * ztz;
    g_block.noalias() = ztxy.leftCols(p) - ztz_k * ztxy.leftCols(p);
    const Eigen::Matrix<double, Q, 1> residual = ztxy.col(p) - ztxy.leftCols(p) * beta;  // Z_i'(y_i - X_i beta)
    const Eigen::Matrix<double, Q, 1> h = residual - ztz_k * residual;
    const Square<Q> kg = g_block * a_inverse * g_block.transpose();
    const Square<Q> p_block = f - kg;  // Z_i' P_ii Z_i

    const Eigen::Matrix<double, Q, 1> mode = k * residual;
    for (int a = 0; a < Q; ++a) {
      fit.random_effects(g, a) = mode(a);
      fit.random_effects_sd(g, a) = std::sqrt(sigma2 * k(a, a));
    }

    for (int a = 0; a < kThetas; ++a) {
      const Square<Q>& da = d[static_cast<std::size_t>(a)];
      s(a) += h.dot(da * h);
      tr_p_vk(a) += (p_block * da).trace();
      t[static_cast<std::size_t>(a)].noalias() += g_block.transpose() * da * g_block;
      u[static_cast<std::size_t>(a)].noalias() += g_block.transpose() * (da * h);
      for (int b = 0; b < kThetas; ++b) {
        const Square<Q>& db = d[static_cast<std::size_t>(b)];
        const Square<Q>& dab = d2[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
        tr_p_vkl(a, b) += (p_block * dab).trace();
        tr_pvk_pvl(a, b) += (f * da * f * db).trace() - (f * da * kg * db).trace() - (kg * da * f * db).trace();
        y_pvk_f_vl_py(a, b) += h.dot(da * f * db * h);
        y_pvkl_py(a, b) += h.dot(dab * h);
      }
    }
  }

  const Eigen::Index varpars = kThetas + 1;
  Eigen::MatrixXd hessian(varpars, varpars);
  for (int a = 0; a < kThetas; ++a) {
    const Eigen::MatrixXd at = a_inverse * t[static_cast<std::size_t>(a)];
    for (int b = 0; b < kThetas; ++b) {
      const Eigen::MatrixXd bt = a_inverse * t[static_cast<std::size_t>(b)];
      const double trace = tr_pvk_pvl(a, b) + (at * bt).trace();
      const double y_pvk_pvl_py =
          y_pvk_f_vl_py(a, b) - u[static_cast<std::size_t>(a)].dot(a_inverse * u[static_cast<std::size_t>(b)]);
      hessian(a, b) = tr_p_vkl(a, b) - trace + (2 * y_pvk_pvl_py - y_pvkl_py(a, b)) / sigma2;
    }
    hessian(a, kThetas) = hessian(kThetas, a) = 2 * s(a) / (sigma2 * sigma);
  }
  hessian(kThetas, kThetas) = 6 * r2 / (sigma2 * sigma2) - 2 * residual_df / sigma2;
  hessian = (0.5 * (hessian + hessian.transpose())).eval();

  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(hessian);
  Eigen::MatrixXd pseudo_inverse = Eigen::MatrixXd::Zero(varpars, varpars);
  fit.hessian_negative = false;
  for (Eigen::Index i = 0; i < varpars; ++i) {
    const double value = eigen.eigenvalues()(i);
    if (value < -kHessianTolerance) fit.hessian_negative = true;
    if (value > kHessianTolerance)
      pseudo_inverse.noalias() += eigen.eigenvectors().col(i) * eigen.eigenvectors().col(i).transpose() / value;
  }
  fit.vcov_varpar = 2 * pseudo_inverse;

  fit.vcov_beta_jacobian.clear();
  for (int a = 0; a < kThetas; ++a)
    fit.vcov_beta_jacobian.push_back(sigma2 * a_inverse * t[static_cast<std::size_t>(a)] * a_inverse);
  fit.vcov_beta_jacobian.push_back(2 * sigma * a_inverse);

  fit.singular = false;
  for (int k = 0; k < kThetas; ++k) {
    const auto [row, column] = theta_position<Q>(k);
    if (row == column && theta(k) < kSingularTolerance) fit.singular = true;
  }

  // The profiled criterion: sigma at its optimum for theta, so its gradient is
  // dD/dtheta and its Hessian H_tt - H_ts H_ss^-1 H_st.
  Eigen::VectorXd gradient(kThetas);
  for (int a = 0; a < kThetas; ++a) gradient(a) = tr_p_vk(a) - s(a) / sigma2;
  const Eigen::VectorXd cross = hessian.col(kThetas).head(kThetas);
  const Eigen::MatrixXd profiled =
      hessian.topLeftCorner(kThetas, kThetas) - cross * cross.transpose() / hessian(kThetas, kThetas);
  return {gradient, profiled};
}

// What the optimiser's objective reaches through its void pointer.
template <int Q>
struct Evaluations {
  Reml<Q>* reml = nullptr;
  int count = 0;
  const Deadline* deadline = nullptr;
};

template <int Q>
double objective(unsigned n, const double* x, double* gradient, void* data) {
  (void)n;
  (void)gradient;  // BOBYQA is derivative-free
  auto& evaluations = *static_cast<Evaluations<Q>*>(data);
  // NLopt's C++ wrapper stops the optimisation on this exception and throws
  // it again from optimize(), where fit_with() catches it.
  if (evaluations.deadline->passed()) throw nlopt::forced_stop();
  ++evaluations.count;
  return evaluations.reml->criterion(x);
}

// Why the data cannot be fitted, or nothing when they can.
std::optional<MixedModelFailure> check(const MixedModelData& data) {
  const Eigen::Index n = data.x.rows();
  const Eigen::Index q = data.z.cols();
  if (q != 1 && q != 2) return MixedModelFailure::unsupported;
  if (data.z.rows() != n || data.y.size() != n || static_cast<Eigen::Index>(data.group.size()) != n || data.groups < 1)
    return MixedModelFailure::unsupported;
  for (const Eigen::Index g : data.group)
    if (g < 0 || g >= data.groups) return MixedModelFailure::unsupported;
  if (!data.x.allFinite() || !data.z.allFinite() || !data.y.allFinite()) return MixedModelFailure::unsupported;
  if (n <= data.x.cols() || data.groups >= n || n <= q * data.groups) return MixedModelFailure::too_few_observations;
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(data.x);
  if (qr.rank() < data.x.cols()) return MixedModelFailure::rank_deficient;
  return std::nullopt;
}

template <int Q>
std::expected<MixedModelFit, MixedModelFailure> fit_with(const MixedModelData& data, const MixedModelOptions& options) {
  constexpr int kThetas = Q * (Q + 1) / 2;
  Reml<Q> reml(data);
  Evaluations<Q> context{.reml = &reml, .count = 0, .deadline = &options.deadline};

  // lme4's start: Lambda = I.
  std::vector<double> x(kThetas, 0.0);
  std::vector<double> lower(kThetas, -HUGE_VAL);
  for (int k = 0; k < kThetas; ++k) {
    const auto [row, column] = theta_position<Q>(k);
    if (row == column) {
      x[static_cast<std::size_t>(k)] = 1;
      lower[static_cast<std::size_t>(k)] = 0;
    }
  }
  double best = kInfinity;
  try {
    nlopt::opt optimiser(nlopt::LN_BOBYQA, kThetas);
    optimiser.set_lower_bounds(lower);
    optimiser.set_min_objective(&objective<Q>, &context);
    optimiser.set_xtol_abs(options.theta_tolerance);
    optimiser.set_maxeval(options.max_evaluations);
    optimiser.optimize(x, best);
  } catch (const nlopt::roundoff_limited&) {
    // NLopt hands back the best point found; it is usable.
    best = reml.criterion(x.data());
  } catch (const nlopt::forced_stop&) {
    return std::unexpected(MixedModelFailure::deadline_exceeded);
  } catch (const std::exception&) {
    return std::unexpected(MixedModelFailure::optimiser_failed);
  }
  if (!std::isfinite(best)) return std::unexpected(MixedModelFailure::optimiser_failed);

  MixedModelFit fit;
  fit.n_obs = data.x.rows();
  fit.n_groups = data.groups;
  fit.evaluations = context.count;
  fit.reml_criterion = best;
  fit.log_likelihood = -best / 2;
  Eigen::VectorXd theta = Eigen::Map<const Eigen::VectorXd>(x.data(), kThetas);
  // BOBYQA sees only criterion values, whose rounding (about 1e-13 relative)
  // hides theta's last digits where the criterion is flat: it stops within about
  // 1e-6 of the optimum. A few Newton steps on the analytic gradient and Hessian
  // (parameters at their bound 0 with the gradient pushing outwards held there)
  // reach the optimum to the last digits; a step that raises the criterion is
  // refused.
  auto [gradient, hessian] = reml.finish(theta, fit);
  for (int step = 0; step < kNewtonSteps; ++step) {
    std::vector<Eigen::Index> free;
    for (Eigen::Index k = 0; k < kThetas; ++k)
      if (!(lower[static_cast<std::size_t>(k)] == 0 && theta(k) <= 0 && gradient(k) >= 0)) free.push_back(k);
    if (free.empty()) break;
    const auto m = static_cast<Eigen::Index>(free.size());
    Eigen::MatrixXd h(m, m);
    Eigen::VectorXd g(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      g(i) = gradient(free[static_cast<std::size_t>(i)]);
      for (Eigen::Index j = 0; j < m; ++j)
        h(i, j) = hessian(free[static_cast<std::size_t>(i)], free[static_cast<std::size_t>(j)]);
    }
    const Eigen::LLT<Eigen::MatrixXd> chol(h);
    if (chol.info() != Eigen::Success) break;  // not locally convex: keep BOBYQA's point
    const Eigen::VectorXd delta = chol.solve(g);
    Eigen::VectorXd candidate = theta;
    for (Eigen::Index i = 0; i < m; ++i) {
      const Eigen::Index k = free[static_cast<std::size_t>(i)];
      candidate(k) = std::max(theta(k) - delta(i), lower[static_cast<std::size_t>(k)]);
    }
    const double value = reml.criterion(candidate.data());
    if (!(value <= best + 1e-12 * std::abs(best))) break;
    const double moved = (candidate - theta).cwiseAbs().maxCoeff();
    theta = candidate;
    best = std::min(best, value);
    std::tie(gradient, hessian) = reml.finish(theta, fit);
    if (moved < 1e-14) break;
  }
  fit.reml_criterion = reml.criterion(theta.data());
  fit.log_likelihood = -fit.reml_criterion / 2;
  return fit;
}

double t_upper_two_sided(double t, double df) {
  if (!std::isfinite(t) || !(df > 0)) return kNaN;
  const boost::math::students_t_distribution<double, MathPolicy> distribution(df);
  return 2 * boost::math::cdf(boost::math::complement(distribution, std::abs(t)));
}

double quadratic_form(const Eigen::VectorXd& v, const Eigen::MatrixXd& m) { return v.dot(m * v); }

}  // namespace

std::string_view to_string(MixedModelFailure failure) {
  switch (failure) {
    case MixedModelFailure::too_few_observations: return "too few observations for the model";
    case MixedModelFailure::rank_deficient: return "the fixed effects are not estimable (rank-deficient design)";
    case MixedModelFailure::unsupported: return "unsupported model";
    case MixedModelFailure::optimiser_failed: return "the REML optimisation failed";
    case MixedModelFailure::deadline_exceeded: return "the deadline passed during the REML optimisation";
  }
  return "unknown";
}

std::expected<MixedModelFit, MixedModelFailure> fit_reml(const MixedModelData& data, const MixedModelOptions& options) {
  if (const auto failure = check(data)) return std::unexpected(*failure);
  if (data.z.cols() == 1) return fit_with<1>(data, options);
  return fit_with<2>(data, options);
}

double reml_criterion(const MixedModelData& data, const Eigen::VectorXd& theta) {
  if (check(data)) return kNaN;
  if (data.z.cols() == 1) {
    if (theta.size() != 1) return kNaN;
    Reml<1> reml(data);
    return reml.criterion(theta.data());
  }
  if (theta.size() != 3) return kNaN;
  Reml<2> reml(data);
  return reml.criterion(theta.data());
}

SatterthwaiteT satterthwaite_t(const MixedModelFit& fit, const Eigen::VectorXd& l) {
  SatterthwaiteT result;
  result.estimate = l.dot(fit.beta);
  const double variance = quadratic_form(l, fit.vcov_beta);
  Eigen::VectorXd gradient(static_cast<Eigen::Index>(fit.vcov_beta_jacobian.size()));
  for (std::size_t k = 0; k < fit.vcov_beta_jacobian.size(); ++k)
    gradient(static_cast<Eigen::Index>(k)) = quadratic_form(l, fit.vcov_beta_jacobian[k]);
  const double denominator = quadratic_form(gradient, fit.vcov_varpar);
  result.se = std::sqrt(variance);
  result.df = 2 * variance * variance / denominator;
  result.t = result.estimate / result.se;
  result.p = t_upper_two_sided(result.t, result.df);
  return result;
}

SatterthwaiteF satterthwaite_f(const MixedModelFit& fit, const Eigen::MatrixXd& l) {
  SatterthwaiteF result;
  if (l.rows() == 0) return result;
  auto from_t = [](const SatterthwaiteT& t) {
    SatterthwaiteF f;
    f.f = t.t * t.t;
    f.num_df = 1;
    f.den_df = t.df;
    const boost::math::fisher_f_distribution<double, MathPolicy> distribution(1, t.df);
    f.p = std::isfinite(f.f) && t.df > 0 ? boost::math::cdf(boost::math::complement(distribution, f.f)) : kNaN;
    return f;
  };
  if (l.rows() == 1) return from_t(satterthwaite_t(fit, l.row(0).transpose()));

  const Eigen::MatrixXd vl = l * fit.vcov_beta * l.transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(vl);
  // R's eigen() orders the eigenvalues decreasingly; Eigen increasingly.
  const Eigen::Index rows = l.rows();
  const double largest = eigen.eigenvalues()(rows - 1);
  const double tolerance = std::max(std::sqrt(std::numeric_limits<double>::epsilon()) * largest, 0.0);
  std::vector<Eigen::Index> kept;
  for (Eigen::Index i = rows - 1; i >= 0; --i)
    if (eigen.eigenvalues()(i) > tolerance) kept.push_back(i);
  const auto q = static_cast<Eigen::Index>(kept.size());
  if (q == 0) return result;
  if (q == 1) return from_t(satterthwaite_t(fit, (eigen.eigenvectors().col(kept[0]).transpose() * l).transpose()));

  double sum_t2 = 0;
  std::vector<double> nu;
  for (const Eigen::Index i : kept) {
    const Eigen::VectorXd direction = (eigen.eigenvectors().col(i).transpose() * l).transpose();
    const double value = eigen.eigenvalues()(i);
    const double estimate = direction.dot(fit.beta);
    sum_t2 += estimate * estimate / value;
    Eigen::VectorXd gradient(static_cast<Eigen::Index>(fit.vcov_beta_jacobian.size()));
    for (std::size_t k = 0; k < fit.vcov_beta_jacobian.size(); ++k)
      gradient(static_cast<Eigen::Index>(k)) = quadratic_form(direction, fit.vcov_beta_jacobian[k]);
    nu.push_back(2 * value * value / quadratic_form(gradient, fit.vcov_varpar));
  }
  result.f = sum_t2 / static_cast<double>(q);
  result.num_df = q;
  bool equal = true;
  for (std::size_t i = 1; i < nu.size(); ++i)
    if (!(std::abs(nu[i] - nu[i - 1]) < 1e-8)) equal = false;
  if (equal) {
    double total = 0;
    for (const double v : nu) total += v;
    result.den_df = total / static_cast<double>(nu.size());
  } else if (std::any_of(nu.begin(), nu.end(), [](double v) { return v <= 2; })) {
    result.den_df = 2;
  } else {
    double e = 0;
    for (const double v : nu) e += v / (v - 2);
    result.den_df = 2 * e / (e - static_cast<double>(q));
  }
  const boost::math::fisher_f_distribution<double, MathPolicy> distribution(static_cast<double>(q), result.den_df);
  result.p = std::isfinite(result.f) ? boost::math::cdf(boost::math::complement(distribution, result.f)) : kNaN;
  return result;
}

Eigen::MatrixXd doolittle_contrasts(const Eigen::MatrixXd& x) {
  constexpr double kEps = 1e-6;
  const Eigen::MatrixXd a = x.transpose() * x;
  const Eigen::Index n = a.rows();
  Eigen::MatrixXd lower = Eigen::MatrixXd::Identity(n, n);
  Eigen::MatrixXd upper = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      upper(i, j) = a(i, j);
      for (Eigen::Index k = 0; k < i; ++k) upper(i, j) -= lower(i, k) * upper(k, j);
    }
    for (Eigen::Index j = i + 1; j < n; ++j) {
      lower(j, i) = a(j, i);
      for (Eigen::Index k = 0; k < i; ++k) lower(j, i) -= lower(j, k) * upper(k, i);
      lower(j, i) = std::abs(upper(i, i)) < kEps ? 0 : lower(j, i) / upper(i, i);
    }
  }
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      if (std::abs(lower(i, j)) < kEps) lower(i, j) = 0;
  return lower.transpose();
}

}  // namespace psyscore::detail
