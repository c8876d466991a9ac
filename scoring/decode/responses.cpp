#include "psyscore/responses.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "scoring/decode/covariates.hpp"
#include "scoring/decode/decode_common.hpp"
#include "scoring/decode/readstat_input.hpp"
#include "scoring/decode/response_json.hpp"
#include "scoring/util/json_input.hpp"

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

// Beyond this many problems a report stops listing them.
constexpr std::size_t kMaxListedProblems = 100;

}  // namespace

Result<ResponseMatrix> decode_response_array(const Instrument& instrument, const json::value& value,
                                             const std::string& pointer) {
  const json::array* respondents = value.if_array();
  if (!respondents) {
    return std::unexpected(Error::single(
        ErrorCode::malformed, {.pointer = pointer,
                               .code = "wrong_type",
                               .message = "responses must be an array, not " + std::string(describe_type(value))}));
  }
  ResponseMatrix matrix;
  matrix.item_count = instrument.items.size();
  reserve_respondents(matrix, respondents->size());
  const AnswerChecker checker(instrument);
  ItemFinder items(instrument);
  DuplicateIds duplicate_ids(respondents->size());
  CovariateCollector collector;

  std::vector<Problem> problems;
  auto structural = [&](std::string where, std::string code, std::string message) {
    if (problems.size() < kMaxListedProblems) {
      problems.push_back({.pointer = std::move(where), .code = std::move(code), .message = std::move(message)});
    }
  };

  for (std::size_t r = 0; r < respondents->size(); ++r) {
    // The pointer of a member of this respondent, built only for a message.
    auto at = [&](std::string_view key) { return pointer_append(pointer_append(pointer, r), key); };
    const json::object* respondent = (*respondents)[r].if_object();
    if (!respondent) {
      structural(pointer_append(pointer, r), "wrong_type",
                 "a respondent must be an object, not " + std::string(describe_type((*respondents)[r])));
      continue;
    }
    for (const auto& entry : *respondent) {
      if (entry.key() != "id" && entry.key() != "answers" && entry.key() != "covariates") {
        structural(at(entry.key()), "unknown_key",
                   "unknown key \"" + std::string(entry.key()) +
                       "\"; a respondent has \"id\", \"answers\" and optionally \"covariates\"");
      }
    }
    std::string id;
    const json::value* id_value = respondent->if_contains("id");
    if (!id_value) {
      structural(at("id"), "missing_key", "a respondent needs an \"id\"");
    } else if (id_value->is_string() && !id_value->get_string().empty()) {
      id = std::string(id_value->get_string());
    } else if (id_value->is_int64() || id_value->is_uint64()) {
      id = json::serialize(*id_value);
    } else {
      structural(at("id"), "wrong_type", "a respondent id must be a non-empty string or an integer");
    }
    const json::value* answers_value = respondent->if_contains("answers");
    const json::object* answers = answers_value ? answers_value->if_object() : nullptr;
    if (!answers_value) {
      structural(at("answers"), "missing_key", "a respondent needs \"answers\"");
    } else if (!answers) {
      structural(
          at("answers"), "wrong_type",
          "\"answers\" must be an object of item id to answer, not " + std::string(describe_type(*answers_value)));
    }
    const json::value* covariates_value = respondent->if_contains("covariates");
    const json::object* covariates = covariates_value ? covariates_value->if_object() : nullptr;
    if (covariates_value && !covariates && !covariates_value->is_null()) {
      structural(at("covariates"), "wrong_type",
                 "\"covariates\" must be an object of covariate name to a string, a number or null, not " +
                     std::string(describe_type(*covariates_value)));
    }
    if (covariates) {
      for (const auto& entry : *covariates) {
        const json::value& given = entry.value();
        if (!given.is_null() && !given.is_string() && !given.is_number()) {
          structural(
              pointer_append(at("covariates"), entry.key()), "wrong_type",
              "a covariate is a string (categorical), a number or null, not " + std::string(describe_type(given)));
        }
      }
    }
    if (!problems.empty()) continue;  // the wave fails; keep looking only for more problems

    const std::size_t row = add_respondent(matrix, id);
    duplicate_ids.add(id, [&] { return Problem{.pointer = at("id")}; });
    if (covariates) {
      for (const auto& entry : *covariates) {
        const json::value& given = entry.value();
        double number = 0;
        const bool kept = given.is_null()             ? collector.add_missing(entry.key())
                          : given.is_string()         ? collector.add_text(row, entry.key(), given.get_string())
                          : get_number(given, number) ? collector.add_number(row, entry.key(), number)
                                                      : true;
        if (!kept) {
          structural(pointer_append(at("covariates"), entry.key()), "too_many_covariates",
                     "at most " + std::to_string(kMaxCovariates) + " different covariates per wave");
        }
      }
    }
    for (const auto& answer : *answers) {
      const std::size_t item = items.find(answer.key());
      if (item == ItemFinder::npos) {
        reject_answer(matrix, row, answer.key(), AnswerErrorCode::unknown_item, {});
        continue;
      }
      const json::value& given = answer.value();
      if (given.is_null()) continue;
      double x = 0;
      if (!get_number(given, x)) {
        const std::string_view shown = given.is_string() ? std::string_view(given.get_string()) : std::string_view{};
        reject_answer(matrix, row, answer.key(), AnswerErrorCode::not_a_number, shown);
      } else if (given.is_double()) {
        checker.store(matrix, row, item, x);
      } else {
        checker.store_whole(matrix, row, item, x);
      }
    }
  }
  if (!problems.empty()) {
    std::string summary = problems.size() == 1 ? problems.front().message : "the responses have problems";
    return std::unexpected(Error{ErrorCode::malformed, std::move(summary), std::move(problems)});
  }
  if (auto duplicate = duplicate_ids.error()) return std::unexpected(std::move(*duplicate));
  if (!collector.empty()) {
    auto covariate_error =
        collector.finish(matrix, matrix.respondent_count(), [&](std::size_t row, std::string_view name) {
          return pointer_append(pointer_append(pointer_append(pointer, row), "covariates"), name);
        });
    if (covariate_error) return std::unexpected(std::move(*covariate_error));
  }
  return matrix;
}

}  // namespace detail

