#include "scoring/decode/readstat_input.hpp"

#include <readstat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <unordered_map>

#include "scoring/decode/decode_common.hpp"

namespace psyscore::detail {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// Beyond this many problems with cases a report stops listing them.
constexpr std::size_t kMaxProblems = 100;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (lower(tail[i]) != suffix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Whole numbers without a fraction ("12", not "12.0"), others in shortest
// round-trip form: how an id or a group stored as a number reads.
std::string number_text(double x) {
  char buffer[32];
  std::to_chars_result written{};
  if (std::abs(x) < 9007199254740992.0 && x == std::trunc(x)) {
    written = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(x));
  } else {
    written = std::to_chars(buffer, buffer + sizeof buffer, x);
  }
  return std::string(buffer, written.ptr);
}

// The file in memory, read through ReadStat's I/O handlers.
struct MemoryFile {
  std::string_view bytes;
  std::size_t position = 0;
};

int open_memory(const char*, void*) { return 0; }
int close_memory(void*) { return 0; }

readstat_off_t seek_memory(readstat_off_t offset, readstat_io_flags_t whence, void* context) {
  auto& file = *static_cast<MemoryFile*>(context);
  readstat_off_t base = 0;
  if (whence == READSTAT_SEEK_CUR) base = static_cast<readstat_off_t>(file.position);
  if (whence == READSTAT_SEEK_END) base = static_cast<readstat_off_t>(file.bytes.size());
  // A corrupt header can ask for any offset: refuse what lies outside the file, without overflowing.
  if (offset < -base || offset > static_cast<readstat_off_t>(file.bytes.size()) - base) return -1;
  file.position = static_cast<std::size_t>(base + offset);
  return static_cast<readstat_off_t>(file.position);
}

ssize_t read_memory(void* buffer, std::size_t bytes, void* context) {
  auto& file = *static_cast<MemoryFile*>(context);
  const std::size_t count = std::min(bytes, file.bytes.size() - file.position);
  if (count > 0) std::memcpy(buffer, file.bytes.data() + file.position, count);
  file.position += count;
  return static_cast<ssize_t>(count);
}

readstat_error_t update_memory(long, readstat_progress_handler, void*, void*) { return READSTAT_OK; }

// What the parser's handlers build. They run inside ReadStat's C code, so
// nothing may throw out of them: each catches and aborts the parse.
struct Reader {
  const StatReadOptions& options;
  StatTable table;
  std::vector<std::ptrdiff_t> column_of_variable;  // index into table.columns, or -1 when not kept
  std::vector<std::string> label_set_of_column;    // the name of each kept column's value labels
  // Value labels by label set, as ReadStat reports them (in a .dta after the data).
  std::unordered_map<std::string, std::vector<std::pair<double, std::string>>> label_sets;
  std::size_t expected_cases = 0;  // from the header, within the limits
  std::size_t kept_values = 0;
  std::optional<Error> refusal;  // why a handler aborted
  std::string parser_message;    // what ReadStat's error handler said
  bool out_of_memory = false;

