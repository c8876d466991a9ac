// One group measured at more than two waves (e.g. a Balint group at baseline,
// 6 and 10 months), per subscale.
//
// Respondents are paired by id across the waves (given in time order). For
// every subscale psyscore reports each wave's descriptives, Friedman's test
// with Kendall's W on the respondents with a score at every wave, the paired
// Wilcoxon test of every pair of waves with Holm's adjustment, and the linear
// mixed model score ~ wave + (1 | id) by REML, which keeps every observed
// score (respondents who miss a wave stay in), with Satterthwaite df, the
// type III F test of wave, marginal means per wave, the variance components
// and the ICC; optionally the "hlm" reliable change of each respondent (the
// empirical-Bayes slope of score ~ time + (time | id)). Every number agrees
// with R (friedman.test, wilcox.test, lmerTest::lmer, emmeans, lme4::ranef);
// docs/statistics.md ("Waves") has the formulas.
//
//   std::vector<psyscore::NamedWave> waves{{"baseline", &a}, {"6m", &b}, {"10m", &c}};
//   auto report = psyscore::waves(*instrument, waves, {});
//   if (!report) return fail(report.error());
//   std::cout << psyscore::encode_waves_result(*instrument, *report);
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/deadline.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/responses.hpp"

namespace psyscore {

struct NamedWave {
  std::string name;
  const ResponseMatrix* responses = nullptr;  // decoded for the instrument
};

// The reliable change of the R package clinicalsignificance's "HLM" method.
struct WavesClinicalSignificance {
  // Cut-off criterion; nullopt ("auto"): c where the subscale has norms, else a.
  std::optional<CutoffCriterion> criterion;
  double sd_multiplier = 2.0;  // width of criteria a and b in SDs
  FunctionalSd functional_sd = FunctionalSd::norms;
  // |slope / conditional SD| beyond this is reliable. Default: qnorm(0.975),
  // the package's critical value for a 5 % level.
  double rci_criterion = 1.959963984540054;
};

struct WavesOptions {
  // Subscale ids to analyse, in this order. Default: every subscale.
  std::vector<std::string> subscales;
  // Level of the marginal means' intervals, in (0, 1). Default: 0.95.
  double ci_level = 0.95;
  // Default: nullopt (no reliable change).
  std::optional<WavesClinicalSignificance> clinical_significance;
  // Looked at between subscales and by every evaluation of the mixed models'
  // REML criterion; once passed, waves() stops with a "deadline_exceeded"
  // error. Default: none.
  Deadline deadline;
};

struct WaveSummary {
  std::string name;
  std::size_t n = 0;
  Statistic mean;
  Statistic sd;
  Statistic median;
};

// friedman.test on the respondents with a score at every wave.
struct FriedmanResult {
  Statistic statistic;
  std::size_t df = 0;
  Statistic p;
  std::size_t n = 0;
  Statistic kendall_w;  // statistic / (n (k - 1))
};

// wilcox.test(b, a, paired = TRUE) over the respondents with both scores.
struct WavePair {
  std::string a;
  std::string b;
  std::size_t n = 0;  // respondents with a score at both waves
  Statistic v;
  Statistic p;
  bool exact = false;
  Statistic p_holm;  // Holm across the pairs of this subscale
};

struct FixedEffect {
  std::string term;  // "(Intercept)", "wave<name>" (R's names)
  double estimate = 0;
  double se = 0;
  Statistic df;  // Satterthwaite
  Statistic t;
  Statistic p;
};

struct WaveMean {
  std::string wave;
  double estimate = 0;
  double se = 0;
  Statistic df;
  Statistic lower;
  Statistic upper;
};

struct WaveTest {
  Statistic f;
  std::size_t num_df = 0;
  Statistic den_df;
  Statistic p;
};

// lmerTest::lmer(score ~ wave + (1 | id), REML = TRUE).
struct MixedModelResult {
  std::size_t n_obs = 0;
  std::size_t n_respondents = 0;
  double log_likelihood = 0;  // REML
  bool singular = false;
  std::vector<FixedEffect> fixed;
  double respondent_sd = 0;
  double residual_sd = 0;
  Statistic icc;  // respondent variance / (respondent + residual variance)
  WaveTest wave_test;
  std::vector<WaveMean> wave_means;
};

// clinicalsignificance's categories, "harmed" included.
enum class HlmCategory { recovered, improved, unchanged, deteriorated, harmed };
std::string_view to_string(HlmCategory category);

struct HlmParticipant {
  std::string id;
  double slope = 0;  // empirical-Bayes random slope (change per wave)
  double se = 0;     // its conditional SD
  double rci = 0;    // slope / se
  ChangeCategory category = ChangeCategory::unchanged;
  double pre = 0;                      // first observed score
  double post = 0;                     // last observed score
  std::optional<bool> crossed_cutoff;  // pre on the dysfunctional side, post on the functional side
  std::optional<HlmCategory> clinical_category;
};

struct HlmClinicalSignificance {
  CutoffCriterion criterion = CutoffCriterion::a;
  double cutoff = 0;
  double sd_multiplier = 2;
  FunctionalSd functional_sd = FunctionalSd::norms;
  Population dysfunctional;  // first observed scores of the respondents analysed
  std::optional<Population> functional;
  std::size_t recovered = 0;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
  std::size_t harmed = 0;
};

struct HlmChange {
  double criterion = 1.959963984540054;
  std::size_t n = 0;  // respondents with at least 3 scores (the package's rule)
  bool singular = false;
  std::size_t improved = 0;
  std::size_t unchanged = 0;
  std::size_t deteriorated = 0;
  std::vector<HlmParticipant> participants;
  HlmClinicalSignificance clinical_significance;
};

struct SubscaleWaves {
  std::string id;
  std::vector<WaveSummary> waves;
  std::optional<FriedmanResult> friedman;  // nullopt: fewer than 2 complete respondents
  std::vector<WavePair> pairwise_wilcoxon;
  std::optional<MixedModelResult> mixed_model;  // nullopt: see warnings
  std::optional<HlmChange> rci;                 // when asked for and estimable
  std::vector<std::string> warnings;
};

struct WavesReport {
  double ci_level = 0.95;
  std::vector<std::string> wave_names;
  std::vector<std::size_t> wave_respondents;
  std::size_t respondents = 0;          // distinct ids over the waves
  std::size_t excluded_for_errors = 0;  // respondent-waves with answer errors, left out
  bool rci_requested = false;           // options.clinical_significance was given
  std::vector<SubscaleWaves> subscales;
  std::vector<std::string> warnings;
};

// Analyses the waves (time order) of `instrument`. A respondent-wave with
// answer errors is left out (a warning gives the count).
//
// Errors (ErrorCode::invalid, with pointers into the request): fewer than 2
// waves (/waves); a repeated wave name (/waves/<i>/name); a wave not decoded
// for this instrument or with a repeated id; ci_level outside (0, 1); an
// unknown subscale; a clinical significance criterion b or c for a subscale
// without norms; an rci_criterion or sd_multiplier that is not positive; the
// deadline passed (one problem, "deadline_exceeded").
Result<WavesReport> waves(const Instrument& instrument, std::span<const NamedWave> waves,
                          const WavesOptions& options = {});

// One long CSV with a wave column: every row a respondent at one wave.
struct CsvWavesOptions {
  CsvOptions csv;           // source, id_column, column_prefix (group_column is ignored)
  std::string wave_column;  // required: the column naming each row's wave
  // The waves in time order; empty: the order in which they first appear.
  // Every wave in the data must be listed, and every listed wave must occur.
  std::vector<std::string> wave_order;
};

struct DecodedWaves {
  std::vector<std::string> names;     // in time order
  std::vector<ResponseMatrix> waves;  // one per name
  std::vector<std::string> warnings;  // the CSV's (ignored columns, ...)
};

// Splits a long CSV into its waves. Errors: what decode_csv_responses
// reports (malformed: quoting, ragged rows, missing id or wave column, an
// empty wave cell), and, as invalid with the file's line and column, a
// respondent repeated within a wave, a wave missing from wave_order, a
// repeated or absent wave in wave_order (no line: the query parameter).
Result<DecodedWaves> decode_csv_waves(const Instrument& instrument, std::string_view text,
                                      const CsvWavesOptions& options);
// The same for a long table in any format: CSV as above; an SPSS, Stata or
// SAS file with one case per respondent and wave, problems naming the case
// and the variable (InputFormat::json is read as CSV; JSON waves have their
// own decoder).
Result<DecodedWaves> decode_waves(const Instrument& instrument, std::string_view bytes, InputFormat format,
                                  const CsvWavesOptions& options);

// The waves result: instrument, ci_level, waves, one entry per subscale, warnings.
std::string encode_waves_result(const Instrument& instrument, const WavesReport& report);

}  // namespace psyscore