std::string_view to_string(InputFormat format) {
  switch (format) {
    case InputFormat::json: return "json";
    case InputFormat::csv: return "csv";
    case InputFormat::spss: return "spss";
    case InputFormat::stata: return "stata";
    case InputFormat::sas: return "sas";
  }
  return "csv";
}

namespace {

InputFormat from_stat_format(detail::StatFormat format) {
  switch (format) {
    case detail::StatFormat::spss: return InputFormat::spss;
    case detail::StatFormat::stata: return InputFormat::stata;
    case detail::StatFormat::sas: return InputFormat::sas;
  }
  return InputFormat::spss;
}

}  // namespace

InputFormat detect_input_format(std::string_view bytes) {
  if (const auto stat = detail::sniff_stat_format(bytes)) return from_stat_format(*stat);
  const auto first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && bytes[first] == '{') return InputFormat::json;
  return InputFormat::csv;
}

std::optional<InputFormat> input_format_from_file_name(std::string_view file_name) {
  if (const auto stat = detail::stat_format_from_extension(file_name)) return from_stat_format(*stat);
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string extension(file_name.substr(dot + 1));
  for (char& c : extension) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (extension == "json") return InputFormat::json;
  if (extension == "csv" || extension == "tsv" || extension == "txt") return InputFormat::csv;
  return std::nullopt;
}

Result<ResponseMatrix> decode_responses(const Instrument& instrument, std::string_view bytes, InputFormat format,
                                        const CsvOptions& options) {
  switch (format) {
    case InputFormat::json: {
      auto wave = decode_json_responses(instrument, bytes);
      if (!wave && !options.source.empty()) {
        for (auto& problem : wave.error().problems) problem.source = options.source;
      }
      return wave;
    }
    case InputFormat::csv: return decode_csv_responses(instrument, bytes, options);
    case InputFormat::spss: return detail::decode_stat_responses(instrument, bytes, detail::StatFormat::spss, options);
    case InputFormat::stata:
      return detail::decode_stat_responses(instrument, bytes, detail::StatFormat::stata, options);
    case InputFormat::sas: return detail::decode_stat_responses(instrument, bytes, detail::StatFormat::sas, options);
  }
  return decode_csv_responses(instrument, bytes, options);
}

Result<ResponseMatrix> decode_json_responses(const Instrument& instrument, std::string_view json_text) {
  if (auto wave = detail::decode_response_body_fast(instrument, json_text, "responses")) return std::move(*wave);
  json::monotonic_resource arena;
  auto document = detail::parse_json(json_text, {}, &arena);
  if (!document) return std::unexpected(std::move(document.error()));
  const json::object* root = document->if_object();
  if (!root) {
    return std::unexpected(Error::single(
        ErrorCode::malformed, {.code = "wrong_type", .message = "the body must be an object with \"responses\""}));
  }
  for (const auto& entry : *root) {
    if (entry.key() != "responses") {
      return std::unexpected(
          Error::single(ErrorCode::malformed,
                        {.pointer = pointer_append("", entry.key()),
                         .code = "unknown_key",
                         .message = "unknown key \"" + std::string(entry.key()) + "\"; expected \"responses\""}));
    }
  }
  const json::value* responses = root->if_contains("responses");
  if (!responses) {
    return std::unexpected(
        Error::single(ErrorCode::malformed,
                      {.pointer = "/responses", .code = "missing_key", .message = "\"responses\" is required"}));
  }
  return detail::decode_response_array(instrument, *responses, "/responses");
}

}  // namespace psyscore
