#include "psyscore/responses.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <boost/json.hpp>

#include "decode_common.hpp"
#include "json_input.hpp"
#include "json_writer.hpp"
#include "response_json.hpp"

namespace psyscore {

namespace json = boost::json;
using detail::pointer_append;

std::string_view to_string(AnswerErrorCode code) {
  switch (code) {
    case AnswerErrorCode::out_of_range: return "out_of_range";
    case AnswerErrorCode::off_step: return "off_step";
    case AnswerErrorCode::not_a_number: return "not_a_number";
    case AnswerErrorCode::unknown_item: return "unknown_item";
  }
  return "not_a_number";
}

std::size_t ResponseMatrix::usable_count() const {
  return static_cast<std::size_t>(std::ranges::count_if(errors, [](const auto& e) { return e.empty(); }));
}

namespace detail {

namespace {

std::string number_text(double x) {
  std::string out;
  append_json_number(out, x);
  return out;
}

// Beyond this many problems a report stops listing them.
constexpr std::size_t kMaxListedProblems = 100;

}  // namespace

std::size_t add_respondent(ResponseMatrix& matrix, std::string id) {
  matrix.ids.push_back(std::move(id));
  matrix.answers.resize(matrix.answers.size() + matrix.item_count, std::numeric_limits<double>::quiet_NaN());
  matrix.errors.emplace_back();
  return matrix.ids.size() - 1;
}

void store_answer(ResponseMatrix& matrix, const Instrument& instrument, std::size_t row, std::size_t item,
                  double answer) {
  const Item& definition = instrument.items[item];
  const Scale& scale = definition.scale;
  if (!scale.in_range(answer)) {
    matrix.errors[row].push_back({definition.id, AnswerErrorCode::out_of_range,
                                  "answer " + number_text(answer) + " to item \"" + definition.id +
                                      "\" is outside its scale " + number_text(scale.min) + ".." +
                                      number_text(scale.max)});
    return;
  }
  if (!scale.on_grid(answer)) {
    matrix.errors[row].push_back({definition.id, AnswerErrorCode::off_step,
                                  "answer " + number_text(answer) + " to item \"" + definition.id +
                                      "\" is not one of the scale's values (" + number_text(scale.min) + " to " +
                                      number_text(scale.max) + " in steps of " + number_text(scale.step) + ")"});
    return;
  }
  matrix.answers[row * matrix.item_count + item] = answer;
}

void reject_answer(ResponseMatrix& matrix, std::size_t row, std::string_view item_id, AnswerErrorCode code,
                   std::string_view shown) {
  std::string message;
  if (code == AnswerErrorCode::unknown_item) {
    message = "the instrument has no item \"" + std::string(item_id) + "\"";
  } else {
    message = "the answer to item \"" + std::string(item_id) + "\" is not a number";
    if (!shown.empty() && shown.size() <= 20) message += " (\"" + std::string(shown) + "\")";
  }
  matrix.errors[row].push_back({std::string(item_id), code, std::move(message)});
}

std::optional<Error> find_duplicate_ids(const ResponseMatrix& matrix,
                                        const std::function<Problem(std::size_t row)>& locate) {
  std::unordered_map<std::string_view, std::size_t> first_row;
  first_row.reserve(matrix.ids.size());
  std::vector<Problem> problems;
  std::size_t duplicates = 0;
  for (std::size_t row = 0; row < matrix.ids.size(); ++row) {
    const auto [it, inserted] = first_row.emplace(matrix.ids[row], row);
    if (inserted) continue;
    ++duplicates;
    if (problems.size() < kMaxListedProblems) {
      Problem problem = locate(row);
      problem.code = "duplicate_id";
      problem.message = "respondent id \"" + matrix.ids[row] + "\" is used twice in this wave";
      problems.push_back(std::move(problem));
    }
  }
  if (duplicates == 0) return std::nullopt;
  return Error{ErrorCode::invalid,
               std::to_string(duplicates) + (duplicates == 1 ? " respondent id is" : " respondent ids are") +
                   " repeated; ids must be unique within a wave",
               std::move(problems)};
}

Result<ResponseMatrix> decode_response_array(const Instrument& instrument, const json::value& value,
                                             const std::string& pointer) {
  const json::array* respondents = value.if_array();
  if (!respondents) {
    return std::unexpected(Error::single(
        ErrorCode::malformed,
        {"", pointer, 0, 0, "wrong_type", "responses must be an array, not " + std::string(describe_type(value))}));
  }
  ResponseMatrix matrix;
  matrix.item_count = instrument.items.size();
  matrix.ids.reserve(respondents->size());
  matrix.errors.reserve(respondents->size());
  matrix.answers.reserve(respondents->size() * matrix.item_count);

  std::vector<Problem> problems;
  auto structural = [&](std::string where, std::string code, std::string message) {
    if (problems.size() < kMaxListedProblems) {
      problems.push_back({"", std::move(where), 0, 0, std::move(code), std::move(message)});
    }
  };

  for (std::size_t r = 0; r < respondents->size(); ++r) {
    const std::string where = pointer_append(pointer, r);
    const json::object* respondent = (*respondents)[r].if_object();
    if (!respondent) {
      structural(where, "wrong_type",
                 "a respondent must be an object, not " + std::string(describe_type((*respondents)[r])));
      continue;
    }
    for (const auto& entry : *respondent) {
      if (entry.key() != "id" && entry.key() != "answers") {
        structural(pointer_append(where, entry.key()), "unknown_key",
                   "unknown key \"" + std::string(entry.key()) + "\"; a respondent has \"id\" and \"answers\"");
      }
    }
    std::string id;
    const json::value* id_value = respondent->if_contains("id");
    if (!id_value) {
      structural(pointer_append(where, "id"), "missing_key", "a respondent needs an \"id\"");
    } else if (id_value->is_string() && !id_value->get_string().empty()) {
      id = std::string(id_value->get_string());
    } else if (id_value->is_int64() || id_value->is_uint64()) {
      id = json::serialize(*id_value);
    } else {
      structural(pointer_append(where, "id"), "wrong_type", "a respondent id must be a non-empty string or an integer");
    }
    const json::value* answers_value = respondent->if_contains("answers");
    const json::object* answers = answers_value ? answers_value->if_object() : nullptr;
    if (!answers_value) {
      structural(pointer_append(where, "answers"), "missing_key", "a respondent needs \"answers\"");
    } else if (!answers) {
      structural(
          pointer_append(where, "answers"), "wrong_type",
          "\"answers\" must be an object of item id to answer, not " + std::string(describe_type(*answers_value)));
    }
    if (!problems.empty()) continue;  // the wave fails; keep looking only for more problems

    const std::size_t row = add_respondent(matrix, std::move(id));
    for (const auto& answer : *answers) {
      const auto item = instrument.item_index(answer.key());
      if (!item) {
        reject_answer(matrix, row, answer.key(), AnswerErrorCode::unknown_item, {});
        continue;
      }
      const json::value& given = answer.value();
      if (given.is_null()) continue;
      double x = 0;
      if (get_number(given, x)) {
        store_answer(matrix, instrument, row, *item, x);
      } else {
        const std::string shown = given.is_string() ? std::string(given.get_string()) : std::string{};
        reject_answer(matrix, row, answer.key(), AnswerErrorCode::not_a_number, shown);
      }
    }
  }
  if (!problems.empty()) {
    std::string summary = problems.size() == 1 ? problems.front().message : "the responses have problems";
    return std::unexpected(Error{ErrorCode::malformed, std::move(summary), std::move(problems)});
  }
  auto locate = [&](std::size_t row) {
    Problem problem;
    problem.pointer = pointer_append(pointer_append(pointer, row), "id");
    return problem;
  };
  if (auto duplicate = find_duplicate_ids(matrix, locate)) return std::unexpected(std::move(*duplicate));
  return matrix;
}

}  // namespace detail

Result<ResponseMatrix> decode_json_responses(const Instrument& instrument, std::string_view json_text) {
  json::monotonic_resource arena;
  auto document = detail::parse_json(json_text, {}, &arena);
  if (!document) return std::unexpected(std::move(document.error()));
  const json::object* root = document->if_object();
  if (!root) {
    return std::unexpected(Error::single(
        ErrorCode::malformed, {"", "", 0, 0, "wrong_type", "the body must be an object with \"responses\""}));
  }
  for (const auto& entry : *root) {
    if (entry.key() != "responses") {
      return std::unexpected(Error::single(
          ErrorCode::malformed, {"", pointer_append("", entry.key()), 0, 0, "unknown_key",
                                 "unknown key \"" + std::string(entry.key()) + "\"; expected \"responses\""}));
    }
  }
  const json::value* responses = root->if_contains("responses");
  if (!responses) {
    return std::unexpected(
        Error::single(ErrorCode::malformed, {"", "/responses", 0, 0, "missing_key", "\"responses\" is required"}));
  }
  return detail::decode_response_array(instrument, *responses, "/responses");
}

}  // namespace psyscore