  void refuse(std::string code, std::string message) {
    refusal = Error::single(ErrorCode::invalid,
                            Problem{.source = options.source, .code = std::move(code), .message = std::move(message)});
  }
};

std::string plural(std::size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

int on_metadata(readstat_metadata_t* metadata, void* context) {
  auto& reader = *static_cast<Reader*>(context);
  const StatLimits& limits = reader.options.limits;
  const std::int64_t variables = readstat_get_var_count(metadata);
  const std::int64_t cases = readstat_get_row_count(metadata);  // -1 when the header does not say
  if (variables > 0 && static_cast<std::uint64_t>(variables) > limits.max_variables) {
    reader.refuse("too_many_variables", "the file has " + plural(static_cast<std::size_t>(variables), "variable") +
                                            "; at most " + std::to_string(limits.max_variables) + " are accepted");
    return READSTAT_HANDLER_ABORT;
  }
  if (cases > 0 && static_cast<std::uint64_t>(cases) > limits.max_cases) {
    reader.refuse("too_many_cases", "the file has " + plural(static_cast<std::size_t>(cases), "case") + "; at most " +
                                        std::to_string(limits.max_cases) + " are accepted");
    return READSTAT_HANDLER_ABORT;
  }
  if (cases > 0) reader.expected_cases = static_cast<std::size_t>(cases);
  try {
    if (const char* label = readstat_get_file_label(metadata)) reader.table.file_label = label;
  } catch (const std::bad_alloc&) {
    reader.out_of_memory = true;
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

int on_variable(int index, readstat_variable_t* variable, const char* label_set, void* context) {
  auto& reader = *static_cast<Reader*>(context);
  const StatLimits& limits = reader.options.limits;
  if (index < 0 || static_cast<std::size_t>(index) != reader.table.variable_names.size()) {
    reader.parser_message = "variables out of order";
    return READSTAT_HANDLER_ABORT;
  }
  if (reader.table.variable_names.size() >= limits.max_variables) {
    reader.refuse("too_many_variables", "the file has more than " + plural(limits.max_variables, "variable") +
                                            "; at most " + std::to_string(limits.max_variables) + " are accepted");
    return READSTAT_HANDLER_ABORT;
  }
  try {
    const char* name = readstat_variable_get_name(variable);
    reader.table.variable_names.emplace_back(name ? name : "");
    const std::string_view kept_name = reader.table.variable_names.back();
    if (reader.options.keep && !reader.options.keep(kept_name)) {
      reader.column_of_variable.push_back(-1);
      return READSTAT_HANDLER_SKIP_VARIABLE;
    }
    // The header's case count times the kept columns bounds what is stored; a
    // header without a count is held to the limit as cases arrive.
    if (reader.kept_values + reader.expected_cases > limits.max_values) {
      reader.refuse("too_many_values", "the file has " + plural(reader.expected_cases, "case") + " of " +
                                           plural(reader.table.columns.size() + 1, "used variable") + "; at most " +
                                           std::to_string(limits.max_values) + " values are accepted");
      return READSTAT_HANDLER_ABORT;
    }
    reader.kept_values += reader.expected_cases;
    reader.column_of_variable.push_back(static_cast<std::ptrdiff_t>(reader.table.columns.size()));
    StatColumn& column = reader.table.columns.emplace_back();
    column.name = kept_name;
    if (const char* label = readstat_variable_get_label(variable)) column.label = label;
    column.numeric = readstat_variable_get_type_class(variable) == READSTAT_TYPE_CLASS_NUMERIC;
    // A header's count is a claim: memory grows with the cases that arrive beyond a first block.
    const std::size_t reserved = std::min<std::size_t>(reader.expected_cases, 1 << 16);
    if (column.numeric) {
      column.numbers.reserve(reserved);
    } else {
      column.texts.reserve(reserved);
    }
    reader.label_set_of_column.emplace_back(label_set ? label_set : "");
  } catch (const std::bad_alloc&) {
    reader.out_of_memory = true;
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

double number_of(readstat_value_t value) {
  switch (readstat_value_type(value)) {
    case READSTAT_TYPE_INT8: return readstat_int8_value(value);
    case READSTAT_TYPE_INT16: return readstat_int16_value(value);
    case READSTAT_TYPE_INT32: return readstat_int32_value(value);
    case READSTAT_TYPE_FLOAT: return static_cast<double>(readstat_float_value(value));
    case READSTAT_TYPE_DOUBLE: return readstat_double_value(value);
    default: return kMissing;
  }
}

int on_value(int case_index, readstat_variable_t* variable, readstat_value_t value, void* context) {
  auto& reader = *static_cast<Reader*>(context);
  const StatLimits& limits = reader.options.limits;
  const int index = readstat_variable_get_index(variable);
  if (case_index < 0 || index < 0 || static_cast<std::size_t>(index) >= reader.column_of_variable.size()) {
    reader.parser_message = "a value outside the file's variables or cases";
    return READSTAT_HANDLER_ABORT;
  }
  const std::ptrdiff_t kept = reader.column_of_variable[static_cast<std::size_t>(index)];
  if (kept < 0) return READSTAT_HANDLER_OK;
  const auto row = static_cast<std::size_t>(case_index);
  if (row >= limits.max_cases) {
    reader.refuse("too_many_cases", "the file has more than " + plural(limits.max_cases, "case") + "; at most " +
                                        std::to_string(limits.max_cases) + " are accepted");
    return READSTAT_HANDLER_ABORT;
  }
  StatColumn& column = reader.table.columns[static_cast<std::size_t>(kept)];
  try {
    const std::size_t stored = column.numeric ? column.numbers.size() : column.texts.size();
    if (row + 1 > stored) {
      // Beyond what the header announced: count what is added against the limit.
      const std::size_t announced = std::max(stored, reader.expected_cases);
      if (row + 1 > announced) {
        reader.kept_values += row + 1 - announced;
        if (reader.kept_values > limits.max_values) {
          reader.refuse("too_many_values", "the file holds more than " + std::to_string(limits.max_values) +
                                               " values in the variables used; at most " +
                                               std::to_string(limits.max_values) + " are accepted");
          return READSTAT_HANDLER_ABORT;
        }
      }
    }
    if (column.numeric) {
      if (column.numbers.size() < row) column.numbers.resize(row, kMissing);
      const bool missing =
          readstat_value_type_class(value) != READSTAT_TYPE_CLASS_NUMERIC || readstat_value_is_missing(value, variable);
      const double x = missing ? kMissing : number_of(value);
      if (column.numbers.size() == row) {
        column.numbers.push_back(x);
      } else {
        column.numbers[row] = x;
      }
    } else {
      if (column.texts.size() < row) column.texts.resize(row);
      const char* text =
          readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING ? readstat_string_value(value) : nullptr;
      std::string cell = text && !readstat_value_is_missing(value, variable) ? std::string(text) : std::string();
      if (column.texts.size() == row) {
        column.texts.push_back(std::move(cell));
      } else {
        column.texts[row] = std::move(cell);
      }
    }
    reader.table.case_count = std::max(reader.table.case_count, row + 1);
  } catch (const std::bad_alloc&) {
    reader.out_of_memory = true;
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

int on_value_label(const char* label_set, readstat_value_t value, const char* label, void* context) {
  auto& reader = *static_cast<Reader*>(context);
  if (!label_set || !label || readstat_value_type_class(value) != READSTAT_TYPE_CLASS_NUMERIC ||
      readstat_value_is_tagged_missing(value) || readstat_value_is_system_missing(value)) {
    return READSTAT_HANDLER_OK;  // labels of strings and of missing codes name no category of a kept number
  }
  try {
    auto& labels = reader.label_sets[label_set];
    if (labels.size() < reader.options.limits.max_variables) labels.emplace_back(number_of(value), label);
  } catch (const std::bad_alloc&) {
    reader.out_of_memory = true;
    return READSTAT_HANDLER_ABORT;
  }
  return READSTAT_HANDLER_OK;
}

void on_error(const char* message, void* context) {
  auto& reader = *static_cast<Reader*>(context);
  if (!message || !reader.parser_message.empty()) return;
  try {
    std::string_view text = message;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    reader.parser_message = text.substr(0, 200);
  } catch (const std::bad_alloc&) {
    reader.out_of_memory = true;
  }
}

// Every column as long as the file, its value labels attached.
void finish(Reader& reader) {
  StatTable& table = reader.table;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    StatColumn& column = table.columns[c];
    if (column.numeric) {
      column.numbers.resize(table.case_count, kMissing);
    } else {
      column.texts.resize(table.case_count);
    }
    const auto labels = reader.label_sets.find(reader.label_set_of_column[c]);
    if (!column.numeric || labels == reader.label_sets.end()) continue;
    column.value_labels = labels->second;
    std::ranges::sort(column.value_labels);  // by value, then label: the first label of a value wins
  }
}

}  // namespace

std::string_view format_name(StatFormat format) {
  switch (format) {
    case StatFormat::spss: return "SPSS";
    case StatFormat::stata: return "Stata";
    case StatFormat::sas: return "SAS";
  }
  return "SPSS";
}

std::optional<StatFormat> stat_format_from_extension(std::string_view file_name) {
  if (ends_with_ignoring_case(file_name, ".sav") || ends_with_ignoring_case(file_name, ".zsav")) {
    return StatFormat::spss;
  }
  if (ends_with_ignoring_case(file_name, ".dta")) return StatFormat::stata;
  if (ends_with_ignoring_case(file_name, ".sas7bdat")) return StatFormat::sas;
  return std::nullopt;
}

std::optional<StatFormat> stat_format_from_media_type(std::string_view media_type) {
  media_type = trim(media_type.substr(0, media_type.find(';')));
  std::string lowered(media_type);
  std::ranges::transform(lowered, lowered.begin(), lower);
  if (lowered == "application/x-spss-sav") return StatFormat::spss;
  if (lowered == "application/x-stata-dta") return StatFormat::stata;
  if (lowered == "application/x-sas-data") return StatFormat::sas;
  return std::nullopt;
}

std::optional<StatFormat> sniff_stat_format(std::string_view bytes) {
  if (bytes.starts_with("$FL2") || bytes.starts_with("$FL3")) return StatFormat::spss;
  if (bytes.starts_with("<stata_dta>")) return StatFormat::stata;  // format 117 and later
  // Formats 104 to 115: the version, the byte order (1 or 2), the file type 1 and a zero byte.
  if (bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) >= 104 && static_cast<unsigned char>(bytes[0]) <= 115 &&
      (bytes[1] == 1 || bytes[1] == 2) && bytes[2] == 1 && bytes[3] == 0) {
    return StatFormat::stata;
  }
  static constexpr unsigned char kSasMagic[32] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                  0x00, 0xc2, 0xea, 0x81, 0x60, 0xb3, 0x14, 0x11, 0xcf, 0xbd, 0x92,
                                                  0x08, 0x00, 0x09, 0xc7, 0x31, 0x8c, 0x18, 0x1f, 0x10, 0x11};
  if (bytes.size() >= sizeof kSasMagic && std::memcmp(bytes.data(), kSasMagic, sizeof kSasMagic) == 0) {
    return StatFormat::sas;
  }
  return std::nullopt;
}

std::optional<std::string_view> StatColumn::label_of(double value) const {
  const auto it = std::ranges::lower_bound(value_labels, value, {}, &std::pair<double, std::string>::first);
  if (it == value_labels.end() || it->first != value) return std::nullopt;
  return std::string_view(it->second);
}

bool StatColumn::missing(std::size_t row) const { return numeric ? std::isnan(numbers[row]) : texts[row].empty(); }

std::string StatColumn::text(std::size_t row, bool use_labels) const {
  if (!numeric) return texts[row];
  const double x = numbers[row];
  if (std::isnan(x)) return {};
  if (use_labels) {
    if (const auto value_label = label_of(x)) return std::string(*value_label);
  }
  return number_text(x);
}

const StatColumn* StatTable::find(std::string_view name) const {
  for (const StatColumn& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Result<StatTable> read_stat_table(std::string_view bytes, StatFormat format, const StatReadOptions& options) {
  Reader reader{options, {}, {}, {}, {}, 0, 0, std::nullopt, {}, false};
  MemoryFile file{bytes, 0};
  readstat_parser_t* parser = readstat_parser_init();
  if (!parser) throw std::bad_alloc();
  readstat_set_open_handler(parser, open_memory);
  readstat_set_close_handler(parser, close_memory);
  readstat_set_seek_handler(parser, seek_memory);
  readstat_set_read_handler(parser, read_memory);
  readstat_set_update_handler(parser, update_memory);
  readstat_set_io_ctx(parser, &file);
  readstat_set_metadata_handler(parser, on_metadata);
  readstat_set_variable_handler(parser, on_variable);
  readstat_set_value_handler(parser, on_value);
  readstat_set_value_label_handler(parser, on_value_label);
  readstat_set_error_handler(parser, on_error);
  // Strings arrive as UTF-8 whatever the file's own encoding.
  readstat_set_handler_character_encoding(parser, "UTF-8");

  readstat_error_t status = READSTAT_OK;
  switch (format) {
    case StatFormat::spss: status = readstat_parse_sav(parser, "", &reader); break;
    case StatFormat::stata: status = readstat_parse_dta(parser, "", &reader); break;
    case StatFormat::sas: status = readstat_parse_sas7bdat(parser, "", &reader); break;
  }
  readstat_parser_free(parser);

  if (reader.out_of_memory) throw std::bad_alloc();
  if (reader.refusal) return std::unexpected(std::move(*reader.refusal));
  if (status != READSTAT_OK) {
    std::string message = "the file cannot be read as " + std::string(format_name(format)) + " data: ";
    message += readstat_error_message(status);
    if (!reader.parser_message.empty()) message += " (" + reader.parser_message + ")";
    return std::unexpected(
        Error::single(ErrorCode::malformed,
                      Problem{.source = options.source, .code = "unreadable_file", .message = std::move(message)}));
  }
  finish(reader);
  return std::move(reader.table);
}

namespace {

// Turns the columns of a table into a wave, as CsvResponseDecoder does the
// columns of a CSV.
class StatWaveDecoder {
 public:
  // `ids_per_group`: an id may repeat in other groups (the waves of a long
  // file), not within one.
  StatWaveDecoder(const Instrument& instrument, const CsvOptions& options, bool ids_per_group)
      : instrument_(instrument), options_(options), checker_(instrument), ids_per_group_(ids_per_group) {}

  // The variables a wave needs: the id, the group, the covariates and the items.
  bool wanted(std::string_view name) const {
    if (name == options_.id_column) return true;
    if (!options_.group_column.empty() && name == options_.group_column) return true;
    if (std::ranges::find(options_.covariate_columns, name) != options_.covariate_columns.end()) return true;
    return item_of(name).has_value();
  }

  Result<ResponseMatrix> decode(const StatTable& table) {
    ResponseMatrix wave;
    wave.item_count = instrument_.items.size();
    const StatColumn* id = table.find(options_.id_column);
    const StatColumn* group = options_.group_column.empty() ? nullptr : table.find(options_.group_column);
    std::vector<Problem> problems;
    if (!id) {
      problems.push_back(at("missing_column", "no variable \"" + options_.id_column +
                                                  "\" for respondent ids (name another variable with id_column / "
                                                  "--id-column)"));
    }
    if (!options_.group_column.empty() && !group) {
      problems.push_back(at("missing_column", "no group variable \"" + options_.group_column + "\""));
    }
    std::vector<const StatColumn*> covariates;
    for (const std::string& name : options_.covariate_columns) {
      covariates.push_back(table.find(name));
      if (covariates.back()) continue;
      const bool repeated = std::ranges::count(options_.covariate_columns, name) > 1;
      problems.push_back(at(
          repeated ? "duplicate_covariate" : "unknown_covariate_column",
          repeated ? "covariate variable \"" + name + "\" is named twice" : "no covariate variable \"" + name + "\""));
    }
    if (!problems.empty()) {
      return std::unexpected(Error{ErrorCode::malformed, "the file lacks variables", std::move(problems)});
    }

    std::vector<std::pair<const StatColumn*, std::size_t>> items;  // column, item index
    std::vector<bool> item_has_column(instrument_.items.size(), false);
    for (const StatColumn& column : table.columns) {
      const auto item = item_of(column.name);
      if (!item || &column == id || &column == group || std::ranges::find(covariates, &column) != covariates.end()) {
        continue;
      }
      items.emplace_back(&column, *item);
      item_has_column[*item] = true;
    }
    if (items.empty()) {
      return std::unexpected(Error::single(
          ErrorCode::invalid,
          at("no_item_columns", "no variable holds an item of " + instrument_.id + " (expected variables such as \"" +
                                    options_.column_prefix + instrument_.items.front().id +
                                    "\"; set column_prefix / --column-prefix to the names' prefix, as SPSS, Stata "
                                    "and SAS names cannot start with a digit)")));
    }
    warn(table, item_has_column);

    reserve_respondents(wave, table.case_count);
    if (group) wave.groups.reserve(table.case_count);
    // A numeric variable without value labels is a numeric covariate; one
    // with labels, or a string, is categorical and reads as its labels.
    for (const StatColumn* column : covariates) {
      Covariate& covariate = wave.covariates.emplace_back();
      covariate.name = column->name;
      covariate.numeric = column->numeric && column->value_labels.empty();
    }
    DuplicateIds duplicate_ids(table.case_count);
    std::unordered_map<std::string, DuplicateIds> duplicate_ids_of_group;
    for (std::size_t row = 0; row < table.case_count; ++row) {
      const std::string id_text(trim(id->text(row, /*use_labels=*/false)));
      if (id_text.empty()) {
        add_problem(problems, case_problem(row, *id, "missing_id", "the respondent id is empty"));
        continue;
      }
      std::string group_text;
      if (group) {
        group_text = trim(group->text(row, /*use_labels=*/true));
        if (group_text.empty() || group_text == "NA") {
          add_problem(problems, case_problem(row, *group, "missing_group", "the respondent has no group"));
          continue;
        }
      }
      DuplicateIds& ids = ids_per_group_ && group ? duplicate_ids_of_group[group_text] : duplicate_ids;
      ids.add(id_text, [&] { return case_problem(row, *id, "", ""); });
      if (!problems.empty()) continue;  // the wave fails; keep looking only for structural problems
      const std::size_t respondent = add_respondent(wave, id_text);
      if (group) wave.groups.push_back(std::move(group_text));
      for (std::size_t k = 0; k < covariates.size(); ++k) {
        Covariate& covariate = wave.covariates[k];
        if (covariate.numeric) {
          covariate.numbers.push_back(covariates[k]->numbers[row]);
        } else {
          const std::string text(trim(covariates[k]->text(row, /*use_labels=*/true)));
          covariate.labels.push_back(text == "NA" ? std::string() : text);
        }
      }
      for (const auto& [column, item] : items) store(wave, respondent, *column, row, item);
    }
    if (!problems.empty()) {
      std::string summary = problems.size() == 1 ? problems.front().message : "the file has problems";
      return std::unexpected(Error{ErrorCode::malformed, std::move(summary), std::move(problems)});
    }
    if (auto duplicate = duplicate_ids.error()) return std::unexpected(std::move(*duplicate));
    for (const auto& [name, ids] : duplicate_ids_of_group) {
      if (auto duplicate = ids.error()) return std::unexpected(std::move(*duplicate));
    }
    wave.warnings = std::move(warnings_);
    return wave;
  }

 private:
  std::optional<std::size_t> item_of(std::string_view name) const {
    if (!name.starts_with(options_.column_prefix)) return std::nullopt;
    return instrument_.item_index(name.substr(options_.column_prefix.size()));
  }

  Problem at(std::string code, std::string message) const {
    return Problem{.source = options_.source, .code = std::move(code), .message = std::move(message)};
  }
  // A problem of one case: its number and the variable lead the message.
  Problem case_problem(std::size_t row, const StatColumn& column, std::string code, std::string_view message) const {
    return at(std::move(code),
              "case " + std::to_string(row + 1) + ", variable \"" + column.name + "\": " + std::string(message));
  }
  static void add_problem(std::vector<Problem>& problems, Problem problem) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(problem));
  }

  void warn(const StatTable& table, const std::vector<bool>& item_has_column) {
    std::string absent;
    for (std::size_t i = 0; i < item_has_column.size(); ++i) {
      if (item_has_column[i]) continue;
      if (!absent.empty()) absent += ", ";
      absent.append("\"").append(options_.column_prefix).append(instrument_.items[i].id).append("\"");
    }
    if (!absent.empty()) warnings_.push_back("no column for items " + absent + "; their answers are missing");
    std::string ignored;
    for (const std::string& name : table.variable_names) {
      if (wanted(name)) continue;
      if (!ignored.empty()) ignored += ", ";
      ignored.append("\"").append(name).append("\"");
    }
    if (!ignored.empty()) warnings_.push_back("ignored columns that are not items: " + ignored);
  }

  void store(ResponseMatrix& wave, std::size_t respondent, const StatColumn& column, std::size_t row,
             std::size_t item) const {
    if (column.numeric) {
      const double answer = column.numbers[row];
      if (std::isnan(answer)) return;
      if (!std::isfinite(answer)) {
        reject_answer(wave, respondent, instrument_.items[item].id, AnswerErrorCode::not_a_number, {});
        return;
      }
      checker_.store(wave, respondent, item, answer);
      return;
    }
    // An answer kept as text, as a Stata or SAS string may be.
    const std::string_view cell = trim(column.texts[row]);
    if (cell.empty() || cell == "NA" || cell == ".") return;
    double answer = 0;
    bool whole = false;
    if (!parse_plain_decimal(cell, answer, whole)) {
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), answer);
      if (ec != std::errc{} || end != cell.data() + cell.size() || !std::isfinite(answer)) {
        reject_answer(wave, respondent, instrument_.items[item].id, AnswerErrorCode::not_a_number, cell);
        return;
      }
    }
    checker_.store(wave, respondent, item, answer);
  }

  const Instrument& instrument_;
  const CsvOptions& options_;
  AnswerChecker checker_;
  std::vector<std::string> warnings_;
  bool ids_per_group_ = false;
};

}  // namespace

Result<ResponseMatrix> decode_stat_responses(const Instrument& instrument, std::string_view bytes, StatFormat format,
                                             const CsvOptions& options, const StatLimits& limits, bool ids_per_group) {
  StatWaveDecoder decoder(instrument, options, ids_per_group);
  StatReadOptions read_options{options.source, limits, [&](std::string_view name) { return decoder.wanted(name); }};
  auto table = read_stat_table(bytes, format, read_options);
  if (!table) return std::unexpected(std::move(table.error()));
  return decoder.decode(*table);
}

}  // namespace psyscore::detail
