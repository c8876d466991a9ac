// GET / and GET /assets/{name}: the page of `psyscore serve` (service/web),
// compiled in (web_assets.hpp). Open without an API key, like /healthz: the
// page asks for a key before it calls the API.
#pragma once

#include "request.hpp"
#include "router.hpp"
#include "state.hpp"

namespace psyscore::service {

// GET /: the page.
ApiResponse page_endpoint(const ServiceState& state, const RequestContext& context);
// GET /assets/{name}: its CSS, script, icon and report frame.
ApiResponse asset_endpoint(const ServiceState& state, const RequestContext& context);

}  // namespace psyscore::service
