// POST /v1/instruments/{id}/controlled and /v1/controlled: a controlled
// pre/post design, {"groups": {"<name>": {"pre": [...], "post": [...]}, ...},
// "options": {...}}.

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "options.hpp"
#include "problem.hpp"
#include "psyscore/controlled.hpp"
#include "psyscore/json.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::service {

namespace json = boost::json;

ApiResponse controlled_endpoint(const ServiceState& state, const RequestContext& context) {
  if (context.is_csv()) return unsupported_media_type(context, false);
  JsonBody body(state, context, {"groups", "options"});
  if (body.failure) return std::move(*body.failure);
  auto options = controlled_options(body.root());
  if (!options) return problem(options.error());
  const json::value* groups_value = body.root().if_contains("groups");
  if (!groups_value) return problem(400, "\"groups\" is required", "/groups", "missing_key");
  const json::object* groups = groups_value->if_object();
  if (!groups) {
    return problem(400, "\"groups\" must be an object of group name to {\"pre\": [...], \"post\": [...]}", "/groups",
                   "wrong_type");
  }
  std::vector<ControlledGroup> waves;
  std::size_t respondents = 0;
  for (const auto& entry : *groups) {
    const std::string pointer = detail::pointer_append("/groups", entry.key());
    const json::object* group = entry.value().if_object();
    if (!group) {
      return problem(400,
                     "group \"" + std::string(entry.key()) + "\" must be an object {\"pre\": [...], \"post\": [...]}",
                     pointer, "wrong_type");
    }
    for (const auto& member : *group) {
      if (member.key() == "pre" || member.key() == "post") continue;
      return problem(400, "unknown key \"" + std::string(member.key()) + "\"; a group has \"pre\" and \"post\"",
                     detail::pointer_append(pointer, member.key()), "unknown_key");
    }
    ControlledGroup decoded;
    decoded.name = std::string(entry.key());
    for (const char* wave_key : {"pre", "post"}) {
      auto wave = decode_wave(state, body.instrument(), *group, wave_key);
      if (!wave) {
        Error error = std::move(wave.error());
        for (auto& p : error.problems) p.pointer.insert(0, pointer);
        return problem(error);
      }
      respondents += wave->respondent_count();
      (std::string_view(wave_key) == "pre" ? decoded.pre : decoded.post) = std::move(*wave);
    }
    if (respondents > state.limits().max_respondents) {
      return problem(422, "at most " + std::to_string(state.limits().max_respondents) + " respondents per request",
                     "/groups", "too_many_respondents");
    }
    waves.push_back(std::move(decoded));
  }
  auto report = controlled(body.instrument(), waves, *options);
  if (!report) return problem(report.error());
  return result(encode_controlled_result(body.instrument(), *report), respondents);
}

}  // namespace psyscore::service
