#include "psyscore/errors.hpp"

#include <string>

namespace psyscore {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::malformed: return "malformed";
    case ErrorCode::invalid: return "invalid";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::io_error: return "io_error";
  }
  return "invalid";
}

std::string describe(const Problem& problem) {
  std::string out = problem.source;
  if (problem.line > 0) {
    if (out.empty()) out = "line";
    out += ':' + std::to_string(problem.line);
    if (problem.column > 0) out += ':' + std::to_string(problem.column);
  }
  if (!problem.pointer.empty()) {
    if (!out.empty()) out += ": ";
    out += problem.pointer;
  }
  if (!out.empty()) out += ": ";
  out += problem.message;
  return out;
}

Error Error::single(ErrorCode code, Problem problem) {
  Error error{code, problem.message, {}};
  error.problems.push_back(std::move(problem));
  return error;
}

}  // namespace psyscore
