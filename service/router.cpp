// Routing and the endpoint handlers of API.md section 3.

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "api.hpp"
#include "endpoints.hpp"
#include "json_input.hpp"
#include "json_writer.hpp"
#include "openapi_document.hpp"
#include "problem.hpp"
#include "psyscore/json.hpp"

namespace psyscore::service {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto end = path.find('/');
    segments.push_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return segments;
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
      return std::unexpected(Error::single(ErrorCode::malformed,
                                           {"", "", 0, 0, "bad_query", "the query string has a malformed %-escape"}));
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
  std::string_view method;
  std::string_view pattern;  // "{id}" matches one segment
  Handler handler;
  bool heavy;  // worth running off the I/O threads
};

constexpr Route kRoutes[] = {
    {"GET", "/healthz", health, false},
    {"GET", "/readyz", ready, false},
    {"GET", "/metrics", metrics, false},
    {"GET", "/openapi.json", openapi, false},
    {"GET", "/v1/instruments", list_instruments, false},
    {"GET", "/v1/instruments/{id}", show_instrument, false},
    {"POST", "/v1/instruments/validate", validate, false},
    {"POST", "/v1/instruments/{id}/score", score_endpoint, true},
    {"POST", "/v1/instruments/{id}/reliability", reliability_endpoint, true},
    {"POST", "/v1/instruments/{id}/change", change_endpoint, true},
    {"POST", "/v1/instruments/{id}/compare", compare_endpoint, true},
    {"POST", "/v1/score", score_endpoint, true},
    {"POST", "/v1/reliability", reliability_endpoint, true},
    {"POST", "/v1/change", change_endpoint, true},
    {"POST", "/v1/compare", compare_endpoint, true},
};

// The routes whose pattern matches `segments`; sets context.instrument_id.
std::vector<const Route*> match(const std::vector<std::string_view>& segments, RequestContext& context) {
  std::vector<const Route*> matches;
  for (const Route& route : kRoutes) {
    const auto pattern = split_path(route.pattern);
    if (pattern.size() != segments.size()) continue;
    bool ok = true;
    std::string id;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i] == "{id}") {
        id = std::string(segments[i]);
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    // "/v1/instruments/validate" is a route of its own, not an instrument id.
    if (ok && route.pattern == "/v1/instruments/{id}" && id == "validate") ok = false;
    if (ok) {
      matches.push_back(&route);
      if (!id.empty()) context.instrument_id = id;
    }
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
  const auto path = percent_decode(target.substr(0, question));
  if (!path) return problem(400, "the path has a malformed %-escape");
  auto query = parse_query(question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
  if (!query) return problem(query.error());
  context.query = std::move(*query);

  const auto matches = match(split_path(*path), context);
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
  const bool open = route.pattern == "/healthz" || route.pattern == "/readyz";
  if (!open && state.api_keys_required() && !state.authorized(request.authorization)) {
    ApiResponse response = problem(401, "a valid API key is required: send \"Authorization: Bearer <key>\"");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  context.media_type = media_type(request.content_type);
  context.body = std::move(request.body);
  return route.handler(state, context);
}

}  // namespace

bool RequestContext::is_json() const { return media_type == "application/json"; }
bool RequestContext::is_csv() const { return media_type == "text/csv"; }

std::optional<std::string_view> RequestContext::parameter(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

ApiResponse unsupported_media_type(const RequestContext& context, bool csv_allowed) {
  std::string detail = "send the body as application/json";
  if (csv_allowed) detail += " or text/csv";
  detail += context.media_type.empty() ? " (the request has no Content-Type)"
                                       : " (the request's Content-Type is " + context.media_type + ")";
  return problem(415, detail);
}

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
  if (state.cors_allowed(origin)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", origin);
    response.headers.emplace_back("Vary", "Origin");
  }
  return response;
}

bool is_compute_heavy(const ApiRequest& request) { return request.method == "POST"; }

}  // namespace psyscore::service
