// Pre/post change of one group measured twice (e.g. a Balint group before
// and after a year), per subscale.
//
// Respondents of the two waves are paired by id; ids found in one wave only
// are listed, never guessed at. For every subscale psyscore reports the
// paired t test and Wilcoxon's signed-rank test as R 4.2 computes them
// (t.test / wilcox.test(post, pre, paired = TRUE)), standardized effect
// sizes, the reliable change index per participant (Jacobson-Truax, or any
// method of the R package clinicalsignificance, with its recovered / harmed
// categories when clinical significance is asked for), the
// pre x post band transitions with McNemar's or Bowker's test, and Holm
// adjusted p values across the subscales of the request. `difference` is
// always post - pre. The formulas and every choice where R or the literature
// leaves room are in docs/statistics.md ("Change and comparison").
//
//   psyscore::ChangeOptions options;
//   options.rci_reliability = psyscore::RciFromPublished{};
//   auto report = psyscore::change(*instrument, pre_wave, post_wave, options);
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_change_result(*instrument, *report);
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/rci_method.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/statistic.hpp"

namespace psyscore {

// Where the reliability of the reliable change index comes from.
// The raw Cronbach alpha of the matched pairs' pre-wave answers to the
// subscale's items (pairwise covariances, as psych::alpha).
struct RciFromSample {};
// The subscale's `published_reliability` in the instrument definition.
struct RciFromPublished {};
// Values given by the caller, by subscale id, each in (0, 1).
using RciFromCaller = std::map<std::string, double, std::less<>>;
using RciReliability = std::variant<RciFromSample, RciFromPublished, RciFromCaller>;

// Jacobson & Truax's clinically significant change: whether a participant's
// post score has crossed a cut-off between the dysfunctional and the
// functional population. The dysfunctional population is the matched
// pre-wave sample; the functional one is the subscale's `norms`.
enum class CutoffCriterion {
  a,  // beyond dysfunctional mean + multiplier * SD, in the better direction
  b,  // within functional mean + multiplier * SD (needs norms)
  c,  // (sd_f * mean_d + sd_d * mean_f) / (sd_d + sd_f) (needs norms)
};
std::string_view to_string(CutoffCriterion criterion);

// Which SD describes the functional population in criteria b and c.
enum class FunctionalSd {
  norms,   // the norms' own SD (Jacobson & Truax 1991)
  sample,  // the pre-wave SD, for norms whose SD is not comparable (equal-SD variant)
};
std::string_view to_string(FunctionalSd sd);

struct ClinicalSignificanceOptions {
  // Default: nullopt, meaning c where the subscale has norms and a otherwise.
  std::optional<CutoffCriterion> criterion;
  // Width of criteria a and b in SDs. Default: 2 (Jacobson & Truax's "two
  // standard deviations"); 1.96 is the other published choice.
  double sd_multiplier = 2.0;
  // Default: FunctionalSd::norms.
  FunctionalSd functional_sd = FunctionalSd::norms;
};

struct ChangeOptions {
  // Level of the paired-t confidence interval, in (0, 1). Default: 0.95.
  double ci_level = 0.95;
  // Default: RciFromSample (the matched pre wave's raw alpha).
  RciReliability rci_reliability = RciFromSample{};
  // |rci| above this (strictly) is a reliable change. Default: nullopt,
  // meaning default_rci_criterion(rci_method).
  std::optional<double> rci_criterion;
  // Default: RciMethod::jt.
  RciMethod rci_method = RciMethod::jt;
  // The post wave's reliability, for nk only (required there): RciFromSample
  // is the raw alpha of the matched post wave's answers. Default: nullopt.
  std::optional<RciReliability> reliability_post;
  // Subscale ids to analyse, in this order. Default: empty, meaning every
  // subscale in definition order.
  std::vector<std::string> subscales;
  // Default: nullopt (not computed).
  std::optional<ClinicalSignificanceOptions> clinical_significance;
};

struct MeanSd {
  Statistic mean;
  Statistic sd;
};

// R: t.test(post, pre, paired = TRUE, conf.level = ci_level).
struct PairedT {
  double t = 0;
  double df = 0;
  double p = 0;
  double ci_lower = 0;
  double ci_upper = 0;
};

// R 4.2: wilcox.test(post, pre, paired = TRUE).
struct SignedRank {
  double v = 0;        // sum of the ranks of |d| over the positive d
  Statistic p;         // nullopt when every difference is 0
  bool exact = false;  // "exact" or "normal" (continuity and tie corrected)
  std::size_t n = 0;   // non-zero differences
};

// Each carries the sign of the mean difference (post - pre).
struct EffectSizes {
  Statistic d_z;   // mean(d) / sd(d)
  Statistic d_av;  // mean(d) / sqrt((var(pre) + var(post)) / 2)
  Statistic d_rm;  // mean(d) sqrt(2 (1 - r)) / sd(d)
  Statistic g_z;   // J(n - 1) d_z, J the exact Hedges correction
  Statistic g_av;  // J(n - 1) d_av
  Statistic r_pre_post;
};

enum class ChangeCategory { improved, unchanged, deteriorated };
std::string_view to_string(ChangeCategory category);

// Clinically significant change (clinicalsignificance's cs_combined), per
// participant: recovered (reliably improved, on the clinical side of the
// cut-off before and beyond it after), improved, unchanged, deteriorated, and
// harmed (reliably deteriorated, neither clinical before nor functional after).
enum class ClinicalCategory { recovered, improved, unchanged, deteriorated, harmed };
std::string_view to_string(ClinicalCategory category);

struct RciParticipant {
  std::string id;
  double pre = 0;
  double post = 0;
  double difference = 0;  // post - pre
  double rci = 0;         // the method's index (jt: difference / s_diff)
  ChangeCategory category = ChangeCategory::unchanged;
  // Set when clinical significance was asked for. crossed_cutoff: clinical
  // before and functional after.
  std::optional<bool> crossed_cutoff;
  std::optional<ClinicalCategory> clinical_category;
  // ha with clinical significance: the post score's distance beyond the
  // cut-off in standard errors (the package's cs_indiv).
  std::optional<double> cs_indiv;
};

enum class ReliabilitySource { sample, published, caller };
std::string_view to_string(ReliabilitySource source);

struct Population {
  double mean = 0;
  double sd = 0;
};

struct ClinicalSignificance {
  CutoffCriterion criterion = CutoffCriterion::a;
  double cutoff = 0;
  double sd_multiplier = 2;
  FunctionalSd functional_sd = FunctionalSd::norms;
  Population dysfunctional;              // the matched pre wave
  std::optional<Population> functional;  // norms (with the pre SD for FunctionalSd::sample); nullopt for a
  std::size_t recovered = 0;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
  std::size_t harmed = 0;
  // ha only: Hageman & Arrindell's "true" cut-off uses each population's
  // reliability (sd^2 - SE_m^2) / sd^2; and the package's group-level shares
  // of the group that changed reliably and that ends beyond the cut-off.
  Statistic reliability_clinical;
  Statistic reliability_functional;
  Statistic reliability_post;
  Statistic group_changed;
  Statistic group_functional;
};

struct ReliableChange {
  RciMethod method = RciMethod::jt;
  double reliability = 0;
  ReliabilitySource reliability_source = ReliabilitySource::sample;
  std::size_t reliability_n = 0;  // respondents behind a sample alpha (0 otherwise)
  // nk only: the post wave's reliability and where it came from.
  std::optional<double> reliability_post;
  ReliabilitySource reliability_post_source = ReliabilitySource::sample;
  double sd_pre = 0;  // SD of the matched pre scores
  double s_diff = 0;  // sqrt(2) sd_pre sqrt(1 - reliability)
  // The method's denominator: s_diff (jt), the standard error of prediction
  // sd_pre sqrt(1 - r^2) (gln, hll), SE_m = sd_pre sqrt(1 - r) (en), the nk
  // denominator, sqrt(r_dd) s_diff (ha).
  double standard_error = 0;
  Statistic r_dd;  // ha: the reliability of the differences
  double criterion = 1.96;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
  std::vector<RciParticipant> participants;  // in the pre wave's order
  std::optional<ClinicalSignificance> clinical_significance;
};

// McNemar's (2 bands) or Bowker's (more) test of symmetry, as mcnemar.test,
// except that pairs of bands nobody moved between are left out of the sum
// and df instead of making everything NaN.
struct SymmetryTestResult {
  Statistic statistic;  // nullopt when no pair of bands is informative
  std::size_t df = 0;
  Statistic p;
  bool continuity_corrected = false;
  std::vector<std::pair<std::string, std::string>> pairs_left_out;  // band labels
};

struct BandTransitions {
  std::vector<std::string> labels;                    // the subscale's bands, in order
  std::vector<std::vector<std::size_t>> transitions;  // [pre band][post band] counts
  std::size_t left_out = 0;                           // pairs with a null pre or post band
  SymmetryTestResult test;
};

// Test-retest agreement of the matched pre and post scores (psych::ICC):
// ICC2 (two-way random, absolute agreement, single score) and ICC3 (two-way
// mixed, consistency). A real change between the waves lowers them: read
// them as stability, not as the reliability of the instrument.
struct IccEstimate {
  Statistic icc;
  Statistic f;
  Statistic df1;
  Statistic df2;
  Statistic p;
  Statistic lower;
  Statistic upper;
};
struct TestRetest {
  IccEstimate agreement;    // ICC2
  IccEstimate consistency;  // ICC3
};

struct SubscaleChange {
  std::string id;
  std::size_t n_pairs = 0;  // matched respondents with a score in both waves
  MeanSd pre;
  MeanSd post;
  MeanSd difference;
  std::optional<PairedT> paired_t;  // nullopt: fewer than 2 pairs or constant differences
  std::optional<SignedRank> wilcoxon;
  std::optional<EffectSizes> effect_sizes;
  std::optional<ReliableChange> rci;     // nullopt: see warnings
  std::optional<BandTransitions> bands;  // nullopt: the subscale has no bands
  std::optional<TestRetest> icc;         // nullopt: fewer than 2 pairs
  Statistic paired_t_p_holm;             // Holm across the subscales of the report
  Statistic wilcoxon_p_holm;
  std::vector<std::string> warnings;
};

struct ChangeReport {
  double ci_level = 0.95;
  std::size_t pre_respondents = 0;
  std::size_t post_respondents = 0;
  std::size_t matched = 0;              // ids in both waves
  std::size_t excluded_for_errors = 0;  // matched, but with answer errors in a wave
  std::vector<std::string> pre_only;    // ids in the pre wave only, in its order
  std::vector<std::string> post_only;   // ids in the post wave only, in its order
  std::vector<SubscaleChange> subscales;
  std::vector<std::string> warnings;  // about the request as a whole
};

// Compares two waves of `instrument` (each decoded for it). Respondents are
// paired by id; a respondent with answer errors in either wave is left out
// (a warning gives the count). Per subscale only the pairs with a score in
// both waves count. A subscale whose statistics are not defined (fewer than 2
// pairs, differences that do not vary, a missing reliability for the sample
// RCI) keeps the numbers that are defined, nullopt for the rest, and says why
// in its `warnings`.
//
// Errors (ErrorCode::invalid, one Problem per cause, with a JSON pointer into
// the options where one applies): ci_level outside (0, 1); rci_criterion not
// a positive number; an unknown subscale id; a caller reliability for an
// unknown subscale, missing for a requested one, or outside (0, 1);
// "published" for a subscale without published_reliability; a clinical
// significance criterion b or c for a subscale without norms; rci_method nk
// without reliability_post (/reliability_post, "missing_reliability_post"),
// or reliability_post with another method; a wave that was
// not decoded for this instrument or repeats an id; fewer than 2 usable
// matched respondents; no subscale with 2 complete pairs.
// Thread-safe: no shared state.
Result<ChangeReport> change(const Instrument& instrument, const ResponseMatrix& pre, const ResponseMatrix& post,
                            const ChangeOptions& options = {});

}  // namespace psyscore
