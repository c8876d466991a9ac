// POST .../reliability, .../change and .../compare: the analyses of waves.

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "json_input.hpp"
#include "options.hpp"
#include "problem.hpp"
#include "psyscore/json.hpp"

namespace psyscore::service {

namespace json = boost::json;

namespace {

ApiResponse result(std::string body, std::size_t respondents) {
  ApiResponse response;
  response.body = std::move(body);
  response.respondents = respondents;
  return response;
}

}  // namespace

ApiResponse reliability_endpoint(const ServiceState& state, const RequestContext& context) {
  const bool inline_instrument = context.instrument_id.empty();
  if (context.is_csv() && !inline_instrument) {
    if (auto error = check_parameters(context, {"id_column", "column_prefix", "subscale", "missing", "ci_level",
                                                "bootstrap_iterations", "seed"})) {
      return problem(*error);
    }
    auto instrument = resolve_instrument(state, context, nullptr);
    if (!instrument) return problem(instrument.error());
    auto options = reliability_options(context, state.limits());
    if (!options) return problem(options.error());
    auto wave = decode_csv_wave(state, **instrument, context, {});
    if (!wave) return problem(wave.error());
    auto report = reliability(**instrument, *wave, *options);
    if (!report) return problem(report.error());
    return result(encode_reliability_result(**instrument, *report), wave->respondent_count());
  }
  if (!context.is_json()) return unsupported_media_type(context, !inline_instrument);
  if (auto error = check_parameters(context, {})) return problem(*error);

  json::monotonic_resource arena;
  auto body = parse_body(context, &arena);
  if (!body) return problem(body.error());
  const json::object& root = body->get_object();
  if (auto error = check_body_keys(root, {"responses", "options"}, inline_instrument)) {
    return problem(*error);
  }
  auto instrument = resolve_instrument(state, context, &root);
  if (!instrument) return problem(instrument.error());
  auto options = reliability_options(root, state.limits());
  if (!options) return problem(options.error());
  auto wave = decode_wave(state, **instrument, root, "responses");
  if (!wave) return problem(wave.error());
  auto report = reliability(**instrument, *wave, *options);
  if (!report) return problem(report.error());
  return result(encode_reliability_result(**instrument, *report), wave->respondent_count());
}

ApiResponse change_endpoint(const ServiceState& state, const RequestContext& context) {
  const bool inline_instrument = context.instrument_id.empty();
  if (!context.is_json()) return unsupported_media_type(context, false);
  if (auto error = check_parameters(context, {})) return problem(*error);

  json::monotonic_resource arena;
  auto body = parse_body(context, &arena);
  if (!body) return problem(body.error());
  const json::object& root = body->get_object();
  if (auto error = check_body_keys(root, {"pre", "post", "options"}, inline_instrument)) {
    return problem(*error);
  }
  auto instrument = resolve_instrument(state, context, &root);
  if (!instrument) return problem(instrument.error());
  auto options = change_options(root);
  if (!options) return problem(options.error());
  auto pre = decode_wave(state, **instrument, root, "pre");
  if (!pre) return problem(pre.error());
  auto post = decode_wave(state, **instrument, root, "post");
  if (!post) return problem(post.error());
  auto report = change(**instrument, *pre, *post, *options);
  if (!report) return problem(report.error());
  return result(encode_change_result(**instrument, *report), pre->respondent_count() + post->respondent_count());
}

ApiResponse compare_endpoint(const ServiceState& state, const RequestContext& context) {
  const bool inline_instrument = context.instrument_id.empty();
  if (context.is_csv() && !inline_instrument) {
    if (auto error =
            check_parameters(context, {"id_column", "column_prefix", "group_column", "subscale", "ci_level"})) {
      return problem(*error);
    }
    const auto group_column = context.parameter("group_column");
    if (!group_column || group_column->empty()) {
      return problem(400, "a text/csv body needs the query parameter group_column naming the group column", "",
                     "missing_parameter");
    }
    auto instrument = resolve_instrument(state, context, nullptr);
    if (!instrument) return problem(instrument.error());
    auto options = compare_options(context);
    if (!options) return problem(options.error());
    auto wave = decode_csv_wave(state, **instrument, context, *group_column);
    if (!wave) return problem(wave.error());
    auto report = compare(**instrument, *wave, *options);
    if (!report) return problem(report.error());
    return result(encode_compare_result(**instrument, *report), wave->respondent_count());
  }
  if (!context.is_json()) return unsupported_media_type(context, !inline_instrument);
  if (auto error = check_parameters(context, {})) return problem(*error);

  json::monotonic_resource arena;
  auto body = parse_body(context, &arena);
  if (!body) return problem(body.error());
  const json::object& root = body->get_object();
  if (auto error = check_body_keys(root, {"groups", "options"}, inline_instrument)) {
    return problem(*error);
  }
  auto instrument = resolve_instrument(state, context, &root);
  if (!instrument) return problem(instrument.error());
  auto options = compare_options(root);
  if (!options) return problem(options.error());
  const json::value* groups_value = root.if_contains("groups");
  if (!groups_value) return problem(400, "\"groups\" is required", "/groups", "missing_key");
  const json::object* groups = groups_value->if_object();
  if (!groups) {
    return problem(400, "\"groups\" must be an object of group name to respondents", "/groups", "wrong_type");
  }
  std::vector<std::pair<std::string, ResponseMatrix>> waves;
  std::size_t respondents = 0;
  for (const auto& entry : *groups) {
    auto wave = decode_wave(state, **instrument, *groups, entry.key());
    if (!wave) {
      Error error = std::move(wave.error());
      for (auto& p : error.problems) p.pointer.insert(0, "/groups");
      return problem(error);
    }
    respondents += wave->respondent_count();
    if (respondents > state.limits().max_respondents) {
      return problem(422, "at most " + std::to_string(state.limits().max_respondents) + " respondents per request",
                     "/groups", "too_many_respondents");
    }
    waves.emplace_back(std::string(entry.key()), std::move(*wave));
  }
  auto report = compare(**instrument, waves, *options);
  if (!report) return problem(report.error());
  return result(encode_compare_result(**instrument, *report), respondents);
}

}  // namespace psyscore::service
