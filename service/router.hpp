// The HTTP API of psyscore as a pure function from request to response.
//
// `handle()` knows nothing of sockets or Beast: a session (session.cpp)
// turns bytes into an ApiRequest and the ApiResponse back into bytes, and
// tests call handle() directly. Every response, success or problem, is
// built here; no request, however malformed, gets a 5xx.
//
//   ApiResponse response = handle(state, {.method = "GET", .target = "/v1/instruments"});
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "state.hpp"

namespace psyscore::service {

struct ApiRequest {
  std::string method;         // "GET", "POST", ...
  std::string target;         // path and query, as sent: "/v1/instruments/phq-9/score?id_column=rid"
  std::string content_type;   // the Content-Type header; may be empty
  std::string authorization;  // the Authorization header; may be empty
  std::string origin;         // the Origin header; may be empty
  std::string accept;         // the Accept header; may be empty
  std::string if_none_match;  // the If-None-Match header; may be empty
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Allow
  std::string route = "unmatched";                           // the route template, for metrics and logs
  std::size_t respondents = 0;                               // respondents scored or analysed, for metrics
};

// Answers one request. Thread-safe: any number of threads may call it with
// the same state.
ApiResponse handle(const ServiceState& state, ApiRequest&& request);

// True for requests worth running off the I/O threads (they may compute for
// longer than a few milliseconds).
bool is_compute_heavy(const ApiRequest& request);

// The answer to a request that found the compute queue full (`max_queue`
// requests waiting for a thread): 503 with Retry-After and a problem
// "queue_full" naming --max-queue, under the route the request matches, with
// the CORS headers handle() would add. The request is not handled.
ApiResponse queue_full(const ServiceState& state, const ApiRequest& request, std::size_t max_queue);

}  // namespace psyscore::service
