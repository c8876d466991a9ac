// The report's sections: each builds its view (report_view.hpp) from an
// analysis result and is rendered by its own template partial
// (scoring/encode/report/<template_name>.mustache). Adding a section is one
// function here, one .cpp and one template; docs/report.md has the recipe.
//
// Private to the engine.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/model.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/encode/report_view.hpp"

namespace psyscore::detail {

// What every section needs to know about the request.
struct ReportContext {
  const Instrument& instrument;
  bool show_ids = false;
};

// Beyond this many rows a per-respondent table is left out of the page (the
// CLI's --format csv writes it); the figure and the summary stay.
inline constexpr std::size_t kMaxTableRows = 500;

// One wave's usable scores, by subscale in definition order: nullopt where a
// respondent has no score (or answer errors).
struct WaveScores {
  std::string label = {};  // "before", "after", a group name; empty for a single wave
  std::size_t respondents = 0;
  std::size_t with_errors = 0;
  std::vector<std::vector<std::optional<double>>> values = {};  // [subscale][respondent]
  std::vector<std::vector<std::optional<std::size_t>>> bands = {};
  std::vector<std::size_t> prorated = {};  // per subscale
  std::vector<std::string> warnings = {};  // the score table's (e.g. values between bands)
};
WaveScores wave_scores(const Instrument& instrument, const ResponseMatrix& responses, std::string label);
// Only the respondents whose group label is `group`.
WaveScores wave_scores_of_group(const Instrument& instrument, const ResponseMatrix& responses,
                                const std::string& group);

// Facts for the overview that opens every report.
struct Overview {
  std::string summary = {};  // what the report covers, one sentence
  std::vector<std::string> statements = {};
  std::vector<std::string> plain_notes = {};
  std::vector<std::string> details = {};  // the waves' and the analysis's request-level warnings
};
Section overview_section(const ReportContext& context, const Overview& overview);

// Distributions per subscale. Several waves are drawn side by side (before
// and after); with `pool` they are drawn as one (groups pooled).
Section scores_section(const ReportContext& context, const std::vector<WaveScores>& waves, bool pool);

// A reliability analysis of one wave, or why there is none.
struct WaveReliability {
  std::string label;  // as WaveScores::label
  Result<ReliabilityReport> report;
};
Section reliability_section(const ReportContext& context, const std::vector<WaveReliability>& waves);

Section change_section(const ReportContext& context, const ChangeReport& report);

// `groups`: each group's scores, in the report's group order.
Section compare_section(const ReportContext& context, const CompareReport& report,
                        const std::vector<WaveScores>& groups);

// Per subscale the ANCOVA in plain words, the adjusted means, and each
// group's Jacobson-Truax plot side by side.
Section controlled_section(const ReportContext& context, const ControlledReport& report);

// The logistic regression in plain words with its forest plot and tables,
// and each categorical factor's table against the outcome.
Section model_section(const ReportContext& context, const ModelReport& report);

// ---------------------------------------------------------------- reliable change
// Shared by the change section and the controlled section (one plot per group).

// The Jacobson-Truax plot of `rci` on `subscale`. Its element ids are
// "<id_prefix>-jt-<subscale>" (the figure's "figure-" before that), with
// "-<group>" after them when `group` is given, which also names the group in
// the title and caption.
FigureView jacobson_truax_figure(const ReportContext& context, const Subscale& subscale, const ReliableChange& rci,
                                 std::string_view id_prefix, std::string_view group = {});
// The plot's numbers: one row per participant ("table-<id_prefix>-participants-...").
TableView participants_table(const ReportContext& context, const ReliableChange& rci, const Subscale& subscale,
                             std::string_view id_prefix, std::string_view group = {});
// How many of `n` changed reliably, and by what rule.
std::string rci_sentence(const ReliableChange& rci, const Subscale& subscale, std::size_t n);

// ---------------------------------------------------------------- words

// "1 participant", "12 participants".
std::string count_of(std::size_t n, std::string_view singular, std::string_view plural);
// "Emotional exhaustion (EE)", or the id alone.
std::string subscale_title(const Subscale& subscale);
// The subscale's name in a sentence ("Emotional exhaustion").
std::string subscale_name(const Subscale& subscale);
// A sentence for a group this small, or empty when n >= 30.
std::string small_sample_note(std::size_t n, std::string_view who);
// The participant's label: the id with show_ids, else "participant <index + 1>".
std::string participant_label(const ReportContext& context, const std::string& id, std::size_t index);

}  // namespace psyscore::detail
