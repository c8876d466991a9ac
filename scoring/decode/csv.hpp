// CSV decoding of responses, private to the engine: an RFC 4180 record
// reader, and the decoder of a wave on top of it. Both work on the whole
// text at once (decode_csv_responses) or on a text that arrives a window at
// a time (the CLI's streaming `score`), with the same checks and messages.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"
#include "psyscore/responses.hpp"
#include "scoring/decode/decode_common.hpp"

namespace psyscore::detail {

// The field delimiter of a CSV from its header row: ';' or '\t' when the
// row holds more of it than of ',' (outside quotes), else ','.
char detect_delimiter(std::string_view text);
// "a comma", "a semicolon" or "a tab", for messages.
std::string_view delimiter_name(char delimiter);

class CsvReader {
 public:
  enum class Status {
    record,     // `fields` holds the next record
    need_more,  // the window ends inside a record: refill() with the rest and more text
    end,        // the text ends
    failed,     // a quoting error, in error()
  };

  // `last`: the text ends with this window.
  explicit CsvReader(std::string_view window = {}, bool last = true) { refill(window, last); }

  // Reads the next record into `fields` (views into the window, valid until
  // the next call). Lines that are entirely empty are skipped.
  Status read(std::vector<std::string_view>& fields);
  // The field delimiter: ',' (the default), ';' or '\t'.
  void set_delimiter(char delimiter) { delimiter_ = delimiter; }
  char delimiter() const { return delimiter_; }
  // read() == Status::record, for a reader of a whole text.
  bool next(std::vector<std::string_view>& fields) { return read(fields) == Status::record; }

  // How much of the window is read: the records returned and the empty
  // lines skipped. The rest starts the next window.
  std::size_t consumed() const { return position_; }
  // Continues in `window`, whose first byte is the first one not consumed.
  void refill(std::string_view window, bool last) {
    text_ = window;
    last_ = last;
    position_ = 0;
  }

  // For a caller that reads the most common records itself (see
  // CsvResponseDecoder): the unread rest of the window when the reader is
  // past the header, else empty. After reading from it a record that is a
  // whole line, the caller steps over the line, `bytes` with its line
  // break, with take_line().
  std::string_view unread() const { return failed() || at_start_ ? std::string_view{} : text_.substr(position_); }
  void take_line(std::size_t bytes) {
    position_ += bytes;
    record_line_ = line_++;
  }

  // 1-based line on which the last record started.
  std::size_t line() const { return record_line_; }
  bool failed() const { return !error_.message.empty(); }
  const Problem& error() const { return error_; }

 private:
  void fail(std::size_t line, std::size_t column, std::string message);
  // Steps over a UTF-8 byte order mark at the very start of the text;
  // false when the window is too short to tell.
  bool skip_byte_order_mark();

  std::string_view text_;
  char delimiter_ = ',';
  bool last_ = true;
  bool at_start_ = true;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::string unescaped_;  // quoted fields with doubled quotes, for this record
  struct Pending {
    std::size_t field, offset, length;
  };
  std::vector<Pending> pending_;  // fields whose text is in unescaped_
  Problem error_;
};

// Decodes a wave of CSV responses: a header that names the id column and one
// column per item, then one respondent per record.
//
// A structural problem (quoting, a ragged row, an empty id, a missing group,
// a repeated id) fails the wave; the decoder keeps reading to list every
// such problem (up to a limit), and error() has them once the text is read.
// An answer that is not a number or off its scale marks only its respondent.
class CsvResponseDecoder {
 public:
  // `check_ids`: look for repeated ids. A second pass over a text whose
  // first pass found none may skip it and its memory.
  CsvResponseDecoder(const Instrument& instrument, CsvOptions options, bool check_ids = true);

  // Decodes the complete records of `window` into `wave` (appended to its
  // rows), up to `max_rows` respondents; with `wave` null, only checks the
  // records. `last`: the text ends with this window. Returns how many bytes
  // of `window` it used: the rest, followed by more text, is the next window.
  std::size_t decode(std::string_view window, bool last, ResponseMatrix* wave, std::size_t max_rows);

  // True once the text is read to its end or decoding has failed; then
  // error() is final.
  bool finished() const { return finished_; }
  // True when decode() stopped because the window ends inside a record (or
  // is all used), not because `max_rows` rows were decoded.
  bool needs_more_text() const { return needs_more_; }
  // The wave's Error, if any: reading and header problems as they are
  // found, the other structural problems and repeated ids once finished.
  std::optional<Error> error() const;

  // What the header calls for: items without a column, ignored columns.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The line of each respondent decoded so far, kept only when there are
  // covariate columns (a covariate problem names it); and the 1-based column
  // of covariate k.
  const std::vector<std::size_t>& covariate_lines() const { return covariate_lines_; }
  std::size_t covariate_column(std::size_t k) const { return layout_ ? layout_->covariate_columns[k] + 1 : 0; }

 private:
  struct Layout {
    std::size_t id_column = 0;
    std::optional<std::size_t> group_column;
    std::size_t column_count = 0;
    std::vector<std::ptrdiff_t> item_of_column;       // item index, or -1 for an ignored column
    std::vector<std::size_t> covariate_columns;       // per CsvOptions::covariate_columns entry
    std::vector<std::ptrdiff_t> covariate_of_column;  // covariate index, or -1
  };

  bool read_header();
  // The common record the quick way, or false having changed nothing.
  bool decode_plain_record(ResponseMatrix* wave);
  template <char Delimiter>
  bool decode_plain_record_with(ResponseMatrix* wave);
  // Checks one record; when it is a respondent and no problem was found
  // yet, returns its trimmed id.
  std::optional<std::string_view> check_record();
  void decode_answers(ResponseMatrix& wave, std::size_t row) const;
  // "2,5" as 2.5 where the delimiter is ';' or a tab.
  bool parse_decimal_comma(std::string_view cell, double& answer) const;
  // Appends one respondent's covariate cells (one per covariate column).
  void store_covariates(ResponseMatrix& wave, const std::string_view* cells);
  Problem at(std::size_t line, std::size_t column, std::string code, std::string message) const;
  void add_problem(Problem problem);

  const Instrument& instrument_;
  CsvOptions options_;
  AnswerChecker checker_;
  std::optional<DuplicateIds> duplicate_ids_;
  CsvReader reader_;
  std::vector<std::string_view> fields_;
  std::optional<Layout> layout_;  // once the header is read
  std::vector<std::string> warnings_;
  std::optional<Error> fatal_;     // reading or header error: decoding stopped
  std::vector<Problem> problems_;  // structural problems of rows
  bool finished_ = false;
  bool needs_more_ = false;
  std::vector<std::size_t> covariate_lines_;
  std::vector<std::string_view> covariate_cells_;  // the plain record's, per covariate
};

}  // namespace psyscore::detail
