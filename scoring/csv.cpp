// CSV decoding of responses: RFC 4180 records, then a header that names the
// id column and one column per item.

#include "csv.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <utility>

#include "decode_common.hpp"
#include "psyscore/responses.hpp"

namespace psyscore {

namespace detail {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;  // UTF-8 byte order mark, as spreadsheets write it
}

void CsvReader::fail(std::size_t line, std::size_t column, std::string message) {
  error_ = Problem{"", "", line, column, "invalid_csv", std::move(message)};
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  if (failed()) return false;
  // Skip empty lines between records.
  while (position_ < text_.size() && (text_[position_] == '\n' || text_[position_] == '\r')) {
    if (text_[position_] == '\n') ++line_;
    ++position_;
  }
  if (position_ >= text_.size()) return false;
  record_line_ = line_;

  // Quoted fields that need unescaping are stored in unescaped_; their views
  // are made once the record is complete, since unescaped_ may reallocate.
  struct Pending {
    std::size_t field, offset, length;
  };
  std::vector<Pending> pending;
  unescaped_.clear();

  while (true) {
    const std::size_t column = fields.size() + 1;
    if (position_ < text_.size() && text_[position_] == '"') {
      const std::size_t start_line = line_;
      ++position_;
      const std::size_t begin = position_;
      bool doubled = false;
      std::size_t offset = unescaped_.size();
      while (true) {
        if (position_ >= text_.size()) {
          fail(start_line, column, "a quoted field is not closed before the end of the file");
          return false;
        }
        const char c = text_[position_];
        if (c == '"') {
          if (position_ + 1 < text_.size() && text_[position_ + 1] == '"') {
            if (!doubled) {
              offset = unescaped_.size();
              unescaped_.append(text_.substr(begin, position_ - begin));
              doubled = true;
            }
            unescaped_.push_back('"');
            position_ += 2;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        if (doubled) unescaped_.push_back(c);
        ++position_;
      }
      if (doubled) {
        pending.push_back({fields.size(), offset, unescaped_.size() - offset});
        fields.emplace_back();
      } else {
        fields.push_back(text_.substr(begin, position_ - begin));
      }
      ++position_;  // the closing quote
      if (position_ < text_.size() && text_[position_] != ',' && text_[position_] != '\n' && text_[position_] != '\r') {
        fail(line_, column, "a quoted field must end at a comma or the end of the line");
        return false;
      }
    } else {
      const std::size_t begin = position_;
      while (position_ < text_.size() && text_[position_] != ',' && text_[position_] != '\n' &&
             text_[position_] != '\r') {
        if (text_[position_] == '"') {
          fail(line_, column, "a quote inside an unquoted field; quote the whole field and double the quote");
          return false;
        }
        ++position_;
      }
      fields.push_back(text_.substr(begin, position_ - begin));
    }

    if (position_ >= text_.size()) break;
    const char c = text_[position_];
    if (c == ',') {
      ++position_;
      continue;
    }
    // End of record: \n, \r\n or a lone \r.
    ++position_;
    if (c == '\r' && position_ < text_.size() && text_[position_] == '\n') ++position_;
    ++line_;
    break;
  }
  for (const Pending& p : pending) fields[p.field] = std::string_view(unescaped_).substr(p.offset, p.length);
  return true;
}

}  // namespace detail

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Problem at(const CsvOptions& options, std::size_t line, std::size_t column, std::string code, std::string message) {
  return Problem{options.source, "", line, column, std::move(code), std::move(message)};
}

// Column roles decided from the header.
struct Layout {
  std::size_t id_column = 0;
  std::optional<std::size_t> group_column;
  std::size_t column_count = 0;
  std::vector<std::ptrdiff_t> item_of_column;  // item index, or -1 for an ignored column
};

Result<Layout> read_header(const Instrument& instrument, const std::vector<std::string_view>& header, std::size_t line,
                           const CsvOptions& options, std::vector<std::string>& warnings) {
  Layout layout;
  layout.column_count = header.size();
  layout.item_of_column.assign(header.size(), -1);
  std::vector<Problem> problems;
  std::unordered_map<std::string_view, std::size_t> seen;
  std::vector<bool> item_has_column(instrument.items.size(), false);
  bool has_id = false;
  std::string ignored;

  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string_view name = trim(header[c]);
    if (const auto [it, inserted] = seen.emplace(name, c); !inserted) {
      problems.push_back(at(options, line, c + 1, "duplicate_column",
                            "column \"" + std::string(name) + "\" appears twice (first as column " +
                                std::to_string(it->second + 1) + ")"));
      continue;
    }
    if (name == options.id_column) {
      layout.id_column = c;
      has_id = true;
      continue;
    }
    if (!options.group_column.empty() && name == options.group_column) {
      layout.group_column = c;
      continue;
    }
    if (name.starts_with(options.column_prefix)) {
      if (const auto item = instrument.item_index(name.substr(options.column_prefix.size()))) {
        layout.item_of_column[c] = static_cast<std::ptrdiff_t>(*item);
        item_has_column[*item] = true;
        continue;
      }
    }
    if (!ignored.empty()) ignored += ", ";
    ignored.append("\"").append(name).append("\"");
  }
  if (!has_id) {
    problems.push_back(at(options, line, 0, "missing_column",
                          "no column \"" + options.id_column +
                              "\" for respondent ids (name another column with id_column / --id-column)"));
  }
  if (!options.group_column.empty() && !layout.group_column) {
    problems.push_back(at(options, line, 0, "missing_column", "no group column \"" + options.group_column + "\""));
  }
  if (!problems.empty()) {
    return std::unexpected(Error{ErrorCode::malformed, "the CSV header has problems", std::move(problems)});
  }

  std::string absent;
  std::size_t present = 0;
  for (std::size_t i = 0; i < item_has_column.size(); ++i) {
    if (item_has_column[i]) {
      ++present;
      continue;
    }
    if (!absent.empty()) absent += ", ";
    absent.append("\"").append(options.column_prefix).append(instrument.items[i].id).append("\"");
  }
  if (present == 0) {
    return std::unexpected(Error::single(
        ErrorCode::invalid,
        at(options, line, 0, "no_item_columns",
           "no column holds an item of " + instrument.id + " (expected columns such as \"" + options.column_prefix +
               instrument.items.front().id + "\"; set column_prefix / --column-prefix if the names carry a prefix)")));
  }
  if (!absent.empty()) warnings.push_back("no column for items " + absent + "; their answers are missing");
  if (!ignored.empty()) warnings.push_back("ignored columns that are not items: " + ignored);
  return layout;
}

}  // namespace

