// Routing and the endpoint handlers of docs/api.md section 3; the page at "/".

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "endpoints.hpp"
#include "fhir_endpoints.hpp"
#include "openapi_document.hpp"
#include "problem.hpp"
#include "psyscore/json.hpp"
#include "router.hpp"
#include "scoring/util/json_input.hpp"
#include "scoring/util/json_writer.hpp"
#include "web_endpoints.hpp"

namespace psyscore::service {

namespace {

// The deepest route has five segments (/v1/instruments/{id}/fhir/Questionnaire).
constexpr std::size_t kMaxSegments = 5;

// A path cut at its slashes; runs of slashes count as one, so "/v1//score/"
// is v1, score. Of a path deeper than every route only the depth is kept.
// Every request is matched against every route, so this allocates nothing.
struct Segments {
  std::array<std::string_view, kMaxSegments> part{};
  std::size_t count = 0;
};

constexpr Segments split_path(std::string_view path) {
  Segments segments;
  while (true) {
    const auto start = path.find_first_not_of('/');
    if (start == std::string_view::npos) return segments;
    path.remove_prefix(start);
    const auto end = std::min(path.find('/'), path.size());
    if (segments.count < kMaxSegments) segments.part[segments.count] = path.substr(0, end);
    ++segments.count;
    path.remove_prefix(end);
  }
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<QueryParameters> parse_query(std::string_view query) {
  QueryParameters parameters;
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals));
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name || !value) {
      return std::unexpected(Error::single(
          ErrorCode::malformed, {.code = "bad_query", .message = "the query string has a malformed %-escape"}));
    }
    parameters.emplace_back(std::move(*name), std::move(*value));
  }
  return parameters;
}

ApiResponse json_response(std::string body, std::size_t respondents = 0) {
  ApiResponse response;
  response.body = std::move(body);
  response.respondents = respondents;
  return response;
}

