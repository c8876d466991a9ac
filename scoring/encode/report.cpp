// The public report functions: run the analyses that fit the data, build the
// sections, render the page.
#include "psyscore/report.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scoring/encode/report_sections.hpp"
#include "scoring/encode/report_view.hpp"

#ifndef PSYSCORE_VERSION
#define PSYSCORE_VERSION "unknown"
#endif

namespace psyscore {
namespace {

using detail::Overview;
using detail::Page;
using detail::ReportContext;
using detail::WaveReliability;
using detail::WaveScores;

Page base_page(const Instrument& instrument, const ReportOptions& options, std::string subtitle,
               std::string respondents) {
  const std::string generator = options.generator.empty() ? "psyscore " PSYSCORE_VERSION : options.generator;
  Page page;
  page.title = (instrument.name.empty() ? instrument.id : instrument.name) + ": report";
  page.subtitle = std::move(subtitle);
  page.instrument_id = instrument.id;
  page.instrument_name = instrument.name.empty() ? instrument.id : instrument.name;
  page.instrument_version = instrument.version;
  page.instrument_sha256 = instrument.sha256;
  page.license = instrument.license;
  page.generator = generator;
  page.respondents = std::move(respondents);
  page.ids_policy =
      options.show_ids ? "shown (show_ids was set)" : "not shown: respondents are numbered in the order of the input";
  page.footer = "Made by " + generator +
                ", which stores nothing: this page holds all it was given to show. Numbers are rounded for reading; "
                "the JSON result of the same request has them in full.";
  return page;
}

void add_wave_facts(const WaveScores& wave, const std::string& label, Overview& overview) {
  if (wave.with_errors > 0) {
    overview.statements.push_back(
        (label.empty() ? std::string() : label + ": ") +
        detail::count_of(wave.with_errors, "respondent has", "respondents have") +
        " answers outside the instrument's scale and is left out of every analysis (the score result lists them).");
  }
  for (const std::string& warning : wave.warnings) {
    overview.details.push_back((label.empty() ? std::string() : label + ": ") + warning);
  }
}

void add_input_warnings(const ResponseMatrix& responses, const std::string& label, Overview& overview) {
  for (const std::string& warning : responses.warnings) {
    overview.details.push_back((label.empty() ? std::string() : label + ": ") + warning);
  }
}

ResponseMatrix concatenate(const std::vector<const ResponseMatrix*>& waves) {
  ResponseMatrix all;
  for (const ResponseMatrix* wave : waves) {
    all.item_count = wave->item_count;
    all.ids.insert(all.ids.end(), wave->ids.begin(), wave->ids.end());
    all.answers.insert(all.answers.end(), wave->answers.begin(), wave->answers.end());
    all.errors.insert(all.errors.end(), wave->errors.begin(), wave->errors.end());
  }
  return all;
}

ResponseMatrix concatenate(const std::vector<std::pair<std::string, ResponseMatrix>>& groups) {
  std::vector<const ResponseMatrix*> waves;
  waves.reserve(groups.size());
  for (const auto& group : groups) waves.push_back(&group.second);
  return concatenate(waves);
}

std::string group_report(const Instrument& instrument, const CompareReport& report,
                         const std::vector<WaveScores>& groups, Result<ReliabilityReport> reliability_result,
                         const ReportOptions& options, Overview overview) {
  const ReportContext context{.instrument = instrument, .show_ids = options.show_ids};
  std::size_t respondents = 0;
  for (const WaveScores& group : groups) {
    respondents += group.respondents;
    add_wave_facts(group, group.label, overview);
  }
  overview.summary = "This report compares " + detail::count_of(groups.size(), "group", "groups") + " of " +
                     detail::count_of(respondents, "respondent", "respondents") + " who answered " +
                     (instrument.name.empty() ? instrument.id : instrument.name) + ".";
  Page page = base_page(instrument, options, "Groups compared",
                        std::to_string(respondents) + " in " + detail::count_of(groups.size(), "group", "groups"));
  page.sections.push_back(detail::overview_section(context, overview));
  page.sections.push_back(detail::scores_section(context, groups, true));
  std::vector<WaveReliability> reliability_waves;
  reliability_waves.push_back({.label = "", .report = std::move(reliability_result)});
  page.sections.push_back(detail::reliability_section(context, reliability_waves));
  page.sections.push_back(detail::compare_section(context, report, groups));
  return detail::render_page(page);
}

}  // namespace

Result<std::string> wave_report(const Instrument& instrument, const ResponseMatrix& responses,
                                const ReportOptions& options) {
  auto reliability_result = reliability(instrument, responses, options.reliability);
  if (!reliability_result) return std::unexpected(reliability_result.error());
  std::optional<ModelReport> model_report;
  if (options.model) {
    auto fitted = model(instrument, responses, *options.model);
    if (!fitted) return std::unexpected(fitted.error());
    model_report = std::move(*fitted);
    // The input's own warnings are the overview's already.
    std::erase_if(model_report->warnings, [&](const std::string& warning) {
      return std::find(responses.warnings.begin(), responses.warnings.end(), warning) != responses.warnings.end();
    });
  }
  const ReportContext context{.instrument = instrument, .show_ids = options.show_ids};
  WaveScores scores = detail::wave_scores(instrument, responses, "");
  Overview overview;
  overview.summary = "This report covers one wave of " +
                     detail::count_of(responses.respondent_count(), "respondent", "respondents") + " who answered " +
                     (instrument.name.empty() ? instrument.id : instrument.name) +
                     (model_report ? ", and which of their factors go with " + model_report->outcome_label + "." : ".");
  add_input_warnings(responses, "", overview);
  add_wave_facts(scores, "", overview);
  Page page = base_page(instrument, options, "One wave of responses", std::to_string(responses.respondent_count()));
  page.sections.push_back(detail::overview_section(context, overview));
  page.sections.push_back(detail::scores_section(context, {scores}, false));
  std::vector<WaveReliability> waves;
  waves.push_back({.label = "", .report = std::move(reliability_result)});
  page.sections.push_back(detail::reliability_section(context, waves));
  if (model_report) page.sections.push_back(detail::model_section(context, *model_report));
  return detail::render_page(page);
}

Result<std::string> change_report(const Instrument& instrument, const ResponseMatrix& pre, const ResponseMatrix& post,
                                  const ReportOptions& options) {
  auto change_result = change(instrument, pre, post, options.change);
  if (!change_result) return std::unexpected(change_result.error());
  const ChangeReport& report = *change_result;
  const ReportContext context{.instrument = instrument, .show_ids = options.show_ids};
  const WaveScores before = detail::wave_scores(instrument, pre, "before");
  const WaveScores after = detail::wave_scores(instrument, post, "after");
  Overview overview;
  overview.summary = "This report follows " + detail::count_of(report.matched, "participant", "participants") +
                     " who answered " + (instrument.name.empty() ? instrument.id : instrument.name) +
                     " before and after (" + std::to_string(report.pre_respondents) + " answered before, " +
                     std::to_string(report.post_respondents) + " after; they are paired by id).";
  const auto unmatched = [&](const std::vector<std::string>& ids, const std::string& when) {
    if (ids.empty()) return;
    std::string sentence = detail::count_of(ids.size(), "respondent", "respondents") + " answered only " + when +
                           " and " + (ids.size() == 1 ? "is" : "are") + " left out of the change";
    if (options.show_ids) {
      sentence += ":";
      for (std::size_t i = 0; i < ids.size(); ++i) sentence += (i == 0 ? " " : ", ") + ids[i];
    }
    overview.statements.push_back(sentence + ".");
  };
  unmatched(report.pre_only, "before");
  unmatched(report.post_only, "after");
  if (report.excluded_for_errors > 0) {
    overview.statements.push_back(
        detail::count_of(report.excluded_for_errors, "matched participant has", "matched participants have") +
        " answers outside the scale in one of the waves and is left out of the change.");
  }
  add_input_warnings(pre, "before", overview);
  add_input_warnings(post, "after", overview);
  add_wave_facts(before, "before", overview);
  add_wave_facts(after, "after", overview);
  Page page = base_page(instrument, options, "Before and after",
                        std::to_string(report.matched) + " matched (" + std::to_string(report.pre_respondents) +
                            " before, " + std::to_string(report.post_respondents) + " after)");
  page.sections.push_back(detail::overview_section(context, overview));
  page.sections.push_back(detail::scores_section(context, {before, after}, false));
  std::vector<WaveReliability> waves;
  waves.push_back({.label = "before", .report = reliability(instrument, pre, options.reliability)});
  waves.push_back({.label = "after", .report = reliability(instrument, post, options.reliability)});
  page.sections.push_back(detail::reliability_section(context, waves));
  page.sections.push_back(detail::change_section(context, report));
  return detail::render_page(page);
}

Result<std::string> compare_report(const Instrument& instrument,
                                   const std::vector<std::pair<std::string, ResponseMatrix>>& groups,
                                   const ReportOptions& options) {
  auto compare_result = compare(instrument, groups, options.compare);
  if (!compare_result) return std::unexpected(compare_result.error());
  std::vector<WaveScores> scores;
  Overview overview;
  for (const auto& [name, wave] : groups) {
    scores.push_back(detail::wave_scores(instrument, wave, name));
    add_input_warnings(wave, name, overview);
  }
  const ResponseMatrix all = concatenate(groups);
  return group_report(instrument, *compare_result, scores, reliability(instrument, all, options.reliability), options,
                      std::move(overview));
}

Result<std::string> compare_report(const Instrument& instrument, const ResponseMatrix& responses,
                                   const ReportOptions& options) {
  auto compare_result = compare(instrument, responses, options.compare);
  if (!compare_result) return std::unexpected(compare_result.error());
  std::vector<WaveScores> scores;
  for (const std::string& group : compare_result->groups) {
    scores.push_back(detail::wave_scores_of_group(instrument, responses, group));
  }
  Overview overview;
  add_input_warnings(responses, "", overview);
  return group_report(instrument, *compare_result, scores, reliability(instrument, responses, options.reliability),
                      options, std::move(overview));
}

Result<std::string> controlled_report(const Instrument& instrument, const std::vector<ControlledGroup>& groups,
                                      const ReportOptions& options) {
  auto controlled_result = controlled(instrument, groups, options.controlled);
  if (!controlled_result) return std::unexpected(controlled_result.error());
  const ControlledReport& report = *controlled_result;
  const ReportContext context{.instrument = instrument, .show_ids = options.show_ids};
  std::vector<const ResponseMatrix*> pre_waves;
  std::vector<const ResponseMatrix*> post_waves;
  std::size_t pre_respondents = 0;
  std::size_t post_respondents = 0;
  std::string sizes;
  Overview overview;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const ControlledGroup& group = groups[g];
    pre_waves.push_back(&group.pre);
    post_waves.push_back(&group.post);
    pre_respondents += group.pre.respondent_count();
    post_respondents += group.post.respondent_count();
    sizes += (g == 0 ? "" : "; ") + group.name + " " + std::to_string(group.pre.respondent_count()) + " before and " +
             std::to_string(group.post.respondent_count()) + " after";
    add_input_warnings(group.pre, group.name + ", before", overview);
    add_input_warnings(group.post, group.name + ", after", overview);
  }
  const ResponseMatrix all_pre = concatenate(pre_waves);
  const ResponseMatrix all_post = concatenate(post_waves);
  const WaveScores before = detail::wave_scores(instrument, all_pre, "before");
  const WaveScores after = detail::wave_scores(instrument, all_post, "after");
  overview.summary = "This report compares " + detail::count_of(groups.size(), "group", "groups") + " who answered " +
                     (instrument.name.empty() ? instrument.id : instrument.name) + " before and after (" + sizes +
                     "). Within each group participants are paired by id; the scores and reliability sections take "
                     "everyone together.";
  add_wave_facts(before, "before", overview);
  add_wave_facts(after, "after", overview);
  Page page = base_page(instrument, options, "Groups before and after",
                        std::to_string(pre_respondents) + " before, " + std::to_string(post_respondents) +
                            " after, in " + detail::count_of(groups.size(), "group", "groups"));
  page.sections.push_back(detail::overview_section(context, overview));
  page.sections.push_back(detail::scores_section(context, {before, after}, false));
  std::vector<WaveReliability> waves;
  waves.push_back({.label = "before", .report = reliability(instrument, all_pre, options.reliability)});
  waves.push_back({.label = "after", .report = reliability(instrument, all_post, options.reliability)});
  page.sections.push_back(detail::reliability_section(context, waves));
  page.sections.push_back(detail::controlled_section(context, report));
  return detail::render_page(page);
}

}  // namespace psyscore
