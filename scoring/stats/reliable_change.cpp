#include "scoring/stats/reliable_change.hpp"

#include <cassert>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "scoring/stats/descriptives.hpp"
#include "scoring/util/math_policy.hpp"
#include "scoring/util/nan.hpp"

namespace psyscore::detail {

namespace {

double standard_error_of_measurement(double sd, double reliability) { return sd * std::sqrt(1 - reliability); }

// Hageman & Arrindell's reliability of a population with SD `sd` measured
// with the pre sample's standard error of measurement.
double reliability_ha(double sd, double se_measurement) {
  return (sd * sd - se_measurement * se_measurement) / (sd * sd);
}

double normal_cdf(double z) {
  if (std::isnan(z)) return kNaN;
  return boost::math::cdf(boost::math::normal_distribution<double, MathPolicy>(), z);
}

}  // namespace

RciComputation reliable_change(RciMethod method, std::span<const double> pre, std::span<const double> post,
                               const RciParameters& parameters) {
  assert(pre.size() == post.size() && pre.size() >= 2);
  RciComputation result;
  const std::size_t n = pre.size();
  const double r_xx = parameters.reliability;
  // R's mean(), sd() and cor(), as the package calls them.
  result.mean_pre = mean(pre);
  result.mean_post = mean(post);
  result.sd_pre = standard_deviation(pre);
  result.sd_post = standard_deviation(post);
  result.r_pre_post = correlation(pre, post);
  result.r_dd = kNaN;
  const double m_pre = result.mean_pre;
  const double m_post = result.mean_post;
  const double sd_pre = result.sd_pre;
  const double se_measurement = standard_error_of_measurement(sd_pre, r_xx);
  const double se_prediction = sd_pre * std::sqrt(1 - r_xx * r_xx);

  // The numerator of each participant's index; the denominator is shared.
  std::vector<double> numerator(n);
  switch (method) {
    case RciMethod::jt:
      result.standard_error = std::sqrt(2 * se_measurement * se_measurement);
      for (std::size_t i = 0; i < n; ++i) numerator[i] = post[i] - pre[i];
      break;
    case RciMethod::gln:
      result.standard_error = se_prediction;
      for (std::size_t i = 0; i < n; ++i) numerator[i] = (post[i] - m_pre) - r_xx * (pre[i] - m_pre);
      break;
    case RciMethod::hll:
      result.standard_error = se_prediction;
      for (std::size_t i = 0; i < n; ++i) numerator[i] = (post[i] - m_post) - r_xx * (pre[i] - m_pre);
      break;
    case RciMethod::en:
      result.standard_error = se_measurement;
      for (std::size_t i = 0; i < n; ++i) numerator[i] = post[i] - (r_xx * (pre[i] - m_pre) + m_pre);
      break;
    case RciMethod::nk: {
      const double r_yy = parameters.reliability_post;
      result.standard_error = std::sqrt(r_xx * r_xx * sd_pre * sd_pre * (1 - r_xx) + sd_pre * sd_pre * (1 - r_yy));
      for (std::size_t i = 0; i < n; ++i) numerator[i] = post[i] - (r_xx * (pre[i] - m_pre) + m_pre);
      break;
    }
    case RciMethod::ha: {
      const double sd_post = result.sd_post;
      const double r_pre = reliability_ha(sd_pre, se_measurement);
      const double r_post = reliability_ha(sd_post, se_measurement);
      const double r = result.r_pre_post;
      const double r_dd = (sd_pre * sd_pre * r_pre + sd_post * sd_post * r_post - 2 * sd_pre * sd_post * r) /
                          (sd_pre * sd_pre + sd_post * sd_post - 2 * sd_pre * sd_post * r);
      result.r_dd = r_dd;
      result.standard_error = std::sqrt(r_dd) * std::sqrt(2 * se_measurement * se_measurement);
      for (std::size_t i = 0; i < n; ++i) {
        numerator[i] = (post[i] - pre[i]) * r_dd + (m_post - m_pre) * (1 - r_dd);
      }
      break;
    }
  }
  const bool defined = std::isfinite(result.standard_error) && result.standard_error > 0;
  if (!defined) result.standard_error = kNaN;
  const double better = parameters.higher_is_better ? 1.0 : -1.0;
  result.rci.resize(n);
  result.direction.resize(n, ReliableDirection::unchanged);
  for (std::size_t i = 0; i < n; ++i) {
    result.rci[i] = defined ? numerator[i] / result.standard_error : kNaN;
    const double towards_better = better * result.rci[i];
    if (towards_better > parameters.criterion) {
      result.direction[i] = ReliableDirection::improved;
      ++result.improved;
    } else if (towards_better < -parameters.criterion) {
      result.direction[i] = ReliableDirection::deteriorated;
      ++result.deteriorated;
    } else {
      ++result.unchanged;
    }
  }
  return result;
}

ClinicalComputation clinical_significance(RciMethod method, const RciComputation& rci, std::span<const double> pre,
                                          std::span<const double> post, const RciParameters& parameters,
                                          const CutoffParameters& cutoff) {
  assert(pre.size() == post.size() && pre.size() == rci.rci.size());
  const std::size_t n = pre.size();
  const double better = parameters.higher_is_better ? 1.0 : -1.0;
  const double k = cutoff.sd_multiplier;
  const double m_c = rci.mean_pre;
  const double m_f = cutoff.functional_mean;
  ClinicalComputation result;
  result.reliability_clinical = kNaN;
  result.reliability_functional = kNaN;
  result.reliability_post = kNaN;
  result.group_changed = kNaN;
  result.group_functional = kNaN;

  // The SDs that set the cut-off: as observed (jt..nk), or shrunk to the
  // true-score SD by each population's reliability (ha).
  double sd_c = rci.sd_pre;
  double sd_f = cutoff.functional_sd;
  double se_measurement = kNaN;
  if (method == RciMethod::ha) {
    se_measurement = standard_error_of_measurement(rci.sd_pre, parameters.reliability);
    result.reliability_clinical = reliability_ha(rci.sd_pre, se_measurement);
    result.reliability_functional = reliability_ha(cutoff.functional_sd, se_measurement);
    result.reliability_post = reliability_ha(rci.sd_post, se_measurement);
    sd_c *= std::sqrt(result.reliability_clinical);
    sd_f *= std::sqrt(result.reliability_functional);
  }
  switch (cutoff.type) {
    case CutoffType::a: result.cutoff = m_c + better * k * sd_c; break;
    case CutoffType::b: result.cutoff = m_f - better * k * sd_f; break;
    case CutoffType::c: result.cutoff = (sd_c * m_f + sd_f * m_c) / (sd_c + sd_f); break;
  }

  result.clinical_pre.resize(n);
  result.functional_post.resize(n);
  result.outcome.resize(n);
  if (method == RciMethod::ha) result.cs_indiv.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool clinical_pre = better * pre[i] < better * result.cutoff;
    bool functional_post = better * post[i] > better * result.cutoff;
    if (method == RciMethod::ha) {
      const double r_post = result.reliability_post;
      result.cs_indiv[i] =
          (rci.mean_post + (post[i] - rci.mean_post) * r_post - result.cutoff) / (std::sqrt(r_post) * se_measurement);
      functional_post = clinical_pre && better * result.cs_indiv[i] > parameters.criterion;
    }
    result.clinical_pre[i] = clinical_pre;
    result.functional_post[i] = functional_post;
    ClinicalOutcome outcome = ClinicalOutcome::unchanged;
    switch (rci.direction[i]) {
      case ReliableDirection::improved:
        outcome = clinical_pre && functional_post ? ClinicalOutcome::recovered : ClinicalOutcome::improved;
        break;
      case ReliableDirection::deteriorated:
        outcome = !clinical_pre && !functional_post ? ClinicalOutcome::harmed : ClinicalOutcome::deteriorated;
        break;
      case ReliableDirection::unchanged: break;
    }
    result.outcome[i] = outcome;
    switch (outcome) {
      case ClinicalOutcome::recovered: ++result.recovered; break;
      case ClinicalOutcome::improved: ++result.improved; break;
      case ClinicalOutcome::unchanged: ++result.unchanged; break;
      case ClinicalOutcome::deteriorated: ++result.deteriorated; break;
      case ClinicalOutcome::harmed: ++result.harmed; break;
    }
  }

