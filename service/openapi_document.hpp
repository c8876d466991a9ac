// The OpenAPI 3.1 document of the API (docs/openapi.json), compiled in.
#pragma once

#include <string_view>

namespace psyscore::service {

std::string_view openapi_document();

}  // namespace psyscore::service
