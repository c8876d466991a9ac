#include "request.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "limits.hpp"
#include "problem.hpp"
#include "scoring/decode/readstat_input.hpp"
#include "scoring/decode/response_json.hpp"
#include "scoring/instrument/instrument_json.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;

bool RequestContext::is_json() const { return media_type == "application/json"; }
bool RequestContext::is_csv() const {
  return media_type == "text/csv" || detail::stat_format_from_media_type(media_type).has_value();
}

InputFormat RequestContext::table_format() const {
  if (const auto stat = detail::stat_format_from_media_type(media_type)) {
    switch (*stat) {
      case detail::StatFormat::spss: return InputFormat::spss;
      case detail::StatFormat::stata: return InputFormat::stata;
      case detail::StatFormat::sas: return InputFormat::sas;
    }
  }
  return InputFormat::csv;
}

namespace {

// The q of media range `type` in Accept header `accept` (-1 when absent).
double accept_quality(std::string_view accept, std::string_view type) {
  const auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const auto trimmed = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  double best = -1;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semicolon = range.find(';');
    if (lower(trimmed(range.substr(0, semicolon))) != type) continue;
    double q = 1;
    std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view{} : range.substr(semicolon + 1);
    while (!parameters.empty()) {
      const auto next = parameters.find(';');
      const std::string_view parameter = trimmed(parameters.substr(0, next));
      parameters = next == std::string_view::npos ? std::string_view{} : parameters.substr(next + 1);
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
        const std::string_view value = parameter.substr(2);
        double x = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
        q = ec == std::errc{} && end == value.data() + value.size() && x >= 0 && x <= 1 ? x : 0;
      }
    }
    best = std::max(best, q);
  }
  return best;
}

}  // namespace

bool RequestContext::wants_csv() const {
  const double csv = accept_quality(accept, "text/csv");
  return csv > 0 && csv > accept_quality(accept, "application/json");
}

