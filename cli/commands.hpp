// The subcommands of the psyscore command line. Each returns the process exit
// code: 0 success, 1 invalid input (problems on stderr), 2 usage error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

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
int score(const Context& context, const ScoreOptions& options);

// The bundled instrument directory: next to an installed binary
// (<prefix>/share/psyscore/instruments), else the source tree's.
std::filesystem::path default_instruments_dir();

}  // namespace psyscore::cli
