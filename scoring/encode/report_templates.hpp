// The report's Mustache templates (scoring/encode/report/*.mustache),
// compiled into the binary by cmake/embed_text.cmake. Private to the engine.
#pragma once

#include <string_view>

namespace psyscore::detail {

// The text of the template file `file_name` (e.g. "page.mustache"), or an
// empty view when there is none.
std::string_view report_template(std::string_view file_name);

}  // namespace psyscore::detail