ApiResponse text_response(std::string body, std::string content_type) {
  ApiResponse response;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

ApiResponse health(const ServiceState&, const RequestContext&) { return json_response("{\"status\":\"ok\"}\n"); }

ApiResponse ready(const ServiceState& state, const RequestContext&) {
  const auto registry = state.registry();
  if (state.draining() || registry->instruments().empty()) {
    // The one 5xx of the API, and not an answer to a bad request: a load
    // balancer's readiness probe expects 503 while the server drains.
    return problem(503, state.draining() ? "the server is shutting down" : "no instruments are loaded");
  }
  std::string body;
  detail::JsonWriter out(body);
  out.begin_object().field("status", "ready").field("instruments", registry->instruments().size()).end_object();
  body.push_back('\n');
  return json_response(std::move(body));
}

ApiResponse metrics(const ServiceState& state, const RequestContext&) {
  return text_response(state.metrics().render(*state.registry()), "text/plain; version=0.0.4; charset=utf-8");
}

ApiResponse openapi(const ServiceState&, const RequestContext&) {
  return json_response(std::string(openapi_document()));
}

ApiResponse list_instruments(const ServiceState& state, const RequestContext&) {
  return json_response(encode_registry(*state.registry()));
}

ApiResponse show_instrument(const ServiceState& state, const RequestContext& context) {
  const auto instrument = state.registry()->find(context.instrument_id);
  if (!instrument) return problem(404, "no instrument \"" + context.instrument_id + "\"", "", "unknown_instrument");
  return json_response(instrument->canonical_json + "\n");
}

ApiResponse validate(const ServiceState&, const RequestContext& context) {
  if (!context.is_json()) return unsupported_media_type(context, false);
  auto instrument = parse_instrument(context.body);
  if (!instrument) return problem(instrument.error());
  return json_response(encode_validation(**instrument));
}

using Handler = ApiResponse (*)(const ServiceState&, const RequestContext&);

struct Route {
  constexpr Route(std::string_view verb, std::string_view path_pattern, Handler answer, bool always_heavy)
      : method(verb), pattern(path_pattern), segments(split_path(path_pattern)), handler(answer), heavy(always_heavy) {}

  std::string_view method;
  std::string_view pattern;  // "{id}" (or "{name}") matches one segment
  Segments segments;         // of the pattern
  Handler handler;
  // May compute for long whatever the size of the body (a bootstrap, an
  // exhaustive split-half), so always worth running off the I/O threads.
  // The other routes cost in proportion to their body (is_compute_heavy).
  bool heavy;
};

constexpr Route kRoutes[] = {
    {"GET", "/", page_endpoint, false},
    {"GET", "/assets/{name}", asset_endpoint, false},
    {"GET", "/healthz", health, false},
    {"GET", "/readyz", ready, false},
    {"GET", "/metrics", metrics, false},
    {"GET", "/openapi.json", openapi, false},
    {"GET", "/v1/instruments", list_instruments, false},
    {"GET", "/v1/instruments/{id}", show_instrument, false},
    {"POST", "/v1/instruments/validate", validate, false},
    {"POST", "/v1/instruments/{id}/score", score_endpoint, false},
    {"POST", "/v1/instruments/{id}/reliability", reliability_endpoint, true},
    {"POST", "/v1/instruments/{id}/change", change_endpoint, true},
    {"POST", "/v1/instruments/{id}/compare", compare_endpoint, true},
    {"POST", "/v1/instruments/{id}/waves", waves_endpoint, true},
    {"POST", "/v1/instruments/{id}/model", model_endpoint, true},
    {"POST", "/v1/instruments/{id}/controlled", controlled_endpoint, true},
    {"POST", "/v1/instruments/{id}/report", report_endpoint, true},
    {"POST", "/v1/score", score_endpoint, false},
    {"POST", "/v1/reliability", reliability_endpoint, true},
    {"POST", "/v1/change", change_endpoint, true},
    {"POST", "/v1/compare", compare_endpoint, true},
    {"POST", "/v1/waves", waves_endpoint, true},
    {"POST", "/v1/model", model_endpoint, true},
    {"POST", "/v1/controlled", controlled_endpoint, true},
    {"POST", "/v1/report", report_endpoint, true},
    {"GET", "/v1/instruments/{id}/fhir/Questionnaire", fhir_questionnaire_endpoint, false},
    {"POST", "/v1/fhir/score", fhir_score_endpoint, false},
};

// True when `path` is one of `route`'s paths; the segment under "{id}" (or
// "{name}") goes to `id`.
bool matches_route(const Route& route, const Segments& path, std::string_view& id) {
  if (route.segments.count != path.count) return false;
  std::string_view segment;
  for (std::size_t i = 0; i < path.count; ++i) {
    if (route.segments.part[i].starts_with('{')) {
      segment = path.part[i];
    } else if (route.segments.part[i] != path.part[i]) {
      return false;
    }
  }
  // "/v1/instruments/validate" is a route of its own, not an instrument id.
  if (route.pattern == "/v1/instruments/{id}" && segment == "validate") return false;
  id = segment;
  return true;
}

// The routes whose pattern matches `path`; sets context.instrument_id.
std::vector<const Route*> match(const Segments& path, RequestContext& context) {
  std::vector<const Route*> matches;
  for (const Route& route : kRoutes) {
    std::string_view id;
    if (!matches_route(route, path, id)) continue;
    matches.push_back(&route);
    if (!id.empty()) context.instrument_id = id;
  }
  return matches;
}

std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

ApiResponse route_request(const ServiceState& state, ApiRequest& request, RequestContext& context) {
  if (request.target.size() > state.limits().max_target_length) {
    return problem(
        414, "the request target is longer than " + std::to_string(state.limits().max_target_length) + " characters");
  }
  const std::string_view target = request.target;
  const auto question = target.find('?');
  // Paths are rarely escaped: decode only those that are.
  std::string_view path = target.substr(0, question);
  std::optional<std::string> decoded;
  if (path.find_first_of("%+") != std::string_view::npos) {
    decoded = percent_decode(path);
    if (!decoded) return problem(400, "the path has a malformed %-escape");
    path = *decoded;
  }
  auto query = parse_query(question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
  if (!query) return problem(query.error());
  context.query = std::move(*query);

  const auto matches = match(split_path(path), context);
  if (matches.empty()) return problem(404, "no such path: " + std::string(target.substr(0, question)));
  const auto chosen = std::ranges::find_if(matches, [&](const Route* r) { return r->method == request.method; });
  if (chosen == matches.end()) {
    std::string allow;
    for (const Route* r : matches) allow += (allow.empty() ? "" : ", ") + std::string(r->method);
    ApiResponse response = problem(405, "use " + allow + " on this path");
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  const Route& route = **chosen;
  context.route = route.pattern;
  // Probes, and the page (which asks for a key before it calls the API).
  const bool open = route.pattern == "/healthz" || route.pattern == "/readyz" || route.pattern == "/" ||
                    route.pattern == "/assets/{name}";
  if (!open && state.api_keys_required() && !state.authorized(request.authorization)) {
    ApiResponse response = problem(401, "a valid API key is required: send \"Authorization: Bearer <key>\"");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  // The compute budget runs from here: on the compute pool, from when a
  // thread took the request, not from when it was queued.
  if (state.limits().deadline.count() > 0) context.deadline = Deadline::after(state.limits().deadline);
  context.media_type = media_type(request.content_type);
  context.accept = std::move(request.accept);
  context.if_none_match = std::move(request.if_none_match);
  context.body = std::move(request.body);
  return route.handler(state, context);
}

void add_cors_headers(const ServiceState& state, const std::string& origin, ApiResponse& response) {
  if (state.cors_allowed(origin)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", origin);
    response.headers.emplace_back("Vary", "Origin");
  }
}

}  // namespace

ApiResponse handle(const ServiceState& state, ApiRequest&& request) {
  RequestContext context;
  const std::string origin = request.origin;
  const bool preflight = request.method == "OPTIONS";
  ApiResponse response;
  if (preflight && state.cors_allowed(origin)) {
    response.status = 204;
    response.content_type.clear();
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    response.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
    response.headers.emplace_back("Access-Control-Max-Age", "600");
    response.route = "preflight";
  } else {
    response = route_request(state, request, context);
    response.route = context.route.empty() ? "unmatched" : std::string(context.route);
  }
  add_cors_headers(state, origin, response);
  return response;
}

bool is_compute_heavy(const ApiRequest& request) {
  // Scoring takes a few microseconds per respondent, so a small body is
  // answered on the I/O thread that read it: handing it to the compute pool
  // and back costs two thread wake-ups, more than the work itself. A body
  // under this size keeps an I/O thread for well under a millisecond.
  constexpr std::size_t kInlineBodyBytes = std::size_t{16} << 10;
  if (request.method != "POST") return false;  // the GET routes only read the registry
  if (request.body.size() > kInlineBodyBytes) return true;
  // The raw path, as sent: a path that matches only once percent-decoded
  // goes to the pool, which is always safe.
  const std::string_view target = request.target;
  const Segments path = split_path(target.substr(0, target.find('?')));
  std::string_view id;
  return std::ranges::none_of(kRoutes, [&](const Route& route) {
    return !route.heavy && route.method == "POST" && matches_route(route, path, id);
  });
}

ApiResponse queue_full(const ServiceState& state, const ApiRequest& request, std::size_t max_queue) {
  ApiResponse response = problem(503,
                                 "every compute thread is busy and " + std::to_string(max_queue) +
                                     " requests are waiting, as many as --max-queue allows: retry in a second, or on "
                                     "another instance",
                                 "", "queue_full");
  // A second: the queue moves at the pace of the requests in it, mostly
  // milliseconds each; a client that waits longer loses nothing.
  response.headers.emplace_back("Retry-After", "1");
  const std::string_view target = request.target;
  const Segments path = split_path(target.substr(0, target.find('?')));
  std::string_view id;
  for (const Route& route : kRoutes) {
    if (route.method == request.method && matches_route(route, path, id)) {
      response.route = route.pattern;
      break;
    }
  }
  add_cors_headers(state, request.origin, response);
  return response;
}

}  // namespace psyscore::service
