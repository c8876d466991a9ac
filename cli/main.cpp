// psyscore: score psychometric questionnaires from the command line.
// Exit codes: 0 success, 1 invalid input, 2 usage error.

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
  auto* score_command = app.add_subcommand("score", "Score responses (CSV or JSON; - reads stdin)");
  score_command->add_option("-i,--instrument", score_options.instrument, "Registry id or definition file")->required();
  score_command->add_option("DATA", score_options.data, "Responses file, or - for stdin")->required();
  score_command->add_option("--format", score_options.format, "Output format")->check(CLI::IsMember({"json", "csv"}));
  score_command->add_option("--id-column", score_options.id_column, "CSV column of respondent ids");
  score_command->add_option("--column-prefix", score_options.column_prefix,
                            "CSV item columns are named <prefix><item id>");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }

  if (*show) return show_instrument(context, show_id);
  if (*instruments) return list_instruments(context);
  if (*validate_command) return validate(definition_file);
  if (*score_command) return score(context, score_options);
  return kUsage;
}
