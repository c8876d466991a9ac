#include "commands.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "json_writer.hpp"
#include "psyscore/json.hpp"
#include "psyscore/responses.hpp"
#include "psyscore/scoring.hpp"

namespace psyscore::cli {

int report(const Error& error, const std::string& source) {
  if (error.problems.empty()) {
    std::cerr << "error: " << (source.empty() ? "" : source + ": ") << error.message << '\n';
    return kInvalidInput;
  }
  for (Problem problem : error.problems) {
    if (problem.source.empty()) problem.source = source;
    std::cerr << "error: " << describe(problem) << '\n';
  }
  return kInvalidInput;
}

namespace {

Result<std::string> read_input(const std::string& path) {
  std::ostringstream contents;
  if (path == "-") {
    contents << std::cin.rdbuf();
    return std::move(contents).str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(Error::single(ErrorCode::not_found, {path, "", 0, 0, "not_found", "cannot open the file"}));
  }
  contents << in.rdbuf();
  return std::move(contents).str();
}

bool looks_like_json(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

Result<InstrumentPtr> resolve_instrument(const Context& context, const std::string& name) {
  const std::filesystem::path path(name);
  std::error_code ec;
  if (name.find('/') != std::string::npos || path.extension() == ".json" ||
      std::filesystem::is_regular_file(path, ec)) {
    return load_instrument_file(path);
  }
  auto registry = Registry::load_directory(context.instruments_dir);
  if (!registry) return std::unexpected(std::move(registry.error()));
  if (auto instrument = registry->find(name)) return instrument;
  return std::unexpected(Error::single(ErrorCode::not_found,
                                       {"", "", 0, 0, "unknown_instrument",
                                        "no instrument \"" + name + "\" in " + context.instruments_dir.string() +
                                            " (`psyscore instruments` lists them; -i also takes a definition file)"}));
}

Result<ResponseMatrix> read_responses(const Instrument& instrument, const std::string& path, CsvOptions csv) {
  auto text = read_input(path);
  if (!text) return std::unexpected(std::move(text.error()));
  csv.source = path == "-" ? "<stdin>" : path;
  if (!looks_like_json(*text)) return decode_csv_responses(instrument, *text, csv);
  auto wave = decode_json_responses(instrument, *text);
  if (!wave) {
    for (auto& problem : wave.error().problems) problem.source = csv.source;
  }
  return wave;
}

CsvOptions csv_options(const std::string& id_column, const std::string& column_prefix) {
  CsvOptions csv;
  csv.id_column = id_column;
  csv.column_prefix = column_prefix;
  return csv;
}

std::expected<Input, int> load_input(const Context& context, const std::string& instrument, const std::string& data,
                                     const CsvOptions& csv) {
  auto resolved = resolve_instrument(context, instrument);
  if (!resolved) return std::unexpected(report(resolved.error()));
  // Every problem of read_responses names the file, so report() needs no source.
  auto responses = read_responses(**resolved, data, csv);
  if (!responses) return std::unexpected(report(responses.error()));
  return Input{std::move(*resolved), std::move(*responses)};
}

namespace {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Numbers as the JSON encoder writes them: the shortest text that reads back
// to the same double.
std::string csv_number(const std::optional<double>& x) {
  std::string out;
  if (x) detail::append_json_number(out, *x);
  return out;
}

std::string encode_score_csv(const Instrument& instrument, const ResponseMatrix& responses, const ScoreTable& table) {
  std::string out = "id";
  for (const auto& subscale : instrument.subscales) {
    out += "," + csv_field(subscale.id) + "," + csv_field(subscale.id + "_answered");
    if (!subscale.bands.empty()) out += "," + csv_field(subscale.id + "_band");
    if (subscale.norms) out += "," + csv_field(subscale.id + "_z") + "," + csv_field(subscale.id + "_t");
  }
  out += ",errors\n";
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    out += csv_field(responses.ids[r]);
    for (std::size_t s = 0; s < instrument.subscales.size(); ++s) {
      const Subscale& subscale = instrument.subscales[s];
      const SubscaleScore& score = table.at(r, s);
      const bool usable = responses.usable(r);
      out += "," + (usable ? csv_number(score.value) : "");
      out += "," + (usable ? std::to_string(score.answered) : "");
      if (!subscale.bands.empty()) {
        out += "," + (usable && score.band ? csv_field(subscale.bands[*score.band].label) : "");
      }
      if (subscale.norms) out += "," + (usable ? csv_number(score.z) : "") + "," + (usable ? csv_number(score.t) : "");
    }
    std::string errors;
    for (const auto& error : responses.errors[r]) {
      if (!errors.empty()) errors += "; ";
      errors += error.message;
    }
    out += "," + csv_field(errors) + "\n";
  }
  return out;
}

}  // namespace

std::filesystem::path default_instruments_dir() {
  std::error_code ec;
  const auto executable = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = executable.parent_path().parent_path() / "share" / "psyscore" / "instruments";
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return PSYSCORE_SOURCE_INSTRUMENTS_DIR;
}

int list_instruments(const Context& context) {
  auto registry = Registry::load_directory(context.instruments_dir);
  if (!registry) return report(registry.error());
  std::cout << encode_registry(*registry);
  return kSuccess;
}

int show_instrument(const Context& context, const std::string& id) {
  auto registry = Registry::load_directory(context.instruments_dir);
  if (!registry) return report(registry.error());
  const auto instrument = registry->find(id);
  if (!instrument) {
    std::cerr << "error: no instrument \"" << id << "\" in " << context.instruments_dir.string()
              << " (`psyscore instruments` lists them)\n";
    return kInvalidInput;
  }
  std::cout << instrument->canonical_json << '\n';
  return kSuccess;
}

int validate(const std::filesystem::path& definition_file) {
  auto instrument = load_instrument_file(definition_file);
  if (!instrument) return report(instrument.error(), definition_file.string());
  std::cout << encode_validation(**instrument);
  return kSuccess;
}

int score(const Context& context, const ScoreOptions& options) {
  const auto input =
      load_input(context, options.instrument, options.data, csv_options(options.id_column, options.column_prefix));
  if (!input) return input.error();
  const Instrument& instrument = *input->instrument;
  const ResponseMatrix& responses = input->responses;

  const ScoreTable table = psyscore::score(instrument, responses);
  if (options.format == "csv") {
    for (const auto& warning : responses.warnings) std::cerr << "warning: " << warning << '\n';
    for (const auto& warning : table.warnings) std::cerr << "warning: " << warning << '\n';
    std::cout << encode_score_csv(instrument, responses, table);
  } else {
    std::cout << encode_score_result(instrument, responses, table);
  }
  return kSuccess;
}

}  // namespace psyscore::cli
