// The endpoints that take waves of responses. They share how a body becomes
// an instrument and waves (request.hpp) and one encoder per result.

#include "endpoints.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "limits.hpp"
#include "options.hpp"
#include "problem.hpp"
#include "psyscore/json.hpp"
#include "psyscore/model.hpp"
#include "psyscore/report.hpp"
#include "psyscore/scoring.hpp"
#include "scoring/decode/response_json.hpp"
#include "scoring/encode/sav_writer.hpp"
#include "scoring/encode/score_csv_writer.hpp"
#include "scoring/encode/score_writer.hpp"
#include "scoring/encode/xlsx_writer.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;

namespace {

constexpr std::string_view kSavMediaType = "application/x-spss-sav";
constexpr std::string_view kXlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The file format an Accept header asks for in place of JSON: the first of
// the SPSS and Excel media types it lists (parameters such as q= are not
// weighed), or nullopt.
std::optional<std::string_view> file_format_accepted(std::string_view accept) {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    range = range.substr(0, range.find(';'));
    while (!range.empty() && range.front() == ' ') range.remove_prefix(1);
    while (!range.empty() && range.back() == ' ') range.remove_suffix(1);
    std::string lowered(range);
    std::ranges::transform(lowered, lowered.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lowered == kSavMediaType) return kSavMediaType;
    if (lowered == kXlsxMediaType) return kXlsxMediaType;
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

// The score result; with Accept: text/csv its CSV form (the bytes of
// `psyscore score --format csv`, which has no place for warnings); with
// Accept naming SPSS or Excel, that file.
ApiResponse scored(const Instrument& instrument, const ResponseMatrix& wave, const RequestContext& context) {
  ApiResponse response;
  response.respondents = wave.respondent_count();
  if (const auto file_format = file_format_accepted(context.accept)) {
    const ScoreTable table = score(instrument, wave);
    auto bytes = *file_format == kSavMediaType ? detail::encode_score_sav(instrument, wave, table)
                                               : detail::encode_score_xlsx(instrument, wave, table);
    if (!bytes) return problem(bytes.error());
    response.body = std::move(*bytes);
    response.content_type = std::string(*file_format);
    const std::string extension = *file_format == kSavMediaType ? ".sav" : ".xlsx";
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"" + instrument.id + "-scores" + extension + "\"");
    return response;
  }
  if (context.wants_csv()) {
    response.content_type = "text/csv; charset=utf-8";
    response.body = detail::score_and_encode_csv(instrument, wave);
  } else {
    response.body = detail::score_and_encode(instrument, wave);
  }
  return response;
}

}  // namespace

ApiResponse score_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv() && !context.instrument_id.empty()) {
    auto input = read_csv_body(state, context, {"id_column", "column_prefix"}, {});
    if (!input) return problem(input.error());
    return scored(*input->instrument, input->wave, context);
  }
  // The usual body, {"responses": [...]} for a registered instrument, is
  // decoded without building a document; anything else (including every
  // body with a problem) takes the general path, which names the problems.
  if (context.is_json() && !context.instrument_id.empty() && context.query.empty()) {
    if (auto instrument = state.registry()->find(context.instrument_id)) {
      auto wave = detail::decode_response_body_fast(*instrument, context.body, "responses");
      if (wave && wave->respondent_count() <= state.limits().max_respondents)
        return scored(*instrument, *wave, context);
    }
  }
  JsonBody body(state, context, {"responses"});
  if (body.failure) return std::move(*body.failure);
  auto wave = decode_wave(state, body.instrument(), body.root(), "responses");
  if (!wave) return problem(wave.error());
  return scored(body.instrument(), *wave, context);
}

