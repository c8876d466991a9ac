// The endpoints that take waves of responses: score, reliability, change,
// compare, waves, model, controlled and report. Each is a pure function from a request to a response; the
// router (router.cpp) chooses one by route.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <vector>

#include "psyscore/controlled.hpp"
#include "request.hpp"
#include "router.hpp"
#include "state.hpp"

namespace psyscore::service {

// A 200 response with a JSON result body, counting the respondents it took
// (for the metrics).
ApiResponse result(std::string body, std::size_t respondents);

// POST /v1/instruments/{id}/score and /v1/score.
ApiResponse score_endpoint(const ServiceState& state, const RequestContext& context);
// POST .../reliability, .../change and .../compare.
ApiResponse reliability_endpoint(const ServiceState& state, const RequestContext& context);
ApiResponse change_endpoint(const ServiceState& state, const RequestContext& context);
ApiResponse compare_endpoint(const ServiceState& state, const RequestContext& context);
// POST .../waves (waves_endpoint.cpp).
ApiResponse waves_endpoint(const ServiceState& state, const RequestContext& context);
// POST /v1/instruments/{id}/model and /v1/model (service/model_endpoint.cpp).
ApiResponse model_endpoint(const ServiceState& state, const RequestContext& context);
// POST .../controlled (service/controlled_endpoint.cpp).
ApiResponse controlled_endpoint(const ServiceState& state, const RequestContext& context);
// The body of POST .../controlled, {"groups": {"<name>": {"pre": [...],
// "post": [...]}, ...}, "options": {...}}, decoded for body.instrument(); the
// error is the problem response. The controlled report takes the same body.
struct ControlledBody {
  std::vector<ControlledGroup> groups = {};
  ControlledOptions options = {};
  std::size_t respondents = 0;
};
std::expected<ControlledBody, ApiResponse> decode_controlled_body(const ServiceState& state, const JsonBody& body);
// POST /v1/instruments/{id}/report and /v1/report: the HTML report of a
// wave, a pre/post pair, groups, or groups before and after (the body of
// .../controlled) (text/html; charset=utf-8).
ApiResponse report_endpoint(const ServiceState& state, const RequestContext& context);

}  // namespace psyscore::service