std::optional<std::string_view> RequestContext::parameter(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

ApiResponse unsupported_media_type(const RequestContext& context, bool csv_allowed) {
  std::string detail = "send the body as application/json";
  if (csv_allowed) {
    detail += ", text/csv, application/x-spss-sav, application/x-stata-dta or application/x-sas-data";
  }
  detail += context.media_type.empty() ? " (the request has no Content-Type)"
                                       : " (the request's Content-Type is " + context.media_type + ")";
  return problem(415, detail);
}

Result<json::value> parse_body(const RequestContext& context, json::storage_ptr storage) {
  auto document = detail::parse_json(context.body, {}, std::move(storage));
  if (!document) return document;
  if (!document->is_object()) {
    return std::unexpected(
        Error::single(ErrorCode::malformed, {.code = "wrong_type", .message = "the body must be a JSON object"}));
  }
  return document;
}

std::optional<Error> check_body_keys(const json::object& body, std::initializer_list<std::string_view> allowed,
                                     bool inline_instrument) {
  std::vector<Problem> problems;
  std::string expected;  // written out once a key is unknown
  for (const auto& entry : body) {
    const std::string_view key = entry.key();
    if (std::ranges::find(allowed, key) != allowed.end()) continue;
    if (inline_instrument && key == "instrument") continue;
    if (expected.empty()) {
      for (std::string_view a : allowed) expected += (expected.empty() ? "\"" : ", \"") + std::string(a) + "\"";
      if (inline_instrument) expected += ", \"instrument\"";
    }
    problems.push_back({.pointer = detail::pointer_append("", key),
                        .code = "unknown_key",
                        .message = "unknown key \"" + std::string(key) + "\"; the body may have " + expected});
  }
  if (problems.empty()) return std::nullopt;
  return Error{ErrorCode::malformed, problems.front().message, std::move(problems)};
}

Result<InstrumentPtr> resolve_instrument(const ServiceState& state, const RequestContext& context,
                                         const json::object* body) {
  if (!context.instrument_id.empty()) {
    if (auto instrument = state.registry()->find(context.instrument_id)) return instrument;
    return std::unexpected(Error::single(ErrorCode::not_found, {.code = "unknown_instrument",
                                                                .message = "no instrument \"" + context.instrument_id +
                                                                           "\" (GET /v1/instruments lists them)"}));
  }
  const json::value* definition = body ? body->if_contains("instrument") : nullptr;
  if (!definition) {
    return std::unexpected(
        Error::single(ErrorCode::malformed, {.pointer = "/instrument",
                                             .code = "missing_key",
                                             .message = "\"instrument\" is required: the definition to use, inline"}));
  }
  // Its size first: what reliability costs grows with the items.
  if (auto error = check_definition_size(state.limits(), *definition, "/instrument")) {
    return std::unexpected(std::move(*error));
  }
  return detail::instrument_from_json(*definition, {}, "/instrument");
}

Result<ResponseMatrix> decode_wave(const ServiceState& state, const Instrument& instrument, const json::object& body,
                                   std::string_view key) {
  const std::string pointer = detail::pointer_append("", key);
  const json::value* value = body.if_contains(key);
  if (!value) {
    return std::unexpected(Error::single(
        ErrorCode::malformed,
        {.pointer = pointer, .code = "missing_key", .message = "\"" + std::string(key) + "\" is required"}));
  }
  if (value->is_array()) {
    if (auto error = check_respondents(state.limits(), value->get_array().size(), pointer)) {
      return std::unexpected(std::move(*error));
    }
  }
  return detail::decode_response_array(instrument, *value, pointer);
}

std::optional<Error> read_delimiter(const RequestContext& context, CsvOptions& options) {
  const auto delimiter = context.parameter("delimiter");
  if (!delimiter) return std::nullopt;
  if (*delimiter == "," || *delimiter == "comma") {
    options.delimiter = ',';
  } else if (*delimiter == ";" || *delimiter == "semicolon") {
    options.delimiter = ';';
  } else if (*delimiter == "tab" || *delimiter == "\t") {
    options.delimiter = '\t';
  } else {
    return Error::single(
        ErrorCode::malformed,
        {.code = "invalid_parameter",
         .message = "delimiter must be \",\", \";\" or \"tab\" (default: detected from the header row)"});
  }
  return std::nullopt;
}

Result<ResponseMatrix> decode_csv_wave(const ServiceState& state, const Instrument& instrument,
                                       const RequestContext& context, std::string_view group_column,
                                       const std::vector<std::string>& covariate_columns) {
  CsvOptions options;
  options.source = "body";
  if (auto id_column = context.parameter("id_column")) options.id_column = *id_column;
  if (auto prefix = context.parameter("column_prefix")) options.column_prefix = *prefix;
  options.group_column = group_column;
  if (auto error = read_delimiter(context, options)) return std::unexpected(std::move(*error));
  options.covariate_columns = covariate_columns;
  auto wave = decode_responses(instrument, context.body, context.table_format(), options);
  if (wave) {
    if (auto error = check_respondents(state.limits(), wave->respondent_count(), "")) {
      return std::unexpected(std::move(*error));
    }
  }
  return wave;
}

std::optional<Error> check_parameters(const RequestContext& context, std::initializer_list<std::string_view> allowed) {
  return check_parameters_in(context, std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

std::optional<Error> check_parameters_in(const RequestContext& context, std::span<const std::string_view> allowed) {
  for (const auto& [name, value] : context.query) {
    if (std::ranges::find(allowed, name) != allowed.end()) continue;
    std::string expected;
    for (std::string_view a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
    return Error::single(ErrorCode::malformed, {.code = "unknown_parameter",
                                                .message = "unknown query parameter \"" + name + "\"" +
                                                           (expected.empty() ? std::string("; this endpoint takes none")
                                                                             : "; this endpoint takes " + expected)});
  }
  return std::nullopt;
}

// The document lives in the arena: moving the parsed value into it is then
// a pointer swap, and dropping it frees the arena's blocks without visiting
// a node. (With document_'s default storage, the move would be a deep copy
// to the heap, and the destructor a walk over every node.)
JsonBody::JsonBody(const ServiceState& state, const RequestContext& context,
                   std::initializer_list<std::string_view> keys)
    : document_(&arena_) {
  const bool inline_instrument = context.instrument_id.empty();
  if (!context.is_json()) {
    failure = unsupported_media_type(context, !inline_instrument);
    return;
  }
  if (auto error = check_parameters(context, {})) {
    failure = problem(*error);
    return;
  }
  auto parsed = parse_body(context, &arena_);
  if (!parsed) {
    failure = problem(parsed.error());
    return;
  }
  document_ = std::move(*parsed);
  root_ = &document_.get_object();
  if (auto error = check_body_keys(*root_, keys, inline_instrument)) {
    failure = problem(*error);
    return;
  }
  auto instrument = resolve_instrument(state, context, root_);
  if (!instrument) {
    failure = problem(instrument.error());
    return;
  }
  instrument_ = std::move(*instrument);
}

Result<CsvInput> read_csv_body(const ServiceState& state, const RequestContext& context,
                               std::initializer_list<std::string_view> parameters, std::string_view group_column,
                               const std::vector<std::string>& covariate_columns) {
  // Every table body may name its CSV delimiter.
  std::vector<std::string_view> allowed(parameters);
  allowed.push_back("delimiter");
  if (auto error = check_parameters_in(context, allowed)) return std::unexpected(std::move(*error));
  auto instrument = resolve_instrument(state, context, nullptr);
  if (!instrument) return std::unexpected(std::move(instrument.error()));
  auto wave = decode_csv_wave(state, **instrument, context, group_column, covariate_columns);
  if (!wave) return std::unexpected(std::move(wave.error()));
  return CsvInput{std::move(*instrument), std::move(*wave)};
}

}  // namespace psyscore::service
