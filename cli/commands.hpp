// The subcommands of the psyscore command line. Each returns the process exit
// code: 0 success, 1 invalid input (problems on stderr), 2 usage error.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "psyscore/change.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/errors.hpp"
#include "psyscore/instrument.hpp"
#include "psyscore/model.hpp"
#include "psyscore/responses.hpp"

namespace psyscore::cli {

enum ExitCode : int { kSuccess = 0, kInvalidInput = 1, kUsage = 2 };

// Options every subcommand shares.
struct Context {
  std::filesystem::path instruments_dir;  // the registry's directory
};

int list_instruments(const Context& context);
int show_instrument(const Context& context, const std::string& id);
int validate(const std::filesystem::path& definition_file);

struct ScoreOptions {
  std::string instrument;  // registry id or definition file
  std::string data;        // CSV or JSON file, or "-" for stdin
  std::string format = "json";
  std::string id_column = "id";
  std::string column_prefix;
};
// Scores a CSV as it reads it, in chunks, with flat memory
// (cli/score_command.cpp).
int score(const Context& context, const ScoreOptions& options);

struct ReliabilityCommandOptions {
  std::string instrument;                // registry id or definition file
  std::string data;                      // CSV or JSON file, or "-" for stdin
  std::optional<std::size_t> bootstrap;  // resamples; nullopt: no bootstrap
  std::uint64_t seed = 0;
  bool listwise = false;
  std::vector<std::string> subscales;  // empty: every subscale with >= 2 items
  double ci_level = 0.95;
  bool items = false;       // --items: every item on its raw answers
  std::size_t threads = 0;  // 0: hardware threads
  std::string id_column = "id";
  std::string column_prefix;
  std::string format = "json";  // json, table or csv (per item)
};
// Prints encode_reliability_result (cli/reliability_command.cpp).
int reliability(const Context& context, const ReliabilityCommandOptions& options);

struct ChangeCommandOptions {
  std::string instrument;  // registry id or definition file
  std::string pre;         // CSV or JSON file, or "-" for stdin
  std::string post;
  // "sample", "published", a number for every subscale, or "ID=VALUE,...".
  std::string rci_reliability = "sample";
  double ci_level = 0.95;
  std::optional<double> rci_criterion;  // nullopt: 1.96, or 1.645 for ha
  std::string rci_method = "jt";        // jt, gln, hll, en, nk or ha
  std::string reliability_post;         // nk only; as rci_reliability
  std::vector<std::string> subscales;   // empty: all
  std::string clinical_criterion;       // empty: none; "auto", "a", "b" or "c"
  double clinical_sd_multiplier = 2.0;
  std::string functional_sd = "norms";  // or "sample"
  std::string id_column = "id";
  std::string column_prefix;
  std::string format = "json";  // json, table or csv (per participant)
};
int change(const Context& context, const ChangeCommandOptions& options);
// The engine's options of `change` (and of the change report); nullopt, with
// the message on stderr, for an --rci-reliability that does not parse.
std::optional<ChangeOptions> change_engine_options(const Instrument& instrument, const ChangeCommandOptions& options);

struct CompareCommandOptions {
  std::string instrument;
  std::string data;             // one CSV with a group column, or responses with covariates
  std::string group_column;     // this or group_covariate
  std::string group_covariate;  // the covariate whose levels are the groups (JSON or CSV)
  double ci_level = 0.95;
  std::vector<std::string> subscales;
  bool items = false;  // --items: every item compared on its raw answers
  std::string id_column = "id";
  std::string column_prefix;
  std::string format = "json";  // json, table or csv (per group)
};
int compare(const Context& context, const CompareCommandOptions& options);

struct WavesCommandOptions {
  std::string instrument;
  std::vector<std::string> waves;  // NAME=FILE, in time order
  std::string wave_column;         // or one long CSV with this wave column
  std::string wave_order;          // "a,b,c"; empty: order of first appearance
  std::string data;                // the long CSV
  double ci_level = 0.95;
  std::vector<std::string> subscales;
  std::string rci_method;          // empty or "hlm"
  std::string clinical_criterion;  // "auto", "a", "b", "c"
  double clinical_sd_multiplier = 2.0;
  std::string functional_sd = "norms";
  std::string id_column = "id";
  std::string column_prefix;
};
// Prints encode_waves_result (cli/waves_command.cpp).
int waves(const Context& context, const WavesCommandOptions& options);
struct ControlledCommandOptions {
  std::string instrument;           // registry id or definition file
  std::vector<std::string> groups;  // NAME=PRE,POST, the waves of each group (2 or more)
  std::string reference;            // empty: the first group
  double ci_level = 0.95;
  std::vector<std::string> subscales;
  std::string rci_reliability = "sample";
  std::optional<double> rci_criterion;
  std::string rci_method = "jt";
  std::string reliability_post;
  std::string id_column = "id";
  std::string column_prefix;
};
// Prints encode_controlled_result (cli/controlled_command.cpp).
int controlled(const Context& context, const ControlledCommandOptions& options);
// What `controlled` and the controlled report analyse: the instrument of -i,
// each --group's two waves and the engine's options. On failure the problems
// are on stderr and the error is the exit code (kUsage for a --group or an
// option that does not parse).
struct ControlledInput {
  InstrumentPtr instrument;
  std::vector<ControlledGroup> groups;
  ControlledOptions options;
};
std::expected<ControlledInput, int> load_controlled(const Context& context, const ControlledCommandOptions& options);
struct ReportCommandOptions {
  std::string instrument;
  std::string data;  // one wave, or one wave of groups with group_column
  std::string pre;   // with post: a pre/post report
  std::string post;
  std::string group_column;  // with data: a group report
  // NAME=PRE,POST, each group's two waves: a controlled report (2 or more).
  std::vector<std::string> groups;
  // With groups: at most one, the reference group (default: the first).
  // With outcome: "NAME=LEVEL", a predictor's reference level.
  std::vector<std::string> references;
  // With data alone: the cohort-factor model as ModelCommandOptions takes it.
  std::string outcome;
  std::vector<std::string> predictors;
  std::vector<std::string> covariates;
  std::string output;  // -o; empty: stdout
  bool show_ids = false;
  // The analyses' options, as their own subcommands take them.
  ChangeCommandOptions change;  // rci_reliability, ci_level, rci_criterion, subscales, clinical_*
  std::optional<std::size_t> bootstrap;
  std::uint64_t seed = 0;
  bool listwise = false;
};
// The HTML report (psyscore/report.hpp): the same bytes as POST .../report.
int report_command(const Context& context, const ReportCommandOptions& options);

struct ModelCommandOptions {
  std::string instrument;
  std::string data;                     // CSV (or JSON with covariates)
  std::string outcome;                  // "total>=4", "EE=high", "wellbeing=yes"
  std::vector<std::string> predictors;  // required
  std::vector<std::string> covariates;  // more CSV covariate columns (predictors are read anyway)
  std::vector<std::string> references;  // "duration=lt1"
  double ci_level = 0.95;
  bool no_profile = false;
  std::string id_column = "id";
  std::string column_prefix;
};
int model(const Context& context, const ModelCommandOptions& options);
// The engine's options of `model` (and of the report's model section), with
// the covariate columns `csv` must read; nullopt, with the message on stderr,
// for an --outcome or --reference that does not parse.
std::optional<ModelOptions> model_engine_options(const Instrument& instrument, const ModelCommandOptions& options,
                                                 CsvOptions& csv);

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t threads = 0;
  std::size_t max_body_bytes = 32u << 20;
  std::size_t max_respondents = 1'000'000;
  std::size_t max_items = 100;
  std::size_t max_subscales = 20;
  std::size_t max_bootstrap_iterations = 100'000;
  std::uint64_t max_bootstrap_answers = 100'000'000;
  std::size_t max_waves = 20;
  long deadline_ms = 30'000;
  std::size_t max_connections = 1024;
  std::size_t max_queue = 0;
  long read_timeout_ms = 30'000;
  long idle_timeout_ms = 60'000;
  long drain_timeout_ms = 30'000;
  std::string api_key_file;
  std::vector<std::string> cors_origins;
  std::string log_format = "text";
};
int serve(const Context& context, const ServeOptions& options);

