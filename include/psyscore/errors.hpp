// Errors as values.
//
// Every psyscore function that can fail on user input returns
// `psyscore::Result<T>` (a `std::expected<T, Error>`). An `Error` has a coarse
// `code` that tells a caller how to react (the HTTP service maps it to a
// status, the CLI to an exit code) and a list of `Problem`s, each naming where
// the input is wrong and what to do about it.
//
//   auto instrument = psyscore::load_instrument_file("phq-9.json");
//   if (!instrument) {
//     for (const auto& p : instrument.error().problems) std::cerr << describe(p) << '\n';
//   }
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace psyscore {

// What kind of failure an Error is. Choose by what the caller must change:
enum class ErrorCode {
  // The input cannot be read as the expected shape: malformed JSON or CSV,
  // a value of the wrong type, a ragged CSV row. HTTP 400, CLI exit 1.
  malformed,
  // The input is well-formed but unusable: a definition that breaks a rule,
  // duplicate respondent ids, too few respondents for a statistic. HTTP 422,
  // CLI exit 1.
  invalid,
  // A named thing does not exist: unknown instrument id, missing file.
  // HTTP 404, CLI exit 1.
  not_found,
  // A file or directory exists but could not be read. CLI exit 1.
  io_error,
};

// The stable lower-case name of a code ("malformed", "invalid", ...).
std::string_view to_string(ErrorCode code);

// One located problem in a user's input. Fields that do not apply are empty
// (strings) or 0 (line and column).
struct Problem {
  std::string source;      // file name, when the input came from a file
  std::string pointer;     // RFC 6901 JSON pointer, e.g. "/subscales/1/items/3"
  std::size_t line = 0;    // 1-based line in a text input (CSV, JSON syntax errors)
  std::size_t column = 0;  // 1-based column: a CSV field index or a JSON character
  std::string code;        // stable snake_case identifier, e.g. "unknown_key"
  std::string message;     // one sentence a user can act on
};

// "file:line:column: message" (or "file: /pointer: message"), the form
// compilers use, for terminals and logs.
std::string describe(const Problem& problem);

struct Error {
  ErrorCode code = ErrorCode::invalid;
  std::string message;            // one-line summary of the whole failure
  std::vector<Problem> problems;  // every located problem; may be empty

  // An Error with a single problem whose message is also the summary.
  static Error single(ErrorCode code, Problem problem);
};

template <class T>
using Result = std::expected<T, Error>;

}  // namespace psyscore
