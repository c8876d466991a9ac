// CSV decoding of responses: RFC 4180 records, then a header that names the
// id column and one column per item.

#include "scoring/decode/csv.hpp"

#include "scoring/decode/covariates.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <utility>

namespace psyscore {

namespace detail {

std::string_view delimiter_name(char delimiter) {
  switch (delimiter) {
    case ';': return "a semicolon";
    case '\t': return "a tab";
    default: return "a comma";
  }
}

char detect_delimiter(std::string_view text) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  std::size_t tabs = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

void CsvReader::fail(std::size_t line, std::size_t column, std::string message) {
  error_ = Problem{.line = line, .column = column, .code = "invalid_csv", .message = std::move(message)};
}

bool CsvReader::skip_byte_order_mark() {
  if (!at_start_) return true;
  if (text_.size() < 3 && !last_) return false;
  if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;  // UTF-8 byte order mark, as spreadsheets write it
  at_start_ = false;
  return true;
}

CsvReader::Status CsvReader::read(std::vector<std::string_view>& fields) {
  fields.clear();
  if (failed()) return Status::failed;
  if (!skip_byte_order_mark()) return Status::need_more;
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  const char* p = begin + position_;

  // Skip empty lines between records.
  while (p != end && (*p == '\n' || *p == '\r')) {
    if (*p == '\n') ++line_;
    ++p;
  }
  position_ = static_cast<std::size_t>(p - begin);
  if (p == end) return last_ ? Status::end : Status::need_more;

  // A record cut by the end of the window is read again, whole, from the
  // next window.
  const std::size_t start_line = line_;
  auto need_more = [&] {
    line_ = start_line;
    fields.clear();
    return Status::need_more;
  };
  record_line_ = line_;
  // Quoted fields that need unescaping are stored in unescaped_; their views
  // are made once the record is complete, since unescaped_ may reallocate.
  unescaped_.clear();
  pending_.clear();

  while (true) {
    const std::size_t column = fields.size() + 1;
    if (p != end && *p == '"') {
      const std::size_t quote_line = line_;
      const char* const field = ++p;
      bool doubled = false;
      std::size_t offset = unescaped_.size();
      while (true) {
        if (p == end) {
          if (!last_) return need_more();
          fail(quote_line, column, "a quoted field is not closed before the end of the file");
          return Status::failed;
        }
        const char c = *p;
        if (c == '"') {
          if (p + 1 == end && !last_) return need_more();  // a doubled quote, or the closing one?
          if (p + 1 != end && p[1] == '"') {
            if (!doubled) {
              offset = unescaped_.size();
              unescaped_.append(field, p);
              doubled = true;
            }
            unescaped_.push_back('"');
            p += 2;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        if (doubled) unescaped_.push_back(c);
        ++p;
      }
      if (doubled) {
        pending_.push_back({fields.size(), offset, unescaped_.size() - offset});
        fields.emplace_back();
      } else {
        fields.emplace_back(field, static_cast<std::size_t>(p - field));
      }
      ++p;  // the closing quote
      if (p == end && !last_) return need_more();
      if (p != end && *p != delimiter_ && *p != '\n' && *p != '\r') {
        fail(line_, column,
             "a quoted field must end at " + std::string(delimiter_name(delimiter_)) + " or the end of the line");
        return Status::failed;
      }
    } else {
      const char* const field = p;
      const auto delimiter = static_cast<unsigned char>(delimiter_);
      while (p != end) {
        // Bytes above ',' (digits, letters, '.', '-') but for a ';' delimiter
        // never end a field; this one test passes almost every byte of a
        // file of answers.
        const auto c = static_cast<unsigned char>(*p);
        if (c > ',' && c != delimiter) {
          ++p;
          continue;
        }
        if (c == delimiter || c == '\n' || c == '\r') break;
        if (c == '"') {
          fail(line_, column, "a quote inside an unquoted field; quote the whole field and double the quote");
          return Status::failed;
        }
        ++p;
      }
      if (p == end && !last_) return need_more();
      fields.emplace_back(field, static_cast<std::size_t>(p - field));
    }

    if (p == end) break;
    const char c = *p;
    if (c == delimiter_) {
      ++p;
      continue;
    }
    // End of record: \n, \r\n or a lone \r.
    if (c == '\r' && p + 1 == end && !last_) return need_more();
    ++p;
    if (c == '\r' && p != end && *p == '\n') ++p;
    ++line_;
    break;
  }
  position_ = static_cast<std::size_t>(p - begin);
  for (const Pending& f : pending_) fields[f.field] = std::string_view(unescaped_).substr(f.offset, f.length);
  return Status::record;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Beyond this many problems with rows a report stops listing them.
constexpr std::size_t kMaxProblems = 100;

}  // namespace

CsvResponseDecoder::CsvResponseDecoder(const Instrument& instrument, CsvOptions options, bool check_ids)
    : instrument_(instrument), options_(std::move(options)), checker_(instrument) {
  if (check_ids) duplicate_ids_.emplace();
}

Problem CsvResponseDecoder::at(std::size_t line, std::size_t column, std::string code, std::string message) const {
  return Problem{.source = options_.source,
                 .line = line,
                 .column = column,
                 .code = std::move(code),
                 .message = std::move(message)};
}

void CsvResponseDecoder::add_problem(Problem problem) {
  if (problems_.size() < kMaxProblems) problems_.push_back(std::move(problem));
}

std::size_t CsvResponseDecoder::decode(std::string_view window, bool last, ResponseMatrix* wave, std::size_t max_rows) {
  needs_more_ = false;
  if (finished_) return 0;
  if (!layout_) {
    // The header row decides the delimiter (the CLI's first window holds a megabyte of the file).
    reader_.set_delimiter(options_.delimiter != 0 ? options_.delimiter : detect_delimiter(window));
  }
  reader_.refill(window, last);
  for (std::size_t rows = 0; rows < max_rows;) {
    if (layout_ && problems_.empty() && decode_plain_record(wave)) {
      ++rows;
      continue;
    }
    switch (reader_.read(fields_)) {
      case CsvReader::Status::need_more: needs_more_ = true; return reader_.consumed();
      case CsvReader::Status::failed: {
        Problem problem = reader_.error();
        problem.source = options_.source;
        fatal_ = Error::single(ErrorCode::malformed, std::move(problem));
        finished_ = true;
        return reader_.consumed();
      }
      case CsvReader::Status::end:
        if (!layout_) {
          fatal_ = Error::single(ErrorCode::malformed, at(1, 0, "empty", "the CSV is empty; it needs a header row"));
        }
        finished_ = true;
        return reader_.consumed();
      case CsvReader::Status::record: break;
    }
    if (!layout_) {
      if (!read_header()) {
        finished_ = true;
        return reader_.consumed();
      }
      continue;
    }
    const auto id = check_record();
    if (!id) continue;
    if (duplicate_ids_) {
      duplicate_ids_->add(*id, [&] { return at(reader_.line(), layout_->id_column + 1, "", ""); });
    }
    if (wave) {
      const std::size_t row = add_respondent(*wave, *id);
      if (layout_->group_column) wave->groups.emplace_back(trim(fields_[*layout_->group_column]));
      if (!layout_->covariate_columns.empty()) {
        covariate_cells_.clear();
        for (const std::size_t c : layout_->covariate_columns) covariate_cells_.push_back(trim(fields_[c]));
        store_covariates(*wave, covariate_cells_.data());
      }
      decode_answers(*wave, row);
    }
    ++rows;
  }
  return reader_.consumed();
}

// The usual record, read and decoded in one pass over its bytes instead of
// through CsvReader and a cell at a time: one whole line in the window, no
// quotes, cells of bytes above ',' (no white space), and item cells empty,
// NA or a whole number certainly on its item's scale. For any other record
// it returns false having changed nothing, and the record takes the general
// way, which gives the same result for these records: this is only a
// shortcut for the common case, worth several times the speed of the rest.
bool CsvResponseDecoder::decode_plain_record(ResponseMatrix* wave) {
  switch (reader_.delimiter()) {
    case ',': return decode_plain_record_with<','>(wave);
    case ';': return decode_plain_record_with<';'>(wave);
    default: return decode_plain_record_with<'\t'>(wave);
  }
}

// With ';' or a tab as the delimiter, a cell stops at it as well; a decimal
// comma ("2,5") is not a whole number and takes the general way.
template <char Delimiter>
bool CsvResponseDecoder::decode_plain_record_with(ResponseMatrix* wave) {
  const Layout& layout = *layout_;
  const std::string_view text = reader_.unread();
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  std::size_t row = 0;
  double* answers = nullptr;  // the row's
  if (wave) {
    row = add_respondent(*wave, {});
    answers = wave->answers.data() + row * wave->item_count;
  }
  auto give_up = [&] {
    if (wave) drop_last_respondent(*wave);
    return false;
  };

  const AnswerChecker::WholeRange* const whole_ranges = checker_.whole_ranges().data();
  const char* p = begin;
  std::string_view id;
  std::string_view group;
  for (std::size_t column = 0;; ++column) {
    if (column == layout.column_count) return give_up();  // a ragged row
    const char* const cell = p;
    const std::ptrdiff_t item = layout.item_of_column[column];
    if (item >= 0 && answers) {
      std::uint64_t digits = 0;
      for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p) {
        digits = digits * 10 + static_cast<unsigned>(*p - '0');
      }
      if (p != cell) {
        if (p - cell > 15) return give_up();
        const auto answer = static_cast<std::int64_t>(digits);  // below 10^15: exact as a double too
        const AnswerChecker::WholeRange& range = whole_ranges[item];
        if (answer < range.low || answer > range.high) return give_up();
        answers[item] = static_cast<double>(answer);
      } else if (end - p >= 2 && p[0] == 'N' && p[1] == 'A') {
        p += 2;
      }
    } else {
      while (p != end && static_cast<unsigned char>(*p) > ',' && (Delimiter == ',' || *p != Delimiter)) ++p;
      if (column == layout.id_column) id = std::string_view(cell, static_cast<std::size_t>(p - cell));
      if (column == layout.group_column) group = std::string_view(cell, static_cast<std::size_t>(p - cell));
      if (const std::ptrdiff_t k = layout.covariate_of_column[column]; k >= 0) {
        covariate_cells_[static_cast<std::size_t>(k)] = std::string_view(cell, static_cast<std::size_t>(p - cell));
      }
    }
    if (p == end) return give_up();  // the line goes on in the next window, or the text ends without a line break
    if (*p == Delimiter) {
      ++p;
      continue;
    }
    const bool crlf = *p == '\r' && p + 1 != end && p[1] == '\n';
    if (*p != '\n' && !crlf) return give_up();  // a quote, white space, a letter in an item cell, ...
    p += crlf ? 2 : 1;
    if (column + 1 != layout.column_count) return give_up();
    break;
  }
  if (id.empty() || (layout.group_column && (group.empty() || group == "NA"))) return give_up();

  reader_.take_line(static_cast<std::size_t>(p - begin));
  if (duplicate_ids_) {
    duplicate_ids_->add(id, [&] { return at(reader_.line(), layout.id_column + 1, "", ""); });
  }
  if (wave) {
    wave->ids[row] = id;
    if (layout.group_column) wave->groups.emplace_back(group);
    if (!layout.covariate_columns.empty()) store_covariates(*wave, covariate_cells_.data());
  }
  return true;
}

std::optional<std::string_view> CsvResponseDecoder::check_record() {
  const Layout& layout = *layout_;
  const std::size_t line = reader_.line();
  if (fields_.size() != layout.column_count) {
    add_problem(at(line, std::min(fields_.size(), layout.column_count) + 1, "ragged_row",
                   "the row has " + std::to_string(fields_.size()) + " fields but the header has " +
                       std::to_string(layout.column_count)));
    return std::nullopt;
  }
  const std::string_view id = trim(fields_[layout.id_column]);
  if (id.empty()) {
    add_problem(at(line, layout.id_column + 1, "missing_id", "the respondent id is empty"));
    return std::nullopt;
  }
  if (layout.group_column) {
    const std::string_view group = trim(fields_[*layout.group_column]);
    if (group.empty() || group == "NA") {
      add_problem(at(line, *layout.group_column + 1, "missing_group",
                     "the respondent has no group in column \"" + options_.group_column + "\""));
    }
  }
  if (!problems_.empty()) return std::nullopt;  // the wave fails; keep looking only for structural problems
  return id;
}

bool CsvResponseDecoder::parse_decimal_comma(std::string_view cell, double& answer) const {
  if (reader_.delimiter() == ',') return false;  // a comma ends the cell there
  const std::size_t comma = cell.find(',');
  if (comma == std::string_view::npos || cell.size() > 32 || cell.find(',', comma + 1) != std::string_view::npos) {
    return false;
  }
  char text[32];
  std::memcpy(text, cell.data(), cell.size());
  text[comma] = '.';
  bool whole = false;
  return parse_plain_decimal(std::string_view(text, cell.size()), answer, whole);
}

void CsvResponseDecoder::store_covariates(ResponseMatrix& wave, const std::string_view* cells) {
  const std::vector<std::size_t>& columns = layout_->covariate_columns;
  if (wave.covariates.size() != columns.size()) {
    wave.covariates.clear();
    for (const std::string& name : options_.covariate_columns) wave.covariates.emplace_back().name = name;
  }
  for (std::size_t k = 0; k < columns.size(); ++k) wave.covariates[k].labels.emplace_back(cells[k]);
  covariate_lines_.push_back(reader_.line());
}

void CsvResponseDecoder::decode_answers(ResponseMatrix& wave, std::size_t row) const {
  const std::ptrdiff_t* const item_of_column = layout_->item_of_column.data();
  const std::string_view* const cells = fields_.data();
  for (std::size_t c = 0; c < fields_.size(); ++c) {
    const std::ptrdiff_t item = item_of_column[c];
    if (item < 0 || cells[c].empty()) continue;
    const auto index = static_cast<std::size_t>(item);
    double answer = 0;
    bool whole = false;
    // Cells are trimmed only when they do not read as a number as they are.
    if (!parse_plain_decimal(cells[c], answer, whole)) {
      const std::string_view cell = trim(cells[c]);
      if (cell.empty() || cell == "NA") continue;
      if (!parse_plain_decimal(cell, answer, whole)) {
        whole = false;
        if (!parse_decimal_comma(cell, answer)) {
          const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), answer);
          if (ec != std::errc{} || end != cell.data() + cell.size() || !std::isfinite(answer)) {
            reject_answer(wave, row, instrument_.items[index].id, AnswerErrorCode::not_a_number, cell);
            continue;
          }
        }
      }
    }
    if (whole) {
      checker_.store_whole(wave, row, index, answer);
    } else {
      checker_.store(wave, row, index, answer);
    }
  }
}

bool CsvResponseDecoder::read_header() {
  const std::vector<std::string_view>& header = fields_;
  const std::size_t line = reader_.line();
  Layout layout;
  layout.column_count = header.size();
  layout.item_of_column.assign(header.size(), -1);
  layout.covariate_of_column.assign(header.size(), -1);
  std::vector<std::optional<std::size_t>> covariate_at(options_.covariate_columns.size());
  std::vector<Problem> problems;
  std::unordered_map<std::string_view, std::size_t> seen;
  std::vector<bool> item_has_column(instrument_.items.size(), false);
  bool has_id = false;
  std::string ignored;

  for (std::size_t c = 0; c < header.size(); ++c) {
    const std::string_view name = trim(header[c]);
    if (const auto [it, inserted] = seen.emplace(name, c); !inserted) {
      problems.push_back(at(line, c + 1, "duplicate_column",
                            "column \"" + std::string(name) + "\" appears twice (first as column " +
                                std::to_string(it->second + 1) + ")"));
      continue;
    }
    if (name == options_.id_column) {
      layout.id_column = c;
      has_id = true;
      continue;
    }
    // The group column may be a covariate column too (a model's covariate is
    // a compare's group): it then fills both.
    if (!options_.group_column.empty() && name == options_.group_column) layout.group_column = c;
    if (const auto k = std::ranges::find(options_.covariate_columns, name); k != options_.covariate_columns.end()) {
      const auto index = static_cast<std::size_t>(k - options_.covariate_columns.begin());
      covariate_at[index] = c;
      layout.covariate_of_column[c] = static_cast<std::ptrdiff_t>(index);
      continue;
    }
    if (layout.group_column == c) continue;
    if (name.starts_with(options_.column_prefix)) {
      if (const auto item = instrument_.item_index(name.substr(options_.column_prefix.size()))) {
        layout.item_of_column[c] = static_cast<std::ptrdiff_t>(*item);
        item_has_column[*item] = true;
        continue;
      }
    }
    if (!ignored.empty()) ignored += ", ";
    ignored.append("\"").append(name).append("\"");
  }
  if (!has_id) {
    problems.push_back(at(line, 0, "missing_column",
                          "no column \"" + options_.id_column +
                              "\" for respondent ids (name another column with id_column / --id-column)"));
  }
  if (!options_.group_column.empty() && !layout.group_column) {
    problems.push_back(at(line, 0, "missing_column", "no group column \"" + options_.group_column + "\""));
  }
  if (!problems.empty()) {
    fatal_ = Error{ErrorCode::malformed, "the CSV header has problems", std::move(problems)};
    return false;
  }
  std::vector<Problem> covariate_problems;
  for (std::size_t k = 0; k < covariate_at.size(); ++k) {
    if (covariate_at[k]) {
      layout.covariate_columns.push_back(*covariate_at[k]);
      continue;
    }
    const std::string& name = options_.covariate_columns[k];
    const bool repeated = std::ranges::count(options_.covariate_columns, name) > 1;
    covariate_problems.push_back(at(line, 0, repeated ? "duplicate_covariate" : "unknown_covariate_column",
                                    repeated ? "covariate column \"" + name + "\" is named twice"
                                             : "no covariate column \"" + name + "\" in the header"));
  }
  if (!covariate_problems.empty()) {
    std::string summary =
        covariate_problems.size() == 1 ? covariate_problems.front().message : "the covariate columns have problems";
    fatal_ = Error{ErrorCode::invalid, std::move(summary), std::move(covariate_problems)};
    return false;
  }
  covariate_cells_.assign(layout.covariate_columns.size(), {});

  std::string absent;
  std::size_t present = 0;
  for (std::size_t i = 0; i < item_has_column.size(); ++i) {
    if (item_has_column[i]) {
      ++present;
      continue;
    }
    if (!absent.empty()) absent += ", ";
    absent.append("\"").append(options_.column_prefix).append(instrument_.items[i].id).append("\"");
  }
  if (present == 0) {
    fatal_ = Error::single(
        ErrorCode::invalid,
        at(line, 0, "no_item_columns",
           "no column holds an item of " + instrument_.id + " (expected columns such as \"" + options_.column_prefix +
               instrument_.items.front().id + "\"; set column_prefix / --column-prefix if the names carry a prefix)"));
    return false;
  }
  if (!absent.empty()) warnings_.push_back("no column for items " + absent + "; their answers are missing");
  if (!ignored.empty()) warnings_.push_back("ignored columns that are not items: " + ignored);
  layout_ = std::move(layout);
  return true;
}

std::optional<Error> CsvResponseDecoder::error() const {
  if (fatal_) return fatal_;
  if (!problems_.empty()) {
    std::string summary = problems_.size() == 1 ? problems_.front().message : "the CSV has problems";
    return Error{ErrorCode::malformed, std::move(summary), problems_};
  }
  if (duplicate_ids_) return duplicate_ids_->error();
  return std::nullopt;
}

}  // namespace detail

