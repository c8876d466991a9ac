#include "scoring/psych/icc.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/fisher_f.hpp>

#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

using FisherF = boost::math::fisher_f_distribution<double, detail::MathPolicy>;

// NaN for undefined degrees of freedom (e.g. no variance at all).
double f_quantile(double probability, double df1, double df2) {
  return boost::math::quantile(FisherF(df1, df2), probability);
}

double f_upper_tail(double f, double df1, double df2) {
  return boost::math::cdf(boost::math::complement(FisherF(df1, df2), f));
}

}  // namespace

IccMeanSquares icc_mean_squares(const Eigen::Ref<const Eigen::MatrixXd>& ratings) {
  const Eigen::Index rows = ratings.rows();
  const Eigen::Index cols = ratings.cols();
  IccMeanSquares ms;
  if (rows < 2 || cols < 2 || ratings.hasNaN()) {
    ms.msb = ms.msj = ms.mse = ms.msw = kNaN;
    return ms;
  }
  const double n = static_cast<double>(rows);
  const double k = static_cast<double>(cols);
  const double grand = ratings.mean();
  const Eigen::VectorXd row_means = ratings.rowwise().mean();
  const Eigen::RowVectorXd col_means = ratings.colwise().mean();
  const double ss_subjects = k * (row_means.array() - grand).square().sum();
  const double ss_judges = n * (col_means.array() - grand).square().sum();
  // The residual sum of squares directly, not SST - SSB - SSJ, which cancels.
  double ss_error = 0;
  for (Eigen::Index j = 0; j < cols; ++j) {
    for (Eigen::Index i = 0; i < rows; ++i) {
      const double e = ratings(i, j) - row_means(i) - col_means(j) + grand;
      ss_error += e * e;
    }
  }
  const double df_subjects = n - 1;
  const double df_judges = k - 1;
  const double df_error = (n - 1) * (k - 1);
  ms.msb = ss_subjects / df_subjects;
  ms.msj = ss_judges / df_judges;
  ms.mse = ss_error / df_error;
  ms.msw = (ss_judges + ss_error) / (df_judges + df_error);
  return ms;
}

std::vector<IccRow> intraclass_correlations(const Eigen::Ref<const Eigen::MatrixXd>& ratings, double ci_level) {
  const IccMeanSquares ms = icc_mean_squares(ratings);
  const double n = static_cast<double>(ratings.rows());
  const double nj = static_cast<double>(ratings.cols());
  const double alpha = 1 - ci_level;
  const double msb = ms.msb;
  const double msj = ms.msj;
  const double mse = ms.mse;
  const double msw = ms.msw;

  const double icc1 = (msb - msw) / (msb + (nj - 1) * msw);
  const double icc2 = (msb - mse) / (msb + (nj - 1) * mse + nj * (msj - mse) / n);
  const double icc3 = (msb - mse) / (msb + (nj - 1) * mse);
  const double icc1k = (msb - msw) / msb;
  const double icc2k = (msb - mse) / (msb + (msj - mse) / n);
  const double icc3k = (msb - mse) / msb;

  const double f11 = msb / msw;
  const double df11n = n - 1;
  const double df11d = n * (nj - 1);
  const double p11 = f_upper_tail(f11, df11n, df11d);
  const double f21 = msb / mse;
  const double df21n = n - 1;
  const double df21d = (n - 1) * (nj - 1);
  const double p21 = f_upper_tail(f21, df21n, df21d);

  const double f1l = f11 / f_quantile(1 - alpha / 2, df11n, df11d);
  const double f1u = f11 * f_quantile(1 - alpha / 2, df11d, df11n);
  const double f3l = f21 / f_quantile(1 - alpha / 2, df21n, df21d);
  const double f3u = f21 * f_quantile(1 - alpha / 2, df21d, df21n);

  // ICC2's bounds use Satterthwaite's approximate df (Shrout & Fleiss eq. 13).
  const double fj = msj / mse;
  const double a = n * (1 + (nj - 1) * icc2) - nj * icc2;
  const double vn = (nj - 1) * (n - 1) * std::pow(nj * icc2 * fj + a, 2);
  const double vd = (n - 1) * nj * nj * icc2 * icc2 * fj * fj + a * a;
  const double v = vn / vd;
  const double f2u = f_quantile(1 - alpha / 2, n - 1, v);
  const double f2l = f_quantile(1 - alpha / 2, v, n - 1);
  const double lower2 = n * (msb - f2u * mse) / (f2u * (nj * msj + (nj * n - nj - n) * mse) + n * msb);
  const double upper2 = n * (f2l * msb - mse) / (nj * msj + (nj * n - nj - n) * mse + n * f2l * msb);

  return {
      {"ICC1", icc1, f11, df11n, df11d, p11, (f1l - 1) / (f1l + (nj - 1)), (f1u - 1) / (f1u + nj - 1)},
      {"ICC2", icc2, f21, df21n, df21d, p21, lower2, upper2},
      {"ICC3", icc3, f21, df21n, df21d, p21, (f3l - 1) / (f3l + nj - 1), (f3u - 1) / (f3u + nj - 1)},
      {"ICC1k", icc1k, f11, df11n, df11d, p11, 1 - 1 / f1l, 1 - 1 / f1u},
      {"ICC2k", icc2k, f21, df21n, df21d, p21, lower2 * nj / (1 + lower2 * (nj - 1)),
       upper2 * nj / (1 + upper2 * (nj - 1))},
      {"ICC3k", icc3k, f21, df21n, df21d, p21, 1 - 1 / f3l, 1 - 1 / f3u},
  };
}

}  // namespace psyscore::detail
