// An RFC 4180 record reader over text in memory. Private to the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "psyscore/errors.hpp"

namespace psyscore::detail {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text);

  // Reads the next record into `fields` (views valid until the next call).
  // Returns false at the end of the text, or on a quoting error, which then
  // is in `error()`. Lines that are entirely empty are skipped.
  bool next(std::vector<std::string_view>& fields);

  // 1-based line on which the last record started.
  std::size_t line() const { return record_line_; }
  bool failed() const { return !error_.message.empty(); }
  const Problem& error() const { return error_; }

 private:
  void fail(std::size_t line, std::size_t column, std::string message);

  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::string unescaped_;  // quoted fields with doubled quotes, for this record
  Problem error_;
};

}  // namespace psyscore::detail
