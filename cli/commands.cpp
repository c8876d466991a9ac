#include "commands.hpp"

#include <iostream>

#include "input.hpp"
#include "psyscore/json.hpp"
#include "psyscore/responses.hpp"

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
  return std::unexpected(Error::single(
      ErrorCode::not_found, {.code = "unknown_instrument",
                             .message = "no instrument \"" + name + "\" in " + context.instruments_dir.string() +
                                        " (`psyscore instruments` lists them; -i also takes a definition file)"}));
}

InputFormat file_format(std::string_view source, std::string_view text) {
  // SPSS, Stata and SAS files by their extension, then every format by its content.
  InputFormat format = detect_input_format(text);
  if (const auto by_name = input_format_from_file_name(source)) {
    if (*by_name != InputFormat::json && *by_name != InputFormat::csv) format = *by_name;
  }
  return format;
}

Result<ResponseMatrix> read_responses(const Instrument& instrument, const std::string& path, CsvOptions csv) {
  auto input = InputStream::open(path);
  if (!input) return std::unexpected(std::move(input.error()));
  const auto input_text = input->read_all();
  if (!input_text) return std::unexpected(std::move(input_text.error()));
  const std::string_view text = input_text->view();
  csv.source = input->source();
  auto wave = decode_responses(instrument, text, file_format(csv.source, text), csv);
  if (!wave) {
    for (auto& problem : wave.error().problems) {
      if (problem.source.empty()) problem.source = csv.source;
    }
  }
  return wave;
}

namespace {

char csv_delimiter = 0;  // --delimiter, once parsed; 0 = detect

}  // namespace

void set_csv_delimiter(char delimiter) { csv_delimiter = delimiter; }

CsvOptions csv_options(const std::string& id_column, const std::string& column_prefix) {
  CsvOptions csv;
  csv.id_column = id_column;
  csv.column_prefix = column_prefix;
  csv.delimiter = csv_delimiter;
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

}  // namespace psyscore::cli
