// Reliable change per participant by the methods the R package
// clinicalsignificance (2.x, Claus et al., J Stat Softw 2024;111(1)) offers
// for two measurements, and its combination with a population cut-off into
// recovered / improved / unchanged / deteriorated / harmed:
//
//   jt   Jacobson & Truax (1991): (post - pre) / (sqrt(2) SE_m),
//        SE_m = sd_pre sqrt(1 - r_xx)
//   gln  Gulliksen, Lord & Novick: ((post - M_pre) - r_xx (pre - M_pre)) / SE_pred,
//        SE_pred = sd_pre sqrt(1 - r_xx^2)
//   hll  Hsu, Lin & Lord: ((post - M_post) - r_xx (pre - M_pre)) / SE_pred
//   en   Edwards & Nunnally (Speer's form): (post - (r_xx (pre - M_pre) + M_pre)) / SE_m
//   nk   Nunnally & Kotsch: as en, over
//        sqrt(r_xx^2 sd_pre^2 (1 - r_xx) + sd_pre^2 (1 - r_yy)), r_yy the post reliability
//   ha   Hageman & Arrindell (1999): ((post - pre) r_dd + (M_post - M_pre)(1 - r_dd)) /
//        (sqrt(r_dd) sqrt(2) SE_m), r_dd the reliability of the differences
//
// Means and SDs are those of the participants given (complete pairs). The
// package judges HA one-sided (critical value qnorm(0.95)) and the others
// two-sided (qnorm(0.975)); the caller passes the criterion. Private to the
// engine.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "psyscore/rci_method.hpp"

namespace psyscore::detail {

enum class ReliableDirection { improved, unchanged, deteriorated };

struct RciParameters {
  double reliability = 0;       // of the pre measurement, in (0, 1)
  double reliability_post = 0;  // nk only, in (0, 1)
  double criterion = 1.96;      // a change strictly beyond it is reliable
  bool higher_is_better = false;
};

struct RciComputation {
  double mean_pre = 0;
  double sd_pre = 0;
  double mean_post = 0;
  double sd_post = 0;
  double r_pre_post = 0;
  // The method's denominator: sqrt(2) SE_m (jt), SE_pred (gln, hll), SE_m (en),
  // the nk denominator, sqrt(r_dd) sqrt(2) SE_m (ha).
  double standard_error = 0;
  double r_dd = 0;  // ha only (NaN otherwise)
  std::vector<double> rci;
  std::vector<ReliableDirection> direction;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
};

// Per-participant RCI and its direction. `pre` and `post` are the complete
// pairs (no NaN), of equal size >= 2. A statistic the data leave undefined
// (an SD of 0, r_dd <= 0 for ha) makes `standard_error` and every rci NaN and
// every participant unchanged; the caller reports why. Thread-safe.
RciComputation reliable_change(RciMethod method, std::span<const double> pre, std::span<const double> post,
                               const RciParameters& parameters);

enum class CutoffType { a, b, c };

enum class ClinicalOutcome { recovered, improved, unchanged, deteriorated, harmed };

struct CutoffParameters {
  CutoffType type = CutoffType::a;
  double sd_multiplier = 2;  // the width of a and b in SDs (the package: 2)
  // The functional population (b and c only).
  double functional_mean = 0;
  double functional_sd = 0;
};

struct ClinicalComputation {
  // The cut-off between the clinical (the pre sample) and the functional
  // population. Jacobson & Truax: a = M_pre + k sd_pre (towards better),
  // b = M_f - k sd_f (towards worse), c = (sd_pre M_f + sd_f M_pre) / (sd_pre + sd_f).
  // ha: the same with each SD times the square root of its population's
  // reliability (Hageman & Arrindell's "true" cut-offs).
  double cutoff = 0;
  // ha only (NaN otherwise): reliabilities (sd^2 - SE_m^2) / sd^2 of the
  // clinical, functional and post populations, and the package's group-level
  // shares of the group that changed reliably and that ends functional.
  double reliability_clinical = 0;
  double reliability_functional = 0;
  double reliability_post = 0;
  double group_changed = 0;
  double group_functional = 0;
  std::vector<bool> clinical_pre;     // pre strictly on the clinical side of the cut-off
  std::vector<bool> functional_post;  // jt..nk: post strictly beyond it; ha: clinical before and
                                      // cs_indiv beyond the criterion
  std::vector<double> cs_indiv;       // ha only: the post score's distance from the cut-off, in SEs
  std::vector<ClinicalOutcome> outcome;
  std::size_t recovered = 0;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
  std::size_t harmed = 0;
};

// cs_combined: recovered = reliably improved, clinical before and functional
// after; harmed = reliably deteriorated, neither clinical before nor
// functional after; otherwise the RCI's direction. `rci` is the result of
// reliable_change() for the same data, method and parameters. Thread-safe.
ClinicalComputation clinical_significance(RciMethod method, const RciComputation& rci, std::span<const double> pre,
                                          std::span<const double> post, const RciParameters& parameters,
                                          const CutoffParameters& cutoff);

}  // namespace psyscore::detail
