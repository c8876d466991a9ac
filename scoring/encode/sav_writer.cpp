#include "scoring/encode/sav_writer.hpp"

#include <readstat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <set>
#include <vector>

#include "scoring/encode/score_columns.hpp"

namespace psyscore::detail {

namespace {

// SPSS limits: a long string holds at most 32767 bytes, a variable label
// 255 (ReadStat cuts longer ones), a note line 80 and the file label 64.
constexpr std::size_t kMaxString = 32767;
constexpr std::size_t kNoteLine = 80;
constexpr std::size_t kFileLabel = 64;

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The longest prefix of `text` of at most `bytes` bytes that does not cut a
// UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Appends `text` to `notes` as lines of at most kNoteLine bytes, broken at
// spaces where it can be.
void add_note_lines(std::vector<std::string>& notes, std::string_view text) {
  while (!text.empty()) {
    std::string_view line = utf8_prefix(text, kNoteLine);
    if (line.size() < text.size()) {
      const std::size_t space = line.rfind(' ');
      if (space != std::string_view::npos && space > kNoteLine / 2) line = line.substr(0, space);
    }
    notes.emplace_back(line);
    text.remove_prefix(line.size());
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  }
}

ssize_t append_bytes(const void* data, std::size_t length, void* context) {
  try {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return static_cast<ssize_t>(length);
}

struct WriterDeleter {
  void operator()(readstat_writer_t* writer) const { readstat_writer_free(writer); }
};

}  // namespace

std::string spss_variable_name(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const bool allowed = is_letter(c) || is_digit(c) || c == '_' || c == '.' || c == '@' || c == '#' || c == '$' ||
                         (static_cast<unsigned char>(c) >= 0x80);
    out += allowed ? c : '_';
  }
  if (out.empty() || !(is_letter(out.front()) || static_cast<unsigned char>(out.front()) >= 0x80)) out.insert(0, "s");
  while (out.size() > 1 && out.back() == '.') out.back() = '_';
  static const std::array<std::string_view, 13> kReserved = {"ALL", "AND", "BY",  "EQ", "GE", "GT",  "LE",
                                                             "LT",  "NE",  "NOT", "OR", "TO", "WITH"};
  std::string upper = out;
  std::ranges::transform(upper, upper.begin(), [](char c) { return c >= 'a' && c <= 'z' ? char(c - 32) : c; });
  if (std::ranges::find(kReserved, upper) != kReserved.end()) out += '_';
  return std::string(utf8_prefix(out, 64));
}

Result<std::string> encode_score_sav(const Instrument& instrument, const ResponseMatrix& responses,
                                     const ScoreTable& table) {
  auto refuse = [](std::string message) {
    return std::unexpected(
        Error::single(ErrorCode::invalid, Problem{.code = "unwritable_sav", .message = std::move(message)}));
  };
  if (responses.respondent_count() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return refuse("an SPSS file holds at most " + std::to_string(std::numeric_limits<int>::max()) + " cases");
  }
  const std::vector<ScoreColumn> columns = score_columns(instrument);
  std::vector<std::string> errors(responses.respondent_count());
  std::size_t id_width = 1;
  std::size_t errors_width = 1;
  for (std::size_t r = 0; r < responses.respondent_count(); ++r) {
    id_width = std::max(id_width, std::min(responses.ids[r].size(), kMaxString));
    errors[r] = std::string(utf8_prefix(joined_errors(responses, r), kMaxString));
    errors_width = std::max(errors_width, errors[r].size());
  }

  std::string out;
  const std::unique_ptr<readstat_writer_t, WriterDeleter> writer(readstat_writer_init());
  if (!writer) throw std::bad_alloc();
  readstat_set_data_writer(writer.get(), append_bytes);
  readstat_writer_set_compression(writer.get(), READSTAT_COMPRESS_ROWS);

  std::vector<readstat_variable_t*> variables;
  std::set<std::string> names;
  for (const ScoreColumn& column : columns) {
    // Names made unique: two subscale ids may differ only in what SPSS cannot spell.
    std::string name = spss_variable_name(column.name);
    for (int n = 2; names.contains(name); ++n) {
      name = std::string(utf8_prefix(spss_variable_name(column.name), 58)) + "_" + std::to_string(n);
    }
    names.insert(name);
    readstat_variable_t* variable = nullptr;
    switch (column.kind) {
      case ScoreColumn::Kind::id:
        variable = readstat_add_variable(writer.get(), name.c_str(), READSTAT_TYPE_STRING, id_width);
        readstat_variable_set_measure(variable, READSTAT_MEASURE_NOMINAL);
        break;
      case ScoreColumn::Kind::errors:
        variable = readstat_add_variable(writer.get(), name.c_str(), READSTAT_TYPE_STRING, errors_width);
        readstat_variable_set_measure(variable, READSTAT_MEASURE_NOMINAL);
        break;
      case ScoreColumn::Kind::band: {
        variable = readstat_add_variable(writer.get(), name.c_str(), READSTAT_TYPE_DOUBLE, 0);
        readstat_variable_set_measure(variable, READSTAT_MEASURE_ORDINAL);
        readstat_variable_set_format(variable, "F2.0");
        const std::string set_name = "bands" + std::to_string(column.subscale + 1);
        readstat_label_set_t* labels = readstat_add_label_set(writer.get(), READSTAT_TYPE_DOUBLE, set_name.c_str());
        const Subscale& subscale = instrument.subscales[column.subscale];
        for (std::size_t b = 0; b < subscale.bands.size(); ++b) {
          readstat_label_double_value(labels, static_cast<double>(b + 1), subscale.bands[b].label.c_str());
        }
        readstat_variable_set_label_set(variable, labels);
        break;
      }
      case ScoreColumn::Kind::answered:
        variable = readstat_add_variable(writer.get(), name.c_str(), READSTAT_TYPE_DOUBLE, 0);
        readstat_variable_set_measure(variable, READSTAT_MEASURE_SCALE);
        readstat_variable_set_format(variable, "F3.0");
        break;
      default:
        variable = readstat_add_variable(writer.get(), name.c_str(), READSTAT_TYPE_DOUBLE, 0);
        readstat_variable_set_measure(variable, READSTAT_MEASURE_SCALE);
        readstat_variable_set_format(variable, "F8.2");
        break;
    }
    readstat_variable_set_label(variable, std::string(utf8_prefix(column.label, 255)).c_str());
    variables.push_back(variable);
  }

  const std::string file_label(
      utf8_prefix(instrument.id + " " + instrument.version + " scores (psyscore)", kFileLabel));
  readstat_writer_set_file_label(writer.get(), file_label.c_str());
  std::vector<std::string> notes;
  add_note_lines(notes, "Scored by psyscore with instrument " + instrument.id + " version " + instrument.version +
                            (instrument.name.empty() ? "" : " (" + instrument.name + ")"));
  notes.emplace_back("Definition SHA-256 (next line):");
  add_note_lines(notes, instrument.sha256);
  if (!instrument.citation.empty()) add_note_lines(notes, "Citation: " + instrument.citation);
  if (!instrument.license.empty()) add_note_lines(notes, "Licence: " + instrument.license);
  for (const std::string& note : notes) readstat_add_note(writer.get(), note.c_str());

  readstat_error_t status =
      readstat_begin_writing_sav(writer.get(), &out, static_cast<long>(responses.respondent_count()));
  for (std::size_t r = 0; status == READSTAT_OK && r < responses.respondent_count(); ++r) {
    status = readstat_begin_row(writer.get());
    const bool usable = responses.usable(r);
    for (std::size_t c = 0; status == READSTAT_OK && c < columns.size(); ++c) {
      const ScoreColumn& column = columns[c];
      if (column.kind == ScoreColumn::Kind::id) {
        const std::string id(utf8_prefix(responses.ids[r], kMaxString));
        status = readstat_insert_string_value(writer.get(), variables[c], id.c_str());
      } else if (column.kind == ScoreColumn::Kind::errors) {
        status = readstat_insert_string_value(writer.get(), variables[c], errors[r].c_str());
      } else {
        const auto number = usable ? score_number(column, table.at(r, column.subscale)) : std::nullopt;
        status = number ? readstat_insert_double_value(writer.get(), variables[c], *number)
                        : readstat_insert_missing_value(writer.get(), variables[c]);
      }
    }
    if (status == READSTAT_OK) status = readstat_end_row(writer.get());
  }
  if (status == READSTAT_OK) status = readstat_end_writing(writer.get());
  if (status != READSTAT_OK) {
    return refuse(std::string("ReadStat could not write the SPSS file: ") + readstat_error_message(status));
  }
  return out;
}

}  // namespace psyscore::detail