struct HealthcheckOptions {
  std::string host = "127.0.0.1";  // an IP address: no name is resolved
  unsigned short port = 8080;
  std::string path = "/healthz";  // or /readyz
  long timeout_ms = 2'000;
};
// One GET of http://HOST:PORT/PATH: exit 0 and the body on stdout when the
// server answers 200; 1 and the reason on stderr for any other status, a
// refused connection or no answer within the timeout
// (cli/healthcheck_command.cpp).
int healthcheck(const HealthcheckOptions& options);

// Shared by the subcommands.

// Prints every problem of `error` on stderr as "error: file:line:column:
// message" (`source` names the input when a problem does not); returns
// kInvalidInput.
int report(const Error& error, const std::string& source = {});
// `-i`: a definition file (a path, or a name ending in .json) or a registry id.
Result<InstrumentPtr> resolve_instrument(const Context& context, const std::string& name);
// The format of a file: SPSS, Stata and SAS by the extension of `source`,
// then any format by its content (detect_input_format).
InputFormat file_format(std::string_view source, std::string_view text);
// Reads a responses file, or stdin for "-", in its file_format(). Problems
// name the file.
Result<ResponseMatrix> read_responses(const Instrument& instrument, const std::string& path, CsvOptions csv);
// --rci-reliability and --reliability-post: "sample", "published", one
// number for every subscale analysed, or "ID=VALUE,ID=VALUE" per subscale;
// nullopt when the text is none of these.
std::optional<RciReliability> parse_reliability(const Instrument& instrument, const std::string& text,
                                                const std::vector<std::string>& subscales);
// The CSV options of --id-column and --column-prefix.
CsvOptions csv_options(const std::string& id_column, const std::string& column_prefix);
// The CSV delimiter csv_options() gives (--delimiter): ',', ';' or '\t', or
// 0 to detect it from the header row.
void set_csv_delimiter(char delimiter);

// The instrument of -i and the one responses file a subcommand works on.
struct Input {
  InstrumentPtr instrument;
  ResponseMatrix responses;
};
// resolve_instrument, then read_responses of `data`. On failure the problems
// are on stderr and the error is the exit code.
std::expected<Input, int> load_input(const Context& context, const std::string& instrument, const std::string& data,
                                     const CsvOptions& csv);

// The bundled instrument directory: next to an installed binary
// (<prefix>/share/psyscore/instruments), else the source tree's.
std::filesystem::path default_instruments_dir();

}  // namespace psyscore::cli