  if (method == RciMethod::ha) {
    // The package's group-level view: the normal-theory share of the group
    // whose true change is beyond 0 and whose true post score is beyond the
    // cut-off, in the better direction.
    std::vector<double> change(n);
    for (std::size_t i = 0; i < n; ++i) change[i] = post[i] - pre[i];
    const double mean_change = mean(change);
    const double sd_change = standard_deviation(change);
    const double z_changed = (0 - mean_change) / (sd_change * std::sqrt(rci.r_dd));
    const double z_functional = (result.cutoff - rci.mean_post) / (rci.sd_post * std::sqrt(result.reliability_post));
    result.group_changed = parameters.higher_is_better ? 1 - normal_cdf(z_changed) : normal_cdf(z_changed);
    result.group_functional = parameters.higher_is_better ? 1 - normal_cdf(z_functional) : normal_cdf(z_functional);
  }
  return result;
}

}  // namespace psyscore::detail

namespace psyscore {

std::string_view to_string(RciMethod method) {
  switch (method) {
    case RciMethod::jt: return "jt";
    case RciMethod::gln: return "gln";
    case RciMethod::hll: return "hll";
    case RciMethod::en: return "en";
    case RciMethod::nk: return "nk";
    case RciMethod::ha: return "ha";
  }
  return "jt";
}

std::optional<RciMethod> rci_method_from(std::string_view name) {
  for (const RciMethod method :
       {RciMethod::jt, RciMethod::gln, RciMethod::hll, RciMethod::en, RciMethod::nk, RciMethod::ha}) {
    if (to_string(method) == name) return method;
  }
  return std::nullopt;
}

double default_rci_criterion(RciMethod method) { return method == RciMethod::ha ? 1.6448536269514722 : 1.96; }

}  // namespace psyscore
