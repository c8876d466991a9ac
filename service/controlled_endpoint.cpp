// POST /v1/instruments/{id}/controlled and /v1/controlled: a controlled
// pre/post design, {"groups": {"<name>": {"pre": [...], "post": [...]}, ...},
// "options": {...}}. The report endpoint decodes the same body for the
// controlled report (decode_controlled_body).

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "limits.hpp"
#include "options.hpp"
#include "problem.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/json.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;

std::expected<ControlledBody, ApiResponse> decode_controlled_body(const ServiceState& state, const JsonBody& body) {
  auto options = controlled_options(body.root());
  if (!options) return std::unexpected(problem(options.error()));
  const json::value* groups_value = body.root().if_contains("groups");
  if (!groups_value) return std::unexpected(problem(400, "\"groups\" is required", "/groups", "missing_key"));
  const json::object* groups = groups_value->if_object();
  if (!groups) {
    return std::unexpected(problem(400,
                                   "\"groups\" must be an object of group name to {\"pre\": [...], \"post\": [...]}",
                                   "/groups", "wrong_type"));
  }
  ControlledBody out{.options = std::move(*options)};
  for (const auto& entry : *groups) {
    const std::string pointer = detail::pointer_append("/groups", entry.key());
    const json::object* group = entry.value().if_object();
    if (!group) {
      return std::unexpected(
          problem(400, "group \"" + std::string(entry.key()) + "\" must be an object {\"pre\": [...], \"post\": [...]}",
                  pointer, "wrong_type"));
    }
    for (const auto& member : *group) {
      if (member.key() == "pre" || member.key() == "post") continue;
      return std::unexpected(
          problem(400, "unknown key \"" + std::string(member.key()) + "\"; a group has \"pre\" and \"post\"",
                  detail::pointer_append(pointer, member.key()), "unknown_key"));
    }
    ControlledGroup decoded;
    decoded.name = std::string(entry.key());
    for (const char* wave_key : {"pre", "post"}) {
      auto wave = decode_wave(state, body.instrument(), *group, wave_key);
      if (!wave) {
        Error error = std::move(wave.error());
        for (auto& p : error.problems) p.pointer.insert(0, pointer);
        return std::unexpected(problem(error));
      }
      out.respondents += wave->respondent_count();
      (std::string_view(wave_key) == "pre" ? decoded.pre : decoded.post) = std::move(*wave);
    }
    if (auto error = check_respondents(state.limits(), out.respondents, "/groups")) {
      return std::unexpected(problem(*error));
    }
    out.groups.push_back(std::move(decoded));
  }
  return out;
}

ApiResponse controlled_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv()) return unsupported_media_type(context, false);
  JsonBody body(state, context, {"groups", "options"});
  if (body.failure) return std::move(*body.failure);
  auto decoded = decode_controlled_body(state, body);
  if (!decoded) return std::move(decoded.error());
  auto report = controlled(body.instrument(), decoded->groups, decoded->options);
  if (!report) return problem(report.error());
  return result(encode_controlled_result(body.instrument(), *report), decoded->respondents);
}

}  // namespace psyscore::service