namespace {

struct Groups {
  std::vector<std::pair<std::string, ResponseMatrix>> waves;
  std::size_t respondents = 0;
};

// The body's "groups": an object of group name to respondents.
std::expected<Groups, ApiResponse> decode_groups(const ServiceState& state, const JsonBody& body) {
  const json::value* groups_value = body.root().if_contains("groups");
  if (!groups_value) return std::unexpected(problem(400, "\"groups\" is required", "/groups", "missing_key"));
  const json::object* groups = groups_value->if_object();
  if (!groups) {
    return std::unexpected(
        problem(400, "\"groups\" must be an object of group name to respondents", "/groups", "wrong_type"));
  }
  Groups out;
  for (const auto& entry : *groups) {
    auto wave = decode_wave(state, body.instrument(), *groups, entry.key());
    if (!wave) {
      Error error = std::move(wave.error());
      for (auto& p : error.problems) p.pointer.insert(0, "/groups");
      return std::unexpected(problem(error));
    }
    out.respondents += wave->respondent_count();
    if (auto error = check_respondents(state.limits(), out.respondents, "/groups")) {
      return std::unexpected(problem(*error));
    }
    out.waves.emplace_back(std::string(entry.key()), std::move(*wave));
  }
  return out;
}

}  // namespace

ApiResponse result(std::string body, std::size_t respondents) {
  ApiResponse response;
  response.body = std::move(body);
  response.respondents = respondents;
  return response;
}

