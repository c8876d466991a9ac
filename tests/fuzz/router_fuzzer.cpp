// Target `router`: bytes -> ApiRequest -> handle(), no sockets.
//
// The bytes are read as a plain-text request, so that the fuzzer (helped by
// router.dict) can reach every route with any method, header and body:
//
//   POST /v1/instruments/gad-7/score?id_column=rid   (request line; a third word is ignored)
//   Content-Type: text/csv                           (headers until an empty line;
//   Authorization: Bearer fuzz-key                    Content-Type, Authorization and
//   Origin: https://survey.example.org                Origin are used)
//
//   rid,1,2,3,4,5,6,7                                (the body: the rest)
//
// A request with an Authorization header goes to a server that requires API
// keys and is draining; any other to an open one. Both allow the Origin above.
//
// Invariants: every response has a status of 1xx..4xx, the only 5xx being
// /readyz while draining; a JSON or problem body is valid JSON without
// duplicate keys, and a problem's "status" is the response's.

#include <algorithm>
#include <cctype>
#include <memory>

#include <boost/json.hpp>

#include "fuzz_support.hpp"
#include "router.hpp"
#include "scoring/util/json_input.hpp"

namespace psyscore::fuzz {

namespace {

constexpr std::string_view kTarget = "router";

service::ServiceState& make_state(std::vector<std::string> api_keys) {
  service::ServiceLimits limits;
  limits.max_body_bytes = 1 << 20;
  limits.max_respondents = 200;
  limits.max_items = 40;
  limits.max_subscales = 8;
  limits.max_bootstrap_iterations = 200;
  limits.max_bootstrap_answers = 400'000;
  limits.max_waves = 6;
  static std::vector<std::unique_ptr<service::ServiceState>> states;
  states.push_back(std::make_unique<service::ServiceState>(
      std::make_shared<const Registry>(bundled_registry()), PSYSCORE_SOURCE_DIR "/instruments", limits,
      std::move(api_keys), std::vector<std::string>{"https://survey.example.org"}));
  return *states.back();
}

const service::ServiceState& open_state() {
  static const service::ServiceState& state = make_state({});
  return state;
}

const service::ServiceState& guarded_state() {
  static const service::ServiceState& state = []() -> const service::ServiceState& {
    service::ServiceState& draining = make_state({"fuzz-key"});
    draining.start_draining();
    return draining;
  }();
  return state;
}

bool same_name(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// The next line of `text` without its line ending; `text` moves past it.
std::string_view next_line(std::string_view& text) {
  const auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

struct ParsedRequest {
  service::ApiRequest request;
  bool has_authorization = false;
};

ParsedRequest parse_request(std::string_view text) {
  ParsedRequest parsed;
  service::ApiRequest& request = parsed.request;
  const std::string_view request_line = next_line(text);
  const auto space = request_line.find(' ');
  request.method = std::string(request_line.substr(0, space));
  if (space != std::string_view::npos) {
    const std::string_view rest = request_line.substr(space + 1);
    request.target = std::string(rest.substr(0, rest.find(' ')));
  }
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.empty()) break;
    const auto colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    while (value.starts_with(' ')) value.remove_prefix(1);
    if (same_name(name, "Content-Type")) {
      request.content_type = std::string(value);
    } else if (same_name(name, "Authorization")) {
      request.authorization = std::string(value);
      parsed.has_authorization = true;
    } else if (same_name(name, "Origin")) {
      request.origin = std::string(value);
    }
  }
  request.body = std::string(text);
  return parsed;
}

const std::string* header(const service::ApiResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (same_name(key, name)) return &value;
  }
  return nullptr;
}

void check_response(const service::ServiceState& state, const service::ApiResponse& response) {
  const std::string where = std::to_string(response.status) + " from " + response.route + ": " + response.body;
  PSYSCORE_FUZZ_CHECK(kTarget, response.status >= 100 && response.status <= 599, where);
  PSYSCORE_FUZZ_CHECK(kTarget, response.status < 500 || (response.route == "/readyz" && state.draining()), where);
  PSYSCORE_FUZZ_CHECK(kTarget, response.respondents <= 2 * state.limits().max_respondents, where);
  if (response.status == 204) {
    PSYSCORE_FUZZ_CHECK(kTarget, response.body.empty(), where);
    return;
  }
  PSYSCORE_FUZZ_CHECK(kTarget, !response.content_type.empty(), where);
  if (response.status == 405) PSYSCORE_FUZZ_CHECK(kTarget, header(response, "Allow") != nullptr, where);
  if (response.status == 401) PSYSCORE_FUZZ_CHECK(kTarget, header(response, "WWW-Authenticate") != nullptr, where);

  if (response.content_type == "application/json") {
    PSYSCORE_FUZZ_CHECK(kTarget, is_json(response.body), where);
  } else if (response.content_type == "application/problem+json") {
    PSYSCORE_FUZZ_CHECK(kTarget, response.status >= 400, where);
    auto problem = detail::parse_json(response.body);
    PSYSCORE_FUZZ_CHECK(kTarget, problem.has_value() && problem->is_object(), where);
    const boost::json::object& object = problem->get_object();
    const boost::json::value* status = object.if_contains("status");
    PSYSCORE_FUZZ_CHECK(kTarget, status && status->is_int64() && status->get_int64() == response.status, where);
    const boost::json::value* title = object.if_contains("title");
    PSYSCORE_FUZZ_CHECK(kTarget, title && title->is_string() && !title->get_string().empty(), where);
    const boost::json::value* detail = object.if_contains("detail");
    PSYSCORE_FUZZ_CHECK(kTarget, detail && detail->is_string(), where);
  } else {
    PSYSCORE_FUZZ_CHECK(kTarget, response.route == "/metrics", "unexpected Content-Type " + response.content_type);
  }
}

}  // namespace

int run_router(const std::uint8_t* data, std::size_t size) {
  ParsedRequest parsed = parse_request(as_text(data, size));
  const service::ServiceState& state = parsed.has_authorization ? guarded_state() : open_state();
  const std::string origin = parsed.request.origin;
  const service::ApiResponse response = service::handle(state, std::move(parsed.request));
  check_response(state, response);
  // CORS headers go to allowed origins only.
  const std::string* allowed = header(response, "Access-Control-Allow-Origin");
  PSYSCORE_FUZZ_CHECK(kTarget, (allowed != nullptr) == state.cors_allowed(origin), origin);
  if (allowed) PSYSCORE_FUZZ_CHECK(kTarget, *allowed == origin, origin);
  return 0;
}

}  // namespace psyscore::fuzz
