// Reports for people: one self-contained HTML5 document per request.
//
// A report runs the analyses that fit the data it is given and writes them as
// a page a programme director or a validator can read: plain-language
// sentences beside every statistic, inline SVG figures (each with a title, a
// description and a table of the same numbers), small-sample cautions in
// plain words, and the instrument's id, version and sha256 and the psyscore
// version for provenance. The page loads nothing from elsewhere (styles
// inline, no scripts) and prints to A4 with a page break between sections.
//
//   one wave       scores and their distributions, reliability with item analysis,
//                  and with `model` set which respondent factors go with an
//                  outcome (odds ratios in words, a forest plot, the tables)
//   pre and post   the same for both waves, and change (Jacobson-Truax plot,
//                  clinical significance when asked, band transitions)
//   groups         the same for all respondents, and the group comparison
//   groups before  scores and reliability of everyone before and after, and
//     and after    the controlled comparison (ANCOVA in plain words, adjusted
//                  means, each group's Jacobson-Truax plot side by side)
//
// The figures and tables are drawn from the same result structs the JSON
// encoders write, so the numbers are the JSON result's numbers, rounded for
// reading (docs/report.md).
//
//   psyscore::ReportOptions options;
//   options.show_ids = true;
//   auto html = psyscore::change_report(*instrument, pre_wave, post_wave, options);
//   if (!html) return fail(html.error());
//   std::cout << *html;
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/compare.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/model.hpp"
#include "psyscore/reliability.hpp"
#include "psyscore/responses.hpp"

namespace psyscore {

struct ReportOptions {
  // Options of the wave report's reliability analysis. Default: as
  // ReliabilityOptions. Pre/post and group reports use its `subscales`,
  // `missing` and `ci_level` for their reliability section too.
  ReliabilityOptions reliability;
  // Options of the change analysis (pre/post reports). Default: as ChangeOptions.
  ChangeOptions change;
  // Options of the comparison (group reports). Default: as CompareOptions.
  CompareOptions compare;
  // Options of the controlled design (controlled reports). Default: as
  // ControlledOptions.
  ControlledOptions controlled;
  // One-wave reports only: the cohort-factor model (psyscore::model()) of the
  // wave's covariates, as a section after reliability. Default: none.
  std::optional<ModelOptions> model;
  // Respondent ids appear in the page only when true. Default: false, and
  // participants are numbered in input order instead.
  bool show_ids = false;
  // Who made the page, for provenance. Default: empty, meaning "psyscore"
  // and the library's version (e.g. "psyscore 0.1.0").
  std::string generator;
};

// Scores and reliability of one wave, and the cohort-factor model when
// options.model is set. Errors: those of psyscore::reliability() and
// psyscore::model() for the same wave and options, unchanged.
Result<std::string> wave_report(const Instrument& instrument, const ResponseMatrix& responses,
                                const ReportOptions& options = {});

// Scores of both waves, reliability of each, and change. Errors: those of
// psyscore::change() for the same waves and options, unchanged. A wave whose
// reliability cannot be computed gets a sentence saying why instead.
Result<std::string> change_report(const Instrument& instrument, const ResponseMatrix& pre, const ResponseMatrix& post,
                                  const ReportOptions& options = {});

// Scores and reliability of all respondents, and the group comparison.
// Errors: those of psyscore::compare() for the same groups and options.
Result<std::string> compare_report(const Instrument& instrument,
                                   const std::vector<std::pair<std::string, ResponseMatrix>>& groups,
                                   const ReportOptions& options = {});

// The same for one wave whose `groups` column names each respondent's group.
Result<std::string> compare_report(const Instrument& instrument, const ResponseMatrix& responses,
                                   const ReportOptions& options = {});

// Scores and reliability of everyone before and after (all groups pooled),
// and the controlled comparison of the groups per subscale. Errors: those of
// psyscore::controlled() for the same groups and options, unchanged.
Result<std::string> controlled_report(const Instrument& instrument, const std::vector<ControlledGroup>& groups,
                                      const ReportOptions& options = {});

}  // namespace psyscore
