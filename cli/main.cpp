// psyscore: score psychometric questionnaires from the command line.
// Exit codes: 0 success, 1 invalid input, 2 usage error.

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace psyscore::cli;

  CLI::App app{"psyscore: scoring, reliability and change statistics for psychometric questionnaires"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PSYSCORE_VERSION);

  Context context{default_instruments_dir()};
  app.add_option("--instruments", context.instruments_dir, "Directory of instrument definitions")
      ->check(CLI::ExistingDirectory);

  auto* instruments = app.add_subcommand("instruments", "List the instruments of the registry");
  std::string show_id;
  auto* show = instruments->add_subcommand("show", "Print one instrument's definition");
  show->add_option("ID", show_id, "Instrument id")->required();

  std::string definition_file;
  auto* validate_command = app.add_subcommand("validate", "Check an instrument definition file");
  validate_command->add_option("FILE", definition_file, "Definition (JSON)")->required();

  ScoreOptions score_options;
  auto* score_command = app.add_subcommand(
      "score", "Score responses (CSV, JSON, FHIR JSON, SPSS .sav/.zsav, Stata .dta, SAS .sas7bdat; - reads stdin)");
  score_command->add_option("-i,--instrument", score_options.instrument, "Registry id or definition file")->required();
  score_command->add_option("DATA", score_options.data, "Responses file, or - for stdin")->required();
  score_command
      ->add_option("--format", score_options.format,
                   "Output format: json, csv, sav (SPSS), xlsx (Excel) or fhir (a Bundle of Observations)")
      ->check(CLI::IsMember({"json", "csv", "sav", "xlsx", "fhir"}));
  score_command->add_option("--id-column", score_options.id_column, "CSV column of respondent ids");
  score_command->add_option("--column-prefix", score_options.column_prefix,
                            "CSV item columns are named <prefix><item id>");

  ReliabilityCommandOptions reliability_options;
  auto* reliability_command =
      app.add_subcommand("reliability", "Alpha, omega, split-half and item statistics per subscale (psych::alpha)");
  reliability_command->add_option("-i,--instrument", reliability_options.instrument, "Registry id or definition file")
      ->required();
  reliability_command->add_option("DATA", reliability_options.data, "Responses file, or - for stdin")->required();
  auto* bootstrap_option =
      reliability_command->add_option("--bootstrap", reliability_options.bootstrap, "Bootstrap resamples of alpha")
          ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  reliability_command->add_option("--seed", reliability_options.seed, "Bootstrap seed (default 0)")
      ->needs(bootstrap_option);
  reliability_command->add_flag("--listwise", reliability_options.listwise,
                                "Only respondents who answered every item (default: pairwise)");
  reliability_command->add_option("--subscale", reliability_options.subscales, "Subscale id (repeatable; default all)");
  reliability_command->add_flag("--items", reliability_options.items,
                                "Also describe every item on its raw answers (n, mean, SD, median, counts)");
  reliability_command->add_option("--ci-level", reliability_options.ci_level, "Interval level in (0, 1)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](const std::string& text) {
            char* end = nullptr;
            const double level = std::strtod(text.c_str(), &end);
            const bool number = end != text.c_str() && *end == '\0';
            return number && level > 0 && level < 1 ? std::string() : std::string("must lie strictly between 0 and 1");
          },
          "(0, 1)"));
  reliability_command
      ->add_option("--threads", reliability_options.threads,
                   "Threads for the pass over the respondents and the bootstrap (0 = hardware threads)")
      ->capture_default_str();
  reliability_command
      ->add_option("--format", reliability_options.format,
                   "json, table (aligned, rounded as the report) or csv (one row per item)")
      ->check(CLI::IsMember({"json", "table", "csv"}));
  reliability_command->add_option("--id-column", reliability_options.id_column, "CSV column of respondent ids");
  reliability_command->add_option("--column-prefix", reliability_options.column_prefix,
                                  "CSV item columns are named <prefix><item id>");

  ChangeCommandOptions change_options;
  auto* change_command = app.add_subcommand("change", "Pre/post change per subscale (waves paired by id)");
  change_command->add_option("-i,--instrument", change_options.instrument, "Registry id or definition file")
      ->required();
  change_command->add_option("--pre", change_options.pre, "Pre-wave responses (CSV or JSON; - for stdin)")->required();
  change_command->add_option("--post", change_options.post, "Post-wave responses (CSV or JSON)")->required();
  change_command
      ->add_option("--rci-reliability", change_options.rci_reliability,
                   "sample, published, a value in (0, 1), or ID=VALUE[,ID=VALUE...]")
      ->capture_default_str();
  change_command->add_option("--ci-level", change_options.ci_level, "Level of the paired-t interval")
      ->capture_default_str();
  change_command->add_option("--rci-criterion", change_options.rci_criterion,
                             "|RCI| beyond this is reliable (default 1.96; 1.645 for ha)");
  change_command
      ->add_option("--rci-method", change_options.rci_method,
                   "Reliable change method: jt (Jacobson-Truax), gln, hll, en, nk or ha")
      ->capture_default_str()
      ->check(CLI::IsMember({"jt", "gln", "hll", "en", "nk", "ha"}));
  change_command->add_option("--reliability-post", change_options.reliability_post,
                             "nk only: the post wave's reliability, as --rci-reliability");
  change_command->add_option("--subscale", change_options.subscales, "Analyse only this subscale (repeatable)");
  change_command
      ->add_option("--clinical-significance", change_options.clinical_criterion,
                   "Jacobson-Truax cut-off: auto (c with norms, else a), a, b or c")
      ->check(CLI::IsMember({"auto", "a", "b", "c"}));
  change_command
      ->add_option("--clinical-sd-multiplier", change_options.clinical_sd_multiplier,
                   "SDs in cut-offs a and b (2 or 1.96)")
      ->capture_default_str();
  change_command
      ->add_option("--functional-sd", change_options.functional_sd,
                   "SD of the functional population in b and c: norms or sample (the pre wave's)")
      ->capture_default_str()
      ->check(CLI::IsMember({"norms", "sample"}));
  change_command
      ->add_option("--format", change_options.format,
                   "json, table (aligned, rounded as the report) or csv (one row per participant and subscale)")
      ->check(CLI::IsMember({"json", "table", "csv"}));
  change_command->add_option("--id-column", change_options.id_column, "CSV column of respondent ids");
  change_command->add_option("--column-prefix", change_options.column_prefix,
                             "CSV item columns are named <prefix><item id>");

  CompareCommandOptions compare_options;
  auto* compare_command = app.add_subcommand(
      "compare", "Compare groups per subscale (one CSV with a group column, or the levels of a covariate)");
  compare_command->add_option("-i,--instrument", compare_options.instrument, "Registry id or definition file")
      ->required();
  auto* group_column =
      compare_command->add_option("--group-column", compare_options.group_column, "CSV column naming each group");
  compare_command
      ->add_option("--group-covariate", compare_options.group_covariate,
                   "Categorical covariate whose levels are the groups (JSON \"covariates\", or a CSV column)")
      ->excludes(group_column);
  compare_command->add_option("DATA", compare_options.data, "Responses (CSV or JSON), or - for stdin")->required();
  compare_command->add_option("--ci-level", compare_options.ci_level, "Level of the Welch interval")
      ->capture_default_str();
  compare_command->add_option("--subscale", compare_options.subscales, "Analyse only this subscale (repeatable)");
  compare_command->add_flag("--items", compare_options.items,
                            "Also compare every item of each subscale on its raw answers");
  compare_command
      ->add_option("--format", compare_options.format,
                   "json, table (aligned, rounded as the report) or csv (one row per group and subscale)")
      ->check(CLI::IsMember({"json", "table", "csv"}));
  compare_command->add_option("--id-column", compare_options.id_column, "CSV column of respondent ids");
  compare_command->add_option("--column-prefix", compare_options.column_prefix,
                              "CSV item columns are named <prefix><item id>");

  WavesCommandOptions waves_options;
  auto* waves_command =
      app.add_subcommand("waves", "A group measured at 2 or more waves: Friedman, pairwise Wilcoxon, mixed model");
  waves_command->add_option("-i,--instrument", waves_options.instrument, "Registry id or definition file")->required();
  waves_command->add_option("--wave", waves_options.waves, "NAME=FILE, one per wave, in time order (repeatable)");
  waves_command->add_option("--wave-column", waves_options.wave_column, "Column naming each row's wave (long CSV)");
  waves_command->add_option("--wave-order", waves_options.wave_order,
                            "Waves in time order, comma-separated (default: order of first appearance)");
  waves_command->add_option("DATA", waves_options.data, "The long CSV with --wave-column, or - for stdin");
  waves_command->add_option("--ci-level", waves_options.ci_level, "Level of the marginal means' intervals")
      ->capture_default_str();
  waves_command->add_option("--subscale", waves_options.subscales, "Analyse only this subscale (repeatable)");
  waves_command->add_option("--rci-method", waves_options.rci_method, "Reliable change per respondent: hlm");
  waves_command->add_option("--clinical-criterion", waves_options.clinical_criterion,
                            "Cut-off for the hlm categories: auto, a, b or c");
  waves_command->add_option("--sd-multiplier", waves_options.clinical_sd_multiplier, "Width of cut-offs a and b")
      ->capture_default_str();
  waves_command->add_option("--functional-sd", waves_options.functional_sd, "norms or sample")->capture_default_str();
  waves_command->add_option("--id-column", waves_options.id_column, "CSV column of respondent ids");
  waves_command->add_option("--column-prefix", waves_options.column_prefix,
                            "CSV item columns are named <prefix><item id>");
  ControlledCommandOptions controlled_options;
  auto* controlled_command =
      app.add_subcommand("controlled", "Controlled pre/post design: ANCOVA of post on pre and group, per subscale");
  controlled_command->add_option("-i,--instrument", controlled_options.instrument, "Registry id or definition file")
      ->required();
  controlled_command
      ->add_option("--group", controlled_options.groups,
                   "NAME=PRE.csv,POST.csv: one group's two waves (repeat for each group, 2 or more)")
      ->required();
  controlled_command->add_option("--reference", controlled_options.reference,
                                 "The group the others are compared with (default: the first)");
  controlled_command->add_option("--ci-level", controlled_options.ci_level, "Level of the intervals")
      ->capture_default_str();
  controlled_command->add_option("--subscale", controlled_options.subscales, "Analyse only this subscale (repeatable)");
  controlled_command
      ->add_option("--rci-reliability", controlled_options.rci_reliability,
                   "Each group's reliable change: sample, published, a value in (0, 1), or ID=VALUE[,ID=VALUE...]")
      ->capture_default_str();
  controlled_command->add_option("--rci-criterion", controlled_options.rci_criterion,
                                 "|RCI| beyond this is reliable (default 1.96; 1.645 for ha)");
  controlled_command->add_option("--rci-method", controlled_options.rci_method, "jt, gln, hll, en, nk or ha")
      ->capture_default_str()
      ->check(CLI::IsMember({"jt", "gln", "hll", "en", "nk", "ha"}));
  controlled_command->add_option("--reliability-post", controlled_options.reliability_post,
                                 "nk only: the post wave's reliability, as --rci-reliability");
  controlled_command->add_option("--id-column", controlled_options.id_column, "CSV column of respondent ids");
  controlled_command->add_option("--column-prefix", controlled_options.column_prefix,
                                 "CSV item columns are named <prefix><item id>");
  ReportCommandOptions report_options;
  auto* report_cmd = app.add_subcommand(
      "report",
      "Self-contained HTML report: one wave (DATA, with --outcome its cohort-factor model), pre/post (--pre, "
      "--post), groups (--group-column DATA) or groups before and after (--group NAME=PRE,POST ...)");
  report_cmd->add_option("-i,--instrument", report_options.instrument, "Registry id or definition file")->required();
  report_cmd->add_option("DATA", report_options.data, "One wave of responses (CSV or JSON), or - for stdin");
  report_cmd->add_option("--pre", report_options.pre, "Pre-wave responses (with --post)");
  report_cmd->add_option("--post", report_options.post, "Post-wave responses (with --pre)");
  report_cmd->add_option("--group-column", report_options.group_column, "CSV column naming each group (with DATA)");
  report_cmd->add_option("--group", report_options.groups,
                         "NAME=PRE.csv,POST.csv: one group's two waves (repeat, 2 or more): a controlled report");
  report_cmd->add_option("--reference", report_options.references,
                         "With --group: the group the others are compared with (default: the first); with "
                         "--outcome: a predictor's reference level NAME=LEVEL (repeatable)");
  report_cmd->add_option("--outcome", report_options.outcome,
                         "One wave: also model this binary outcome (as psyscore model: raw>=13, EE=high, "
                         "teaching=yes)");
  report_cmd->add_option("--predictor", report_options.predictors,
                         "With --outcome: a covariate in the model (repeatable)");
  report_cmd->add_option("--covariate", report_options.covariates,
                         "With --outcome: another CSV column to read as a covariate (repeatable)");
  report_cmd->add_option("-o,--output", report_options.output, "Write the page to this file (default: stdout)");
  report_cmd->add_flag("--show-ids", report_options.show_ids, "Show respondent ids (default: numbered instead)");
  report_cmd->add_option("--subscale", report_options.change.subscales, "Analyse only this subscale (repeatable)");
  report_cmd->add_option("--ci-level", report_options.change.ci_level, "Level of the intervals")->capture_default_str();
  report_cmd
      ->add_option("--rci-reliability", report_options.change.rci_reliability,
                   "Pre/post and --group: sample, published, a value in (0, 1), or ID=VALUE[,ID=VALUE...]")
      ->capture_default_str();
  report_cmd->add_option("--rci-criterion", report_options.change.rci_criterion,
                         "Pre/post and --group: |RCI| beyond this is reliable (default 1.96; 1.645 for ha)");
  report_cmd
      ->add_option("--rci-method", report_options.change.rci_method, "Pre/post and --group: jt, gln, hll, en, nk or ha")
      ->capture_default_str()
      ->check(CLI::IsMember({"jt", "gln", "hll", "en", "nk", "ha"}));
  report_cmd->add_option("--reliability-post", report_options.change.reliability_post,
                         "Pre/post and --group, nk only: the post wave's reliability, as --rci-reliability");
  report_cmd
      ->add_option("--clinical-significance", report_options.change.clinical_criterion,
                   "Pre/post: Jacobson-Truax cut-off: auto, a, b or c")
      ->check(CLI::IsMember({"auto", "a", "b", "c"}));
  report_cmd
      ->add_option("--clinical-sd-multiplier", report_options.change.clinical_sd_multiplier,
                   "Pre/post: SDs in cut-offs a and b")
      ->capture_default_str();
  report_cmd->add_option("--functional-sd", report_options.change.functional_sd, "Pre/post: norms or sample")
      ->capture_default_str()
      ->check(CLI::IsMember({"norms", "sample"}));
  report_cmd->add_option("--bootstrap", report_options.bootstrap, "One wave: bootstrap resamples of alpha")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  report_cmd->add_option("--seed", report_options.seed, "One wave: bootstrap seed (default 0)");
  report_cmd->add_flag("--listwise", report_options.listwise, "One wave: complete rows only");
  report_cmd->add_option("--id-column", report_options.change.id_column, "CSV column of respondent ids");
  report_cmd->add_option("--column-prefix", report_options.change.column_prefix,
                         "CSV item columns are named <prefix><item id>");

  ModelCommandOptions model_options;
  auto* model_command =
      app.add_subcommand("model", "Logistic regression of a binary outcome on covariates, with chi-squared and Fisher");
  model_command->add_option("-i,--instrument", model_options.instrument, "Registry id or definition file")->required();
  model_command->add_option("DATA", model_options.data, "Responses (CSV), or - for stdin")->required();
  model_command
      ->add_option("--outcome", model_options.outcome,
                   "SUBSCALE>=VALUE, SUBSCALE=BAND[,BAND] or COVARIATE=EVENT (e.g. total>=4, wellbeing=yes)")
      ->required();
  model_command->add_option("--predictor", model_options.predictors, "A covariate in the model (repeatable)")
      ->required();
  model_command->add_option("--covariate", model_options.covariates,
                            "A CSV column to read as a covariate (repeatable; predictors are read anyway)");
  model_command->add_option("--reference", model_options.references,
                            "Reference level of a categorical predictor, NAME=LEVEL (repeatable)");
  model_command->add_option("--ci-level", model_options.ci_level, "Level of the Wald and profile intervals")
      ->capture_default_str();
  model_command->add_flag("--no-profile", model_options.no_profile, "Skip the profile-likelihood intervals");
  model_command->add_option("--id-column", model_options.id_column, "CSV column of respondent ids");
  model_command->add_option("--column-prefix", model_options.column_prefix,
                            "CSV item columns are named <prefix><item id>");

  ServeOptions serve_options;
  auto* serve_command = app.add_subcommand("serve", "Serve the HTTP API on the instruments of --instruments");
  serve_command->add_option("--host", serve_options.host, "Address to listen on")->capture_default_str();
  serve_command->add_option("--port", serve_options.port, "Port (0 picks a free one)")->capture_default_str();
  serve_command->add_option("--threads", serve_options.threads, "I/O and compute threads each (0 = hardware threads)")
      ->capture_default_str();
  serve_command->add_option("--max-body-bytes", serve_options.max_body_bytes, "Largest request body")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--max-respondents", serve_options.max_respondents,
                   "Most respondents per request (all waves and groups together)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command->add_option("--max-items", serve_options.max_items, "Most items in an inline definition")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command->add_option("--max-subscales", serve_options.max_subscales, "Most subscales in an inline definition")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--max-bootstrap-iterations", serve_options.max_bootstrap_iterations,
                   "Most bootstrap resamples per request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--max-bootstrap-answers", serve_options.max_bootstrap_answers,
                   "Most answers a bootstrap resamples: iterations x respondents x items of the subscales analysed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command->add_option("--max-waves", serve_options.max_waves, "Most waves per waves request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--deadline-ms", serve_options.deadline_ms,
                   "Compute time of a request from when a thread starts on it; 0 = no deadline")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  serve_command->add_option("--max-connections", serve_options.max_connections, "Most open connections")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--max-queue", serve_options.max_queue,
                   "Most requests waiting for a compute thread; more get 503 (0 = 32 per compute thread)")
      ->capture_default_str();
  serve_command->add_option("--read-timeout-ms", serve_options.read_timeout_ms, "Time to receive a whole request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--idle-timeout-ms", serve_options.idle_timeout_ms, "Time a keep-alive connection may stay idle")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command
      ->add_option("--drain-timeout-ms", serve_options.drain_timeout_ms,
                   "Time in-flight requests get to finish on SIGTERM")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve_command->add_option("--api-key-file", serve_options.api_key_file, "Require one of these keys (one per line)")
      ->check(CLI::ExistingFile);
  serve_command->add_option("--cors-origin", serve_options.cors_origins,
                            "Allow browsers from this origin (repeatable)");
  serve_command->add_option("--log-format", serve_options.log_format, "Log format")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  HealthcheckOptions healthcheck_options;
  auto* healthcheck_command = app.add_subcommand(
      "healthcheck",
      "GET a running server's /healthz: exit 0 when it answers 200, else 1 (for container health checks)");
  healthcheck_command->add_option("--host", healthcheck_options.host, "The server's IP address")->capture_default_str();
  healthcheck_command->add_option("--port", healthcheck_options.port, "The server's port")->capture_default_str();
  healthcheck_command->add_option("--path", healthcheck_options.path, "What to GET: /healthz, or /readyz")
      ->capture_default_str()
      ->check(CLI::IsMember({"/healthz", "/readyz"}));
  healthcheck_command->add_option("--timeout-ms", healthcheck_options.timeout_ms, "Time for the whole exchange")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  // Every command that reads responses reads CSV with any of the three delimiters.
  std::string delimiter;
  for (CLI::App* command : app.get_subcommands([](CLI::App* c) { return c->get_option_no_throw("--id-column"); })) {
    command
        ->add_option("--delimiter", delimiter,
                     "CSV field delimiter: ',' ';' or tab (default: detected from the header row; with ';' or tab "
                     "answers may have a decimal comma)")
        ->check(CLI::IsMember({",", ";", "tab", "\t"}));
  }

  // A repeatable option takes one value per occurrence, so that
  // `--predictor age survey.csv` leaves survey.csv to DATA.
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    for (CLI::Option* option : command->get_options()) {
      if (option->get_items_expected_max() > 1 && !option->get_positional()) option->allow_extra_args(false);
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }

  set_csv_delimiter(delimiter.empty() ? '\0' : delimiter == "tab" || delimiter == "\t" ? '\t' : delimiter.front());

  if (*show) return show_instrument(context, show_id);
  if (*instruments) return list_instruments(context);
  if (*validate_command) return validate(definition_file);
  if (*score_command) return score(context, score_options);
  if (*change_command) return change(context, change_options);
  if (*compare_command) return compare(context, compare_options);
  if (*waves_command) return waves(context, waves_options);
  if (*model_command) return model(context, model_options);
  if (*controlled_command) return controlled(context, controlled_options);
  if (*reliability_command) return reliability(context, reliability_options);
  if (*report_cmd) return report_command(context, report_options);
  if (*serve_command) return serve(context, serve_options);
  if (*healthcheck_command) return healthcheck(healthcheck_options);
  return kUsage;
}
