// psyscore report: the HTML report of one wave (with --outcome, its
// cohort-factor model too), a pre/post pair, groups, or groups before and
// after (--group), byte for byte what POST /v1/instruments/{id}/report sends.

#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "psyscore/report.hpp"

namespace psyscore::cli {

namespace {

int write_page(const std::string& page, const std::string& output) {
  if (output.empty() || output == "-") {
    std::cout << page;
    return kSuccess;
  }
  std::ofstream out(output, std::ios::binary);
  out << page;
  out.close();
  if (!out) {
    std::cerr << "error: " << output << ": cannot write the report\n";
    return kInvalidInput;
  }
  return kSuccess;
}

// The controlled report: the groups and options exactly as `psyscore
// controlled` reads them.
int controlled_report_command(const Context& context, const ReportCommandOptions& options) {
  if (!options.data.empty() || !options.pre.empty() || !options.post.empty() || !options.group_column.empty()) {
    std::cerr << "error: --group goes alone, without DATA, --pre, --post or --group-column\n";
    return kUsage;
  }
  const ChangeCommandOptions& change = options.change;
  if (options.references.size() > 1 || !options.outcome.empty() || !options.predictors.empty() ||
      !options.covariates.empty()) {
    std::cerr << "error: --group takes one --reference (the reference group) and no --outcome, --predictor or "
                 "--covariate\n";
    return kUsage;
  }
  const ControlledCommandOptions controlled{.instrument = options.instrument,
                                            .groups = options.groups,
                                            .reference = options.references.empty() ? "" : options.references.front(),
                                            .ci_level = change.ci_level,
                                            .subscales = change.subscales,
                                            .rci_reliability = change.rci_reliability,
                                            .rci_criterion = change.rci_criterion,
                                            .rci_method = change.rci_method,
                                            .reliability_post = change.reliability_post,
                                            .id_column = change.id_column,
                                            .column_prefix = change.column_prefix};
  auto input = load_controlled(context, controlled);
  if (!input) return input.error();
  ReportOptions engine;
  engine.show_ids = options.show_ids;
  engine.controlled = input->options;
  engine.reliability.subscales = change.subscales;
  engine.reliability.ci_level = change.ci_level;
  auto page = controlled_report(*input->instrument, input->groups, engine);
  if (!page) return report(page.error());
  return write_page(*page, options.output);
}

}  // namespace

int report_command(const Context& context, const ReportCommandOptions& options) {
  if (!options.groups.empty()) return controlled_report_command(context, options);
  const bool model = !options.outcome.empty();
  if (!model && (!options.predictors.empty() || !options.covariates.empty() || !options.references.empty())) {
    std::cerr << "error: --predictor, --covariate and --reference go with --outcome (or --reference with --group)\n";
    return kUsage;
  }
  const bool pre_post = !options.pre.empty() || !options.post.empty();
  if (pre_post && (options.pre.empty() || options.post.empty())) {
    std::cerr << "error: --pre and --post go together\n";
    return kUsage;
  }
  if (pre_post == !options.data.empty()) {
    std::cerr << "error: report takes DATA (one wave, or groups with --group-column) or --pre and --post\n";
    return kUsage;
  }
  if (pre_post && !options.group_column.empty()) {
    std::cerr << "error: --group-column goes with DATA, not with --pre and --post\n";
    return kUsage;
  }
  if (model && (pre_post || !options.group_column.empty())) {
    std::cerr << "error: --outcome goes with one wave (DATA without --group-column)\n";
    return kUsage;
  }
  auto instrument = resolve_instrument(context, options.instrument);
  if (!instrument) return report(instrument.error());

  ReportOptions engine;
  engine.show_ids = options.show_ids;
  CsvOptions csv = csv_options(options.change.id_column, options.change.column_prefix);
  if (pre_post) {
    const auto change = change_engine_options(**instrument, options.change);
    if (!change) return kUsage;
    engine.change = *change;
    auto pre = read_responses(**instrument, options.pre, csv);
    if (!pre) return report(pre.error(), options.pre);
    auto post = read_responses(**instrument, options.post, csv);
    if (!post) return report(post.error(), options.post);
    auto page = change_report(**instrument, *pre, *post, engine);
    if (!page) return report(page.error());
    return write_page(*page, options.output);
  }
  const std::string source = options.data == "-" ? "<stdin>" : options.data;
  csv.group_column = options.group_column;
  if (!options.group_column.empty()) {
    auto wave = read_responses(**instrument, options.data, csv);
    if (!wave) return report(wave.error(), options.data);
    engine.compare.ci_level = options.change.ci_level;
    engine.compare.subscales = options.change.subscales;
    auto page = compare_report(**instrument, *wave, engine);
    if (!page) return report(page.error(), source);
    return write_page(*page, options.output);
  }
  if (model) {
    const ModelCommandOptions model_options{.instrument = options.instrument,
                                            .data = options.data,
                                            .outcome = options.outcome,
                                            .predictors = options.predictors,
                                            .covariates = options.covariates,
                                            .references = options.references,
                                            .ci_level = options.change.ci_level};
    engine.model = model_engine_options(**instrument, model_options, csv);
    if (!engine.model) return kUsage;
  }
  engine.reliability.subscales = options.change.subscales;
  engine.reliability.ci_level = options.change.ci_level;
  engine.reliability.missing = options.listwise ? MissingData::listwise : MissingData::pairwise;
  if (options.bootstrap)
    engine.reliability.bootstrap = BootstrapOptions{.iterations = *options.bootstrap, .seed = options.seed};
  auto wave = read_responses(**instrument, options.data, csv);
  if (!wave) return report(wave.error(), options.data);
  auto page = wave_report(**instrument, *wave, engine);
  if (!page) return report(page.error(), source);
  return write_page(*page, options.output);
}

}  // namespace psyscore::cli