Result<ResponseMatrix> decode_csv_responses(const Instrument& instrument, std::string_view text,
                                            const CsvOptions& options) {
  detail::CsvReader reader(text);
  std::vector<std::string_view> fields;
  auto fail_reader = [&]() {
    Problem problem = reader.error();
    problem.source = options.source;
    return std::unexpected(Error::single(ErrorCode::malformed, std::move(problem)));
  };
  if (!reader.next(fields)) {
    if (reader.failed()) return fail_reader();
    return std::unexpected(
        Error::single(ErrorCode::malformed, at(options, 1, 0, "empty", "the CSV is empty; it needs a header row")));
  }

  ResponseMatrix matrix;
  matrix.item_count = instrument.items.size();
  auto layout = read_header(instrument, fields, reader.line(), options, matrix.warnings);
  if (!layout) return std::unexpected(std::move(layout.error()));

  std::vector<std::size_t> lines;  // the line of each respondent, for messages about ids
  std::vector<Problem> problems;
  constexpr std::size_t kMaxProblems = 100;
  while (reader.next(fields)) {
    const std::size_t line = reader.line();
    if (fields.size() != layout->column_count) {
      if (problems.size() < kMaxProblems) {
        problems.push_back(at(options, line, std::min(fields.size(), layout->column_count) + 1, "ragged_row",
                              "the row has " + std::to_string(fields.size()) + " fields but the header has " +
                                  std::to_string(layout->column_count)));
      }
      continue;
    }
    const std::string_view id = trim(fields[layout->id_column]);
    if (id.empty()) {
      if (problems.size() < kMaxProblems) {
        problems.push_back(at(options, line, layout->id_column + 1, "missing_id", "the respondent id is empty"));
      }
      continue;
    }
    std::string_view group;
    if (layout->group_column) {
      group = trim(fields[*layout->group_column]);
      if ((group.empty() || group == "NA") && problems.size() < kMaxProblems) {
        problems.push_back(at(options, line, *layout->group_column + 1, "missing_group",
                              "the respondent has no group in column \"" + options.group_column + "\""));
      }
    }
    if (!problems.empty()) continue;  // the file fails; keep looking only for structural problems

    const std::size_t row = detail::add_respondent(matrix, std::string(id));
    if (layout->group_column) matrix.groups.emplace_back(group);
    lines.push_back(line);
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const std::ptrdiff_t item = layout->item_of_column[c];
      if (item < 0) continue;
      const std::string_view cell = trim(fields[c]);
      if (cell.empty() || cell == "NA") continue;
      double answer = 0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), answer);
      if (ec != std::errc{} || end != cell.data() + cell.size() || !std::isfinite(answer)) {
        detail::reject_answer(matrix, row, instrument.items[static_cast<std::size_t>(item)].id,
                              AnswerErrorCode::not_a_number, cell);
        continue;
      }
      detail::store_answer(matrix, instrument, row, static_cast<std::size_t>(item), answer);
    }
  }
  if (reader.failed()) return fail_reader();
  if (!problems.empty()) {
    std::string summary = problems.size() == 1 ? problems.front().message : "the CSV has problems";
    return std::unexpected(Error{ErrorCode::malformed, std::move(summary), std::move(problems)});
  }
  auto locate = [&](std::size_t row) { return at(options, lines[row], layout->id_column + 1, "", ""); };
  if (auto duplicate = detail::find_duplicate_ids(matrix, locate)) return std::unexpected(std::move(*duplicate));
  return matrix;
}

}  // namespace psyscore