ApiResponse reliability_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv() && !context.instrument_id.empty()) {
    auto options = reliability_options(context, state.limits());
    if (!options) return problem(options.error());
    auto input = read_csv_body(
        state, context,
        {"id_column", "column_prefix", "subscale", "missing", "ci_level", "bootstrap_iterations", "seed", "items"}, {});
    if (!input) return problem(input.error());
    if (auto error =
            check_bootstrap_size(state.limits(), *input->instrument, *options, input->wave.respondent_count(), "")) {
      return problem(*error);
    }
    options->deadline = context.deadline;
    auto report = reliability(*input->instrument, input->wave, *options);
    if (!report) return problem(report.error());
    return result(encode_reliability_result(*input->instrument, *report), input->wave.respondent_count());
  }
  JsonBody body(state, context, {"responses", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = reliability_options(body.root(), state.limits());
  if (!options) return problem(options.error());
  auto wave = decode_wave(state, body.instrument(), body.root(), "responses");
  if (!wave) return problem(wave.error());
  if (auto error = check_bootstrap_size(state.limits(), body.instrument(), *options, wave->respondent_count(),
                                        "/options/bootstrap/iterations")) {
    return problem(*error);
  }
  options->deadline = context.deadline;
  auto report = reliability(body.instrument(), *wave, *options);
  if (!report) return problem(report.error());
  return result(encode_reliability_result(body.instrument(), *report), wave->respondent_count());
}

ApiResponse change_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv()) return unsupported_media_type(context, false);
  JsonBody body(state, context, {"pre", "post", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = change_options(body.root());
  if (!options) return problem(options.error());
  auto pre = decode_wave(state, body.instrument(), body.root(), "pre");
  if (!pre) return problem(pre.error());
  auto post = decode_wave(state, body.instrument(), body.root(), "post");
  if (!post) return problem(post.error());
  if (auto error = check_respondents(state.limits(), pre->respondent_count() + post->respondent_count(), "/post",
                                     "respondents in the two waves")) {
    return problem(*error);
  }
  auto report = change(body.instrument(), *pre, *post, *options);
  if (!report) {
    // The engine locates option problems within the options; in the body they are under /options.
    Error error = std::move(report.error());
    for (auto& p : error.problems) {
      if (!p.pointer.empty() && !p.pointer.starts_with("/pre") && !p.pointer.starts_with("/post")) {
        p.pointer.insert(0, "/options");
      }
    }
    return problem(error);
  }
  return result(encode_change_result(body.instrument(), *report), pre->respondent_count() + post->respondent_count());
}

ApiResponse compare_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv() && !context.instrument_id.empty()) {
    const auto group_column = context.parameter("group_column");
    if (!group_column || group_column->empty()) {
      return problem(400, "a text/csv body needs the query parameter group_column naming the group column", "",
                     "missing_parameter");
    }
    auto options = compare_options(context);
    if (!options) return problem(options.error());
    auto input = read_csv_body(
        state, context, {"id_column", "column_prefix", "group_column", "subscale", "ci_level", "items"}, *group_column);
    if (!input) return problem(input.error());
    auto report = compare(*input->instrument, input->wave, *options);
    if (!report) return problem(report.error());
    return result(encode_compare_result(*input->instrument, *report), input->wave.respondent_count());
  }
  JsonBody body(state, context, {"groups", "responses", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = compare_options(body.root());
  if (!options) return problem(options.error());
  // The groups are "groups", or the levels of a covariate of "responses".
  const bool has_groups = body.root().contains("groups");
  if (!options->group_covariate.empty()) {
    if (has_groups) {
      return problem(400,
                     "options.group_covariate makes groups of \"responses\"; this body names its \"groups\" "
                     "already: send one or the other",
                     "/options/group_covariate", "conflicting_keys");
    }
    auto wave = decode_wave(state, body.instrument(), body.root(), "responses");
    if (!wave) return problem(wave.error());
    auto report = compare(body.instrument(), *wave, *options);
    if (!report) {
      // The engine locates the covariate's problems within the options.
      for (auto& p : report.error().problems) {
        if (p.pointer.starts_with("/group_covariate")) p.pointer.insert(0, "/options");
      }
      return problem(report.error());
    }
    return result(encode_compare_result(body.instrument(), *report), wave->respondent_count());
  }
  if (body.root().contains("responses")) {
    return problem(400,
                   has_groups ? "a compare body holds \"groups\", or \"responses\" with options.group_covariate; "
                                "this one holds both"
                              : "\"responses\" need options.group_covariate naming the covariate whose levels are "
                                "the groups (or send \"groups\")",
                   "/responses", has_groups ? "conflicting_keys" : "missing_key");
  }
  auto decoded = decode_groups(state, body);
  if (!decoded) return std::move(decoded.error());
  auto& [waves, respondents] = *decoded;
  auto report = compare(body.instrument(), waves, *options);
  if (!report) return problem(report.error());
  return result(encode_compare_result(body.instrument(), *report), respondents);
}

namespace {

ApiResponse html(Result<std::string> page, std::size_t respondents) {
  if (!page) return problem(page.error());
  ApiResponse response = result(std::move(*page), respondents);
  response.content_type = "text/html; charset=utf-8";
  return response;
}

// "show_ids": a boolean at the top of the body, or the query's show_ids=true.
std::expected<bool, ApiResponse> show_ids(const RequestContext& context, const json::object* body) {
  if (body) {
    const json::value* value = body->if_contains("show_ids");
    if (!value) return false;
    if (!value->is_bool()) {
      return std::unexpected(problem(400, "\"show_ids\" must be true or false", "/show_ids", "wrong_type"));
    }
    return value->as_bool();
  }
  const auto parameter = context.parameter("show_ids");
  if (!parameter) return false;
  if (*parameter == "true") return true;
  if (*parameter == "false") return false;
  return std::unexpected(problem(400, "the query parameter show_ids must be true or false", "", "invalid_parameter"));
}

// The query parameters of a CSV report that ask for the model section.
constexpr std::array<std::string_view, 5> kModelParameters = {"outcome", "predictors", "covariate_columns", "reference",
                                                              "profile"};

// A "groups" object whose groups are objects ({"pre": [...], "post": [...]})
// is the controlled design's body; groups of respondents (arrays) are compare's.
bool controlled_shape(const json::object& root) {
  const json::value* groups = root.if_contains("groups");
  if (!groups || !groups->is_object()) return false;
  const json::object& object = groups->get_object();
  return std::any_of(object.begin(), object.end(), [](const auto& entry) { return entry.value().is_object(); });
}

}  // namespace

ApiResponse report_endpoint(const ServiceState& state, const RequestContext& context) {
  ReportOptions report_options;
  if (context.is_csv() && !context.instrument_id.empty()) {
    const auto ids = show_ids(context, nullptr);
    if (!ids) return ids.error();
    report_options.show_ids = *ids;
    // With group_column the CSV is one wave of groups, as compare takes it;
    // without, one wave, as reliability takes it.
    if (const auto group_column = context.parameter("group_column")) {
      if (group_column->empty()) {
        return problem(400, "a text/csv body needs the query parameter group_column naming the group column", "",
                       "missing_parameter");
      }
      auto options = compare_options(context);
      if (!options) return problem(options.error());
      auto input = read_csv_body(state, context,
                                 {"id_column", "column_prefix", "group_column", "subscale", "ci_level", "show_ids"},
                                 *group_column);
      if (!input) return problem(input.error());
      report_options.compare = *options;
      return html(compare_report(*input->instrument, input->wave, report_options), input->wave.respondent_count());
    }
    auto options = reliability_options(context, state.limits());
    if (!options) return problem(options.error());
    report_options.reliability = *options;
    report_options.reliability.deadline = context.deadline;
    // With any of the model's parameters, its section too, as the model
    // endpoint reads them.
    std::vector<std::string> covariate_columns;
    if (std::ranges::any_of(kModelParameters,
                            [&](std::string_view name) { return context.parameter(name).has_value(); })) {
      auto instrument = resolve_instrument(state, context, nullptr);
      if (!instrument) return problem(instrument.error());
      auto model = model_options(context, **instrument, covariate_columns);
      if (!model) return problem(model.error());
      report_options.model = std::move(*model);
    }
    auto input =
        read_csv_body(state, context,
                      {"id_column", "column_prefix", "subscale", "missing", "ci_level", "bootstrap_iterations", "seed",
                       "show_ids", "covariate_columns", "outcome", "predictors", "reference", "profile"},
                      {}, covariate_columns);
    if (!input) return problem(input.error());
    if (auto error =
            check_bootstrap_size(state.limits(), *input->instrument, *options, input->wave.respondent_count(), "")) {
      return problem(*error);
    }
    return html(wave_report(*input->instrument, input->wave, report_options), input->wave.respondent_count());
  }
  JsonBody body(state, context, {"responses", "pre", "post", "groups", "options", "show_ids"});
  if (body.failure) return std::move(*body.failure);
  const auto ids = show_ids(context, &body.root());
  if (!ids) return ids.error();
  report_options.show_ids = *ids;
  const bool one_wave = body.root().contains("responses");
  const bool pre_post = body.root().contains("pre") || body.root().contains("post");
  const bool groups = body.root().contains("groups");
  if (static_cast<int>(one_wave) + static_cast<int>(pre_post) + static_cast<int>(groups) > 1) {
    return problem(400,
                   "a report body holds one of \"responses\", \"pre\" and \"post\", or \"groups\"; this one "
                   "holds more",
                   "", "conflicting_keys");
  }
  if (groups && controlled_shape(body.root())) {
    auto decoded = decode_controlled_body(state, body);
    if (!decoded) return std::move(decoded.error());
    report_options.controlled = decoded->options;
    return html(controlled_report(body.instrument(), decoded->groups, report_options), decoded->respondents);
  }
  if (pre_post) {
    auto options = change_options(body.root());
    if (!options) return problem(options.error());
    auto pre = decode_wave(state, body.instrument(), body.root(), "pre");
    if (!pre) return problem(pre.error());
    auto post = decode_wave(state, body.instrument(), body.root(), "post");
    if (!post) return problem(post.error());
    if (auto error = check_respondents(state.limits(), pre->respondent_count() + post->respondent_count(), "/post",
                                       "respondents in the two waves")) {
      return problem(*error);
    }
    report_options.change = *options;
    return html(change_report(body.instrument(), *pre, *post, report_options),
                pre->respondent_count() + post->respondent_count());
  }
  if (groups) {
    auto options = compare_options(body.root());
    if (!options) return problem(options.error());
    if (!options->group_covariate.empty()) {
      return problem(400, "options.group_covariate is for compare; a report of groups takes them as \"groups\"",
                     "/options/group_covariate", "unknown_key");
    }
    auto decoded = decode_groups(state, body);
    if (!decoded) return std::move(decoded.error());
    report_options.compare = *options;
    return html(compare_report(body.instrument(), decoded->waves, report_options), decoded->respondents);
  }
  // Otherwise one wave, and a body without "responses" gets the problems
  // the reliability endpoint would give it.
  auto options = wave_report_options(body.root(), state.limits());
  if (!options) return problem(options.error());
  auto responses = decode_wave(state, body.instrument(), body.root(), "responses");
  if (!responses) return problem(responses.error());
  if (auto error = check_bootstrap_size(state.limits(), body.instrument(), options->reliability,
                                        responses->respondent_count(), "/options/bootstrap/iterations")) {
    return problem(*error);
  }
  report_options.reliability = std::move(options->reliability);
  report_options.reliability.deadline = context.deadline;
  report_options.model = std::move(options->model);
  return html(wave_report(body.instrument(), *responses, report_options), responses->respondent_count());
}

}  // namespace psyscore::service