namespace {

// The number of '\n' in `text`, eight bytes at a time (a call to memchr per
// line costs more on a file of short lines).
std::size_t count_line_breaks(std::string_view text) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  constexpr std::uint64_t kNewlines = 0x0A0A0A0A0A0A0A0Aull;
  std::size_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    const std::uint64_t x = word ^ kNewlines;  // a zero byte where the text has '\n'
    // The high bit of each zero byte of x, and of no other byte.
    const std::uint64_t zero_bytes = ~(((x & kLow7) + kLow7) | x | kLow7);
    // Adds up the eight bits (one per byte) in the top byte.
    count += static_cast<std::size_t>(((zero_bytes >> 7) * 0x0101010101010101ull) >> 56);
  }
  for (; i < text.size(); ++i) count += text[i] == '\n';
  return count;
}

}  // namespace

Result<ResponseMatrix> decode_csv_responses(const Instrument& instrument, std::string_view text,
                                            const CsvOptions& options) {
  ResponseMatrix wave;
  wave.item_count = instrument.items.size();
  // Every record after the header ends at a line break or at the end of the
  // text, so this bounds the respondents and the matrix is allocated once
  // (pages that stay unused are never touched).
  const std::size_t records = count_line_breaks(text) + 1;
  detail::reserve_respondents(wave, records);
  if (!options.group_column.empty()) wave.groups.reserve(records);

  detail::CsvResponseDecoder decoder(instrument, options);
  decoder.decode(text, /*last=*/true, &wave, SIZE_MAX);
  if (auto error = decoder.error()) return std::unexpected(std::move(*error));
  wave.warnings = decoder.warnings();
  if (!options.covariate_columns.empty()) {
    if (wave.covariates.empty()) {  // no respondents
      for (const std::string& name : options.covariate_columns) wave.covariates.emplace_back().name = name;
    }
    std::vector<Problem> problems;
    for (std::size_t k = 0; k < wave.covariates.size(); ++k) {
      if (auto problem = detail::type_csv_covariate(wave.covariates[k], decoder.covariate_lines(),
                                                    decoder.covariate_column(k), options.source)) {
        problems.push_back(std::move(*problem));
      }
    }
    if (!problems.empty()) {
      std::string summary = problems.size() == 1 ? problems.front().message : "covariate columns mix numbers and text";
      return std::unexpected(Error{ErrorCode::invalid, std::move(summary), std::move(problems)});
    }
  }
  return wave;
}

}  // namespace psyscore
