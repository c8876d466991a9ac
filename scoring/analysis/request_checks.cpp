#include "scoring/analysis/request_checks.hpp"

#include <algorithm>
#include <utility>

#include "scoring/util/json_input.hpp"

namespace psyscore::detail {

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

Problem problem_at(std::string pointer, std::string code, std::string message) {
  Problem problem;
  problem.pointer = std::move(pointer);
  problem.code = std::move(code);
  problem.message = std::move(message);
  return problem;
}

Error invalid(std::vector<Problem> problems, std::string several) {
  Error error;
  error.code = ErrorCode::invalid;
  error.message = problems.size() == 1 ? problems.front().message : std::move(several);
  error.problems = std::move(problems);
  return error;
}

Error invalid_request(std::vector<Problem> problems, std::string_view request) {
  std::string several = std::to_string(problems.size()) + " problems with the " + std::string(request);
  return invalid(std::move(problems), std::move(several));
}

Error deadline_exceeded(const Deadline& deadline) {
  return invalid({problem_at("", "deadline_exceeded",
                             "the analysis did not finish within its deadline of " +
                                 std::to_string(deadline.budget().count()) + " ms and was stopped")},
                 {});
}

std::vector<std::size_t> select_subscales(const Instrument& instrument, const std::vector<std::string>& requested,
                                          std::vector<Problem>& problems) {
  std::vector<std::size_t> selected;
  if (requested.empty()) {
    for (std::size_t s = 0; s < instrument.subscales.size(); ++s) selected.push_back(s);
    return selected;
  }
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const auto index = instrument.subscale_index(requested[i]);
    if (!index) {
      problems.push_back(problem_at(pointer_append("/subscales", i), "unknown_subscale",
                                    "instrument \"" + instrument.id + "\" has no subscale " + in_quotes(requested[i])));
    } else if (std::find(selected.begin(), selected.end(), *index) == selected.end()) {
      selected.push_back(*index);
    }
  }
  return selected;
}

bool decoded_for(const Instrument& instrument, const ResponseMatrix& wave) {
  return wave.item_count == instrument.items.size() && wave.answers.size() == wave.ids.size() * wave.item_count &&
         wave.errors.size() == wave.ids.size();
}

}  // namespace psyscore::detail
